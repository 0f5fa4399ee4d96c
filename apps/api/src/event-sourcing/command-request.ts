import { type Actor, type GiuntaAct, type Role } from '@piao/lifecycle';
import { type StoredEvent } from '@piao/event-store';

/** What every command carries besides its own fields: who, when, why, on which act, at which revision. */
export interface CommandRequest {
  actor: Actor;
  /** Business date (ISO); today when absent, or the act's date for the Giunta's acts. */
  occurredOn?: string;
  reason?: string;
  act?: GiuntaAct;
  /** The revision the client last read; absent to let the server retry on concurrent changes. */
  expectedRevision?: number;
  correlationId: string;
  /** The event or request this command follows from; the request id for HTTP commands. */
  causationId: string;
}

/** The actor who recorded a stored event, in the role they recorded it in. */
export function actorOf(event: StoredEvent): Actor {
  const { actor, ente } = event.metadata;
  return { id: actor.id, name: actor.name, ente, roles: [actor.role as Role] };
}

/**
 * A command that follows from a stored event: by the same actor, on the same business date and act, in the same
 * correlation, caused by that event.
 */
export function requestFollowing(event: StoredEvent): CommandRequest {
  const { occurredAt, reason, act, correlationId } = event.metadata;
  return { actor: actorOf(event), occurredOn: occurredAt.slice(0, 10), reason, act, correlationId, causationId: event.id };
}
