import { Injectable } from '@nestjs/common';
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ROLES, type Actor, type Role } from '@piao/lifecycle';
import { AppConfig } from '@piao/config';

export class InvalidToken extends Error {}

/** Verified tokens remembered until they expire: the same token arrives with every request of a session. */
const REMEMBERED_TOKENS = 10_000;

/**
 * Verifies bearer tokens: HS256 with the configured secret (development), or RS/ES-signed by the OIDC
 * provider whose JWKS URL is configured (production). Claims: sub, name, ente, roles.
 */
@Injectable()
export class TokenVerifier {
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly verified = new Map<string, { actor: Actor; expiresAt: number }>();

  constructor(private readonly config: AppConfig) {
    this.key = config.OIDC_JWKS_URL ? createRemoteJWKSet(new URL(config.OIDC_JWKS_URL)) : new TextEncoder().encode(config.JWT_SECRET);
  }

  async verify(token: string): Promise<Actor> {
    const known = this.verified.get(token);
    if (known && known.expiresAt > Date.now()) return known.actor;
    this.verified.delete(token);
    const { actor, expiresAt } = await this.verifyOnce(token);
    // A token without an expiry is verified each time: nothing says how long it stays good.
    if (expiresAt !== undefined) {
      this.verified.set(token, { actor, expiresAt });
      if (this.verified.size > REMEMBERED_TOKENS) this.verified.delete(this.verified.keys().next().value as string);
    }
    return actor;
  }

  private async verifyOnce(token: string): Promise<{ actor: Actor; expiresAt?: number }> {
    let payload: JWTPayload;
    try {
      const options = { issuer: this.config.OIDC_ISSUER, audience: this.config.OIDC_AUDIENCE, algorithms: this.config.OIDC_JWKS_URL ? undefined : ['HS256'] };
      payload = typeof this.key === 'function' ? (await jwtVerify(token, this.key, options)).payload : (await jwtVerify(token, this.key, options)).payload;
    } catch (error) {
      throw new InvalidToken(`the token is not valid: ${(error as Error).message}`);
    }
    return { actor: actorFromClaims(payload), expiresAt: payload.exp === undefined ? undefined : payload.exp * 1000 };
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
