import { StreamCommands, type CommandOutcome, fold, OBJECTIVE_STREAM, objectiveStreamId } from '@piao/application';
import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { OBJECTIVE_ID } from '../validation/route-params';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type ObjectiveCommand, type ObjectiveState } from '@piao/lifecycle';
import { EVENT_STORE, formatPosition, type EventStore } from '@piao/event-store';
import { notFound, validationProblem } from '../problem-details/problem';
import { Context, commandRequest, type RequestContext } from '../commands/request-context';
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
import { RunObjectiveCommand } from '@piao/application';
import { historyView, objectiveView } from './objective.views';

@ApiTags('objectives')
@ApiBearerAuth()
@Controller('objectives/:objectiveId')
export class ObjectivesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCommands,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Current state and revision of an objective' })
  async read(@Context() context: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string) {
    const { state, revision } = await this.streams.loadExisting(OBJECTIVE_STREAM, objectiveStreamId(id), context.actor.ente, id);
    return objectiveView(state, revision, context.actor);
  }

  @Get('history')
  @ApiOperation({ summary: 'Every event of the objective, in order: who, in which role, when, why, on which act' })
  async history(@Context() context: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string) {
    const events = await this.store.readStream(objectiveStreamId(id));
    const state = fold(OBJECTIVE_STREAM, events);
    // Missing and foreign alike: another ente's objective is not disclosed.
    if (state === undefined || OBJECTIVE_STREAM.enteOf(state) !== context.actor.ente) throw notFound(`objective ${id}`);
    return { objectiveId: id, revision: events.length - 1, events: historyView(events, state, context.actor) };
  }

  @Post('draft')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replace the definition of a draft or returned objective' })
  updateDraft(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Body() dto: DefinitionCommandDto) {
    return this.run(c, id, dto, { type: 'UpdateDraft', definition: definitionOf(dto.definition) });
  }

  @Post('propose')
  @HttpCode(200)
  @ApiOperation({ summary: 'Propose the objective for the plan' })
  propose(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Body() dto: CommandOptionsDto) {
    return this.run(c, id, dto, { type: 'Propose' });
  }

  @Post('return')
  @HttpCode(200)
  @ApiOperation({ summary: 'Return a proposed objective for changes (reason required): segretario' })
  returnForChanges(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Body() dto: CommandOptionsDto) {
    return this.run(c, id, dto, { type: 'ReturnForChanges', reason: dto.reason });
  }

  @Post('approve')
  @HttpCode(200)
  @ApiOperation({ summary: "Record the Giunta's approval of this objective alone (act required): segretario" })
  approve(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Body() dto: GiuntaActCommandDto) {
    return this.run(c, id, dto, { type: 'ApproveByGiunta', act: dto.act });
  }

  @Post('phase-progress')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record the progress of a phase' })
  phaseProgress(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Body() dto: PhaseProgressDto) {
    const { phaseId, progressPercent, actualStart, actualEnd, note } = dto;
    return this.run(c, id, dto, { type: 'RecordPhaseProgress', phaseId, progressPercent, actualStart, actualEnd, note });
  }

  @Post('indicator-values')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record the value an indicator reached at a date' })
  indicatorValue(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Body() dto: IndicatorValueDto) {
    const { indicatorId, value, asOf, note } = dto;
    return this.run(c, id, dto, { type: 'RecordIndicatorValue', indicatorId, value, asOf, note });
  }

  @Post('monitoring-reports')
  @HttpCode(200)
  @ApiOperation({ summary: 'Submit the monitoring report as of a date (e.g. 31/07)' })
  submitMonitoring(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Body() dto: MonitoringReportDto) {
    const { asOf, phases, indicators, problems, correctiveActions } = dto;
    return this.run(c, id, dto, {
      type: 'SubmitMonitoringReport',
      asOf,
      phases: plainJson(phases),
      indicators: plainJson(indicators),
      problems,
      correctiveActions,
    });
  }

  @Post('monitoring-reports/validate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Validate a submitted monitoring report: segretario, not the submitter' })
  validateMonitoring(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Body() dto: AsOfDto) {
    return this.run(c, id, dto, { type: 'ValidateMonitoringReport', asOf: dto.asOf });
  }

  @Post('monitoring-reports/return')
  @HttpCode(200)
  @ApiOperation({ summary: 'Return a submitted monitoring report (reason required): segretario' })
  returnMonitoring(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Body() dto: AsOfDto) {
    return this.run(c, id, dto, { type: 'ReturnMonitoringReport', asOf: dto.asOf, reason: dto.reason });
  }

  @Post('reprogramming')
  @HttpCode(200)
  @ApiOperation({ summary: 'Propose a reprogramming: the new definition and its motivation (reason)' })
  proposeReprogramming(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Body() dto: DefinitionCommandDto) {
    return this.run(c, id, dto, { type: 'ProposeReprogramming', definition: definitionOf(dto.definition), motivation: dto.reason });
  }

  @Post('reprogramming/approve')
  @HttpCode(200)
  @ApiOperation({ summary: "Record the Giunta's act that makes the pending reprogramming effective: segretario" })
  approveReprogramming(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Body() dto: GiuntaActCommandDto) {
    return this.run(c, id, dto, { type: 'ApproveReprogramming', act: dto.act });
  }

  @Post('reprogramming/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject the pending reprogramming (reason required): segretario' })
  rejectReprogramming(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Body() dto: CommandOptionsDto) {
    return this.run(c, id, dto, { type: 'RejectReprogramming', reason: dto.reason });
  }

  @Post('reassign')
  @HttpCode(200)
  @ApiOperation({ summary: 'Move the objective to another responsible unit from a date: segretario' })
  reassign(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Body() dto: ReassignDto) {
    return this.run(c, id, dto, { type: 'ReassignResponsible', toUnitId: dto.toUnitId, effectiveOn: dto.effectiveOn });
  }

  @Post('cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel the objective (reason; a Giunta act once approved): segretario' })
  cancel(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Body() dto: GiuntaActCommandDto) {
    return this.run(c, id, dto, { type: 'Cancel', reason: dto.reason, act: dto.act });
  }

  @Post('year-end-report')
  @HttpCode(200)
  @ApiOperation({ summary: 'Submit the year-end report (rendicontazione)' })
  submitYearEnd(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Body() dto: YearEndReportDto) {
    return this.run(c, id, dto, {
      type: 'SubmitYearEndReport',
      phases: plainJson(dto.phases),
      indicators: plainJson(dto.indicators),
      evidence: dto.evidence,
      notes: dto.notes,
    });
  }

  @Post('year-end-report/validate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Validate the year-end report: segretario, not the submitter' })
  validateYearEnd(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Body() dto: CommandOptionsDto) {
    return this.run(c, id, dto, { type: 'ValidateYearEndReport' });
  }

  @Post('year-end-report/return')
  @HttpCode(200)
  @ApiOperation({ summary: 'Return the year-end report (reason required): segretario' })
  returnYearEnd(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Body() dto: CommandOptionsDto) {
    return this.run(c, id, dto, { type: 'ReturnYearEndReport', reason: dto.reason });
  }

  @Post('evaluation')
  @HttpCode(200)
  @ApiOperation({ summary: 'Evaluate the degree of achievement (motivation in reason): nucleo' })
  evaluate(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Body() dto: EvaluationDto) {
    return this.run(c, id, dto, { type: 'Evaluate', achievementPercent: dto.achievementPercent, motivation: dto.reason });
  }

  @Post('evaluation/share')
  @HttpCode(200)
  @ApiOperation({ summary: 'Share the evaluation with the dirigente: nucleo' })
  shareEvaluation(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Body() dto: CommandOptionsDto) {
    return this.run(c, id, dto, { type: 'ShareEvaluation' });
  }

  @Post('evaluation/contest')
  @HttpCode(200)
  @ApiOperation({ summary: 'Contest a shared evaluation (reason required): the dirigente of the unit' })
  contestEvaluation(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Body() dto: CommandOptionsDto) {
    return this.run(c, id, dto, { type: 'ContestEvaluation', reason: dto.reason });
  }

  @Post('evaluation/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm or revise a contested evaluation (motivation in reason): nucleo' })
  confirmEvaluation(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Body() dto: EvaluationDto) {
    return this.run(c, id, dto, { type: 'ConfirmEvaluation', achievementPercent: dto.achievementPercent, motivation: dto.reason });
  }

  @Post('close')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close the objective once its evaluation is final: segretario' })
  close(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Body() dto: CommandOptionsDto) {
    return this.run(c, id, dto, { type: 'Close' });
  }

  private async run(
    context: RequestContext,
    objectiveId: string,
    dto: CommandOptionsDto & { act?: GiuntaActCommandDto['act'] },
    command: Exclude<ObjectiveCommand, { type: 'DraftObjective' }>,
  ) {
    const render = (outcome: CommandOutcome<ObjectiveState>) => commandResult(outcome, context);
    return render(await this.commands.execute(new RunObjectiveCommand(objectiveId, command, commandRequest(context, dto, render))));
  }
}

export function commandResult(outcome: CommandOutcome<ObjectiveState>, context: RequestContext) {
  return {
    ...objectiveView(outcome.state, outcome.revision, context.actor),
    position: outcome.position ? formatPosition(outcome.position) : null,
    recorded: outcome.recorded.map((e) => e.type),
  };
}

export function definitionOf(dto: ObjectiveDefinitionDto) {
  const result = toDefinition(dto);
  if ('errors' in result) throw validationProblem(result.errors);
  return result.definition;
}
