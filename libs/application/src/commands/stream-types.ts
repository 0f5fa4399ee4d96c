import {
  evolveDossierRequest,
  type DossierEvent,
  type DossierRequest,
  EMPTY_ORGANISATION,
  evolveObjective,
  evolveOrganisation,
  evolvePlan,
  type ObjectiveEvent,
  type ObjectiveState,
  type OrganisationEvent,
  type OrganisationState,
  type PlanEvent,
  type PlanState,
} from '@piao/lifecycle';
import { type StoredEvent } from '@piao/event-store';

export { objectiveStreamId, organisationStreamId, planStreamId } from '@piao/lifecycle';

/** An event as folded: stored, or just decided and about to be. */
export type FoldableEvent = Pick<StoredEvent, 'type' | 'data' | 'metadata'>;

/** How a kind of stream turns into state, and which ente owns it. */
export interface StreamType<S> {
  /** Named in 404s: "objective 123 does not exist". */
  name: string;
  /** The state before the first event. */
  initial: S | undefined;
  evolve(state: S | undefined, event: FoldableEvent): S;
  enteOf(state: S): string;
}

export function fold<S>(type: StreamType<S>, events: readonly FoldableEvent[], from: S | undefined = type.initial): S | undefined {
  return events.reduce<S | undefined>((state, event) => type.evolve(state, event), from);
}

export const OBJECTIVE_STREAM: StreamType<ObjectiveState> = {
  name: 'objective',
  initial: undefined,
  evolve: (state, e) => evolveObjective(state, { type: e.type, data: e.data } as ObjectiveEvent, { actorId: e.metadata.actor.id }),
  enteOf: (state) => state.ente,
};

export const PLAN_STREAM: StreamType<PlanState> = {
  name: 'plan',
  initial: undefined,
  evolve: (state, e) => evolvePlan(state, { type: e.type, data: e.data } as PlanEvent),
  enteOf: (state) => state.ente,
};

export const DOSSIER_STREAM: StreamType<DossierRequest> = {
  name: 'dossier',
  initial: undefined,
  evolve: (state, e) => evolveDossierRequest(state, { type: e.type, data: e.data } as DossierEvent),
  enteOf: (state) => state.ente,
};

/** One organisation stream per ente, named after it: it always "exists", empty at first. */
export function organisationStream(ente: string): StreamType<OrganisationState> {
  return {
    name: 'organisation',
    initial: EMPTY_ORGANISATION,
    evolve: (state, e) => evolveOrganisation(state ?? EMPTY_ORGANISATION, { type: e.type, data: e.data } as OrganisationEvent),
    enteOf: () => ente,
  };
}
