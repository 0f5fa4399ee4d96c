import { PassThrough } from 'node:stream';
import {
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type EventStoreDBClient,
  type Filter,
  type Position,
} from '@eventstore/db-client';
import {
  CommandAlreadyRecorded,
  DuplicateEventId,
  LOG_START,
  StoreUnavailable,
  WrongExpectedRevision,
  type CommandRecord,
  type CommandRecords,
  type CommandScope,
  type LogPosition,
  type NewEvent,
  type RecordedCommand,
} from '@piao/event-store';
import { EventStoreDbEventStore } from '../src/eventstoredb/eventstoredb-event-store';
import { scanLog } from '../src/eventstoredb/log-scan';
import { EventWithoutPosition, positionOf, toStoredEvent, unavailableOr } from '../src/eventstoredb/recorded-events';
import { EventStoreDbServerUnsupported, MINIMUM_SERVER_VERSION, parseServerVersion, requireSupportedServer } from '../src/eventstoredb/server-version';

/*
 * What can be checked without an EventStoreDB server: the version gate, positions, error mapping, the log scan over a
 * subscription, and the adapter's own logic against an in-memory stand-in for the server (FakeServer, which behaves
 * as the server is documented to: expected revisions, deduplication of a re-sent append, stream-name filters, the
 * caught-up message). The server itself is exercised by the contract suite, where EVENTSTORE_CONNECTION_STRING is set.
 */

const NO_POSITION = 2n ** 64n - 1n;

interface FakeRecord {
  id: string;
  streamId: string;
  revision: bigint;
  type: string;
  isJson: boolean;
  data: unknown;
  metadata: unknown;
  created: Date;
  position?: Position;
}

const resolvedOf = (record: FakeRecord) => ({ event: { ...record } }) as unknown as AllStreamResolvedEvent;

function record(streamId: string, revision: number, commit: bigint, extra: Partial<FakeRecord> = {}): FakeRecord {
  return {
    id: crypto.randomUUID(),
    streamId,
    revision: BigInt(revision),
    type: 'Something',
    isJson: true,
    data: { n: revision },
    metadata: {},
    created: new Date(),
    position: { commit, prepare: commit },
    ...extra,
  };
}

const newEvent = (type = 'Something', id: string = crypto.randomUUID()): NewEvent => ({
  id,
  type,
  data: { type },
  metadata: {
    actor: { id: 'seg', name: 'Segretaria', role: 'segretario' },
    ente: 'comune-test',
    occurredAt: '2025-03-10',
    recordedAt: '2025-03-14T09:00:00.000Z',
    correlationId: 'c',
    causationId: 'c',
    schemaVersion: 1,
  },
});

/** A subscription as the client gives it: an object stream of resolved events that may emit `caughtUp`. */
function fakeSubscription(): PassThrough & { unsubscribed: number; unsubscribe(): Promise<void> } {
  const stream = new PassThrough({ objectMode: true }) as PassThrough & { unsubscribed: number; unsubscribe(): Promise<void> };
  stream.unsubscribed = 0;
  stream.unsubscribe = async () => void (stream.unsubscribed += 1);
  return stream;
}

/**
 * An in-memory stand-in for the server's gRPC API as @eventstore/db-client 6.2.1 exposes it, limited to what the
 * adapter calls. Its append answers with the position of the first event written, as the server may (its own comment:
 * "not technically correct"), so that the adapter's read-back is what gives the last one.
 */
class FakeServer {
  version = '24.10.0';
  unreachable = 0;
  /** Stream reads without positions (a server before 22.6.0, or events written in an explicit transaction). */
  positionsOnStreamReads = true;
  appends = 0;
  /** Runs just before an append to the stream is processed: a concurrent writer getting in first. */
  beforeAppend?: (streamName: string) => void;
  private readonly log: FakeRecord[] = [];
  private nextPosition = 1_000n;

  get capabilities(): Promise<{ serverVersion: string }> {
    if (this.unreachable > 0) {
      this.unreachable -= 1;
      return Promise.reject(new UnavailableError(undefined, 'connection refused'));
    }
    return Promise.resolve({ serverVersion: this.version });
  }

