import { Injectable } from '@nestjs/common';
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ROLES, type Actor, type Role } from '@piao/lifecycle';
import { AppConfig } from '../config/app-config';

export class InvalidToken extends Error {}

/**
 * Verifies bearer tokens: HS256 with the configured secret (development), or RS/ES-signed by the OIDC
 * provider whose JWKS URL is configured (production). Claims: sub, name, ente, roles.
 */
@Injectable()
export class TokenVerifier {
  private readonly key: Uint8Array | JWTVerifyGetKey;

  constructor(private readonly config: AppConfig) {
    this.key = config.OIDC_JWKS_URL ? createRemoteJWKSet(new URL(config.OIDC_JWKS_URL)) : new TextEncoder().encode(config.JWT_SECRET);
  }

  async verify(token: string): Promise<Actor> {
    let payload: JWTPayload;
    try {
      const options = { issuer: this.config.OIDC_ISSUER, audience: this.config.OIDC_AUDIENCE, algorithms: this.config.OIDC_JWKS_URL ? undefined : ['HS256'] };
      payload = typeof this.key === 'function' ? (await jwtVerify(token, this.key, options)).payload : (await jwtVerify(token, this.key, options)).payload;
    } catch (error) {
      throw new InvalidToken(`the token is not valid: ${(error as Error).message}`);
    }
    return actorFromClaims(payload);
  }
}

export function actorFromClaims(payload: JWTPayload): Actor {
  const { sub, name, ente, roles } = payload as JWTPayload & { name?: unknown; ente?: unknown; roles?: unknown };
  if (typeof sub !== 'string' || sub === '') throw new InvalidToken('the token has no subject (sub)');
  if (typeof name !== 'string' || name === '') throw new InvalidToken('the token has no name');
  if (typeof ente !== 'string' || ente === '') throw new InvalidToken('the token names no ente');
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => (ROLES as readonly unknown[]).includes(r))) {
    throw new InvalidToken(`the token's roles must be a non-empty list of: ${ROLES.join(', ')}`);
  }
  return { id: sub, name, ente, roles: roles as Role[] };
}
