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
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type ReadPosition,
  type ResolvedEvent,
} from '@eventstore/db-client';
import {
  CommandAlreadyRecorded,
  comparePositions,
  LOG_START,
  WrongExpectedRevision,
  type AppendOptions,
  type AppendResult,
  type CommandRecords,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type LogPosition,
  type NewEvent,
  type StoredEvent,
  type StreamWrite,
} from '@piao/event-store';

/** Streams the adapter keeps for itself (checkpoints, idempotency); they are not part of the domain's log. */
export const INTERNAL_PREFIX = 'piao-internal-';

/**
 * The EventStoreDB / KurrentDB adapter. It cannot be exercised on the development machines (no server runs
 * there): the shared contract suite runs against it when EVENTSTORE_CONNECTION_STRING is set.
 */
export class EventStoreDbEventStore implements EventStore {
  constructor(
    readonly client: EventStoreDBClient,
    /** Command records live in the SQL database beside: EventStoreDB has no transaction spanning both. */
    private readonly commands: CommandRecords,
  ) {}

  static connect(connectionString: string, commands: CommandRecords): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString), commands);
  }

  /**
   * Not atomic across streams: EventStoreDB has no transaction spanning two streams, so they are written in order.
   * A process that dies in between leaves the later streams unwritten; the processors finish such work from the log.
   */
  async appendToStreams(writes: readonly StreamWrite[], options: AppendOptions = {}): Promise<AppendResult[]> {
    const results: AppendResult[] = [];
    for (const [i, write] of writes.entries()) {
      results.push(await this.append(write.streamId, write.events, write.expected, i === writes.length - 1 ? options : {}));
    }
    return results;
  }

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision, options: AppendOptions = {}): Promise<AppendResult> {
    if (options.command) {
      const recorded = await this.commands.find(options.command.scope, options.command.key);
      if (recorded) throw new CommandAlreadyRecorded(recorded);
    }
    const result = await this.appendEvents(streamId, events, expected);
    // After the events: a crash in between leaves events without a record (see docs/architecture.md).
    if (options.command) await this.commands.record(options.command, result.position);
    return result;
  }

  private async appendEvents(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    try {
      const result = await this.client.appendToStream(
        streamId,
        events.map((e) =>
          jsonEvent({ id: e.id, type: e.type, data: e.data as Record<string, unknown>, metadata: e.metadata as unknown as Record<string, unknown> }),
        ),
        { expectedRevision: toExpected(expected) },
      );
      return { revision: Number(result.nextExpectedRevision), position: result.position ?? LOG_START };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = error.actualVersion;
        throw new WrongExpectedRevision(streamId, expected, typeof actual === 'bigint' ? Number(actual) : 'no-stream');
      }
      throw error;
    }
  }

  async readStream(streamId: string, fromRevision = 0): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, { fromRevision: fromRevision > 0 ? BigInt(fromRevision) : START, direction: FORWARDS })) {
        const stored = toStoredEvent(resolved);
        if (stored) events.push(stored);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  async readAll(after: LogPosition, maxCount: number): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    const fromPosition = comparePositions(after, LOG_START) === 0 ? START : after;
    // $all is read in pages because system and internal events are skipped here, not by the server.
    let cursor: ReadPosition = fromPosition;
    while (events.length < maxCount) {
      let seen = 0;
      let last: LogPosition | undefined;
      for await (const resolved of this.client.readAll({ fromPosition: cursor, direction: FORWARDS, maxCount: maxCount + 1 })) {
        seen += 1;
        const event = resolved.event;
        if (!event) continue;
        last = event.position;
        if (comparePositions(event.position, after) <= 0) continue; // fromPosition is inclusive
        const stored = toStoredEvent(resolved as AllStreamResolvedEvent);
        if (stored && !event.streamId.startsWith('$') && !event.streamId.startsWith(INTERNAL_PREFIX)) events.push(stored);
        if (events.length === maxCount) break;
      }
      if (seen <= 1 || !last) break;
      cursor = last;
    }
    return events;
  }

  /** EventStoreDB keeps no count of $all: the events are read, page by page, up to the cap. */
  async countAfter(after: LogPosition, cap: number): Promise<number> {
    let count = 0;
    let position = after;
    while (count < cap) {
      const page = await this.readAll(position, Math.min(1_000, cap - count));
      if (page.length === 0) break;
      count += page.length;
      position = page[page.length - 1].position;
    }
    return count;
  }

  async ping(): Promise<void> {
    // Reading one event of $all proves the connection, the credentials and the server all work.
    const read = this.client.readAll({ maxCount: 1, direction: BACKWARDS, fromPosition: END });
    await read[Symbol.asyncIterator]().next();
    read.destroy();
  }

  close(): Promise<void> {
    return this.client.dispose();
  }
}

function toExpected(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'no-stream') return NO_STREAM;
  if (expected === 'any') return ANY;
  return BigInt(expected);
}

function toStoredEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): StoredEvent | undefined {
  const event = resolved.event;
  if (!event || !event.isJson || !event.position) return undefined;
  return {
    id: event.id,
    streamId: event.streamId,
    revision: Number(event.revision),
    type: event.type,
    data: event.data as object,
    metadata: event.metadata as unknown as EventMetadata,
    position: event.position,
  };
}
