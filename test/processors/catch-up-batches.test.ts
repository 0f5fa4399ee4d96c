import { randomUUID } from 'node:crypto';
import { ProcessorRunner, SystemClock, type Processor } from '@piao/application';
import { LOG_START, type SqlQuery, type StoredEvent } from '@piao/event-store';
import { openStorage, type Storage } from '@piao/storage';
import { metadataOf } from '../support/processor-harness';

/**
 * A processor far behind the log reads it in growing batches (its batchSize, twice that after each full batch, up to
 * its catchUpBatchSize) and is back at its batchSize after the first batch that does not fill up. A poison event in a
 * large batch is isolated within a batch of the live size. Growing changes how many events a transaction carries,
 * never which or how often: every event once, in log order.
 */
describe('a processor catching up in growing batches (PGlite)', () => {
  let storage: Storage;
  beforeEach(async () => {
    storage = await openStorage({ kind: 'pglite' });
    await storage.sql.query(`CREATE TABLE test_handled (seq bigserial PRIMARY KEY, event_id uuid NOT NULL UNIQUE)`);
  });
  afterEach(async () => {
    await storage.events.close();
  });

  /** Appends `count` events to streams of 10 (one transaction per stream). */
  const fill = async (count: number, prefix = 'objective-fill'): Promise<void> => {
    for (let from = 0; from < count; from += 10) {
      const events = Array.from({ length: Math.min(10, count - from) }, () => ({
        id: randomUUID(),
        type: 'Noted',
        data: {},
        metadata: metadataOf('comune-catch-up', 'segretario'),
      }));
      await storage.events.append(`${prefix}-${from / 10}`, events, 'no-stream');
    }
  };

  /** Records every batch handed to it, and writes each event in the checkpoint's transaction (a second handling would violate the key). */
  const recorder = (batches: StoredEvent[][], poison?: (e: StoredEvent) => boolean): Processor => ({
    name: `catch-up-${randomUUID().slice(0, 8)}`,
    mode: 'transactional',
    batchSize: 10,
    catchUpBatchSize: 80,
    async handle(events: StoredEvent[], tx?: SqlQuery) {
      batches.push(events);
      for (const e of events) {
        if (poison?.(e)) throw new Error(`cannot handle ${e.id}`);
        await tx!.query(`INSERT INTO test_handled (event_id) VALUES ($1)`, [e.id]);
      }
    },
  });

  const runnerOf = (processor: Processor) =>
    new ProcessorRunner(processor, storage.events, storage.processors, new SystemClock(), { holder: 'catch-up-test', leaseMs: 60_000, maxAttempts: 2 });

  const handledInOrder = async () =>
    (await storage.sql.query<{ event_id: string }>(`SELECT event_id::text AS event_id FROM test_handled ORDER BY seq`)).map((r) => r.event_id);

  it('doubles the batch after each full one up to catchUpBatchSize, then follows the live log in batches of batchSize', async () => {
    await fill(400);
    const batches: StoredEvent[][] = [];
    const runner = runnerOf(recorder(batches));
    try {
      await runner.catchUp();
      // 10 + 20 + 40 + 80 × 4 = 390, then the 10 left.
      expect(batches.map((b) => b.length)).toEqual([10, 20, 40, 80, 80, 80, 80, 10]);

      // Caught up (the last batch did not fill up): the next events come in batches of the live size again.
      batches.length = 0;
      await fill(25, 'objective-live');
      await runner.catchUp();
      expect(batches.map((b) => b.length)).toEqual([10, 15]);
    } finally {
      await runner.stop();
    }
    const all = (await storage.events.readAll(LOG_START, 1_000)).map((e) => e.id);
    expect(await handledInOrder()).toEqual(all);
  });

  it('a poison event in a large batch is isolated within a batch of the live size, and every other event is handled once, in log order', async () => {
    await fill(400);
    const all = (await storage.events.readAll(LOG_START, 1_000)).map((e) => e.id);
    // The 301st event: in the sixth batch (80 events from 230), past the first batch of every size.
    const poisonId = all[300];
    const batches: StoredEvent[][] = [];
    const processor = recorder(batches, (e) => e.id === poisonId);
    const runner = runnerOf(processor);
    try {
      await runner.catchUp();
    } finally {
      await runner.stop();
    }

    // Every event but the poison's stream from the poison on (held back behind it, not built on a gap).
    expect(await handledInOrder()).toEqual([...all.slice(0, 300), ...all.slice(310)]);
    const letters = await storage.processors.deadLetters({ processor: processor.name });
    // The poison and the rest of its stream, held back.
    expect(letters.map((l) => l.event.id).sort()).toEqual(all.slice(300, 310).sort());
    expect(letters.filter((l) => !l.heldBack).map((l) => l.event.id)).toEqual([poisonId]);
    // Isolation (batches of one event) ran over at most one batch of the live size, not over the 80 events that failed.
    const singles = batches.filter((b) => b.length === 1);
    expect(singles.length).toBeGreaterThan(0);
    expect(singles.length).toBeLessThanOrEqual(10 + 1);
    // The batch that failed was a large one; what followed it up to its end was read in batches of 10.
    const failedAt = batches.findIndex((b) => b.length > 10 && b.some((e) => e.id === poisonId));
    expect(failedAt).toBeGreaterThan(-1);
    const failedEnd = all.indexOf(batches[failedAt].at(-1)!.id);
    const after = batches.slice(failedAt + 1).filter((b) => all.indexOf(b[0].id) <= failedEnd && b.length > 1);
    expect(after.every((b) => b.length <= 10)).toBe(true);
  });
});