  stream(streamName: string): FakeRecord[] {
    return this.log.filter((r) => r.streamId === streamName);
  }

  /** Writes as the server would, without the checks: the system's own records, or another writer's. */
  put(streamName: string, type = 'Something', extra: Partial<FakeRecord> = {}): FakeRecord {
    const written = record(streamName, this.stream(streamName).length, this.nextPosition, { type, ...extra });
    this.nextPosition += 100n;
    this.log.push(written);
    return written;
  }

  async appendToStream(
    streamName: string,
    events: { id: string; type: string; data: unknown; metadata: unknown }[],
    { expectedRevision }: { expectedRevision: 'any' | 'no_stream' | bigint },
  ): Promise<{ success: boolean; nextExpectedRevision: bigint; position?: Position }> {
    if (this.unreachable > 0) {
      this.unreachable -= 1;
      throw new UnavailableError(undefined, 'connection reset');
    }
    this.beforeAppend?.(streamName);
    const existing = this.stream(streamName);
    const current = existing.length - 1;
    const expected = expectedRevision === 'any' ? current : expectedRevision === 'no_stream' ? -1 : Number(expectedRevision);
    // The same ids right after the expected revision: the write was made before, and is answered without writing.
    const after = existing.slice(expected + 1, expected + 1 + events.length);
    if (expected < current && after.length === events.length && after.every((r, i) => r.id === events[i].id)) {
      return { success: true, nextExpectedRevision: BigInt(expected + events.length), position: after[0].position };
    }
    if (expected !== current) {
      throw new WrongExpectedVersionError(undefined, {
        streamName,
        expected: expectedRevision,
        current: current < 0 ? 'no_stream' : BigInt(current),
      });
    }
    this.appends += 1;
    const written = events.map((e) => this.put(streamName, e.type, { id: e.id, data: e.data, metadata: e.metadata }));
    return { success: true, nextExpectedRevision: written[written.length - 1].revision, position: written[0].position };
  }

  readStream(
    streamName: string,
    {
      fromRevision = 'start',
      direction = 'forwards',
      maxCount = Number.MAX_SAFE_INTEGER,
    }: { fromRevision?: 'start' | 'end' | bigint; direction?: string; maxCount?: number },
  ): AsyncIterable<{ event: FakeRecord }> {
    const records = this.stream(streamName);
    const withPositions = this.positionsOnStreamReads;
    return (async function* () {
      if (records.length === 0) throw new StreamNotFoundError(undefined, streamName);
      const ordered = direction === 'backwards' ? [...records].reverse() : records;
      const start = fromRevision === 'start' || fromRevision === 'end' ? 0 : ordered.findIndex((r) => r.revision === fromRevision);
      if (start < 0) return;
      for (const r of ordered.slice(start, start + maxCount)) {
        yield { event: { ...r, position: withPositions ? r.position : { commit: NO_POSITION, prepare: NO_POSITION } } };
      }
    })();
  }

  /** A catch-up subscription to $all: the events after `fromPosition` the stream-name filter lets through, then caught up. */
  subscribeToAll({ fromPosition, filter }: { fromPosition: 'start' | Position; filter: Filter }): AllStreamSubscription {
    const subscription = fakeSubscription();
    const regex = new RegExp((filter as { regex: string }).regex);
    setImmediate(() => {
      for (const r of this.log) {
        if (!regex.test(r.streamId)) continue;
        if (fromPosition !== 'start' && r.position!.commit <= fromPosition.commit) continue;
        subscription.push(resolvedOf(r));
      }
      subscription.emit('caughtUp');
    });
    return subscription as unknown as AllStreamSubscription;
  }

  async dispose(): Promise<void> {}
}

/** Command records as the SQL database keeps them: the first record of a key stands. */
class MemoryCommandRecords implements CommandRecords {
  readonly records = new Map<string, RecordedCommand>();
  private keyOf = (scope: CommandScope, key: string) => JSON.stringify([scope.ente, scope.subject, key]);

  async find(scope: CommandScope, key: string): Promise<RecordedCommand | undefined> {
    return this.records.get(this.keyOf(scope, key));
  }

