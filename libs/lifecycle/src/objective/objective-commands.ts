import { type CalendarDate } from '../calendar/calendar-date';
import { type DefinitionWarning, type ObjectiveDefinition } from './objective-definition';
import { type CopiedFrom, type GiuntaAct, type IndicatorReport, type PhaseReport } from './objective-events';

type Command<Type extends string, Data = unknown> = { type: Type } & Data;

export type ObjectiveCommand =
  /**
   * `copiedFrom` and `copyWarnings`: a copy made when a plan continues into the next year (plan-continuation.ts), and
   * what the copy could not carry over, recorded beside the definition's own warnings.
   */
  | Command<
      'DraftObjective',
      {
        objectiveId: string;
        planId: string;
        ente: string;
        code: string;
        definition: ObjectiveDefinition;
        copiedFrom?: CopiedFrom;
        copyWarnings?: DefinitionWarning[];
      }
    >
  | Command<'UpdateDraft', { definition: ObjectiveDefinition }>
  | Command<'Propose'>
  | Command<'ReturnForChanges', { reason?: string }>
  | Command<'ApproveByGiunta', { act?: GiuntaAct; planApprovalEventId?: string; definitionHash?: string }>
  | Command<'RecordPhaseProgress', { phaseId: string; progressPercent: number; actualStart?: CalendarDate; actualEnd?: CalendarDate; note?: string }>
  /** `unitId`: the value of that unit's share, against its own target (`unitTargets`); absent: the indicator's overall value. */
  | Command<'RecordIndicatorValue', { indicatorId: string; value: string; asOf: CalendarDate; note?: string; unitId?: string }>
  | Command<
      'SubmitMonitoringReport',
      { asOf: CalendarDate; phases: PhaseReport[]; indicators: IndicatorReport[]; problems?: string; correctiveActions?: string }
    >
  | Command<'ValidateMonitoringReport', { asOf: CalendarDate }>
  | Command<'ReturnMonitoringReport', { asOf: CalendarDate; reason?: string }>
  | Command<'ProposeReprogramming', { definition: ObjectiveDefinition; motivation?: string }>
  | Command<'ApproveReprogramming', { act?: GiuntaAct }>
  | Command<'RejectReprogramming', { reason?: string }>
  | Command<'ReassignResponsible', { toUnitId: string; effectiveOn: CalendarDate }>
  | Command<'Cancel', { reason?: string; act?: GiuntaAct }>
  | Command<'SubmitYearEndReport', { phases: PhaseReport[]; indicators: IndicatorReport[]; evidence?: string; notes?: string }>
  | Command<'ValidateYearEndReport'>
  | Command<'ReturnYearEndReport', { reason?: string }>
  | Command<'Evaluate', { achievementPercent: number; motivation?: string }>
  | Command<'ShareEvaluation'>
  | Command<'ContestEvaluation', { reason?: string }>
  | Command<'ConfirmEvaluation', { achievementPercent: number; motivation?: string }>
  | Command<'Close'>;

export type ObjectiveCommandType = ObjectiveCommand['type'];
