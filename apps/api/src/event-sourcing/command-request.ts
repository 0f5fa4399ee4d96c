import { type Actor, type GiuntaAct } from '@piao/lifecycle';

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
