import { type CalendarDate } from '../calendar/calendar-date';
import { type DefinitionWarning, type ObjectiveDefinition } from './objective-definition';
import { type FieldChange } from './definition-changes';

/** A deliberation of the Giunta: "DGC n. 31 del 10/03/2022". */
export interface GiuntaAct {
  number: string;
  date: CalendarDate;
}

export interface PhaseReport {
  phaseId: string;
  progressPercent: number;
}
export interface IndicatorReport {
  indicatorId: string;
  value: string;
}

/**
 * The objective a copy was made from, when a plan continued into the next year (issue 13, item 6): the source plan, the
 * source objective and the revision of its stream the copy was made at.
 */
export interface CopiedFrom {
  planId: string;
  objectiveId: string;
  revision: number;
}

type Event<Type extends string, Data> = { type: Type; data: Data };

export type ObjectiveEvent =
  /** `copiedFrom`: the objective of last year's plan this one continues (absent on a plain draft and on older events). */
  | Event<
      'ObjectiveDrafted',
      {
        objectiveId: string;
        planId: string;
        ente: string;
        code: string;
        definition: ObjectiveDefinition;
        warnings: DefinitionWarning[];
        copiedFrom?: CopiedFrom;
      }
    >
  | Event<'ObjectiveDraftUpdated', { definition: ObjectiveDefinition; changes: FieldChange[]; warnings: DefinitionWarning[] }>
  | Event<'ObjectiveProposed', Record<string, never>>
  | Event<'ObjectiveReturnedForChanges', { reason: string }>
  /**
   * With the plan's approval: that event's id, and the fingerprint of the text the Giunta approved. `recordedByProposer`
   * (only ever `true`, absent on older events): whoever records the approval proposed the objective.
   */
  | Event<'ObjectiveApprovedByGiunta', { act: GiuntaAct; planApprovalEventId?: string; definitionHash?: string; recordedByProposer?: true }>
  | Event<'PhaseProgressRecorded', { phaseId: string; progressPercent: number; actualStart?: CalendarDate; actualEnd?: CalendarDate; note?: string }>
  /**
   * `unitId`: the value of that unit's share of the indicator, scored against the unit's own target (`unitTargets`);
   * absent (and on every older event): the indicator's overall value.
   */
  | Event<'IndicatorValueRecorded', { indicatorId: string; value: string; asOf: CalendarDate; note?: string; unitId?: string }>
  | Event<
      'MonitoringReportSubmitted',
      { asOf: CalendarDate; phases: PhaseReport[]; indicators: IndicatorReport[]; problems?: string; correctiveActions?: string }
    >
  /** `substituteFor`: the Segretario in whose stead a designated substitute validator acted (absent otherwise). */
  | Event<'MonitoringReportValidated', { asOf: CalendarDate; substituteFor?: string }>
  | Event<'MonitoringReportReturned', { asOf: CalendarDate; reason: string; substituteFor?: string }>
  | Event<'ReprogrammingProposed', { definition: ObjectiveDefinition; changes: FieldChange[]; warnings: DefinitionWarning[]; motivation: string }>
  /** `recordedByProposer` (only ever `true`): whoever records the approval proposed the reprogramming. */
  | Event<'ReprogrammingApprovedByGiunta', { act: GiuntaAct; changes: FieldChange[]; recordedByProposer?: true }>
  | Event<'ReprogrammingRejected', { reason: string }>
  | Event<'ResponsibleReassigned', { fromUnitId: string; toUnitId: string; effectiveOn: CalendarDate }>
  | Event<'ObjectiveCancelled', { reason: string; act?: GiuntaAct }>
  | Event<'YearEndReportSubmitted', { phases: PhaseReport[]; indicators: IndicatorReport[]; evidence?: string; notes?: string }>
  | Event<'YearEndReportValidated', { substituteFor?: string }>
  | Event<'YearEndReportReturned', { reason: string; substituteFor?: string }>
  | Event<'ObjectiveEvaluated', { achievementPercent: number; motivation: string }>
  | Event<'EvaluationShared', Record<string, never>>
  | Event<'EvaluationContested', { reason: string }>
  | Event<'EvaluationConfirmed', { achievementPercent: number; motivation: string }>
  | Event<'ObjectiveClosed', Record<string, never>>;

export type ObjectiveEventType = ObjectiveEvent['type'];

/** Every objective event type, for filters that name them (checked against the union by the type below). */
export const OBJECTIVE_EVENT_TYPES = [
  'ObjectiveDrafted',
  'ObjectiveDraftUpdated',
  'ObjectiveProposed',
  'ObjectiveReturnedForChanges',
  'ObjectiveApprovedByGiunta',
  'PhaseProgressRecorded',
  'IndicatorValueRecorded',
  'MonitoringReportSubmitted',
  'MonitoringReportValidated',
  'MonitoringReportReturned',
  'ReprogrammingProposed',
  'ReprogrammingApprovedByGiunta',
  'ReprogrammingRejected',
  'ResponsibleReassigned',
  'ObjectiveCancelled',
  'YearEndReportSubmitted',
  'YearEndReportValidated',
  'YearEndReportReturned',
  'ObjectiveEvaluated',
  'EvaluationShared',
  'EvaluationContested',
  'EvaluationConfirmed',
  'ObjectiveClosed',
] as const satisfies readonly ObjectiveEventType[];

// Fails to compile when an event type is added to the union and not to the list.
type Missing = Exclude<ObjectiveEventType, (typeof OBJECTIVE_EVENT_TYPES)[number]>;
const _everyTypeListed: [Missing] extends [never] ? true : Missing = true;
void _everyTypeListed;
