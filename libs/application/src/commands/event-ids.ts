import { createHash, randomUUID } from 'node:crypto';
import { type IdempotentRequest } from './command-request';

/**
 * The id of the `index`-th event a command appends. With an Idempotency-Key it is derived from the key's scope,
 * the key, the request's fingerprint and the index (a UUID in the v8 layout over SHA-256), so that the same command
 * appended twice carries the same ids: the log's unique event ids refuse the second copy, and EventStoreDB
 * deduplicates a re-sent append. Without a key, a random UUID.
 */
export function eventId(idempotency: IdempotentRequest | undefined, index: number): string {
  if (!idempotency) return randomUUID();
  const { scope, key, requestHash } = idempotency;
  const hash = createHash('sha256')
    .update(JSON.stringify([scope.ente, scope.subject, key, requestHash, index]))
    .digest();
  hash[6] = (hash[6] & 0x0f) | 0x80;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
