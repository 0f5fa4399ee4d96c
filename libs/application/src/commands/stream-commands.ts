import { Inject, Injectable } from '@nestjs/common';
import { romeDateOf, violated, type Role } from '@piao/lifecycle';
import {
  COMMAND_RECORDS,
  CommandAlreadyRecorded,
  DuplicateEventId,
  EVENT_STORE,
  WrongExpectedRevision,
  type CommandRecord,
  type CommandRecords,
  type EventMetadata,
  type EventStore,
  type LogPosition,
  type NewEvent,
  type RecordedCommand,
} from '@piao/event-store';
import { CLOCK, type Clock } from '../clock/clock.port';
import { CommandContended, CommandReplayed, IdempotencyKeyExpired, IdempotencyKeyReused, StreamNotFound } from './command-errors';
import { type CommandRequest, type FailPoint } from './command-request';
import { PROCESSING, type ProcessingOptions } from '../processors/processing-options';
import { eventId } from './event-ids';
import { fold, type StreamType } from './stream-types';

export interface DomainEvent {
  type: string;
  data: object;
  /** Its id, when another event of the same command must name it: reserved beforehand with `CommandUnit.nextEventId`. */
  id?: string;
  /** What this event records differently from its command's request; what it leaves out is the request's. */
  metadata?: MetadataOverrides;
}

/**
 * The metadata one event may carry of its own: a history import (plan-history.commands.ts) records in one command the
 * steps of many people on many days, so each event says who, in which role, when, on which act and why.
 */
export type MetadataOverrides = Partial<Pick<EventMetadata, 'actor' | 'occurredAt' | 'act' | 'reason' | 'causationId' | 'imported'>>;

/** What a decider returned: the events to record, and the role the actor acted in (recorded with them). */
export interface Decided {
  events: DomainEvent[];
  role: Role;
  /** The capacity beyond the role, when there is one (a head ad interim, the Segretario for a vacant unit). */
  capacity?: string;
}

export interface LoadedStream<S> {
  state: S | undefined;
  /** Revision of the last event, or -1 for a stream with none. */
  revision: number;
}

/** As seen by one ente: another ente's stream looks empty, and is flagged so that nobody writes into it. */
export interface ScopedStream<S> extends LoadedStream<S> {
  foreign: boolean;
}

export interface CommandOutcome<S> {
  state: S;
  revision: number;
  /** Where the command's last event sits in the global log, once appended; absent when the command changed nothing. */
  position?: LogPosition;
  recorded: NewEvent[];
}

/**
 * Retries of a command whose client did not pin a revision, when another writer got in first: bounded in number
 * and time, with a growing random pause so that colliding writers spread out. Fifty writers on one plan all land.
 */
const MAX_ATTEMPTS = 60;
const RETRY_BUDGET_MS = 10_000;
/** Folded states kept in memory; each load still asks the store for events after the cached revision. */
const CACHED_STREAMS = 5_000;
export const SCHEMA_VERSION = 1;

/**
 * One attempt at a command: it loads the streams it needs as they are now and records what it decided on each;
 * StreamCommands then appends every decision at the revision it was loaded at, all together (one transaction on
 * PostgreSQL and PGlite), or retries the attempt from the start when a stream moved on meanwhile.
 */
export class CommandUnit {
  private readonly loaded = new Map<string, { type: StreamType<unknown>; revision: number; state: unknown; addressed: boolean }>();
  readonly writes: { streamId: string; type: StreamType<unknown>; expected: number; outcome: CommandOutcome<unknown> }[] = [];
  private eventCount = 0;

  constructor(
    private readonly streams: StreamCommands,
    readonly request: CommandRequest,
    /** Today in Italy, by the application's clock. */
    readonly today: string,
    /** When the command's events are recorded (ISO instant): their `recordedAt`. */
    readonly recordedAt: string,
  ) {}

