import { type Actor, type DecisionContext } from '@piao/lifecycle';

/** The context of a decision taken on `today` (by the application's clock) by an actor heading the given units. */
export function contextOf(actor: Actor, today: string, unitsHeaded: Iterable<string> = []): DecisionContext {
  return { actor, unitsHeaded: new Set(unitsHeaded), today };
}
