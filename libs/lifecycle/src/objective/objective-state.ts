import { type CalendarDate } from '../calendar/calendar-date';
import { type DefinitionWarning, type ObjectiveDefinition } from './objective-definition';
import { type FieldChange } from './definition-changes';
import { type GiuntaAct, type ObjectiveEvent } from './objective-events';

export const OBJECTIVE_STATUSES = ['draft', 'proposed', 'returned', 'approved', 'reported', 'evaluated', 'closed', 'cancelled'] as const;
export type ObjectiveStatus = (typeof OBJECTIVE_STATUSES)[number];

type ReportStatus = 'submitted' | 'validated' | 'returned';

/** Who did it: kept so that nobody validates or evaluates their own submission. */
interface Submission {
  status: ReportStatus;
  submittedBy: string;
}

export interface ObjectiveState {
  objectiveId: string;
  planId: string;
  ente: string;
  code: string;
  status: ObjectiveStatus;
  definition: ObjectiveDefinition;
  /** Who recorded the latest proposal: the approval says when the same person records it. Absent before a proposal. */
  proposedBy?: string;
  /**
   * Units the objective belonged to before a reassignment or a reprogramming moved it (responsible or contributing):
   * their work is part of what is judged. Absent while it never moved.
   */
  formerUnitIds?: string[];
  /** The definition as the Giunta first approved it; reprogramming never touches it. */
  approvedDefinition?: ObjectiveDefinition;
  approvalAct?: GiuntaAct;
  warnings: DefinitionWarning[];
  progress: Record<string, { progressPercent: number; actualStart?: CalendarDate; actualEnd?: CalendarDate }>;
  /** The indicators' overall values, by indicator id, in the order recorded. */
  indicatorValues: Record<string, IndicatorValue[]>;
  /**
   * The values of each unit's share of an indicator with per-unit targets (`unitTargets`), by indicator id then unit
   * id, in the order recorded; never among the overall values. Absent until the first one is recorded (and on states
   * kept before units had values of their own).
   */
  unitIndicatorValues?: Record<string, Record<string, IndicatorValue[]>>;
  monitoringReports: Record<CalendarDate, Submission>;
  pendingReprogramming?: { definition: ObjectiveDefinition; changes: FieldChange[]; motivation: string; proposedBy: string };
  reprogrammings: { act: GiuntaAct; changes: FieldChange[] }[];
  yearEndReport?: Submission;
  evaluation?: { status: 'evaluated' | 'shared' | 'contested' | 'confirmed'; achievementPercent: number; evaluatedBy: string };
}

/** A value an indicator (or a unit's share of it) reached, as measured, and the date it was measured at. */
export interface IndicatorValue {
  value: string;
  asOf: CalendarDate;
}

/** Who recorded the event; evolve needs it only to remember submitters. */
export interface EventAuthor {
  actorId: string;
}

