import { fold, OBJECTIVE_STREAM, organisationStream, PLAN_STREAM } from '@piao/application';
import { type EventStore, type StoredEvent } from '@piao/event-store';
import {
  DEFAULT_BACK_DATING_DAYS,
  DEFAULT_EVALUATION_TOLERANCE_POINTS,
  EMPTY_ORGANISATION,
  objectiveRedFlags,
  objectiveStreamId,
  organisationStreamId,
  planStreamId,
  unitsHeadedBy,
  yearEndReportDue,
  type ObjectiveState,
  type OrganisationState,
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

/** The ente's organisation, a plan, an objective, folded as the commands fold them (`fold` over their stream types). */
export const foldOrganisation = (ente: string, events: readonly StoredEvent[]): OrganisationState =>
  fold(organisationStream(ente), events) ?? EMPTY_ORGANISATION;
export const foldPlan = (events: readonly StoredEvent[]): PlanState | undefined => fold(PLAN_STREAM, events);
export const foldObjective = (events: readonly StoredEvent[]): ObjectiveState | undefined => fold(OBJECTIVE_STREAM, events);

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
  const context = redFlagContext(foldOrganisation(ente, await store.readStream(organisationStreamId(ente))), plan);
  const flags: RedFlag[] = [];
  for (const { objectiveId } of plan.objectives) {
    const events = await store.readStream(objectiveStreamId(objectiveId));
    if (events.length === 0 || events[0].metadata.ente !== ente) continue;
    const found = objectiveRedFlags(objectiveId, events, context);
    flags.push(...(reader.seesUnsharedEvaluations ? found : withoutUnsharedEvaluation(found, foldObjective(events))));
  }
  return flags;
}
