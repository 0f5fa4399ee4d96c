import { type CalendarDate } from '../calendar/calendar-date';
import { unitValuesOf, type ObjectiveState } from '../objective/objective-state';
import { indicatorAchievement, phaseAchievement } from '../scoring/achievement';

/** Each phase's progress as recorded over time, by business date: what was known at a monitoring date. */
export type ProgressLog = Record<string, { on: CalendarDate; percent: number }[]>;

/** A phase or indicator behind plan at a monitoring date, and by how much. */
export interface MonitoringGap {
  asOf: CalendarDate;
  kind: 'phase' | 'indicator';
  id: string;
  /** Phase: % planned at the date; indicator: 100 (% of the target). */
  planned: number;
  /** Phase: % done by the date; indicator: % of the target achieved by the date. */
  actual: number;
  behindBy: number;
}

export function progressOn(log: ProgressLog, phaseId: string, date: CalendarDate): number {
  let percent = 0;
  let latest = '';
  for (const entry of log[phaseId] ?? []) if (entry.on <= date && entry.on >= latest) [percent, latest] = [entry.percent, entry.on];
  return percent;
}

/**
 * At each monitoring date (the plan's campaigns and the dates the phases plan a % for), the phases behind the %
 * planned, and the indicators due by then that fall short of their target. Indicators without a due date are
 * judged against their target only at the year end, by scoring: before then, falling short is not being late.
 */
export function monitoringGaps(state: ObjectiveState, log: ProgressLog, campaignDates: CalendarDate[]): MonitoringGap[] {
  if (state.status === 'draft' || state.status === 'proposed' || state.status === 'returned' || state.status === 'cancelled') return [];
  const phases = state.definition.phases.filter((p) => !p.cancelled);
  const dates = new Set(campaignDates);
  for (const phase of phases) for (const date of Object.keys(phase.plannedPercentAt ?? {})) dates.add(date);
  const gaps: MonitoringGap[] = [];
  for (const asOf of [...dates].sort()) {
    for (const phase of phases) {
      const a = phaseAchievement(phase, progressOn(log, phase.id, asOf), asOf);
      if (a.behindBy > 0) gaps.push({ asOf, kind: 'phase', id: phase.id, planned: a.plannedPercent, actual: a.progressPercent, behindBy: a.behindBy });
    }
    for (const indicator of state.definition.indicators) {
      if (!indicator.dueDate || indicator.dueDate > asOf) continue;
      const byUnit = Object.fromEntries((indicator.unitTargets ?? []).map((u) => [u.unitId, unitValuesOf(state, indicator.id, u.unitId)]));
      const a = indicatorAchievement(indicator, state.indicatorValues[indicator.id] ?? [], asOf, byUnit);
      if (a.percent !== undefined && a.percent < 100) {
        gaps.push({ asOf, kind: 'indicator', id: indicator.id, planned: 100, actual: a.percent, behindBy: Math.round((100 - a.percent) * 100) / 100 });
      }
    }
  }
  return gaps;
}