export function evolveObjective(state: ObjectiveState | undefined, event: ObjectiveEvent, author: EventAuthor): ObjectiveState {
  if (event.type === 'ObjectiveDrafted') {
    const { objectiveId, planId, ente, code, definition, warnings } = event.data;
    return {
      objectiveId,
      planId,
      ente,
      code,
      status: 'draft',
      definition,
      warnings,
      progress: {},
      indicatorValues: {},
      monitoringReports: {},
      reprogrammings: [],
    };
  }
  if (!state) throw new Error(`${event.type} before ObjectiveDrafted: the stream is corrupt`);
  switch (event.type) {
    case 'ObjectiveDraftUpdated':
      return { ...state, definition: event.data.definition, warnings: event.data.warnings };
    case 'ObjectiveProposed':
      return { ...state, status: 'proposed', proposedBy: author.actorId };
    case 'ObjectiveReturnedForChanges':
      return { ...state, status: 'returned' };
    case 'ObjectiveApprovedByGiunta':
      return { ...state, status: 'approved', approvalAct: event.data.act, approvedDefinition: state.definition };
    case 'PhaseProgressRecorded': {
      const { phaseId, progressPercent, actualStart, actualEnd } = event.data;
      const previous = state.progress[phaseId];
      return {
        ...state,
        progress: {
          ...state.progress,
          [phaseId]: { progressPercent, actualStart: actualStart ?? previous?.actualStart, actualEnd: actualEnd ?? previous?.actualEnd },
        },
      };
    }
    case 'IndicatorValueRecorded': {
      const { indicatorId, value, asOf, unitId } = event.data;
      if (unitId !== undefined) {
        const byUnit = ownValue(state.unitIndicatorValues, indicatorId) ?? {};
        const values = [...(ownValue(byUnit, unitId) ?? []), { value, asOf }];
        return { ...state, unitIndicatorValues: { ...state.unitIndicatorValues, [indicatorId]: { ...byUnit, [unitId]: values } } };
      }
      const values = [...(state.indicatorValues[indicatorId] ?? []), { value, asOf }];
      return { ...state, indicatorValues: { ...state.indicatorValues, [indicatorId]: values } };
    }
    case 'MonitoringReportSubmitted':
      return withReport(state, event.data.asOf, { status: 'submitted', submittedBy: author.actorId });
    case 'MonitoringReportValidated':
      return withReport(state, event.data.asOf, { ...state.monitoringReports[event.data.asOf], status: 'validated' });
    case 'MonitoringReportReturned':
      return withReport(state, event.data.asOf, { ...state.monitoringReports[event.data.asOf], status: 'returned' });
    case 'ReprogrammingProposed': {
      const { definition, changes, motivation } = event.data;
      return { ...state, pendingReprogramming: { definition, changes, motivation, proposedBy: author.actorId } };
    }
    case 'ReprogrammingApprovedByGiunta': {
      const pending = state.pendingReprogramming;
      if (!pending) throw new Error('ReprogrammingApprovedByGiunta without a pending reprogramming: the stream is corrupt');
      return {
        ...withFormerUnits(state, pending.definition),
        definition: pending.definition,
        pendingReprogramming: undefined,
        reprogrammings: [...state.reprogrammings, { act: event.data.act, changes: event.data.changes }],
      };
    }
    case 'ReprogrammingRejected':
      return { ...state, pendingReprogramming: undefined };
    case 'ResponsibleReassigned': {
      const definition = { ...state.definition, responsibleUnitId: event.data.toUnitId };
      return { ...withFormerUnits(state, definition), definition };
    }
    case 'ObjectiveCancelled':
      return { ...state, status: 'cancelled', pendingReprogramming: undefined };
    case 'YearEndReportSubmitted':
      return { ...state, yearEndReport: { status: 'submitted', submittedBy: author.actorId } };
    case 'YearEndReportValidated':
      return { ...state, status: 'reported', yearEndReport: { ...state.yearEndReport!, status: 'validated' } };
    case 'YearEndReportReturned':
      return { ...state, yearEndReport: { ...state.yearEndReport!, status: 'returned' } };
    case 'ObjectiveEvaluated':
      return {
        ...state,
        status: 'evaluated',
        evaluation: { status: 'evaluated', achievementPercent: event.data.achievementPercent, evaluatedBy: author.actorId },
      };
    case 'EvaluationShared':
      return { ...state, evaluation: { ...state.evaluation!, status: 'shared' } };
    case 'EvaluationContested':
      return { ...state, evaluation: { ...state.evaluation!, status: 'contested' } };
    case 'EvaluationConfirmed':
      return {
        ...state,
        evaluation: { ...state.evaluation!, status: 'confirmed', achievementPercent: event.data.achievementPercent },
      };
    case 'ObjectiveClosed':
      return { ...state, status: 'closed' };
  }
}

/** The values recorded for one unit's share of an indicator, in the order recorded (none: empty). */
export function unitValuesOf(state: Pick<ObjectiveState, 'unitIndicatorValues'>, indicatorId: string, unitId: string): IndicatorValue[] {
  return ownValue(ownValue(state.unitIndicatorValues, indicatorId), unitId) ?? [];
}

/** An own entry of a record keyed by ids: an id that is also the name of an Object property ("constructor") is just an id. */
export function ownValue<T>(record: Record<string, T> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Keeps the units the objective leaves for `next` among its former units. */
function withFormerUnits(state: ObjectiveState, next: ObjectiveDefinition): ObjectiveState {
  const remaining = new Set(unitsOf(next));
  const left = unitsOf(state.definition).filter((u) => !remaining.has(u) && !(state.formerUnitIds ?? []).includes(u));
  return left.length === 0 ? state : { ...state, formerUnitIds: [...(state.formerUnitIds ?? []), ...left] };
}

function unitsOf(definition: ObjectiveDefinition): string[] {
  return [definition.responsibleUnitId, ...(definition.contributingUnitIds ?? [])];
}

function withReport(state: ObjectiveState, asOf: CalendarDate, report: Submission): ObjectiveState {
  return { ...state, monitoringReports: { ...state.monitoringReports, [asOf]: report } };
}
