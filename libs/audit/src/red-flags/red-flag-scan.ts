import { type EventStore, type StoredEvent } from '@piao/event-store';
import {
  DEFAULT_BACK_DATING_DAYS,
  DEFAULT_EVALUATION_TOLERANCE_POINTS,
  EMPTY_ORGANISATION,
  evolveObjective,
  evolveOrganisation,
  evolvePlan,
  objectiveRedFlags,
  objectiveStreamId,
  organisationStreamId,
  planStreamId,
  unitsHeadedBy,
  yearEndReportDue,
  type ObjectiveEvent,
  type ObjectiveState,
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

export function foldObjective(events: readonly StoredEvent[]): ObjectiveState | undefined {
  return events.reduce<ObjectiveState | undefined>(
    (state, e) => evolveObjective(state, { type: e.type, data: e.data } as ObjectiveEvent, { actorId: e.metadata.actor.id }),
    undefined,
  );
}

export function foldPlan(events: readonly StoredEvent[]): PlanState | undefined {
  return events.reduce<PlanState | undefined>((state, e) => evolvePlan(state, { type: e.type, data: e.data } as PlanEvent), undefined);
}

/** The flags that tell an evaluation's score or author: the NdV's alone until the evaluation is shared. */
const EVALUATION_FLAGS: ReadonlySet<RedFlag['kind']> = new Set(['evaluation-of-own-unit', 'evaluation-above-indicators']);

/** An evaluation recorded by the NdV and not shared yet (BRIEF §2.6): nobody else learns of its score. */
export function evaluationUnshared(state: ObjectiveState | undefined): boolean {
  return state?.evaluation?.status === 'evaluated';
}

/** The flags without those about an evaluation not shared yet. */
export function withoutUnsharedEvaluation(flags: RedFlag[], state: ObjectiveState | undefined): RedFlag[] {
  return evaluationUnshared(state) ? flags.filter((f) => !EVALUATION_FLAGS.has(f.kind)) : flags;
}

/**
 * The red flags of a plan's objectives as the log stands now, read from the log itself (the same rules as the
 * dossier's, which reads it up to its request). Undefined when the plan is not the ente's.
 */
export async function planRedFlags(
  store: EventStore,
  ente: string,
  planId: string,
  reader: { seesUnsharedEvaluations: boolean },
): Promise<RedFlag[] | undefined> {
  const plan = foldPlan(await store.readStream(planStreamId(planId)));
  if (!plan || plan.ente !== ente) return undefined;
  const context = redFlagContext(foldOrganisation(await store.readStream(organisationStreamId(ente))), plan);
  const flags: RedFlag[] = [];
  for (const { objectiveId } of plan.objectives) {
    const events = await store.readStream(objectiveStreamId(objectiveId));
    if (events.length === 0 || events[0].metadata.ente !== ente) continue;
    const found = objectiveRedFlags(objectiveId, events, context);
    flags.push(...(reader.seesUnsharedEvaluations ? found : withoutUnsharedEvaluation(found, foldObjective(events))));
  }
  return flags;
}
