import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { romeDateOf, violated, type Role } from '@piao/lifecycle';
import { EVENT_STORE, WrongExpectedRevision, type EventMetadata, type EventStore, type LogPosition, type NewEvent } from '@piao/event-store';
import { notFound } from '../problem-details/problem';
import { type CommandRequest } from './command-request';
import { fold, type StreamType } from './stream-types';

export interface DomainEvent {
  type: string;
  data: object;
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
  /** Where the last appended event sits in the global log; absent when the command changed nothing. */
  position?: LogPosition;
  recorded: NewEvent[];
}

/** Retries when another writer got in first and the client did not pin a revision. */
const MAX_ATTEMPTS = 8;
/** Folded states kept in memory; each load still asks the store for events after the cached revision. */
const CACHED_STREAMS = 5_000;
export const SCHEMA_VERSION = 1;

/** Load → decide → append at the expected revision: the only way commands change a stream. */
@Injectable()
export class StreamCommands {
  /** Insertion-ordered, so the first key is the least recently used. */
  private readonly cache = new Map<string, LoadedStream<unknown>>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

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
    if (loaded.state === undefined || loaded.revision < 0) throw notFound(`${type.name} ${id}`);
    return loaded as { state: S; revision: number };
  }

  /**
   * Runs `decide` against the stream's current state and appends what it returns. `mustExist` turns a missing
   * (or foreign) stream into a 404 before deciding.
   */
  async run<S>(
    type: StreamType<S>,
    streamId: string,
    request: CommandRequest,
    decide: (state: S | undefined) => { events: DomainEvent[]; role: Role },
    options: { mustExist: boolean; id: string },
  ): Promise<CommandOutcome<S>> {
    const today = romeDateOf(new Date());
    if (request.occurredOn && request.occurredOn > today) violated('date-in-future', `the business date ${request.occurredOn} is after today (${today})`);
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.load(type, streamId, request.actor.ente);
      if (loaded.foreign || (options.mustExist && loaded.revision < 0)) throw notFound(`${type.name} ${options.id}`);
      if (request.expectedRevision !== undefined && request.expectedRevision !== loaded.revision) {
        throw new WrongExpectedRevision(streamId, request.expectedRevision, loaded.revision < 0 ? 'no-stream' : loaded.revision);
      }
      const { events, role } = decide(loaded.state);
      if (events.length === 0) return { state: loaded.state as S, revision: loaded.revision, recorded: [] };
      const recorded = events.map((event) => ({ id: randomUUID(), type: event.type, data: event.data, metadata: metadataOf(request, role, today) }));
      try {
        const result = await this.store.append(streamId, recorded, loaded.revision < 0 ? 'no-stream' : loaded.revision);
        const outcome = { state: fold(type, recorded, loaded.state) as S, revision: result.revision };
        this.remember(streamId, outcome);
        return { ...outcome, position: result.position, recorded };
      } catch (error) {
        const retry = error instanceof WrongExpectedRevision && request.expectedRevision === undefined && attempt < MAX_ATTEMPTS;
        if (!retry) throw error;
        // Jitter spreads out writers that collided, so that the next attempt of each is likely to land.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      }
    }
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

function metadataOf(request: CommandRequest, role: Role, today: string): EventMetadata {
  const { actor } = request;
  return {
    actor: { id: actor.id, name: actor.name, role },
    ente: actor.ente,
    occurredAt: request.occurredOn ?? request.act?.date ?? today,
    recordedAt: new Date().toISOString(),
    ...(request.reason ? { reason: request.reason } : {}),
    ...(request.act ? { act: request.act } : {}),
    correlationId: request.correlationId,
    causationId: request.causationId,
    schemaVersion: SCHEMA_VERSION,
  };
}
