import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  streamNameFilter,
  type AppendExpectedRevision,
  type ReadPosition,
  type ResolvedEvent,
} from '@eventstore/db-client';
import {
  CommandAlreadyRecorded,
  comparePositions,
  DuplicateEventId,
  WrongExpectedRevision,
  type AppendOptions,
  type AppendResult,
  type CommandRecord,
  type CommandRecords,
  type EventStore,
  type ExpectedRevision,
  type LogPosition,
  type NewEvent,
  type StoredEvent,
  type StreamWrite,
} from '@piao/event-store';
import { scanLog } from './log-scan';
import { toStoredEvent, unavailableOr } from './recorded-events';
import { requireSupportedServer } from './server-version';

/**
 * The application's log as the server filters it: every stream whose name does not begin with `$` (the server's own
 * streams: projections, statistics, stream metadata, scavenges, epochs). The adapter keeps no stream of its own:
 * command records and processor checkpoints live in the SQL database beside (storage.ts).
 */
const APPLICATION_STREAMS = '^[^$]';

/**
 * How often a filtered read of `$all` reports progress through the part of the log the filter leaves out: every
 * CHECKPOINT_INTERVAL windows of events the server looked at (a window is 32 events unless told otherwise).
 */
const CHECKPOINT_INTERVAL = 32;

/** How long a read of `$all` may go without hearing from the server (no event, checkpoint or caught-up message). */
const READ_IDLE_MS = 30_000;

/**
 * How far back in a stream a keyed command looks for its own events before appending them: a copy of the same
 * command whose events landed but whose record did not (see append). Commands write a few events to streams that grow
 * by tens of events a year, so a retry finds its copy well within this many events.
 */
const IDEMPOTENCY_WINDOW = 200;

/**
 * The EventStoreDB / KurrentDB adapter, on @eventstore/db-client. It needs a server of MINIMUM_SERVER_VERSION or later
 * (server-version.ts), checked once per connection before anything else is done. No server runs on the development
 * machines: this file is checked there by the compiler, and by the shared contract suite wherever
 * EVENTSTORE_CONNECTION_STRING names a server. What it guarantees is in docs/architecture.md, "EventStoreDB: what
 * the adapter guarantees".
 */
export class EventStoreDbEventStore implements EventStore {
  /** The server check in progress or passed; forgotten when the server could not be reached, to be tried again. */
  private checked?: Promise<void>;

  constructor(
    readonly client: EventStoreDBClient,
    /** Command records live in the SQL database beside: EventStoreDB has no transaction spanning both. */
    private readonly commands: CommandRecords,
  ) {}

