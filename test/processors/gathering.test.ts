import { randomUUID } from 'node:crypto';
import { ProcessorRunner, SystemClock, type Processor } from '@piao/application';
import { type StoredEvent } from '@piao/event-store';
import { openStorage, type Storage } from '@piao/storage';
import { metadataOf, sleep, until } from '../support/processor-harness';

/**
 * A processor that gathers (PROCESSOR_GATHER_MS): after a batch that did not fill up it waits before reading on, so
 * that the events written meanwhile come in one batch; a reader waiting for a position wakes it at once. Gathering
 * changes when events are handled, never which or how often: every event once, in log order.
 */
describe('a processor gathering events between partial batches (PGlite)', () => {
  let storage: Storage;
  beforeEach(async () => {
    storage = await openStorage({ kind: 'pglite' });
  });
  afterEach(async () => {
    await storage.events.close();
  });

  const append = (streamId: string, expected: number | 'no-stream') =>
    storage.events.append(streamId, [{ id: randomUUID(), type: 'Noted', data: {}, metadata: metadataOf('comune-gather', 'segretario') }], expected);

  const recorder = (batches: StoredEvent[][]): Processor => ({
    name: `gathering-${randomUUID().slice(0, 8)}`,
    mode: 'transactional',
    batchSize: 1_000,
    async handle(events) {
      batches.push(events);
    },
  });

  it('waits out the gathering pause after a partial batch, and a poke ends the pause at once', async () => {
    const batches: StoredEvent[][] = [];
    await append('objective-g1', 'no-stream');
    const runner = new ProcessorRunner(recorder(batches), storage.events, storage.processors, new SystemClock(), {
      holder: 'gather-test',
      leaseMs: 60_000,
      idleMs: 20, // without gathering, the second event would be read within 20 ms
      gatherMs: 60_000,
    }).start();
    try {
      await until(() => batches.length === 1, 'the first batch');
      await append('objective-g1', 0);
      await sleep(400);
      // Gathering: the second event waits, though the runner would have read it on its next step.
      expect(batches.length).toBe(1);
      runner.poke();
      await until(() => batches.length === 2, 'the batch after the poke', 5_000);
      expect(batches.map((b) => b.map((e) => e.revision))).toEqual([[0], [1]]);
    } finally {
      await runner.stop();
    }
  });

  it('under a stream of appends: every event handled once, in log order, in fewer batches than events', async () => {
    const batches: StoredEvent[][] = [];
    const runner = new ProcessorRunner(recorder(batches), storage.events, storage.processors, new SystemClock(), {
      holder: 'gather-test',
      leaseMs: 60_000,
      idleMs: 20,
      gatherMs: 50,
    }).start();
    const streams = ['objective-a', 'objective-b', 'objective-c'];
    try {
      for (let i = 0; i < 150; i++) {
        await append(streams[i % 3], i < 3 ? 'no-stream' : Math.floor(i / 3) - 1);
        if (i % 10 === 0) await sleep(5);
      }
      await until(() => batches.flat().length === 150, 'every event', 10_000);
    } finally {
      await runner.stop();
    }
    const handled = batches.flat();
    expect(new Set(handled.map((e) => e.id)).size).toBe(150);
    const positions = handled.map((e) => e.position.commit * 1_000_000n + e.position.prepare);
    expect(positions).toEqual([...positions].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    expect(batches.length).toBeLessThan(150);
  });
});