  /**
   * The stream's current state. `addressed` marks the stream the client named, the one its `expectedRevision`
   * pins; `mustExist` turns a missing (or another ente's) stream into StreamNotFound.
   */
  async load<S>(type: StreamType<S>, streamId: string, options: { id: string; mustExist?: boolean; addressed?: boolean }): Promise<ScopedStream<S>> {
    const loaded = await this.streams.load(type, streamId, this.request.actor.ente);
    if (loaded.foreign || (options.mustExist && loaded.revision < 0)) throw new StreamNotFound(`${type.name} ${options.id}`);
    const pinned = options.addressed ? this.request.expectedRevision : undefined;
    if (pinned !== undefined && pinned !== loaded.revision) {
      throw new WrongExpectedRevision(streamId, pinned, loaded.revision < 0 ? 'no-stream' : loaded.revision);
    }
    this.loaded.set(streamId, { type: type as StreamType<unknown>, revision: loaded.revision, state: loaded.state, addressed: options.addressed === true });
    return loaded;
  }

  /**
   * Records the decision on a stream loaded by this unit; the outcome's position is set once appended. `causedBy`
   * names an event of this same command that this decision follows from (the plan's approval for each objective's).
   */
  write<S>(streamId: string, decided: Decided, causedBy?: string): CommandOutcome<S> {
    const stream = this.loaded.get(streamId);
    if (!stream) throw new Error(`${streamId} was not loaded by this command`);
    if (this.writes.some((w) => w.streamId === streamId)) throw new Error(`${streamId} is written twice by one command`);
    const recorded = decided.events.map((event) => ({
      id: event.id ?? this.nextEventId(),
      type: event.type,
      data: event.data,
      metadata: { ...this.metadata(decided.role, decided.capacity), ...(causedBy ? { causationId: causedBy } : {}), ...definedOnly(event.metadata) },
    }));
    const outcome: CommandOutcome<S> = {
      state: fold(stream.type as StreamType<S>, recorded, stream.state as S) as S,
      revision: stream.revision + recorded.length,
      recorded,
    };
    if (recorded.length > 0) this.writes.push({ streamId, type: stream.type, expected: stream.revision, outcome: outcome as CommandOutcome<unknown> });
    return outcome;
  }

  /**
   * The id of the command's next event, taken now: for an event that another event of the same command names before
   * it is written (a plan's approval, named by each objective's approval written with it). Ids stay a function of the
   * request and of the order they are taken in, so a retried command gets the same ones.
   */
  nextEventId(): string {
    return eventId(this.request.idempotency, this.eventCount++);
  }

  /** Whether the client pinned this stream's revision: a conflict on it is the client's to resolve (409). */
  pinned(streamId: string): boolean {
    return this.request.expectedRevision !== undefined && this.loaded.get(streamId)?.addressed === true;
  }

  private metadata(role: Role, capacity?: string): EventMetadata {
    const { actor, occurredOn, act, reason, correlationId, causationId } = this.request;
    return {
      actor: { id: actor.id, name: actor.name, role, ...(capacity ? { capacity } : {}) },
      ente: actor.ente,
      occurredAt: occurredOn ?? act?.date ?? this.today,
      recordedAt: this.recordedAt,
      ...(reason ? { reason } : {}),
      ...(act ? { act } : {}),
      correlationId,
      causationId,
      schemaVersion: SCHEMA_VERSION,
    };
  }
}

/** The overrides an event gives, without the members it leaves undefined. */
function definedOnly(overrides: MetadataOverrides | undefined): MetadataOverrides {
  return Object.fromEntries(Object.entries(overrides ?? {}).filter(([, value]) => value !== undefined));
}

/**
 * Load → decide → append at the revisions read: the only way commands change streams. A command sent with an
 * Idempotency-Key happens exactly once: its record is appended with its events, in the same transaction, and a
 * retry finds it and gets the first answer back.
 */
