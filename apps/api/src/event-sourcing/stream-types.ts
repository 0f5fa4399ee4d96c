import {
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
import { type StreamType } from './stream-commands';

export const objectiveStreamId = (objectiveId: string) => `objective-${objectiveId}`;
export const planStreamId = (planId: string) => `plan-${planId}`;
export const organisationStreamId = (ente: string) => `organisation-${ente}`;

export const OBJECTIVE_STREAM: StreamType<ObjectiveState> = {
  name: 'objective',
  fold: (events) =>
    events.reduce<ObjectiveState | undefined>(
      (state, e) => evolveObjective(state, { type: e.type, data: e.data } as ObjectiveEvent, { actorId: e.metadata.actor.id }),
      undefined,
    ),
  enteOf: (state) => state.ente,
};

export const PLAN_STREAM: StreamType<PlanState> = {
  name: 'plan',
  fold: (events) => events.reduce<PlanState | undefined>((state, e) => evolvePlan(state, { type: e.type, data: e.data } as PlanEvent), undefined),
  enteOf: (state) => state.ente,
};

/** One organisation stream per ente, named after it: it always "exists", empty at first. */
export function organisationStream(ente: string): StreamType<OrganisationState> {
  return {
    name: 'organisation',
    fold: (events) => events.reduce((state, e) => evolveOrganisation(state, { type: e.type, data: e.data } as OrganisationEvent), EMPTY_ORGANISATION),
    enteOf: () => ente,
  };
}
