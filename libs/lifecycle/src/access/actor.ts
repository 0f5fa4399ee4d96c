import { type CalendarDate } from '../calendar/calendar-date';
import { type Appointments } from './appointments';

export const ROLES = ['segretario', 'dirigente', 'nucleo', 'rpct', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The authenticated person issuing a command, as the identity provider vouches for them. */
export interface Actor {
  id: string;
  name: string;
  ente: string;
  roles: readonly Role[];
}

/** What a decision needs to know about the world beyond the stream itself. */
export interface DecisionContext {
  actor: Actor;
  /** Units the actor heads today, from the ente's organisation. */
  unitsHeaded: ReadonlySet<string>;
  /** Today in Italy: business dates may not be later. */
  today: string;
  /**
   * The ente's headships, unit assignments and substitute validators, for the segregation of duties (who may not judge
   * which work, and who validates in the Segretario's stead). Absent, only `unitsHeaded` ties the actor to a unit.
   */
  appointments?: Appointments;
}

/**
 * The context of a decision taken on `today` (by the application's clock: the domain never reads the time itself),
 * by an actor heading the given units, in an ente with the given appointments (its organisation).
 */
export function decisionContext(actor: Actor, today: CalendarDate, unitsHeaded: Iterable<string> = [], appointments?: Appointments): DecisionContext {
  return { actor, unitsHeaded: new Set(unitsHeaded), today, ...(appointments ? { appointments } : {}) };
}
