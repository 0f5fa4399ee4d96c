import { Injectable } from '@nestjs/common';
import { errors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import { type Actor } from '@piao/lifecycle';
import { AppConfig } from '@piao/config';
import { ProblemException } from '../problem-details/problem';
import { IdentityProviderUnavailable, ProviderKeys, type KeyLookup } from './provider-keys';
import { actorFromClaims, InvalidToken } from './token-claims';

export { InvalidToken } from './token-claims';

/** Verified tokens remembered: the same token arrives with every request of a session. */
const REMEMBERED_TOKENS = 10_000;

/** What an identity provider signs with; HS256 (a shared secret) is never taken from a provider's key set. */
const PROVIDER_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/**
 * Verifies bearer tokens: RS/ES/PS/EdDSA-signed by the OIDC provider whose key set is OIDC_JWKS_URL, or HS256 with
 * JWT_SECRET (development, or a gateway holding the secret). Every token must carry `exp`, and `iss` and `aud` as
 * configured (always in production); `nbf` is honoured; all within OIDC_CLOCK_TOLERANCE_SECONDS. Claims: sub, name,
 * ente, roles. See docs/identity.md.
 */
@Injectable()
export class TokenVerifier {
  private readonly providerKeys?: ProviderKeys;
  private readonly secret?: Uint8Array;
  private readonly options: JWTVerifyOptions;
  private readonly keySetMaxAgeMs: number;
  private readonly verified = new Map<string, { actor: Actor; goodUntil: number }>();

  constructor(config: AppConfig) {
    this.keySetMaxAgeMs = config.OIDC_JWKS_MAX_AGE_SECONDS * 1000;
    if (config.OIDC_JWKS_URL) {
      this.providerKeys = new ProviderKeys({
        url: new URL(config.OIDC_JWKS_URL),
        maxAgeMs: this.keySetMaxAgeMs,
        cooldownMs: config.OIDC_JWKS_COOLDOWN_SECONDS * 1000,
      });
    } else {
      // loadConfig leaves no other case: production requires one of the two, development falls back to its secret.
      this.secret = new TextEncoder().encode(config.JWT_SECRET);
    }
    this.options = {
      issuer: config.OIDC_ISSUER,
      audience: config.OIDC_AUDIENCE,
      clockTolerance: config.OIDC_CLOCK_TOLERANCE_SECONDS,
      // A token without an expiry would be good for ever, wherever it leaked.
      requiredClaims: ['exp'],
      algorithms: this.providerKeys ? PROVIDER_ALGORITHMS : ['HS256'],
    };
  }

  /**
   * The actor of a valid token. InvalidToken (401) when it is not valid; a ProblemException 503 when the provider's key
   * set is needed and cannot be fetched, since then no token can be told good or bad.
   */
  async verify(token: string): Promise<Actor> {
    const known = this.verified.get(token);
    if (known && known.goodUntil > Date.now()) return known.actor;
    this.verified.delete(token);
    const startedAt = Date.now();
    const lookup: KeyLookup = {};
    let payload: JWTPayload;
    try {
      payload = this.providerKeys
        ? (await jwtVerify(token, (header, jws) => this.providerKeys!.getKey(lookup, header, jws), this.options)).payload
        : (await jwtVerify(token, this.secret!, this.options)).payload;
    } catch (error) {
      if (error instanceof IdentityProviderUnavailable) throw providerUnavailable();
      if (error instanceof errors.JOSEError) throw new InvalidToken(`the token is not valid: ${reason(error)}`);
      throw error;
    }
    const actor = actorFromClaims(payload);
    // Remembered until it expires, and, for a provider's token, no longer than the key set it was checked with is
    // fresh: a key the provider removed stops being accepted within OIDC_JWKS_MAX_AGE_SECONDS, remembered or not.
    let goodUntil = payload.exp! * 1000;
    if (this.providerKeys) goodUntil = Math.min(goodUntil, (lookup.fetchedAt ?? startedAt) + this.keySetMaxAgeMs);
    this.verified.set(token, { actor, goodUntil });
    if (this.verified.size > REMEMBERED_TOKENS) this.verified.delete(this.verified.keys().next().value as string);
    return actor;
  }
}

/** Why a token was refused, in words of our own: jose's messages may quote the token's header. */
function reason(error: InstanceType<typeof errors.JOSEError>): string {
  if (error instanceof errors.JWTExpired) return 'it has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return `it has no "${error.claim}" claim`;
    if (error.claim === 'nbf') return 'it is not valid yet (nbf)';
    if (error.claim === 'iss') return 'it was issued by another issuer (iss)';
    if (error.claim === 'aud') return 'it is meant for another audience (aud)';
    return `its "${error.claim}" claim is not acceptable`;
  }
  if (error instanceof errors.JWKSNoMatchingKey) return 'it is signed with a key the identity provider does not publish';
  if (error instanceof errors.JWKSMultipleMatchingKeys) return 'it names no key id (kid) and several keys could have signed it';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'it is signed with an algorithm that is not accepted';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'its signature does not match';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'it is malformed';
  return 'it cannot be verified';
}

function providerUnavailable(): ProblemException {
  return new ProblemException({
    type: '/problems/identity-provider-unavailable',
    title: 'The identity provider is unavailable',
    status: 503,
    detail: 'The keys that sign the tokens could not be fetched from the identity provider, so no token can be checked: retry shortly.',
  });
}
