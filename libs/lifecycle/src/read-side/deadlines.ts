import { type CalendarDate } from '../calendar/calendar-date';
import { pinnedPeriod } from '../calendar/period-text';
import { type Phase } from '../objective/objective-definition';
import { unitValuesOf, type ObjectiveState } from '../objective/objective-state';

export const DEADLINE_KINDS = [
  'phase-end',
  'indicator-due',
  'objective-deadline',
  'monitoring-report',
  'year-end-report',
  'plan-approval',
  'ndv-validation',
] as const;

/** A date by which the responsible unit owes something (BRIEF §5), and whether it has been met. */
export interface Deadline {
  kind: (typeof DEADLINE_KINDS)[number];
  /** The phase or indicator id, or the monitoring date; the year for the year-end report. */
  ref: string;
  description: string;
  dueOn: CalendarDate;
  met: boolean;
  /** The period as the plan wrote it, when the date was read from it ("II trim" → 30/06). */
  periodText?: string;
  /** The unit that owes it when not the responsible one: a contributing unit's own target on an indicator. */
  unitId?: string;
}

/** The monitoring campaigns of the objective's plan: as-of date → due date. */
export type Campaigns = Record<CalendarDate, { dueOn: CalendarDate }>;

/**
 * The year-end report is due by the end of January after the plan's last year: the NdV needs it well before it
 * validates the Relazione by 30 June. An assumption written down in docs/read-side.md, not a law.
 */
export function yearEndReportDue(toYear: number): CalendarDate {
  return `${toYear + 1}-01-31`;
}

/**
 * What an objective owes, from its current (reprogrammed) definition: a deadline moved by a reprogramming is
 * only ever seen at its new date, and a cancelled or closed objective owes nothing. Drafts owe nothing either:
 * dates become commitments when the Giunta approves them.
 */
export function objectiveDeadlines(state: ObjectiveState, campaigns: Campaigns, yearEndDue: (toYear: number) => CalendarDate = yearEndReportDue): Deadline[] {
  if (state.status !== 'approved') return [];
  const deadlines: Deadline[] = [];
  const { fromYear, toYear } = state.definition.horizon;
  const phaseDone = (phase: Phase) => (state.progress[phase.id]?.progressPercent ?? 0) >= 100;
  for (const phase of state.definition.phases) {
    if (phase.cancelled) continue;
    const met = phaseDone(phase);
    if (phase.plannedEnd) deadlines.push({ kind: 'phase-end', ref: phase.id, description: phase.description, dueOn: phase.plannedEnd, met });
    else {
      const end = phasePeriodEnd(phase, fromYear, toYear);
      if (end) deadlines.push({ kind: 'phase-end', ref: phase.id, description: phase.description, dueOn: end, met, periodText: phase.plannedPeriodText });
    }
  }
  if (state.definition.deadline) {
    // The objective is done by its own deadline when its report says so, or every phase is complete.
    const reported = state.yearEndReport !== undefined && state.yearEndReport.status !== 'returned';
    const active = state.definition.phases.filter((p) => !p.cancelled);
    const met = reported || (active.length > 0 && active.every(phaseDone));
    deadlines.push({ kind: 'objective-deadline', ref: 'objective', description: state.definition.title, dueOn: state.definition.deadline, met });
  }
  for (const indicator of state.definition.indicators) {
    const met = (state.indicatorValues[indicator.id] ?? []).length > 0;
    if (indicator.dueDate) deadlines.push({ kind: 'indicator-due', ref: indicator.id, description: indicator.description, dueOn: indicator.dueDate, met });
    // A unit's own target is owed by that unit, by its own date, and met by a value of its own share. An indicator
    // whose values have all been recorded as a whole (every one before units had values of their own, and an ente
    // that keeps recording so) meets its units' deadlines with its overall value, as it always did: deadlines met
    // yesterday do not turn overdue on a replay.
    const byUnitOnce = indicator.unitTargets?.some((u) => unitValuesOf(state, indicator.id, u.unitId).length > 0) ?? false;
    for (const unitTarget of indicator.unitTargets ?? []) {
      if (!unitTarget.dueDate) continue;
      const ref = `${indicator.id}/${unitTarget.unitId}`;
      const unitMet = byUnitOnce ? unitValuesOf(state, indicator.id, unitTarget.unitId).length > 0 : met;
      deadlines.push({ kind: 'indicator-due', ref, description: indicator.description, dueOn: unitTarget.dueDate, met: unitMet, unitId: unitTarget.unitId });
    }
  }
  for (const [asOf, campaign] of Object.entries(campaigns)) {
    const report = state.monitoringReports[asOf];
    const met = report !== undefined && report.status !== 'returned';
    deadlines.push({ kind: 'monitoring-report', ref: asOf, description: `monitoraggio al ${italianDate(asOf)}`, dueOn: campaign.dueOn, met });
  }
  const year = state.definition.horizon.toYear;
  const yearEndMet = state.yearEndReport !== undefined && state.yearEndReport.status !== 'returned';
  deadlines.push({ kind: 'year-end-report', ref: String(year), description: `rendicontazione ${year}`, dueOn: yearEndDue(year), met: yearEndMet });
  return deadlines.sort((a, b) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : 0));
}

/**
 * The end of a phase the plan dated only in words, where the words pin it down (period-text.ts): in the horizon's
 * year, or the year the text names; in a horizon of several years a period without its year pins nothing.
 */
export function phasePeriodEnd(phase: Phase, fromYear: number, toYear: number): CalendarDate | undefined {
  if (phase.plannedEnd || !phase.plannedPeriodText) return undefined;
  const first = pinnedPeriod(phase.plannedPeriodText, fromYear);
  if (!first) return undefined;
  if (fromYear !== toYear && pinnedPeriod(phase.plannedPeriodText, toYear)?.end !== first.end) return undefined;
  // An end before the phase's own start is not what the words meant: nothing is pinned down.
  if (phase.plannedStart && first.end < phase.plannedStart) return undefined;
  return first.end;
}

/** The earliest deadline not yet met: the objective is overdue on any day after it. */
export function firstUnmetDeadline(deadlines: Deadline[]): Deadline | undefined {
  return deadlines.find((d) => !d.met);
}

/** `2025-07-31` as an Italian reads it: `31/07/2025`. */
export function italianDate(iso: CalendarDate): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}
