import { isCalendarDate, type CalendarDate } from '../calendar/calendar-date';
import { type ObjectiveState } from '../objective/objective-state';
import { type PlanState } from '../plan/plan';
import { objectiveDeadlines, phasePeriodEnd, type Campaigns, type Deadline } from '../read-side/deadlines';
import { dateInYear, type ReminderPolicy } from './reminder-policy';
import { type ReminderAudience } from './reminder-schedule';

/**
 * A deadline the reminders follow: an objective's (its phases, indicators, monitoring reports and year-end report)
 * or a plan's (its approval by the Giunta, the NdV's validation). `dueOn` is absent when the plan gave only a
 * period in words that pins no date down ("luglio e gennaio"): such a deadline makes no reminder and is listed for the
 * Segretario as undated. `periodText` beside a `dueOn` is the period the date was read from ("II trim" → 30/06).
 */
export interface TrackedDeadline {
  deadlineId: string;
  ente: string;
  planId: string;
  objectiveId?: string;
  kind: Deadline['kind'];
  ref: string;
  description: string;
  dueOn?: CalendarDate;
  periodText?: string;
  /** The responsible unit, whose head (on the day of sending) is written to; absent for the plan's deadlines. */
  unitId?: string;
  audience: ReminderAudience;
  open: boolean;
}

/** The campaigns an objective reports to: the ente's yearly calendar over its horizon, and those the plan opened. */
export function campaignsFor(state: ObjectiveState, plan: PlanState | undefined, policy: ReminderPolicy): Campaigns {
  const campaigns: Campaigns = {};
  for (let year = state.definition.horizon.fromYear; year <= state.definition.horizon.toYear; year++) {
    for (const entry of policy.monitoringCampaigns) campaigns[dateInYear(entry.asOf, year)] = { dueOn: dateInYear(entry.dueOn, year) };
  }
  for (const [asOf, campaign] of Object.entries(plan?.campaigns ?? {})) campaigns[asOf] = { dueOn: campaign.dueOn };
  return campaigns;
}

/**
 * What an approved objective owes, each with whether it is still open; phases the plan dated only in words come as
 * undated deadlines. Anything else (a draft, a cancelled, reported or closed objective) owes nothing: its earlier
 * deadlines close.
 */
export function objectiveTrackedDeadlines(objectiveId: string, state: ObjectiveState, plan: PlanState | undefined, policy: ReminderPolicy): TrackedDeadline[] {
  if (state.status !== 'approved') return [];
  const unitId = state.definition.responsibleUnitId;
  const base = { ente: state.ente, planId: state.planId, objectiveId, unitId, audience: 'responsible' as const };
  const dated = objectiveDeadlines(state, campaignsFor(state, plan, policy), (toYear) => dateInYear(policy.yearEndReportDue, toYear + 1)).map(
    (d): TrackedDeadline => {
      const deadline = {
        ...base,
        deadlineId: `${objectiveId}/${d.kind}/${d.ref}`,
        kind: d.kind,
        ref: d.ref,
        description: d.description,
        open: !d.met,
        ...(d.periodText ? { periodText: d.periodText } : {}),
        ...(d.unitId ? { unitId: d.unitId } : {}),
      };
      // A date the log carries but no calendar has (an event written around the commands' checks): flagged, not guessed.
      return isCalendarDate(d.dueOn) ? { ...deadline, dueOn: d.dueOn } : { ...deadline, periodText: `data non valida: ${String(d.dueOn)}` };
    },
  );
  // A period in words that pins no date down ("luglio e gennaio") stays undated: listed, never reminded of.
  const { fromYear, toYear } = state.definition.horizon;
  const undated = state.definition.phases
    .filter((p) => !p.cancelled && !p.plannedEnd && p.plannedPeriodText && !phasePeriodEnd(p, fromYear, toYear))
    .map((p): TrackedDeadline => ({
      ...base,
      deadlineId: `${objectiveId}/phase-end/${p.id}`,
      kind: 'phase-end',
      ref: p.id,
      description: p.description,
      periodText: p.plannedPeriodText,
      open: (state.progress[p.id]?.progressPercent ?? 0) < 100,
    }));
  return [...dated, ...undated];
}

/**
 * The plan's own deadlines: its approval by the Giunta (open until approved), and the NdV's validation after its
 * last year (open while `awaitingEvaluation` objectives of the plan have not been evaluated).
 */
export function planTrackedDeadlines(plan: PlanState, policy: ReminderPolicy, awaitingEvaluation: number): TrackedDeadline[] {
  const base = { ente: plan.ente, planId: plan.planId };
  const approved = plan.status === 'approved' || plan.status === 'closed';
  const validationYear = plan.toYear + 1;
  return [
    {
      ...base,
      deadlineId: `plan/${plan.planId}/plan-approval/${plan.fromYear}`,
      kind: 'plan-approval',
      ref: String(plan.fromYear),
      description: `approvazione del ${plan.kind} ${plan.fromYear}-${plan.toYear}`,
      dueOn: dateInYear(policy.planApprovalDue, plan.fromYear),
      audience: 'segretario',
      open: !approved,
    },
    {
      ...base,
      deadlineId: `plan/${plan.planId}/ndv-validation/${validationYear}`,
      kind: 'ndv-validation',
      ref: String(validationYear),
      description: `validazione della Relazione sulla performance ${plan.toYear} da parte del Nucleo di Valutazione`,
      dueOn: dateInYear(policy.ndvValidationDue, validationYear),
      audience: 'nucleo',
      open: approved && plan.status !== 'closed' && awaitingEvaluation > 0,
    },
  ];
}
