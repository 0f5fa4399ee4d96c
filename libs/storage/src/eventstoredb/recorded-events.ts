import {
  CancelledError,
  DeadlineExceededError,
  NotLeaderError,
  TimeoutError,
  UnavailableError,
  convertToCommandError,
  type Position,
  type ResolvedEvent,
  type AllStreamResolvedEvent,
} from '@eventstore/db-client';
import { StoreUnavailable, type EventMetadata, type LogPosition, type StoredEvent } from '@piao/event-store';

/** What the server sends for "no position" (`Position.End`: both halves at 2^64 - 1). */
const NO_POSITION = 2n ** 64n - 1n;

/**
 * An event came without its position in `$all`. Every event of the application's log must have one (a reader pages
 * by it, read-your-writes waits for it), so such an event is an error, never skipped: the server is older than
 * 22.6.0, or the event was written in an explicit transaction (the TCP API of EventStoreDB before 24.2).
 */
export class EventWithoutPosition extends Error {
  constructor(
    readonly streamId: string,
    readonly revision: number,
    readonly eventId: string,
  ) {
    super(
      `event ${eventId} of ${streamId} (revision ${revision}) came without its position in $all: ` +
        `written in an explicit transaction, or read from a server older than 22.6.0`,
    );
    this.name = 'EventWithoutPosition';
  }
}

/** The event's position in `$all`, or undefined when the server gave none (absent, or its "no position" value). */
export function positionOf(event: { position?: Position }): LogPosition | undefined {
  const position = event.position;
  if (!position || position.commit === NO_POSITION || position.prepare === NO_POSITION) return undefined;
  if (position.commit < 0n || position.prepare < 0n) return undefined;
  return { commit: position.commit, prepare: position.prepare };
}

/**
 * An event as the application stores it: JSON data and metadata, and its position in `$all`. Throws for a record
 * that is not one (a link whose event is gone, a binary event) and for an event without a position.
 */
export function toStoredEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): StoredEvent {
  const event = resolved.event;
  if (!event) throw new Error(`a record of the log carries no event (a link whose event is gone): not an event of this application`);
  const revision = Number(event.revision);
  if (!event.isJson)
    throw new Error(`event ${event.id} of ${event.streamId} (revision ${revision}, ${event.type}) is not JSON: not an event of this application`);
  const position = positionOf(event);
  if (!position) throw new EventWithoutPosition(event.streamId, revision, event.id);
  return {
    id: event.id,
    streamId: event.streamId,
    revision,
    type: event.type,
    data: event.data as object,
    metadata: event.metadata as unknown as EventMetadata,
    position,
  };
}

/**
 * The client's errors that mean the server could not be reached or did not answer in time, so that whether a write
 * in flight happened is unknown: unavailable (connection refused or lost), deadline exceeded, timeout (the server's
 * own prepare/commit timeout, gRPC ABORTED), cancelled by the server, not the leader (the client reconnects to the
 * leader on the next call), and a cluster whose nodes could not be discovered.
 */
const UNAVAILABLE = [UnavailableError, DeadlineExceededError, TimeoutError, CancelledError, NotLeaderError];

/** StoreUnavailable (the API answers 503 with Retry-After) for a lost or refused connection; anything else as it is. */
export function unavailableOr(error: unknown, during: string): unknown {
  // Errors of the client's own calls come converted; a few paths (its ServerFeatures call) throw the raw gRPC error.
  const converted = error instanceof Error ? convertToCommandError(error) : error;
  const discovery = converted instanceof Error && /^Failed to discover/.test(converted.message);
  if (discovery || UNAVAILABLE.some((type) => converted instanceof type)) {
    return new StoreUnavailable(`EventStoreDB unavailable while ${during}: ${(converted as Error).message}`, error);
  }
  return converted;
}