  async record(command: CommandRecord, position?: LogPosition): Promise<RecordedCommand> {
    const key = this.keyOf(command.scope, command.key);
    const first = this.records.get(key);
    if (first) return first;
    const recorded = { requestHash: command.requestHash, answer: command.answer, recordedAt: command.recordedAt, ...(position ? { position } : {}) };
    this.records.set(key, recorded);
    return recorded;
  }

  async purge(): Promise<number> {
    return 0;
  }
}

const command = (key = crypto.randomUUID()): CommandRecord => ({
  scope: { ente: 'comune-test', subject: 'seg' },
  key,
  requestHash: 'h1',
  answer: { status: 201, body: { ok: true } },
  recordedAt: new Date(),
});

function storeOn(server: FakeServer, records = new MemoryCommandRecords()): EventStoreDbEventStore {
  return new EventStoreDbEventStore(server as unknown as EventStoreDBClient, records);
}

describe('the EventStoreDB server version', () => {
  it('reads the version the server reports, in its several spellings', () => {
    expect(parseServerVersion('23.10.1.0')).toEqual({ major: 23, minor: 10, patch: 1 });
    expect(parseServerVersion('24.10.0-rc.1')).toEqual({ major: 24, minor: 10, patch: 0 });
    expect(parseServerVersion('25.0')).toEqual({ major: 25, minor: 0, patch: 0 });
    expect(parseServerVersion('unknown')).toBeUndefined();
  });

  it(`accepts ${MINIMUM_SERVER_VERSION} and later, refuses older or unknown versions naming both`, () => {
    for (const version of ['23.10.0', '23.10.0.0', '24.2.0', '24.10.5', '25.0.0']) expect(() => requireSupportedServer(version)).not.toThrow();
    for (const version of ['22.10.4', '22.6.0', '21.10.11', '23.6.0', 'unknown', '']) {
      expect(() => requireSupportedServer(version)).toThrow(EventStoreDbServerUnsupported);
    }
    expect(() => requireSupportedServer('22.10.4')).toThrow(/22\.10\.4 is not supported: the adapter requires 23\.10\.0 or later/);
    expect(() => requireSupportedServer('unknown')).toThrow(/unknown version/);
  });
});

describe('positions and errors', () => {
  it('takes an event without a position, or with the server\'s "no position", as having none', () => {
    expect(positionOf({})).toBeUndefined();
    expect(positionOf({ position: { commit: NO_POSITION, prepare: NO_POSITION } })).toBeUndefined();
    expect(positionOf({ position: { commit: 120n, prepare: 110n } })).toEqual({ commit: 120n, prepare: 110n });
  });

  it("throws for an event without a position rather than skipping it, and for a record that is not the application's", () => {
    const ok = record('objective-1', 0, 500n);
    expect(toStoredEvent(resolvedOf(ok))).toMatchObject({ id: ok.id, streamId: 'objective-1', revision: 0, position: { commit: 500n, prepare: 500n } });
    expect(() => toStoredEvent(resolvedOf({ ...ok, position: undefined }))).toThrow(EventWithoutPosition);
    expect(() => toStoredEvent(resolvedOf({ ...ok, isJson: false }))).toThrow(/not JSON/);
    expect(() => toStoredEvent({} as AllStreamResolvedEvent)).toThrow(/no event/);
  });

  it('turns a lost or refused connection into StoreUnavailable (503), and leaves other errors as they are', () => {
    expect(unavailableOr(new UnavailableError(undefined, 'refused'), 'appending')).toBeInstanceOf(StoreUnavailable);
    const raw = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14, details: 'No connection established' });
    expect(unavailableOr(raw, 'asking the version')).toBeInstanceOf(StoreUnavailable);
    expect(unavailableOr(Object.assign(new Error('deadline'), { code: 4, details: 'Deadline exceeded' }), 'reading')).toBeInstanceOf(StoreUnavailable);
    expect(unavailableOr(new Error('Failed to discover after 10 attempts.'), 'connecting')).toBeInstanceOf(StoreUnavailable);
    const conflict = new WrongExpectedVersionError(undefined, { streamName: 's', expected: 1n, current: 2n });
    expect(unavailableOr(conflict, 'appending')).toBe(conflict);
    const bug = new TypeError('bug');
    expect(unavailableOr(bug, 'appending')).toBe(bug);
  });
});

