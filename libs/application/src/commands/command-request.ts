import { type Actor, type GiuntaAct, type Role } from '@piao/lifecycle';
import { type CommandScope, type StoredEvent } from '@piao/event-store';

/**
 * A command sent with an Idempotency-Key. Its record (and the answer the client gets) is written in the same
 * transaction as its events, so a retry after any crash, timeout or cut connection gets that answer back and
 * appends nothing.
 */
export interface IdempotentRequest {
  scope: CommandScope;
  key: string;
  /** Fingerprint of the request: the same key with another request is refused. */
  requestHash: string;
  /** The status the client gets when the command succeeds (201 for a creation, 200 otherwise). */
  status: number;
  /** The body the client gets for the command's result: computed before the append, so that it is stored with it. */
  render: (result: never) => unknown;
}

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
  idempotency?: IdempotentRequest;
  /** Fault injection in tests: where the process is to die while running this command (see FailPoint). */
  failPoint?: FailPoint;
}

/**
 * Points where a test makes the process die (SIGKILL) while a command runs, to prove that a retry with the same
 * Idempotency-Key neither loses nor doubles it: before the append, while the append is in flight (its commit
 * unknown to the process), and after it committed, before the answer. Honoured only when the installation enables
 * fault injection (tests).
 */
export const FAIL_POINTS = ['before-append', 'during-append', 'after-append'] as const;
export type FailPoint = (typeof FAIL_POINTS)[number];

/** The actor who recorded a stored event, in the role they recorded it in. */
export function actorOf(event: StoredEvent): Actor {
  const { actor, ente } = event.metadata;
  return { id: actor.id, name: actor.name, ente, roles: [actor.role as Role] };
}

/**
 * A command that follows from a stored event: by the same actor, on the same business date and act, in the same
 * correlation, caused by that event. It carries no Idempotency-Key: what follows from an event is made idempotent
 * by its decision (nothing to do the second time).
 */
export function requestFollowing(event: StoredEvent): CommandRequest {
  const { occurredAt, reason, act, correlationId } = event.metadata;
  return { actor: actorOf(event), occurredOn: occurredAt.slice(0, 10), reason, act, correlationId, causationId: event.id };
}
