import { createHash } from 'node:crypto';
import { BACKWARDS, END, jsonEvent, NO_STREAM, StreamNotFoundError, WrongExpectedVersionError, type EventStoreDBClient } from '@eventstore/db-client';
import { type IdempotencyStore, type Reservation, type StoredResponse } from '@piao/event-store';
import { INTERNAL_PREFIX } from './eventstoredb-event-store';

type Entry =
  | { type: 'Reserved'; data: { requestHash: string; lockedUntil: number } }
  | { type: 'Completed'; data: { requestHash: string; status: number; body: unknown } }
  | { type: 'Released'; data: Record<string, never> };

/** One stream per key; the expected revision of each append is the lock. */
export class EventStoreDbIdempotencyStore implements IdempotencyStore {
  constructor(private readonly client: EventStoreDBClient) {}

  async reserve(scope: string, key: string, requestHash: string, lockMs: number): Promise<Reservation> {
    const stream = streamOf(scope, key);
    const latest = await this.latest(stream);
    if (latest) {
      const { entry, revision } = latest;
      if (entry.type === 'Completed') {
        return entry.data.requestHash === requestHash
          ? { outcome: 'completed', response: { status: entry.data.status, body: entry.data.body } }
          : { outcome: 'key-reused' };
      }
      if (entry.type === 'Reserved') {
        if (entry.data.requestHash !== requestHash) return { outcome: 'key-reused' };
        if (entry.data.lockedUntil > Date.now()) return { outcome: 'in-progress' };
      }
      return this.append(stream, { type: 'Reserved', data: { requestHash, lockedUntil: Date.now() + lockMs } }, BigInt(revision));
    }
    return this.append(stream, { type: 'Reserved', data: { requestHash, lockedUntil: Date.now() + lockMs } }, NO_STREAM);
  }

  async complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    const stream = streamOf(scope, key);
    const latest = await this.latest(stream);
    const requestHash = latest?.entry.type === 'Reserved' ? latest.entry.data.requestHash : '';
    await this.client.appendToStream(stream, jsonEvent({ type: 'Completed', data: { requestHash, status: response.status, body: response.body as never } }));
  }

  async release(scope: string, key: string): Promise<void> {
    await this.client.appendToStream(streamOf(scope, key), jsonEvent({ type: 'Released', data: {} }));
  }

  private async append(stream: string, entry: Entry, expectedRevision: bigint | typeof NO_STREAM): Promise<Reservation> {
    try {
      await this.client.appendToStream(stream, jsonEvent({ type: entry.type, data: entry.data as never }), { expectedRevision });
      return { outcome: 'reserved' };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return { outcome: 'in-progress' };
      throw error;
    }
  }

  private async latest(stream: string): Promise<{ entry: Entry; revision: number } | undefined> {
    try {
      for await (const resolved of this.client.readStream(stream, { fromRevision: END, direction: BACKWARDS, maxCount: 1 })) {
        if (resolved.event) return { entry: { type: resolved.event.type, data: resolved.event.data } as Entry, revision: Number(resolved.event.revision) };
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return undefined;
  }
}

function streamOf(scope: string, key: string): string {
  return `${INTERNAL_PREFIX}idempotency-${createHash('sha256').update(`${scope}\u0000${key}`).digest('hex')}`;
}
