import { type Type } from '@nestjs/common';
import { type HistoryObjectiveCommand } from '@piao/application';
import { RuleViolation } from '@piao/lifecycle';
import { validationProblem } from '../problem-details/problem';
import {
  AsOfDto,
  CommandOptionsDto,
  DefinitionCommandDto,
  EvaluationDto,
  GiuntaActCommandDto,
  IndicatorValueDto,
  MonitoringReportDto,
  PhaseProgressDto,
  ReassignDto,
  YearEndReportDto,
} from './objective-command.dto';
import { plainJson, toDefinition, type ObjectiveDefinitionDto } from './objective-definition.dto';

/**
 * Each command on an objective, once: the body its route takes and the domain command that body becomes. The routes of
 * objectives.controller.ts build their commands here, and so does a past year's history (plan-history), whose steps
 * name these actions and carry these bodies: one mapping, whichever way a command comes in.
 */
export interface ObjectiveAction<D extends CommandOptionsDto> {
  dto: Type<D>;
  /** The command; a definition that does not hold together is a 400 naming its fields (see definitionOf). */
  command(dto: D): HistoryObjectiveCommand;
}

function action<D extends CommandOptionsDto>(dto: Type<D>, command: (dto: D) => HistoryObjectiveCommand): ObjectiveAction<D> {
  return { dto, command };
}

/**
 * A rule broken by a command's field, named as the body names it: the bodies carry a command's `motivation` (of a
 * reprogramming, an evaluation) in `reason`, as every other why.
 */
export function inBodyTerms(error: unknown): unknown {
  if (error instanceof RuleViolation && error.field === 'motivation') return new RuleViolation(error.rule, error.message, 'reason');
  return error;
}

/** By the name a history step gives them; the route of each is in the comment. */
export const OBJECTIVE_ACTIONS = {
  /** POST /objectives/{id}/draft */
  'update-draft': action(DefinitionCommandDto, (dto) => ({ type: 'UpdateDraft', definition: definitionOf(dto.definition) })),
  /** POST /objectives/{id}/propose */
  propose: action(CommandOptionsDto, () => ({ type: 'Propose' })),
  /** POST /objectives/{id}/return */
  return: action(CommandOptionsDto, (dto) => ({ type: 'ReturnForChanges', reason: dto.reason })),
  /** POST /objectives/{id}/approve */
  approve: action(GiuntaActCommandDto, (dto) => ({ type: 'ApproveByGiunta', act: dto.act })),
  /** POST /objectives/{id}/phase-progress */
  'phase-progress': action(PhaseProgressDto, ({ phaseId, progressPercent, actualStart, actualEnd, note }) => ({
    type: 'RecordPhaseProgress',
    phaseId,
    progressPercent,
    actualStart,
    actualEnd,
    note,
  })),
  /** POST /objectives/{id}/indicator-values */
  'indicator-value': action(IndicatorValueDto, ({ indicatorId, value, asOf, note, unitId }) => ({
    type: 'RecordIndicatorValue',
    indicatorId,
    value,
    asOf,
    note,
    unitId,
  })),
  /** POST /objectives/{id}/monitoring-reports */
  'monitoring-report': action(MonitoringReportDto, ({ asOf, phases, indicators, problems, correctiveActions }) => ({
    type: 'SubmitMonitoringReport',
    asOf,
    phases: plainJson(phases),
    indicators: plainJson(indicators),
    problems,
    correctiveActions,
  })),
  /** POST /objectives/{id}/monitoring-reports/validate */
  'validate-monitoring-report': action(AsOfDto, (dto) => ({ type: 'ValidateMonitoringReport', asOf: dto.asOf })),
  /** POST /objectives/{id}/monitoring-reports/return */
  'return-monitoring-report': action(AsOfDto, (dto) => ({ type: 'ReturnMonitoringReport', asOf: dto.asOf, reason: dto.reason })),
  /** POST /objectives/{id}/reprogramming */
  reprogramming: action(DefinitionCommandDto, (dto) => ({ type: 'ProposeReprogramming', definition: definitionOf(dto.definition), motivation: dto.reason })),
  /** POST /objectives/{id}/reprogramming/approve */
  'approve-reprogramming': action(GiuntaActCommandDto, (dto) => ({ type: 'ApproveReprogramming', act: dto.act })),
  /** POST /objectives/{id}/reprogramming/reject */
  'reject-reprogramming': action(CommandOptionsDto, (dto) => ({ type: 'RejectReprogramming', reason: dto.reason })),
  /** POST /objectives/{id}/reassign */
  reassign: action(ReassignDto, (dto) => ({ type: 'ReassignResponsible', toUnitId: dto.toUnitId, effectiveOn: dto.effectiveOn })),
  /** POST /objectives/{id}/cancel */
  cancel: action(GiuntaActCommandDto, (dto) => ({ type: 'Cancel', reason: dto.reason, act: dto.act })),
  /** POST /objectives/{id}/year-end-report */
  'year-end-report': action(YearEndReportDto, (dto) => ({
    type: 'SubmitYearEndReport',
    phases: plainJson(dto.phases),
    indicators: plainJson(dto.indicators),
    evidence: dto.evidence,
    notes: dto.notes,
  })),
  /** POST /objectives/{id}/year-end-report/validate */
  'validate-year-end-report': action(CommandOptionsDto, () => ({ type: 'ValidateYearEndReport' })),
  /** POST /objectives/{id}/year-end-report/return */
  'return-year-end-report': action(CommandOptionsDto, (dto) => ({ type: 'ReturnYearEndReport', reason: dto.reason })),
  /** POST /objectives/{id}/evaluation */
  evaluation: action(EvaluationDto, (dto) => ({ type: 'Evaluate', achievementPercent: dto.achievementPercent, motivation: dto.reason })),
  /** POST /objectives/{id}/evaluation/share */
  'share-evaluation': action(CommandOptionsDto, () => ({ type: 'ShareEvaluation' })),
  /** POST /objectives/{id}/evaluation/contest */
  'contest-evaluation': action(CommandOptionsDto, (dto) => ({ type: 'ContestEvaluation', reason: dto.reason })),
  /** POST /objectives/{id}/evaluation/confirm */
  'confirm-evaluation': action(EvaluationDto, (dto) => ({ type: 'ConfirmEvaluation', achievementPercent: dto.achievementPercent, motivation: dto.reason })),
  /** POST /objectives/{id}/close */
  close: action(CommandOptionsDto, () => ({ type: 'Close' })),
};

export type ObjectiveActionName = keyof typeof OBJECTIVE_ACTIONS;

/** The DTO as the domain's definition, or a 400 naming every field that does not hold together (see toDefinition). */
export function definitionOf(dto: ObjectiveDefinitionDto) {
  const result = toDefinition(dto);
  if ('errors' in result) throw validationProblem(result.errors);
  return result.definition;
}
