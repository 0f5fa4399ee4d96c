import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  comparePositions,
  LOG_START,
  ProcessorStepRefused,
  CommandAlreadyRecorded,
  DuplicateEventId,
  WrongExpectedRevision,
  type EventMetadata,
  type NewEvent,
  type StoredEvent,
} from '@piao/event-store';
import { type Storage } from '@piao/storage';
import { ProcessorRunner, SystemClock, type Processor } from '@piao/application';
import { readLog } from '../support/read-log';
import { ADAPTERS, storageUnderTest, type StorageUnderTest } from '../support/storage-under-test';
import { testMetadata } from '../support/event-metadata';

const metadata = (n = 0): EventMetadata =>
  testMetadata({
    recordedAt: new Date(Date.UTC(2022, 2, 14, 9, 0, n)).toISOString(),
    reason: 'Approvazione PIAO',
    act: { number: '31', date: '2022-03-10' },
  });
const event = (type = 'Something', data: object = {}, n = 0): NewEvent => ({ id: randomUUID(), type, data, metadata: metadata(n) });
const stream = () => `objective-${randomUUID()}`;

async function conflictOf(promise: Promise<unknown>): Promise<WrongExpectedRevision> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WrongExpectedRevision) return error;
    throw error;
  }
  throw new Error('the append went through');
}