  /**
   * Connects and checks the server before returning: a server that is too old, or cannot be reached, fails here, with
   * EventStoreDbServerUnsupported (naming the version found and the one required) or StoreUnavailable.
   */
  static async open(connectionString: string, commands: CommandRecords): Promise<EventStoreDbEventStore> {
    const store = new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString), commands);
    try {
      await store.ready();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /**
   * Connects without waiting: the server check starts now, and every operation waits for it, so an unsupported
   * server fails the first operation (and `ping`, the health check) with the same error `open` gives at start.
   */
  static connect(connectionString: string, commands: CommandRecords): EventStoreDbEventStore {
    const store = new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString), commands);
    store.ready().catch(() => undefined); // reported by the first operation
    return store;
  }

  /**
   * The server's version, as the client learnt it from the server's gRPC ServerFeatures service. @eventstore/db-client
   * 6.2.1 asks for it once per connection (its `capabilities`, memoised, also how it chooses batch appends) but keeps
   * it protected; it reports 'unknown' when the server does not implement the service.
   */
  private async serverVersion(): Promise<string> {
    const capabilities = (this.client as unknown as { capabilities?: PromiseLike<{ serverVersion?: unknown }> }).capabilities;
    if (typeof capabilities?.then !== 'function')
      throw new Error('@eventstore/db-client no longer exposes the server features: the server version cannot be checked');
    const { serverVersion } = await capabilities;
    return typeof serverVersion === 'string' ? serverVersion : 'unknown';
  }

  private ready(): Promise<void> {
    this.checked ??= (async () => {
      let reported: string;
      try {
        reported = await this.serverVersion();
      } catch (error) {
        this.checked = undefined; // not answered: the next operation asks again
        throw unavailableOr(error, 'asking the server for its version');
      }
      requireSupportedServer(reported);
    })();
    return this.checked;
  }

  /**
   * One stream, atomically: all its events or none, at the expected revision (the server checks it).
   *
   * With a command (an Idempotency-Key), as far as a store without a transaction spanning events and records allows:
   * 1. a key already recorded throws CommandAlreadyRecorded, and nothing is appended;
   * 2. the command's events are looked for at the end of the stream (their ids derive from the key and the request):
   *    found, an earlier copy of this command landed and its process stopped before recording it, so the record is
   *    made now, at that copy's position, and CommandAlreadyRecorded is thrown: nothing is appended twice;
   * 3. the events are appended. Sent again at the same expected revision with the same ids (a concurrent copy, a
   *    client retry racing the first), the server deduplicates: it answers with the first write and appends nothing;
   * 4. the command is recorded with the position of its last event. A concurrent copy of the same request that
   *    recorded first wins: CommandAlreadyRecorded with its record, as on PostgreSQL.
   * A process that stops between 3 and 4 leaves events without a record: the retry is answered by step 2.
   */
  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision, options: AppendOptions = {}): Promise<AppendResult> {
    await this.ready();
    requireDistinctEvents([{ streamId, events }]);
    const command = options.command;
    if (command) await this.refuseRecorded(command, streamId, events);
    const result = await this.write(streamId, events, expected);
    if (command) await this.recordAfter(command, result);
    return result;
  }

  /**
   * Several streams, one at a time in the order given: EventStoreDB has no transaction spanning two streams. What the
   * adapter does to keep a partial write honest:
   * - every expected revision is checked before anything is written, so a stale expectation (the usual conflict)
   *   writes nothing, as on PostgreSQL. Only a writer that gets in between this check and the write makes a later
   *   stream fail after an earlier one was written;
   * - the first write is the command's own (drafting: the objective; the Giunta's approval: the plan), the others
   *   follow from it and are finished from the log by the plan processor if they are not written (it attaches an
   *   objective whose ObjectiveDrafted the plan was not told of, and approves the objectives a stored
   *   PlanApprovedByGiunta lists). So the command's record is made as soon as the first write is in: a retry of a
   *   command whose follow-up failed replays its answer instead of running again on the half-written state.
   * A later write that fails throws its own error (WrongExpectedRevision, StoreUnavailable) after the earlier ones
   * were written; nothing is rolled back (EventStoreDB cannot), and nothing is reported as written that was not.
   */
  async appendToStreams(writes: readonly StreamWrite[], options: AppendOptions = {}): Promise<AppendResult[]> {
    if (writes.length === 1) return [await this.append(writes[0].streamId, writes[0].events, writes[0].expected, options)];
    await this.ready();
    if (writes.length === 0) throw new Error('appendToStreams needs at least one stream');
    if (new Set(writes.map((w) => w.streamId)).size !== writes.length) throw new Error('appendToStreams writes each stream once');
    requireDistinctEvents(writes);
    const [first, ...rest] = writes;
    const command = options.command;
    if (command) await this.refuseRecorded(command, first.streamId, first.events);
    await Promise.all(
      writes.map(async (w) => {
        const current = await this.currentRevision(w.streamId);
        if (!revisionHolds(w.expected, current)) throw new WrongExpectedRevision(w.streamId, w.expected, current);
      }),
    );
    const results = [await this.write(first.streamId, first.events, first.expected)];
    if (command) await this.recordAfter(command, results[0]);
    for (const w of rest) results.push(await this.write(w.streamId, w.events, w.expected));
    return results;
  }

  /** Steps 1 and 2 of a keyed append (see append). */
  private async refuseRecorded(command: CommandRecord, streamId: string, events: readonly NewEvent[]): Promise<void> {
    const recorded = await this.commands.find(command.scope, command.key);
    if (recorded) throw new CommandAlreadyRecorded(recorded);
    const ids = new Set(events.map((e) => e.id));
    // Newest first: the first one found is the last event the earlier copy appended.
    const landed = (await this.tail(streamId, IDEMPOTENCY_WINDOW)).find((e) => ids.has(e.id));
    if (landed) throw new CommandAlreadyRecorded(await this.commands.record(command, landed.position));
  }

  /** Step 4 of a keyed append (see append). */
  private async recordAfter(command: CommandRecord, appended: AppendResult): Promise<void> {
    const recorded = await this.commands.record(command, appended.position);
    const ours =
      recorded.recordedAt.getTime() === command.recordedAt.getTime() && recorded.position && comparePositions(recorded.position, appended.position) === 0;
    // Another copy of the same request recorded first: its answer is the command's. A different request that took the
    // key meanwhile does not undo these events, which are in the log: the append stands, and the key answers for the other.
    if (!ours && recorded.requestHash === command.requestHash) throw new CommandAlreadyRecorded(recorded);
  }

  /**
   * Appends, then reads back the position of the last event appended: the append's answer carries one position for
   * the whole write, which the server itself describes as not the right one for every event ("not technically
   * correct", EventStore's WriteEvents request manager), and none at all for a deduplicated write.
   */
  private async write(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    let revision: number;
    try {
      const result = await this.client.appendToStream(
        streamId,
        events.map((e) =>
          jsonEvent({ id: e.id, type: e.type, data: e.data as Record<string, unknown>, metadata: e.metadata as unknown as Record<string, unknown> }),
        ),
        { expectedRevision: toExpected(expected) },
      );
      revision = Number(result.nextExpectedRevision);
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = error.actualVersion;
        throw new WrongExpectedRevision(streamId, expected, typeof actual === 'bigint' ? Number(actual) : 'no-stream');
      }
      throw unavailableOr(error, `appending to ${streamId}`);
    }
    const [last] = await this.readStreamEvents(streamId, { fromRevision: BigInt(revision), direction: FORWARDS, maxCount: 1 });
    const lastId = events[events.length - 1].id;
    if (!last || last.id !== lastId) {
      throw new Error(`appended to ${streamId} up to revision ${revision}, but the event there is ${last ? last.id : 'missing'}, not ${lastId}`);
    }
    return { revision, position: last.position };
  }

  /** The revision of the stream's last event, or 'no-stream'. */
  private async currentRevision(streamId: string): Promise<number | 'no-stream'> {
    const [last] = await this.tail(streamId, 1);
    return last ? last.revision : 'no-stream';
  }

  /** The stream's last `count` events, newest first. */
  private tail(streamId: string, count: number): Promise<StoredEvent[]> {
    return this.readStreamEvents(streamId, { fromRevision: END, direction: BACKWARDS, maxCount: count });
  }

  async readStream(streamId: string, fromRevision = 0): Promise<StoredEvent[]> {
    await this.ready();
    return this.readStreamEvents(streamId, { fromRevision: fromRevision > 0 ? BigInt(fromRevision) : START, direction: FORWARDS });
  }

  /** Every event must come with its position: one without throws (EventWithoutPosition), it is never skipped. */
  private async readStreamEvents(streamId: string, options: Parameters<EventStoreDBClient['readStream']>[1]): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, options)) events.push(toStoredEvent(resolved as ResolvedEvent));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw unavailableOr(error, `reading ${streamId}`);
    }
    return events;
  }

  /**
   * Up to `maxCount` events of the application's log after `after`. @eventstore/db-client 6.2.1 cannot filter a read of
   * `$all` on the server (its readAll sends no filter), so the log is read through a catch-up subscription to `$all`
   * that the server filters by stream name, from `after`, closed once it has given `maxCount` events or caught up with
   * the end of the log (log-scan.ts). One call, one subscription, whatever the log holds besides the application's
   * events. Positions in `$all` only grow in commit order, and the server delivers only what it has committed and
   * replicated, so no event can appear later at a position a reader has passed.
   */
  async readAll(after: LogPosition, maxCount: number): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    await this.scan(after, maxCount, (event) => events.push(event));
    return events;
  }

  /** EventStoreDB keeps no count of `$all`: the same filtered subscription counts the events, up to the cap. */
  async countAfter(after: LogPosition, cap: number): Promise<number> {
    let count = 0;
    await this.scan(after, cap, () => (count += 1));
    return count;
  }

  private async scan(after: LogPosition, limit: number, take: (event: StoredEvent) => void): Promise<void> {
    await this.ready();
    // LOG_START (-1/-1) is before the first event; any real position is where a subscription resumes after.
    const fromPosition: ReadPosition = after.commit < 0n ? START : { commit: after.commit, prepare: after.prepare };
    await scanLog(
      (checkpointReached) =>
        this.client.subscribeToAll({
          fromPosition,
          filter: streamNameFilter({ regex: APPLICATION_STREAMS, checkpointInterval: CHECKPOINT_INTERVAL, checkpointReached }),
        }),
      {
        limit,
        idleMs: READ_IDLE_MS,
        take: (resolved) => {
          const event = resolved.event;
          // The start is exclusive for a subscription; the guard keeps the contract if a server delivers `after` again.
          if (event?.position && comparePositions(event.position, after) <= 0) return false;
          // A record the server keeps in an application stream (the `$streamDeleted` tombstone of a hard-deleted stream).
          if (event?.type.startsWith('$')) return false;
          take(toStoredEvent(resolved));
          return true;
        },
      },
    );
  }

  async ping(): Promise<void> {
    await this.ready();
    // Reading one event of $all proves the connection, the credentials and the server all work.
    try {
      const read = this.client.readAll({ maxCount: 1, direction: BACKWARDS, fromPosition: END });
      await read[Symbol.asyncIterator]().next();
      read.destroy();
    } catch (error) {
      throw unavailableOr(error, 'reading $all');
    }
  }

  close(): Promise<void> {
    return this.client.dispose();
  }
}

/** Every event of one call has an id of its own: EventStoreDB would store a repeated id, PostgreSQL refuses it. */
function requireDistinctEvents(writes: readonly Pick<StreamWrite, 'streamId' | 'events'>[]): void {
  const ids = new Set<string>();
  for (const { streamId, events } of writes) {
    if (events.length === 0) throw new Error('append needs at least one event');
    for (const { id } of events) {
      if (ids.has(id)) throw new DuplicateEventId(streamId);
      ids.add(id);
    }
  }
}

function revisionHolds(expected: ExpectedRevision, current: number | 'no-stream'): boolean {
  return expected === 'any' || expected === current;
}

function toExpected(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'no-stream') return NO_STREAM;
  if (expected === 'any') return ANY;
  return BigInt(expected);
}
