import { SignJWT } from 'jose';
import { type Role } from '@piao/lifecycle';

export interface TokenClaims {
  sub: string;
  name: string;
  ente: string;
  roles: Role[];
}

/** Signs an HS256 token as the development setup expects; production tokens come from the OIDC provider. */
export function mintDevelopmentToken(claims: TokenClaims, secret: string, expiresIn = '8h'): Promise<string> {
  return new SignJWT({ name: claims.name, ente: claims.ente, roles: claims.roles })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}
