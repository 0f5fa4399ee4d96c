import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { romeDateOf, violated, type Role } from '@piao/lifecycle';
import { EVENT_STORE, WrongExpectedRevision, type EventMetadata, type EventStore, type LogPosition, type NewEvent, type StoredEvent } from '@piao/event-store';
import { notFound } from '../problem-details/problem';
import { type CommandRequest } from './command-request';

export interface DomainEvent {
  type: string;
  data: object;
}

/** How a kind of stream turns into state, and which ente owns it. */
export interface StreamType<S> {
  /** Named in 404s: "objective 123 does not exist". */
  name: string;
  fold(events: readonly StoredEvent[]): S | undefined;
  enteOf(state: S): string;
}

export interface LoadedStream<S> {
  state: S | undefined;
  /** Revision of the last event, or -1 for a stream with none. */
  revision: number;
  events: StoredEvent[];
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
export const SCHEMA_VERSION = 1;

/** Load → decide → append at the expected revision: the only way commands change a stream. */
@Injectable()
export class StreamCommands {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async load<S>(type: StreamType<S>, streamId: string, ente: string): Promise<LoadedStream<S>> {
    const events = await this.store.readStream(streamId);
    const state = type.fold(events);
    // Another ente's stream is reported exactly like a missing one: its existence is not disclosed.
    if (state !== undefined && type.enteOf(state) !== ente) return { state: undefined, revision: -1, events: [] };
    return { state, revision: events.length - 1, events };
  }

  async loadExisting<S>(type: StreamType<S>, streamId: string, ente: string, id: string): Promise<LoadedStream<S> & { state: S }> {
    const loaded = await this.load(type, streamId, ente);
    if (loaded.state === undefined) throw notFound(`${type.name} ${id}`);
    return loaded as LoadedStream<S> & { state: S };
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
      const loaded = options.mustExist
        ? await this.loadExisting(type, streamId, request.actor.ente, options.id)
        : await this.load(type, streamId, request.actor.ente);
      if (!options.mustExist && loaded.state === undefined && loaded.events.length > 0) throw notFound(`${type.name} ${options.id}`);
      if (request.expectedRevision !== undefined && request.expectedRevision !== loaded.revision) {
        throw new WrongExpectedRevision(streamId, request.expectedRevision, loaded.revision < 0 ? 'no-stream' : loaded.revision);
      }
      const { events, role } = decide(loaded.state);
      if (events.length === 0) return { state: loaded.state as S, revision: loaded.revision, recorded: [] };
      const recorded = events.map((event) => ({ id: randomUUID(), type: event.type, data: event.data, metadata: metadataOf(request, role, today) }));
      try {
        const result = await this.store.append(streamId, recorded, loaded.revision < 0 ? 'no-stream' : loaded.revision);
        const state = type.fold([
          ...loaded.events,
          ...recorded.map((e, i) => ({ ...e, streamId, revision: loaded.revision + 1 + i, position: result.position })),
        ]);
        return { state: state as S, revision: result.revision, position: result.position, recorded };
      } catch (error) {
        const retry = error instanceof WrongExpectedRevision && request.expectedRevision === undefined && attempt < MAX_ATTEMPTS;
        if (!retry) throw error;
        // Jitter spreads out writers that collided, so that the next attempt of each is likely to land.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      }
    }
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
