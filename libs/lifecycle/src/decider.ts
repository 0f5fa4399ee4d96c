import { type DecisionContext } from './access/actor';
import { decideObjective } from './objective/objective-decide';
import { type ObjectiveCommand } from './objective/objective-commands';
import { type ObjectiveEvent } from './objective/objective-events';
import { evolveObjective, type ObjectiveState } from './objective/objective-state';
import {
  decideOrganisation,
  EMPTY_ORGANISATION,
  evolveOrganisation,
  type OrganisationCommand,
  type OrganisationEvent,
  type OrganisationState,
} from './organisation/organisation';
import { decidePlan, evolvePlan, type PlanCommand, type PlanEvent, type PlanState } from './plan/plan';

/**
 * An aggregate as a Decider (Jérémie Chassaing; Emmett, event-driven-io): the state before any event, the
 * events a command produces in a state, and how an event changes the state. A stream's state is
 * `events.reduce(evolve, initialState())`. `Context` is what a decision needs beyond the stream (who acts,
 * the units they head, today), as `decisionContext` builds it.
 *
 * The deciders are views over `decideObjective`, `decidePlan`, `decideOrganisation` and their `evolve*`, which
 * the application keeps calling: those also return the role the actor acted in, which a Decider drops.
 */
export interface Decider<State, Command, Event, Context> {
  initialState(): State;
  decide(command: Command, state: State, context: Context): Event[];
  evolve(state: State, event: Event): State;
}

/** Who recorded an event: the stored metadata's shape, reduced to what folding needs. */
export interface EventMetadataActor {
  actor: { id: string };
}

/**
 * An objective event in the envelope the objective's Decider decides and folds. The objective's `evolve`
 * needs the author (to refuse self-validation later), which the bare event does not carry, so the event
 * travels with `metadata.actor.id`: the path the stored event's metadata already has, so that a stored
 * event folds as it is, and `decide` fills it from the context's actor.
 */
export type RecordedObjectiveEvent = ObjectiveEvent & { metadata: EventMetadataActor };

export const objectiveDecider: Decider<ObjectiveState | undefined, ObjectiveCommand, RecordedObjectiveEvent, DecisionContext> = {
  initialState: () => undefined,
  decide: (command, state, context) =>
    decideObjective(state, command, context).events.map((event) => ({ ...event, metadata: { actor: { id: context.actor.id } } }) as RecordedObjectiveEvent),
  evolve: (state, event) => evolveObjective(state, event, { actorId: event.metadata.actor.id }),
};

/** A plan decision may need the responsible unit of the objective being attached (see `decidePlan`). */
export interface PlanDecisionContext extends DecisionContext {
  unitOfObjective?: string;
}

export const planDecider: Decider<PlanState | undefined, PlanCommand, PlanEvent, PlanDecisionContext> = {
  initialState: () => undefined,
  decide: (command, state, context) => decidePlan(state, command, context, context.unitOfObjective).events,
  evolve: (state, event) => evolvePlan(state, event),
};

export const organisationDecider: Decider<OrganisationState, OrganisationCommand, OrganisationEvent, DecisionContext> = {
  initialState: () => EMPTY_ORGANISATION,
  decide: (command, state, context) => decideOrganisation(state, command, context).events,
  evolve: (state, event) => evolveOrganisation(state, event),
};