@Injectable()
export class StreamCommands {
  /** Insertion-ordered, so the first key is the least recently used. */
  private readonly cache = new Map<string, LoadedStream<unknown>>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(COMMAND_RECORDS) private readonly records: CommandRecords,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PROCESSING) private readonly processing: ProcessingOptions,
  ) {}

  /** Today in Italy, by the application's clock. */
  today(): string {
    return romeDateOf(this.clock.now());
  }

  /**
   * The stream's current state. Another ente's stream is reported exactly like a missing one: its existence is
   * not disclosed.
   */
  async load<S>(type: StreamType<S>, streamId: string, ente: string): Promise<ScopedStream<S>> {
    const cached = this.cache.get(streamId) as LoadedStream<S> | undefined;
    const from = cached ?? { state: type.initial, revision: -1 };
    const tail = await this.store.readStream(streamId, from.revision + 1);
    const loaded = tail.length === 0 ? from : { state: fold(type, tail, from.state), revision: tail[tail.length - 1].revision };
    this.remember(streamId, loaded);
    if (loaded.state !== undefined && type.enteOf(loaded.state) !== ente) return { state: type.initial, revision: -1, foreign: true };
    return { ...loaded, foreign: false };
  }

  async loadExisting<S>(type: StreamType<S>, streamId: string, ente: string, id: string): Promise<{ state: S; revision: number }> {
    const loaded = await this.load(type, streamId, ente);
    if (loaded.state === undefined || loaded.revision < 0) throw new StreamNotFound(`${type.name} ${id}`);
    return loaded as { state: S; revision: number };
  }

  /**
   * Runs a command: `attempt` loads what it needs through the unit and records its decisions; everything decided
   * is appended together at the revisions loaded. A refusal (a thrown rule) appends nothing. When another writer
   * got in first and the client pinned no revision, the whole attempt runs again on the new state.
   */
  async execute<R>(request: CommandRequest, attempt: (unit: CommandUnit) => Promise<R>): Promise<R> {
    const today = this.today();
    if (request.occurredOn && request.occurredOn > today)
      violated('date-in-future', `the business date ${request.occurredOn} is after today (${today})`, 'occurredOn');
    const started = performance.now();
    for (let attempts = 1; ; attempts++) {
      // The HTTP layer looked the key up before the first attempt; a retry looks again, a copy may have landed.
      if (attempts > 1) await this.replayIfRecorded(request);
      const unit = new CommandUnit(this, request, today, this.clock.now().toISOString());
      const result = await attempt(unit);
      const command = this.commandRecord(request, result);
      if (unit.writes.length === 0) {
        if (command) {
          const recorded = await this.records.record(command);
          // Another copy of this request recorded its answer first (it may have appended what this one then found
          // done): that answer stands, replayed. Ours is the one recorded when it bears our own recording time.
          const ours = recorded.recordedAt.getTime() === command.recordedAt.getTime();
          this.replayIfNotOurs(recorded, request, !ours);
        }
        return result;
      }
      try {
        this.failAt('before-append', request);
        const appending = this.store.appendToStreams(
          unit.writes.map((w) => ({ streamId: w.streamId, events: w.outcome.recorded, expected: w.expected < 0 ? 'no-stream' : w.expected })),
          { command },
        );
        if (request.failPoint === 'during-append' && this.processing.crash) {
          // The kill comes 1 ms after the statement left, and the answer never does: the commit is unknown to the client.
          setTimeout(() => this.failAt('during-append', request), 1);
          await appending.catch(() => undefined);
          await new Promise(() => undefined);
        }
        const appended = await appending;
        this.failAt('after-append', request);
        // Read-your-writes waits for the last event of the transaction: everything the command wrote.
        const last = appended[appended.length - 1].position;
        unit.writes.forEach((w, i) => {
          w.outcome.position = last;
          this.remember(w.streamId, { state: w.outcome.state, revision: appended[i].revision });
        });
        return result;
      } catch (error) {
        if (error instanceof CommandAlreadyRecorded) this.replayIfNotOurs(error.recorded, request, true);
        if (error instanceof DuplicateEventId && request.idempotency) {
          await this.replayIfRecorded(request);
          throw new IdempotencyKeyExpired();
        }
        const unpinnedConflict = error instanceof WrongExpectedRevision && !unit.pinned(error.streamId);
        const retry = unpinnedConflict && attempts < MAX_ATTEMPTS && performance.now() - started < RETRY_BUDGET_MS;
        if (unpinnedConflict && !retry) {
          // Out of retries on a stream too busy to land on: not the client's conflict to resolve, and a retry may land.
          await this.replayIfRecorded(request);
          throw new CommandContended((error as WrongExpectedRevision).streamId);
        }
        if (!retry) {
          // A pinned conflict may be this very command, already recorded by a concurrent copy of the request.
          if (error instanceof WrongExpectedRevision) await this.replayIfRecorded(request);
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 ** attempts, 50)));
      }
    }
  }

  /**
   * As `execute`, with where the command's events end in the log: known only once the attempt has returned and
   * everything it decided is appended (absent when it appended nothing). For commands that write many streams.
   */
  async executeWithPosition<R>(request: CommandRequest, attempt: (unit: CommandUnit) => Promise<R>): Promise<{ result: R; position?: LogPosition }> {
    let last: CommandUnit | undefined;
    const result = await this.execute(request, (unit) => {
      last = unit;
      return attempt(unit);
    });
    return { result, position: last?.writes[0]?.outcome.position };
  }

  /** A command on one stream: load, decide, append. */
  run<S>(
    type: StreamType<S>,
    streamId: string,
    request: CommandRequest,
    decide: (state: S | undefined, today: string) => Decided,
    options: { mustExist: boolean; id: string },
  ): Promise<CommandOutcome<S>> {
    return this.execute(request, async (unit) => {
      const loaded = await unit.load(type, streamId, { ...options, addressed: true });
      return unit.write<S>(streamId, decide(loaded.state, unit.today));
    });
  }

  /** Fault injection: only an installation that enabled it (tests) has a `crash`; anywhere else fail points do nothing. */
  private failAt(point: FailPoint, request: CommandRequest): void {
    if (request.failPoint === point) this.processing.crash?.();
  }

  private commandRecord(request: CommandRequest, result: unknown): CommandRecord | undefined {
    const idempotency = request.idempotency;
    if (!idempotency) return undefined;
    const { scope, key, requestHash, status, render } = idempotency;
    return { scope, key, requestHash, answer: { status, body: (render as (r: unknown) => unknown)(result) }, recordedAt: this.clock.now() };
  }

  /** A command already recorded under the request's key is answered from its record, and runs no more. */
  private async replayIfRecorded(request: CommandRequest): Promise<void> {
    const idempotency = request.idempotency;
    if (!idempotency) return;
    const recorded = await this.records.find(idempotency.scope, idempotency.key);
    if (recorded) this.replayIfNotOurs(recorded, request, true);
  }

  /**
   * `recorded` is the record now kept under the request's key: another request's (a different fingerprint) is a
   * reuse of the key; the same request's is replayed, unless it is the one just written (`always` false).
   */
  private replayIfNotOurs(recorded: RecordedCommand, request: CommandRequest, always = false): void {
    if (recorded.requestHash !== request.idempotency!.requestHash) throw new IdempotencyKeyReused();
    if (always) throw new CommandReplayed(recorded);
  }

  /** Keeps the newest state seen; concurrent loads finishing out of order must not move it back. */
  private remember(streamId: string, loaded: LoadedStream<unknown>): void {
    const cached = this.cache.get(streamId);
    if (cached && cached.revision > loaded.revision) return;
    this.cache.delete(streamId);
    this.cache.set(streamId, loaded);
    if (this.cache.size > CACHED_STREAMS) this.cache.delete(this.cache.keys().next().value as string);
  }
}
