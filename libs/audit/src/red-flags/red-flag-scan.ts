import { type EventStore, type StoredEvent } from '@piao/event-store';
import {
  DEFAULT_BACK_DATING_DAYS,
  DEFAULT_EVALUATION_TOLERANCE_POINTS,
  EMPTY_ORGANISATION,
  evolveOrganisation,
  evolvePlan,
  objectiveRedFlags,
  objectiveStreamId,
  organisationStreamId,
  planStreamId,
  unitsHeadedBy,
  yearEndReportDue,
  type OrganisationEvent,
  type OrganisationState,
  type PlanEvent,
  type PlanState,
  type RedFlag,
  type RedFlagContext,
} from '@piao/lifecycle';

/** What the red flags of an objective of `plan` are judged against: the ente's organisation and the plan's campaigns. */
export function redFlagContext(organisation: OrganisationState, plan: PlanState | undefined): RedFlagContext {
  return {
    unitsHeadedBy: (personId, on) => unitsHeadedBy(organisation, personId, on),
    campaigns: Object.fromEntries(Object.entries(plan?.campaigns ?? {}).map(([asOf, c]) => [asOf, { dueOn: c.dueOn }])),
    yearEndDue: yearEndReportDue,
    backDatingDays: DEFAULT_BACK_DATING_DAYS,
    evaluationTolerancePoints: DEFAULT_EVALUATION_TOLERANCE_POINTS,
  };
}

export function foldOrganisation(events: readonly StoredEvent[]): OrganisationState {
  return events.reduce<OrganisationState>((state, e) => evolveOrganisation(state, { type: e.type, data: e.data } as OrganisationEvent), EMPTY_ORGANISATION);
}

export function foldPlan(events: readonly StoredEvent[]): PlanState | undefined {
  return events.reduce<PlanState | undefined>((state, e) => evolvePlan(state, { type: e.type, data: e.data } as PlanEvent), undefined);
}

/**
 * The red flags of a plan's objectives as the log stands now, read from the log itself (the same rules as the
 * dossier's, which reads it up to its request). Undefined when the plan is not the ente's.
 */
export async function planRedFlags(store: EventStore, ente: string, planId: string): Promise<RedFlag[] | undefined> {
  const plan = foldPlan(await store.readStream(planStreamId(planId)));
  if (!plan || plan.ente !== ente) return undefined;
  const context = redFlagContext(foldOrganisation(await store.readStream(organisationStreamId(ente))), plan);
  const flags: RedFlag[] = [];
  for (const { objectiveId } of plan.objectives) {
    const events = await store.readStream(objectiveStreamId(objectiveId));
    if (events.length > 0 && events[0].metadata.ente === ente) flags.push(...objectiveRedFlags(objectiveId, events, context));
  }
  return flags;
}
