import { type CommandFields } from '../invariants/command-fields';
import { type ObjectiveCommand } from './objective-commands';

const PHASE_REPORTS = { listOf: { phaseId: 'id', progressPercent: 'percent' } } as const;
const INDICATOR_REPORTS = { listOf: { indicatorId: 'id', value: 'value' } } as const;

/**
 * What each field of an objective command must be, checked by `decideObjective` before anything else reads the
 * command. A field added to a command must be declared here (the type requires it).
 */
export const OBJECTIVE_COMMAND_FIELDS: CommandFields<ObjectiveCommand> = {
  DraftObjective: {
    definition: 'definition',
    objectiveId: 'id',
    planId: 'id',
    ente: 'id',
    code: 'id',
    copiedFrom: { objectOf: { planId: 'id', objectiveId: 'id', revision: 'revision' }, optional: true },
    copyWarnings: { listOf: { code: 'id', message: 'text' }, optional: true },
  },
  UpdateDraft: { definition: 'definition' },
  Propose: {},
  ReturnForChanges: { reason: 'text?' },
  ApproveByGiunta: { act: 'act?', planApprovalEventId: 'id?', definitionHash: 'id?' },
  RecordPhaseProgress: { phaseId: 'id', progressPercent: 'percent', actualStart: 'date?', actualEnd: 'date?', note: 'text?' },
  RecordIndicatorValue: { indicatorId: 'id', value: 'value', asOf: 'date', note: 'text?', unitId: 'id?' },
  SubmitMonitoringReport: { asOf: 'date', phases: PHASE_REPORTS, indicators: INDICATOR_REPORTS, problems: 'text?', correctiveActions: 'text?' },
  ValidateMonitoringReport: { asOf: 'date' },
  ReturnMonitoringReport: { asOf: 'date', reason: 'text?' },
  ProposeReprogramming: { definition: 'definition', motivation: 'text?' },
  ApproveReprogramming: { act: 'act?' },
  RejectReprogramming: { reason: 'text?' },
  ReassignResponsible: { toUnitId: 'id', effectiveOn: 'date' },
  Cancel: { reason: 'text?', act: 'act?' },
  SubmitYearEndReport: { phases: PHASE_REPORTS, indicators: INDICATOR_REPORTS, evidence: 'text?', notes: 'text?' },
  ValidateYearEndReport: {},
  ReturnYearEndReport: { reason: 'text?' },
  Evaluate: { achievementPercent: 'percent', motivation: 'text?' },
  ShareEvaluation: {},
  ContestEvaluation: { reason: 'text?' },
  ConfirmEvaluation: { achievementPercent: 'percent', motivation: 'text?' },
  Close: {},
};