describe.each(ADAPTERS)('event store contract on %s', (kind) => {
  let sut: StorageUnderTest;
  let storage: Storage;
  beforeAll(async () => {
    sut = await storageUnderTest(kind);
    storage = await sut.open();
  });
  afterAll(async () => {
    await storage.events.close();
    await sut.dispose();
  });

  it('appends to a new stream and reads it back in order, with all its metadata', async () => {
    const id = stream();
    const result = await storage.events.append(id, [event('A', { n: 1 }), event('B', { n: 2 })], 'no-stream');
    expect(result.revision).toBe(1);
    const read = await storage.events.readStream(id);
    expect(read.map((e) => [e.type, e.revision, e.data])).toEqual([
      ['A', 0, { n: 1 }],
      ['B', 1, { n: 2 }],
    ]);
    expect(read[0].metadata).toEqual(metadata());
    expect(comparePositions(read[1].position, result.position)).toBe(0);
  });

  it('reads a stream from a revision', async () => {
    const id = stream();
    await storage.events.append(id, [event('A'), event('B'), event('C')], 'no-stream');
    expect((await storage.events.readStream(id, 1)).map((e) => [e.type, e.revision])).toEqual([
      ['B', 1],
      ['C', 2],
    ]);
    expect(await storage.events.readStream(id, 3)).toEqual([]);
  });

  it('reads a missing stream as empty', async () => {
    expect(await storage.events.readStream(stream())).toEqual([]);
  });

  /** What `work` gets, and the names of the statements it ran (PostgreSQL and PGlite: EventStoreDB reads run none). */
  async function statementsRun<T>(work: () => Promise<T>): Promise<{ result: T; names: (string | undefined)[] }> {
    const names: (string | undefined)[] = [];
    const sql = storage.sql;
    const query = sql.query.bind(sql);
    sql.query = (text, params, name) => {
      names.push(name);
      return query(text, params, name);
    };
    try {
      return { result: await work(), names };
    } finally {
      sql.query = query;
    }
  }

  it('gives each of many reads asked at once its own tail: other streams, other revisions, the same stream twice, a missing one', async () => {
    const ids = Array.from({ length: 70 }, stream);
    await Promise.all(
      ids.map((id, i) =>
        storage.events.append(
          id,
          Array.from({ length: 1 + (i % 4) }, (_, n) => event(`E${n}`, { i, n })),
          'no-stream',
        ),
      ),
    );
    // Asked in one turn: on PostgreSQL and PGlite they are read together, 16 to a statement.
    const asked = [...ids.map((id, i) => ({ id, from: i % 3 })), { id: ids[5], from: 0 }, { id: stream(), from: 0 }, { id: ids[3], from: 9 }];
    const statements = await statementsRun(() => Promise.all(asked.map(({ id, from }) => storage.events.readStream(id, from))));
    const tails = statements.result;
    if (kind !== 'eventstoredb') expect(statements.names).toEqual(Array(5).fill('es_read_streams_16'));
    const alone = [];
    for (const { id, from } of asked) alone.push(await storage.events.readStream(id, from));
    expect(tails).toEqual(alone);
    ids.forEach((id, i) => {
      const expected = Array.from({ length: 1 + (i % 4) }, (_, n) => [id, n, `E${n}`, { i, n }]).slice(i % 3);
      expect(tails[i].map((e) => [e.streamId, e.revision, e.type, e.data])).toEqual(expected);
    });
    expect(tails[70].map((e) => e.revision)).toEqual([0, 1]); // ids[5] holds two events
    expect(tails[71]).toEqual([]);
    expect(tails[72]).toEqual([]);
    // And each with all of its metadata and position, as a read alone gives them.
    expect(tails[0][0].metadata).toEqual(metadata());
  });

  if (kind !== 'eventstoredb') {
    it('answers the reads and key lookups asked just before the store closes (they wait for the end of the turn)', async () => {
      const other = await sut.open();
      const id = stream();
      await other.events.append(id, [event('A')], 'no-stream');
      const read = other.events.readStream(id);
      const found = other.commands.find({ ente: 'c1', subject: 'seg' }, randomUUID());
      await other.events.close();
      expect((await read).map((e) => e.type)).toEqual(['A']);
      expect(await found).toBeUndefined();
    });
  }

  it('a read asked at once with another that fails is answered all the same, and the failure reaches its caller', async () => {
    const id = stream();
    await storage.events.append(id, [event('A')], 'no-stream');
    const results = await Promise.allSettled([storage.events.readStream(id), storage.events.readStream(id, Number.NaN), storage.events.readStream(id, 0)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[0] as PromiseFulfilledResult<StoredEvent[]>).value.map((e) => e.type)).toEqual(['A']);
  });

  it('honours expected revisions: no-stream, exact and any', async () => {
    const id = stream();
    await storage.events.append(id, [event()], 'no-stream');
    expect((await conflictOf(storage.events.append(id, [event()], 'no-stream'))).actual).toBe(0);
    await storage.events.append(id, [event()], 0);
    const stale = await conflictOf(storage.events.append(id, [event()], 0));
    expect([stale.expected, stale.actual]).toEqual([0, 1]);
    expect((await storage.events.append(id, [event(), event()], 'any')).revision).toBe(3);
    expect((await conflictOf(storage.events.append(stream(), [event()], 5))).actual).toBe('no-stream');
    expect((await storage.events.readStream(id)).map((e) => e.revision)).toEqual([0, 1, 2, 3]);
  });

  it('appends all the events of a call or none', async () => {
    const id = stream();
    await storage.events.append(id, [event()], 'no-stream');
    const duplicate = event();
    await expect(storage.events.append(id, [event(), duplicate, { ...duplicate }], 0)).rejects.toThrow();
    expect(await storage.events.readStream(id)).toHaveLength(1);
  });

  it('refuses an event id already in the stream (DuplicateEventId, naming it); the same id in another stream is another event', async () => {
    const id = stream();
    const once = event();
    await storage.events.append(id, [once], 'no-stream');
    const again = await storage.events.append(id, [{ ...once }], 'any').then(
      () => undefined,
      (error: unknown) => error,
    );
    // EventStoreDB may instead acknowledge a re-sent event without writing it (its idempotent append): never twice.
    if (kind !== 'eventstoredb') {
      expect(again).toBeInstanceOf(DuplicateEventId);
      expect((again as DuplicateEventId).streamId).toBe(id);
    }
    expect(await storage.events.readStream(id)).toHaveLength(1);
    const other = stream();
    await storage.events.append(other, [{ ...once }], 'no-stream');
    expect((await storage.events.readStream(other)).map((e) => e.id)).toEqual([once.id]);
  });

  it('processors: one lease holder at a time, checkpoints moved only by compare-and-set, never back', async () => {
    const name = `processor-${randomUUID()}`;
    const processors = storage.processors;
    expect((await processors.checkpoint(name)).position).toEqual(LOG_START);
    expect(await processors.lease(name, 'a', 60_000)).toBe(true);
    expect(await processors.lease(name, 'b', 60_000)).toBe(false);
    expect(await processors.lease(name, 'a', 60_000)).toBe(true); // renewed
    const { position } = await storage.events.append(stream(), [event()], 'no-stream');
    await processors.advance({ name, holder: 'a', from: LOG_START, to: position, count: 1 });
    expect(comparePositions((await processors.checkpoint(name)).position, position)).toBe(0);
    // From a stale position, or without the lease: refused, and the work inside is not kept.
    let ran = false;
    const stale = processors.advance({ name, holder: 'a', from: LOG_START, to: position, count: 1 }, async () => void (ran = true));
    await expect(stale).rejects.toBeInstanceOf(ProcessorStepRefused);
    await expect(processors.advance({ name, holder: 'b', from: position, to: position, count: 0 })).rejects.toBeInstanceOf(ProcessorStepRefused);
    expect(ran).toBe(false);
    expect((await processors.checkpoint(name)).events).toBe(1);
    // Released, the lease goes to the next taker.
    await processors.release(name, 'a');
    expect(await processors.lease(name, 'b', 60_000)).toBe(true);
  });

  it('lets exactly one of 50 concurrent appends at the same revision through; the stream stays intact', async () => {
    const id = stream();
    await storage.events.append(id, [event('Drafted')], 'no-stream');
    const outcomes = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => storage.events.append(id, [event('Progress', { i })], 0)));
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(49);
    expect(lost.every((o) => o.reason instanceof WrongExpectedRevision && o.reason.actual === 1)).toBe(true);
    expect((await storage.events.readStream(id)).map((e) => e.revision)).toEqual([0, 1]);
  });

  it('gives a follower every event exactly once, in log order, while 8 writers append 500 events each', async () => {
    const writers = 8;
    const perWriter = 500;
    const seen: StoredEvent[] = [];
    const run = randomUUID();
    const collector: Processor = {
      name: `contract-${run}`,
      mode: 'idempotent',
      // Earlier tests' events do not count.
      handle: async (batch) => void seen.push(...batch.filter((e) => e.streamId.startsWith(`writer-${run}-`))),
    };
    const follower = new ProcessorRunner(collector, storage.events, storage.processors, new SystemClock(), {
      holder: 'contract',
      leaseMs: 30_000,
      idleMs: 5,
    }).start();
    const written = await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        const id = `writer-${run}-${w}`;
        const ids: string[] = [];
        for (let i = 0; i < perWriter; i++) {
          const e = event('Written', { w, i });
          await storage.events.append(id, [e], i === 0 ? 'no-stream' : i - 1);
          ids.push(e.id);
        }
        return ids;
      }),
    );
    const expected = written.flat();
    const deadline = Date.now() + 60_000;
    try {
      while (seen.length < expected.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    } finally {
      await follower.stop();
    }
    expect(seen).toHaveLength(expected.length);
    expect(new Set(seen.map((e) => e.id))).toEqual(new Set(expected));
    for (let i = 1; i < seen.length; i++) expect(comparePositions(seen[i - 1].position, seen[i].position)).toBe(-1);
    // Each writer's events reach the follower in the order they were appended.
    for (let w = 0; w < writers; w++) {
      const mine = seen.filter((e) => (e.data as { w: number }).w === w).map((e) => (e.data as { i: number }).i);
      expect(mine).toEqual(Array.from({ length: perWriter }, (_, i) => i));
    }
  });

  it("numbers 30 concurrent appends expecting 'any' one after another, one event or several each, and loses none", async () => {
    const id = stream();
    await storage.events.append(id, [event('Drafted')], 'no-stream');
    const sizes = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? 2 : 1));
    const results = await Promise.all(
      sizes.map((n, i) =>
        storage.events.append(
          id,
          Array.from({ length: n }, () => event('Progress', { i })),
          'any',
        ),
      ),
    );
    const revisions = (await storage.events.readStream(id)).map((e) => e.revision);
    expect(revisions).toEqual(Array.from({ length: 1 + sizes.reduce((a, b) => a + b, 0) }, (_, r) => r));
    // Each append answers the revision of its own last event, and no two answers are the same.
    expect(new Set(results.map((r) => r.revision)).size).toBe(30);
  });

  it('command records: stored with the events in one append, found again, and never for an append that failed', async () => {
    const scope = { ente: 'c1', subject: 'seg' };
    const key = randomUUID();
    // Keys in an order no JSON store would sort them into: the answer comes back byte for byte.
    const body = { status: 'approved', revision: 3, ok: true, position: null, warnings: [{ code: 'phase-weights-not-100' }] };
    const command = { scope, key, requestHash: 'h1', answer: { status: 201, body }, recordedAt: new Date() };
    const stream = `cmd-${randomUUID()}`;
    const appended = await storage.events.append(stream, [event('A')], 'no-stream', { command });
    const found = await storage.commands.find(scope, key);
    expect(found).toMatchObject({ requestHash: 'h1', answer: { status: 201, body }, position: appended.position });
    expect(JSON.stringify(found!.answer.body)).toBe(JSON.stringify(body));
    // The same key again: nothing is appended, the first record comes back.
    const again = await storage.events.append(stream, [event('B')], 0, { command: { ...command, requestHash: 'h2' } }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(CommandAlreadyRecorded);
    expect((again as CommandAlreadyRecorded).recorded.requestHash).toBe('h1');
    expect(await storage.events.readStream(stream)).toHaveLength(1);
    // A refused append records nothing.
    const refusedKey = randomUUID();
    await expect(storage.events.append(stream, [event('C')], 5, { command: { ...command, key: refusedKey } })).rejects.toBeInstanceOf(WrongExpectedRevision);
    expect(await storage.commands.find(scope, refusedKey)).toBeUndefined();
  });

  it('command records: the scope is ente and subject apart, never one string', async () => {
    const key = randomUUID();
    const answer = { status: 200, body: {} };
    await storage.commands.record({ scope: { ente: 'x:seg', subject: '1' }, key, requestHash: 'h1', answer, recordedAt: new Date() });
    expect(await storage.commands.find({ ente: 'x', subject: 'seg:1' }, key)).toBeUndefined();
    const other = await storage.commands.record({ scope: { ente: 'x', subject: 'seg:1' }, key, requestHash: 'h2', answer, recordedAt: new Date() });
    expect(other.requestHash).toBe('h2');
    // Recording a key twice keeps the first answer.
    const kept = await storage.commands.record({ scope: { ente: 'x', subject: 'seg:1' }, key, requestHash: 'h3', answer, recordedAt: new Date() });
    expect(kept.requestHash).toBe('h2');
  });

  it('command records: many lookups asked at once each find their own record, or none', async () => {
    const recorded = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const scope = { ente: `c-many-${i % 3}`, subject: `s${i % 5}` };
        const key = randomUUID();
        await storage.commands.record({ scope, key, requestHash: `h${i}`, answer: { status: 201, body: { i } }, recordedAt: new Date() });
        return { scope, key, i };
      }),
    );
    // Each key also under another scope, where it was never recorded; and keys never recorded at all.
    const asked = [
      ...recorded.map(({ scope, key, i }) => ({ scope, key, hash: `h${i}` })),
      ...recorded.map(({ scope, key }) => ({ scope: { ente: scope.ente, subject: `${scope.subject}-other` }, key, hash: undefined })),
      ...Array.from({ length: 5 }, () => ({ scope: { ente: 'c-many-0', subject: 's0' }, key: randomUUID(), hash: undefined })),
    ];
    const { result: found, names } = await statementsRun(() => Promise.all(asked.map(({ scope, key }) => storage.commands.find(scope, key))));
    // 85 lookups: five statements of 16 and one of 5 padded to 8, and no lookup asked again alone.
    expect(names.sort()).toEqual([...Array(5).fill('command_records_find_16'), 'command_records_find_8']);
    expect(found.map((f) => f?.requestHash)).toEqual(asked.map((a) => a.hash));
    expect(found.slice(0, 40).map((f) => f?.answer.body)).toEqual(recorded.map(({ i }) => ({ i })));
  });

  it('command records: purged after their retention', async () => {
    const scope = { ente: 'c-purge', subject: 's' };
    const old = randomUUID();
    const recent = randomUUID();
    await storage.commands.record({ scope, key: old, requestHash: 'h', answer: { status: 200, body: {} }, recordedAt: new Date('2026-01-01T00:00:00Z') });
    await storage.commands.record({ scope, key: recent, requestHash: 'h', answer: { status: 200, body: {} }, recordedAt: new Date('2026-03-01T00:00:00Z') });
    expect(await storage.commands.purge(new Date('2026-02-01T00:00:00Z'))).toBeGreaterThanOrEqual(1);
    expect(await storage.commands.find(scope, old)).toBeUndefined();
    expect(await storage.commands.find(scope, recent)).toBeDefined();
  });

  it('appends to several streams together, or to none of them when one expectation fails', async () => {
    const a = `multi-a-${randomUUID()}`;
    const b = `multi-b-${randomUUID()}`;
    await storage.events.append(b, [event('B0')], 'no-stream');
    const results = await storage.events.appendToStreams([
      { streamId: a, events: [event('A0'), event('A1')], expected: 'no-stream' },
      { streamId: b, events: [event('B1')], expected: 0 },
    ]);
    expect(results.map((r) => r.revision)).toEqual([1, 1]);
    const failure = await storage.events
      .appendToStreams([
        { streamId: a, events: [event('A2')], expected: 1 },
        { streamId: b, events: [event('B2')], expected: 0 },
      ])
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WrongExpectedRevision);
    expect((failure as WrongExpectedRevision).streamId).toBe(b);
    if (storage.kind !== 'eventstoredb') expect((await storage.events.readStream(a)).map((e) => e.type)).toEqual(['A0', 'A1']);
  });

  // What the EventStoreDB adapter adds to the contract (docs/architecture.md, "EventStoreDB: what the adapter
  // guarantees"): defined for storage.kind === 'eventstoredb' only, so they run wherever a server is configured.
  if (kind === 'eventstoredb') {
    describe('EventStoreDB', () => {
      it('gives every event its position in $all: a stream read, the log and the append agree', async () => {
        const before = (await readLog(storage.events)).at(-1)?.position ?? LOG_START;
        const id = stream();
        const appended = await storage.events.append(id, [event('A'), event('B')], 'no-stream');
        const read = await storage.events.readStream(id);
        const log = (await readLog(storage.events, before)).filter((e) => e.streamId === id);
        expect(log.map((e) => e.id)).toEqual(read.map((e) => e.id));
        read.forEach((e, i) => expect(comparePositions(e.position, log[i].position)).toBe(0));
        expect(comparePositions(appended.position, read[1].position)).toBe(0);
      });

      it('reads the log through the server-side filter: no system stream, and countAfter counts what readAll gives', async () => {
        await storage.events.append(stream(), [event()], 'no-stream');
        const log = await readLog(storage.events);
        expect(log.filter((e) => e.streamId.startsWith('$'))).toEqual([]);
        expect(await storage.events.countAfter(LOG_START, log.length + 100)).toBe(log.length);
      });

      it('lets the server deduplicate an append sent again at the same expected revision', async () => {
        const id = stream();
        const events = [event('A'), event('B')];
        const first = await storage.events.append(id, events, 'no-stream');
        const again = await storage.events.append(id, events, 'no-stream');
        expect(again.revision).toBe(first.revision);
        expect(comparePositions(again.position, first.position)).toBe(0);
        expect(await storage.events.readStream(id)).toHaveLength(2);
      });

      it('finds the events of a keyed command whose record is missing, records it again, and appends nothing twice', async () => {
        const scope = { ente: 'c-esdb', subject: 'seg' };
        const key = randomUUID();
        const events = [event('A'), event('B')];
        const lost = { scope, key, requestHash: 'h1', answer: { status: 201, body: {} }, recordedAt: new Date('2001-01-01T00:00:00Z') };
        const id = stream();
        const first = await storage.events.append(id, events, 'no-stream', { command: lost });
        // The record goes (as if its process had stopped between the append and the record).
        await storage.commands.purge(new Date('2001-01-02T00:00:00Z'));
        expect(await storage.commands.find(scope, key)).toBeUndefined();
        // The retry decides on the stream as it is now, with the same key-derived event ids.
        const retry = await storage.events.append(id, events, 1, { command: { ...lost, recordedAt: new Date() } }).catch((e: unknown) => e);
        expect(retry).toBeInstanceOf(CommandAlreadyRecorded);
        expect(comparePositions((retry as CommandAlreadyRecorded).recorded.position!, first.position)).toBe(0);
        expect(await storage.events.readStream(id)).toHaveLength(2);
        expect(await storage.commands.find(scope, key)).toBeDefined();
      });

      it('checks every expected revision before writing any of several streams', async () => {
        const a = `multi-a-${randomUUID()}`;
        const b = `multi-b-${randomUUID()}`;
        await storage.events.append(b, [event('B0'), event('B1')], 'no-stream');
        const failure = await storage.events
          .appendToStreams([
            { streamId: a, events: [event('A0')], expected: 'no-stream' },
            { streamId: b, events: [event('B2')], expected: 0 },
          ])
          .catch((e: unknown) => e);
        expect(failure).toBeInstanceOf(WrongExpectedRevision);
        expect(await storage.events.readStream(a)).toEqual([]);
      });
    });
  }
});

