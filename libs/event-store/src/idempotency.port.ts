/** A stored HTTP response, replayed for a retried request with the same Idempotency-Key. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

export type Reservation = { outcome: 'reserved' } | { outcome: 'completed'; response: StoredResponse } | { outcome: 'in-progress' } | { outcome: 'key-reused' }; // same key, different request

/**
 * Remembers requests by (scope, key). A reservation expires after `lockMs` so that a process that died
 * halfway does not block the key forever.
 */
export interface IdempotencyStore {
  reserve(scope: string, key: string, requestHash: string, lockMs: number): Promise<Reservation>;
  complete(scope: string, key: string, response: StoredResponse): Promise<void>;
  /** Forgets an unfinished reservation (the request failed on the server's side and may be retried). */
  release(scope: string, key: string): Promise<void>;
}

export const IDEMPOTENCY_STORE = Symbol('IdempotencyStore');