describe('scanLog', () => {
  const events = [1, 2, 3, 4, 5].map((n) => record(`objective-${n}`, 0, BigInt(n * 100)));
  const collect = (subscription: AllStreamSubscription, limit: number, idleMs = 5_000) => {
    const taken: string[] = [];
    const done = scanLog(() => subscription, {
      limit,
      idleMs,
      take: (resolved) => {
        taken.push(resolved.event!.streamId);
        return true;
      },
    });
    return { taken, done };
  };

  it('stops at the limit and unsubscribes', async () => {
    const subscription = fakeSubscription();
    const { taken, done } = collect(subscription as unknown as AllStreamSubscription, 2);
    for (const e of events) subscription.push(resolvedOf(e));
    await done;
    expect(taken).toEqual(['objective-1', 'objective-2']);
    expect(subscription.unsubscribed).toBe(1);
  });

  it('reads every event the server sent before it caught up, even those still buffered, and none after', async () => {
    const subscription = fakeSubscription();
    const { taken, done } = collect(subscription as unknown as AllStreamSubscription, 100);
    // Three events still buffered (the consumer is behind) when the caught-up message arrives, one more after it.
    subscription.pause();
    for (const e of events.slice(0, 3)) subscription.push(resolvedOf(e));
    expect(subscription.readableLength).toBe(3);
    subscription.emit('caughtUp');
    subscription.push(resolvedOf(events[3])); // committed after: the next read's
    subscription.resume();
    await done;
    expect(taken).toEqual(['objective-1', 'objective-2', 'objective-3']);
  });

  it('ends at once when caught up with nothing to read', async () => {
    const subscription = fakeSubscription();
    const { taken, done } = collect(subscription as unknown as AllStreamSubscription, 100);
    setImmediate(() => subscription.emit('caughtUp'));
    await done;
    expect(taken).toEqual([]);
  });

  it('stops with the error of an event it cannot take, a lost connection, an early end or a silent server', async () => {
    const failing = fakeSubscription();
    const done = scanLog(() => failing as unknown as AllStreamSubscription, {
      limit: 10,
      idleMs: 5_000,
      take: () => {
        throw new EventWithoutPosition('objective-1', 0, 'e1');
      },
    });
    failing.push(resolvedOf(events[0]));
    await expect(done).rejects.toBeInstanceOf(EventWithoutPosition);
    expect(failing.unsubscribed).toBe(1);

    const lost = fakeSubscription();
    const lostDone = collect(lost as unknown as AllStreamSubscription, 10).done;
    lost.emit('error', new UnavailableError(undefined, 'connection reset'));
    await expect(lostDone).rejects.toBeInstanceOf(StoreUnavailable);

    const ended = fakeSubscription();
    const endedDone = collect(ended as unknown as AllStreamSubscription, 10).done;
    ended.push(null);
    await expect(endedDone).rejects.toThrow(/ended before it caught up/);

    const silent = fakeSubscription();
    await expect(collect(silent as unknown as AllStreamSubscription, 10, 20).done).rejects.toThrow(/sent nothing for 20 ms/);
  });
});

