import { type CommandRecord } from './idempotency.port';
import { type LogPosition } from './log-position';

export * from './log-position';

/**
 * The event-store port: the only way the application touches its system of record.
 * Adapters: PostgreSQL and PGlite (same SQL), EventStoreDB/KurrentDB.
 */

/**
 * What must be true of the stream for an append to go through. A number is the revision (0-based index)
 * of the stream's last event as the writer last saw it.
 */
export type ExpectedRevision = 'no-stream' | 'any' | number;

/** Every event says who, for which ente, when it happened and was recorded, why, on which act (BRIEF §4). */
export interface EventMetadata {
  /** `capacity`, when present: the actor stood in (`ad-interim` head, the Segretario for a `vacant-unit`). */
  actor: { id: string; name: string; role: string; capacity?: string };
  ente: string;
  /** The business date or instant the fact happened: a deliberation of 10/03 recorded on 14/03 says 10/03. */
  occurredAt: string;
  /** When the system recorded it (ISO instant). */
  recordedAt: string;
  reason?: string;
  act?: { number: string; date: string };
  correlationId: string;
  causationId: string;
  schemaVersion: number;
  /**
   * Present on an event imported with a past year's history (`POST /plans/{planId}/history`): who imported it and when
   * (the same instant as `recordedAt`). `actor` and `occurredAt` are then the historical person, role and business
   * date. Absent on everything recorded as it happened, events written before it existed included.
   */
  imported?: ImportedMark;
}

/** Who imported an event of a past year's history, and when (an ISO instant). */
export interface ImportedMark {
  by: { id: string; name: string };
  at: string;
}

export interface NewEvent {
  id: string;
  type: string;
  data: object;
  metadata: EventMetadata;
}

export interface StoredEvent extends NewEvent {
  streamId: string;
  /** 0-based index of the event in its stream. */
  revision: number;
  position: LogPosition;
}

export interface AppendResult {
  /** Revision of the last event appended: the expected revision for the next append. */
  revision: number;
  position: LogPosition;
}

export class WrongExpectedRevision extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's current revision, or 'no-stream'. */
    readonly actual: number | 'no-stream',
  ) {
    super(`stream ${streamId}: expected revision ${expected}, actual ${actual}`);
    this.name = 'WrongExpectedRevision';
  }
}

/** The events to append to one stream, and what must be true of it. */
export interface StreamWrite {
  streamId: string;
  events: readonly NewEvent[];
  expected: ExpectedRevision;
}

export interface AppendOptions {
  /** The command's Idempotency-Key record: stored with the events, in the same transaction, or not at all. */
  command?: CommandRecord;
}

/**
 * The store could not be reached, or the connection was lost while a write was in flight: whether it happened is
 * unknown. The client may retry (with its Idempotency-Key, a retry is safe); the API answers 503 with Retry-After.
 */
export class StoreUnavailable extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'StoreUnavailable';
  }
}

/**
 * An event id is already in the log. Commands sent with an Idempotency-Key get event ids derived from the key,
 * so this means the same command was recorded before (and its record is gone, or is kept elsewhere).
 */
export class DuplicateEventId extends Error {
  constructor(readonly streamId: string | undefined) {
    super(`an event with the same id is already stored${streamId ? ` in ${streamId}` : ''}`);
    this.name = 'DuplicateEventId';
  }
}

export interface EventStore {
  /** Appends atomically: all the events or none. Throws WrongExpectedRevision, CommandAlreadyRecorded. */
  append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision, options?: AppendOptions): Promise<AppendResult>;
  /**
   * Appends to several streams, each at its expected revision. PostgreSQL and PGlite write them in one transaction
   * (all or none); EventStoreDB cannot, and writes them in order, one stream at a time (see docs/architecture.md).
   * Returns one result per write, in order.
   */
  appendToStreams(writes: readonly StreamWrite[], options?: AppendOptions): Promise<AppendResult[]>;
  /** The stream's events in order from `fromRevision` (0 by default); empty when the stream does not exist. */
  readStream(streamId: string, fromRevision?: number): Promise<StoredEvent[]>;
  /**
   * Up to `maxCount` events of the global log strictly after `after`, in log order. A reader that pages through
   * it sees every event exactly once: no event may commit later at a position already passed.
   */
  readAll(after: LogPosition, maxCount: number): Promise<StoredEvent[]>;
  /** How many events of the log lie after `after`, counting at most `cap`: a follower's lag, a replay's length. */
  countAfter(after: LogPosition, cap: number): Promise<number>;
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EventStore');
