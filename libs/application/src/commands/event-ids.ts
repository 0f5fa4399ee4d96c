import { createHash, randomUUID } from 'node:crypto';
import { type IdempotentRequest } from './command-request';

/**
 * The id of the `index`-th event a command appends. With an Idempotency-Key it is derived from the key's scope,
 * the key, the request's fingerprint and the index (a UUID in the v8 layout over SHA-256), so that the same command
 * appended twice carries the same ids: the log's event ids, unique within a stream, refuse the second copy, and
 * EventStoreDB deduplicates a re-sent append. Without a key, a random UUID.
 */
export function eventId(idempotency: KeyedRequest | undefined, index: number): string {
  return idempotency ? derivedUuid(idempotency, index) : randomUUID();
}

/**
 * The id of what a command creates (a plan, an objective drafted without a code, a dossier): with a key, derived as
 * its events' ids are, so that the same command sent again once its record has been purged finds the stream it
 * created taken (and its event ids in it) rather than creating a second one. Event ids are unique within a stream
 * (migration 0011): a creation under a random id would escape that check. Without a key, a random UUID.
 */
export function createdId(idempotency: KeyedRequest | undefined): string {
  return idempotency ? derivedUuid(idempotency, 'created') : randomUUID();
}

type KeyedRequest = Pick<IdempotentRequest, 'scope' | 'key' | 'requestHash'>;

function derivedUuid({ scope, key, requestHash }: KeyedRequest, what: number | string): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([scope.ente, scope.subject, key, requestHash, what]))
    .digest();
  hash[6] = (hash[6] & 0x0f) | 0x80;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
