import { SignJWT } from 'jose';
import { type Role } from '@piao/lifecycle';

export interface TokenClaims {
  sub: string;
  name: string;
  ente: string;
  roles: Role[];
}

export interface DevelopmentTokenOptions {
  /** How long the token is good for, in jose's words ('8h', '30m'): the API refuses a token without an expiry. */
  expiresIn?: string;
  /** `iss`, when the API checks one (OIDC_ISSUER). */
  issuer?: string;
  /** `aud`, when the API checks one (OIDC_AUDIENCE). */
  audience?: string;
}

/** Signs an HS256 token as the development setup expects; production tokens come from the OIDC provider. */
export function mintDevelopmentToken(claims: TokenClaims, secret: string, options: DevelopmentTokenOptions = {}): Promise<string> {
  const jwt = new SignJWT({ name: claims.name, ente: claims.ente, roles: claims.roles })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '8h');
  if (options.issuer) jwt.setIssuer(options.issuer);
  if (options.audience) jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