describe('EventStoreDbEventStore, against an in-memory stand-in for the server', () => {
  it('fails to open on a server that cannot be reached, with StoreUnavailable', async () => {
    // A real client, to a port where nothing listens.
    await expect(EventStoreDbEventStore.open('esdb://127.0.0.1:1?tls=false', new MemoryCommandRecords())).rejects.toBeInstanceOf(StoreUnavailable);
  });

  it('refuses a server older than the minimum before any operation, naming both versions', async () => {
    const server = new FakeServer();
    server.version = '22.10.4';
    const store = storeOn(server);
    await expect(store.readStream('objective-1')).rejects.toThrow(/22\.10\.4 is not supported: the adapter requires 23\.10\.0/);
    await expect(store.ping()).rejects.toBeInstanceOf(EventStoreDbServerUnsupported);
  });

  it('asks again for the version of a server that could not be reached', async () => {
    const server = new FakeServer();
    server.unreachable = 1;
    const store = storeOn(server);
    await expect(store.readStream('objective-1')).rejects.toBeInstanceOf(StoreUnavailable);
    await expect(store.readStream('objective-1')).resolves.toEqual([]);
  });

  it('reads the log through the server-side filter: application streams only, strictly after, up to the count', async () => {
    const server = new FakeServer();
    const store = storeOn(server);
    server.put('$epoch-information', '$epoch-information');
    const a = await store.append('objective-a', [newEvent('A0'), newEvent('A1')], 'no-stream');
    server.put('$$objective-a', '$metadata');
    server.put('$stats-127.0.0.1:2113', '$statsCollected');
    await store.append('plan-b', [newEvent('B0')], 'no-stream');
    server.put('objective-a', '$streamDeleted', { isJson: false });

    const log = await store.readAll(LOG_START, 100);
    expect(log.map((e) => `${e.streamId}:${e.type}`)).toEqual(['objective-a:A0', 'objective-a:A1', 'plan-b:B0']);
    expect((await store.readAll(a.position, 100)).map((e) => e.type)).toEqual(['B0']);
    expect((await store.readAll(LOG_START, 2)).map((e) => e.type)).toEqual(['A0', 'A1']);
    expect(await store.countAfter(LOG_START, 100)).toBe(3);
    expect(await store.countAfter(LOG_START, 2)).toBe(2);
    expect(await store.countAfter(log[2].position, 100)).toBe(0);
  });

  it("gives an append the position of its last event, read back, and the stream's events theirs", async () => {
    const server = new FakeServer();
    const store = storeOn(server);
    const result = await store.append('objective-a', [newEvent('A0'), newEvent('A1')], 'no-stream');
    const read = await store.readStream('objective-a');
    expect(result.revision).toBe(1);
    expect(result.position).toEqual(read[1].position);
    expect(read[0].position).not.toEqual(read[1].position);
  });

  it('throws on a stream read that comes without positions, never skipping the events', async () => {
    const server = new FakeServer();
    const store = storeOn(server);
    await store.append('objective-a', [newEvent('A0')], 'no-stream');
    server.positionsOnStreamReads = false;
    await expect(store.readStream('objective-a')).rejects.toBeInstanceOf(EventWithoutPosition);
  });

  it('maps conflicts to WrongExpectedRevision and a lost connection to StoreUnavailable', async () => {
    const server = new FakeServer();
    const store = storeOn(server);
    await store.append('objective-a', [newEvent()], 'no-stream');
    const conflict = await store.append('objective-a', [newEvent()], 'no-stream').catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(WrongExpectedRevision);
    expect((conflict as WrongExpectedRevision).actual).toBe(0);
    await expect(store.append('objective-b', [newEvent()], 3)).rejects.toMatchObject({ actual: 'no-stream' });
    server.unreachable = 1;
    await expect(store.append('objective-a', [newEvent()], 0)).rejects.toBeInstanceOf(StoreUnavailable);
  });

  it('refuses an append that repeats an event id, writing nothing', async () => {
    const server = new FakeServer();
    const store = storeOn(server);
    const twice = newEvent();
    await expect(store.append('objective-a', [newEvent(), twice, { ...twice }], 'no-stream')).rejects.toBeInstanceOf(DuplicateEventId);
    expect(server.stream('objective-a')).toHaveLength(0);
  });

  it('lets the server deduplicate an append sent again at the same expected revision', async () => {
    const server = new FakeServer();
    const store = storeOn(server);
    const events = [newEvent('A0'), newEvent('A1')];
    const first = await store.append('objective-a', events, 'no-stream');
    const again = await store.append('objective-a', events, 'no-stream');
    expect(again).toEqual(first);
    expect(server.stream('objective-a')).toHaveLength(2);
  });

  it('records a keyed command after its events, and refuses a key already recorded', async () => {
    const server = new FakeServer();
    const records = new MemoryCommandRecords();
    const store = storeOn(server, records);
    const keyed = command();
    const appended = await store.append('objective-a', [newEvent()], 'no-stream', { command: keyed });
    expect(await records.find(keyed.scope, keyed.key)).toMatchObject({ requestHash: 'h1', position: appended.position });
    const again = await store.append('objective-a', [newEvent()], 0, { command: { ...keyed, requestHash: 'h2' } }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(CommandAlreadyRecorded);
    expect((again as CommandAlreadyRecorded).recorded.requestHash).toBe('h1');
    expect(server.stream('objective-a')).toHaveLength(1);
  });

  it('finds the events of a keyed command whose record was never made, records it, and appends nothing twice', async () => {
    const server = new FakeServer();
    const records = new MemoryCommandRecords();
    const store = storeOn(server, records);
    const ids = [crypto.randomUUID(), crypto.randomUUID()];
    // The first copy: its events landed, then its process stopped before recording the command.
    const landed = await store.append('objective-a', [newEvent('A0', ids[0]), newEvent('A1', ids[1])], 'no-stream');
    await store.append('objective-a', [newEvent('Other')], 1); // someone else wrote after it
    // The retry decided again on the stream as it is now, with the same (key-derived) ids.
    const keyed = command();
    const retry = await store.append('objective-a', [newEvent('A0', ids[0]), newEvent('A1', ids[1])], 2, { command: keyed }).catch((e: unknown) => e);
    expect(retry).toBeInstanceOf(CommandAlreadyRecorded);
    expect((retry as CommandAlreadyRecorded).recorded.position).toEqual(landed.position);
    expect(await records.find(keyed.scope, keyed.key)).toMatchObject({ position: landed.position });
    expect(server.stream('objective-a').map((r) => r.type)).toEqual(['A0', 'A1', 'Other']);
  });

  it('replays the answer of a concurrent copy of the same request that recorded first', async () => {
    const server = new FakeServer();
    const records = new MemoryCommandRecords();
    const store = storeOn(server, records);
    const events = [newEvent('A0')];
    const keyed = command();
    // The other copy records the command while this one is appending.
    server.beforeAppend = () => void records.record({ ...keyed, recordedAt: new Date(0) }, { commit: 1n, prepare: 1n });
    const copy = await store.append('objective-a', events, 'no-stream', { command: keyed }).catch((e: unknown) => e);
    expect(copy).toBeInstanceOf(CommandAlreadyRecorded);
    expect((copy as CommandAlreadyRecorded).recorded.recordedAt).toEqual(new Date(0));
  });

  it('checks every expected revision before writing several streams: a stale one writes nothing', async () => {
    const server = new FakeServer();
    const store = storeOn(server);
    await store.append('plan-b', [newEvent('B0'), newEvent('B1')], 'no-stream');
    const failure = await store
      .appendToStreams([
        { streamId: 'objective-a', events: [newEvent('A0')], expected: 'no-stream' },
        { streamId: 'plan-b', events: [newEvent('B2')], expected: 0 },
      ])
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WrongExpectedRevision);
    expect((failure as WrongExpectedRevision).streamId).toBe('plan-b');
    expect(server.stream('objective-a')).toHaveLength(0);
  });

  it('writes several streams in order, records the command with the first, and reports a later failure as it is', async () => {
    const server = new FakeServer();
    const records = new MemoryCommandRecords();
    const store = storeOn(server, records);
    await store.append('plan-b', [newEvent('PlanOpened')], 'no-stream');
    const keyed = command();
    // Another draft attaches its objective between the check and this command's write to the plan.
    server.beforeAppend = (streamName) => {
      if (streamName !== 'plan-b') return;
      server.beforeAppend = undefined;
      server.put('plan-b', 'ObjectiveAttached');
    };
    const failure = await store
      .appendToStreams(
        [
          { streamId: 'objective-a', events: [newEvent('ObjectiveDrafted')], expected: 'no-stream' },
          { streamId: 'plan-b', events: [newEvent('ObjectiveAttached')], expected: 0 },
        ],
        { command: keyed },
      )
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WrongExpectedRevision);
    // The objective is drafted and the command recorded with it: a retry replays the answer, the plan processor attaches.
    const [drafted] = await store.readStream('objective-a');
    expect(drafted.type).toBe('ObjectiveDrafted');
    expect(await records.find(keyed.scope, keyed.key)).toMatchObject({ position: drafted.position });
  });
});
