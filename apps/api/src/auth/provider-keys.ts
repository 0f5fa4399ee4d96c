import { Logger } from '@nestjs/common';
import { createLocalJWKSet, errors, type FlattenedJWSInput, type JSONWebKeySet, type JWSHeaderParameters, type KeyLike } from 'jose';

/** The provider's key set could not be fetched (refused, timed out, 5xx, not a key set): nobody's token can be checked. */
export class IdentityProviderUnavailable extends Error {}

export interface ProviderKeysOptions {
  /** The provider's key set (jwks_uri). */
  url: URL;
  /** The longest a fetched set is used: after it, the next token waits for a fetch. */
  maxAgeMs: number;
  /** A key id not in the set fetches it again, but no sooner than this after the previous fetch. */
  cooldownMs: number;
  /** How long a fetch may take. */
  timeoutMs?: number;
  /** After a failed fetch, tokens are refused (503) for this long without another attempt. */
  failurePauseMs?: number;
  now?: () => number;
}

/** What a key was looked up in: a verification made with it stays good no longer than the set's freshness. */
export interface KeyLookup {
  /** When the key set that held the token's key was fetched. */
  fetchedAt?: number;
}

type LocalKeySet = ReturnType<typeof createLocalJWKSet>;

/**
 * The identity provider's key set, fetched over HTTP and kept at most `maxAgeMs`. This is jose's
 * `createRemoteJWKSet` (same key selection, through `createLocalJWKSet`) with three differences the API needs: the
 * time each set was fetched is known, so a remembered verification never outlives the set it was made with; a failed
 * fetch is told apart from a bad token (503, not 401) and paused on, so that an outage does not send every request to
 * a provider that is down; and the cooldown on unknown key ids runs from the last attempt, failed ones included.
 * Like jose's, a set older than `maxAgeMs` is never used, even while the provider is down: the bound on a removed
 * key holds during an outage too.
 */
export class ProviderKeys {
  private readonly logger = new Logger('IdentityProvider');
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private readonly failurePauseMs: number;
  private current?: { keys: LocalKeySet; fetchedAt: number };
  private pending?: Promise<void>;
  private lastAttemptAt?: number;
  private lastFailureAt?: number;

  constructor(private readonly options: ProviderKeysOptions) {
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.failurePauseMs = options.failurePauseMs ?? 1_000;
  }

  /** jose's key-resolution callback, recording in `lookup` which fetch of the set the key came from. */
  async getKey(lookup: KeyLookup, header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<KeyLike> {
    if (!this.current || this.now() - this.current.fetchedAt >= this.options.maxAgeMs) await this.refresh();
    let set = this.current!;
    try {
      const key = await set.keys(header, token);
      lookup.fetchedAt = set.fetchedAt;
      return key;
    } catch (error) {
      // The provider may have published a new key since the last fetch: look again, at most once per cooldown.
      if (!(error instanceof errors.JWKSNoMatchingKey) || this.now() - (this.lastAttemptAt ?? 0) < this.options.cooldownMs) throw error;
      await this.refresh();
      set = this.current!;
      const key = await set.keys(header, token);
      lookup.fetchedAt = set.fetchedAt;
      return key;
    }
  }

  /** One fetch at a time, shared by every request waiting for it. */
  private refresh(): Promise<void> {
    if (this.pending) return this.pending;
    if (this.lastFailureAt !== undefined && this.now() - this.lastFailureAt < this.failurePauseMs) {
      return Promise.reject(new IdentityProviderUnavailable('the last fetch of the key set failed moments ago'));
    }
    this.pending = this.download().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async download(): Promise<void> {
    const startedAt = this.now();
    this.lastAttemptAt = startedAt;
    try {
      const response = await fetch(this.options.url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(this.timeoutMs) });
      if (response.status !== 200) {
        await response.body?.cancel();
        throw new Error(`answered ${response.status}`);
      }
      // A set that is not JSON, or not a key set, is the provider's failure (jose throws JWKSInvalid), not a token's.
      const keys = createLocalJWKSet((await response.json()) as JSONWebKeySet);
      // The start of the fetch, not its end: the set may have changed at the provider while the answer travelled.
      this.current = { keys, fetchedAt: startedAt };
      this.lastFailureAt = undefined;
    } catch (error) {
      this.lastFailureAt = this.now();
      // The address goes to the operator's log only: a client is told that the provider is unavailable, not where it is.
      this.logger.warn(`the key set at ${this.options.url.href} could not be fetched: ${describe(error)}`);
      throw new IdentityProviderUnavailable('the key set could not be fetched');
    }
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