describe('PostgreSQL global log and late commits', () => {
  let sut: StorageUnderTest;
  let storage: Storage;
  beforeAll(async () => {
    sut = await storageUnderTest('postgres');
    storage = await sut.open();
  });
  afterAll(async () => {
    await storage.events.close();
    await sut.dispose();
  });

  it('does not let a reader pass an event whose transaction commits after a later-numbered one', async () => {
    const before = (await readLog(storage.events)).at(-1)?.position ?? LOG_START;
    // Transaction A takes its sequence number first and stays open.
    const slow = new Client({ connectionString: (sut.config as { url: string }).url });
    await slow.connect();
    await slow.query('BEGIN');
    const early = event('Early');
    await slow.query(`INSERT INTO es_events (event_id, stream_id, revision, type, data, metadata) VALUES ($1, $2, 0, 'Early', '{}', $3)`, [
      early.id,
      stream(),
      JSON.stringify(early.metadata),
    ]);
    // Transaction B takes a later number and commits first.
    const late = event('Late');
    await storage.events.append(stream(), [late], 'no-stream');
    const whileOpen = await readLog(storage.events, before);
    expect(whileOpen.map((e) => e.type)).toEqual([]); // B is held back: delivering it would skip A for ever
    await slow.query('COMMIT');
    await slow.end();
    const afterCommit = await readLog(storage.events, before);
    expect(afterCommit.map((e) => e.type)).toEqual(['Early', 'Late']);
  });
});
