import { Body, Controller, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { HistoryRefused, ImportPlanHistory, PLAN_STREAM, planStreamId, StreamCommands, type HistoryOutcome } from '@piao/application';
import { formatPosition } from '@piao/event-store';
import { requireRole } from '../auth/require-role';
import { ApiCommandBody } from '../commands/command-options.dto';
import { Context, commandRequest, type RequestContext } from '../commands/request-context';
import { ProblemException, validationProblem } from '../problem-details/problem';
import { PLAN_ID } from '../validation/route-params';
import { historySteps, HistoryStepDto, PlanHistoryDto } from './plan-history.dto';
import { HISTORY_SCHEMA_MODELS, HistoryReportView } from './plan-history.schemas';

const DRY_RUN = /^(true|false)$/;

const EXAMPLE = {
  steps: [
    {
      by: 'bianchi',
      role: 'dirigente',
      occurredOn: '2024-02-01',
      action: 'draft',
      objective: '2024_S08_04',
      definition: {
        title: 'Sostegno alle famiglie',
        responsibleUnitId: 'welfare',
        horizon: { fromYear: 2024, toYear: 2024 },
        phases: [{ description: 'Bando', plannedStart: '2024-01-01', plannedEnd: '2024-06-30', weight: 100 }],
        indicators: [{ description: 'Famiglie sostenute', type: 'quantita', target: { text: 'almeno n. 100' } }],
      },
    },
    { by: 'bianchi', role: 'dirigente', occurredOn: '2024-02-10', action: 'propose', objective: '2024_S08_04' },
    { by: 'rossi', role: 'segretario', occurredOn: '2024-03-01', action: 'submit' },
    { by: 'rossi', role: 'segretario', occurredOn: '2024-03-14', action: 'approve', act: { number: '31', date: '2024-03-10' } },
  ],
};

/**
 * A past year's history of a plan (docs/plan-import.md, "Importing a past year's history"): the steps a municipality
 * joining the platform mid-cycle took before it did, each decided as of its business date and recorded as imported.
 */
@ApiTags('plans')
@ApiBearerAuth()
@ApiExtraModels(...HISTORY_SCHEMA_MODELS, HistoryStepDto)
@Controller()
export class PlanHistoryController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCommands,
  ) {}

  @Post('plans/:planId/history')
  @HttpCode(200)
  @ApiParam({ name: 'planId', format: 'uuid', description: 'The plan whose history it is, opened first with `POST /plans`' })
  @ApiQuery({ name: 'dryRun', required: false, enum: ['true', 'false'], description: '`true`: check and report, write nothing' })
  @ApiCommandBody(PlanHistoryDto, 'A draft, its proposal, the submission and the approval of a 2024 plan', EXAMPLE)
  @ApiOperation({
    operationId: 'importPlanHistory',
    summary: "Import a past year's history of a plan",
    description: [
      'Records what happened to the plan and its objectives before the ente joined the platform: up to 5,000 steps (10 MB), each one command of its',
      'route (`by` the person who did it, in `role`, on `occurredOn`), in the order they happened. Each step is decided as of its business',
      'date: by the same rules as its route, with the units the person headed that day, and may not be dated after today. Every event records',
      'the historical person, role and date, and `imported` (who imported it, when); the audit trail, the timeline and the history show it.',
      'A history only extends a history: a step on a stream with events recorded live is refused (`stream-has-live-events`), as one dated',
      'before what its stream already holds (`step-before-stream-history`); a person keeps one role (`role-changes`), and the importer never',
      'acts as `nucleo` or `rpct` (`importer-as-reviewer`).',
      '',
      'All or nothing: with every step accepted, all their events are appended in one transaction; a step refused stops the deciding (the',
      'steps after it are `not-run`) and the answer is a 422 `history-refused` with the report in `report`, nothing written. With',
      '`dryRun=true` the report is answered and nothing is written.',
      '',
      'Who: the `admin` or the `segretario`.',
    ].join('\n'),
  })
  @ApiOkResponse({ type: HistoryReportView, description: 'The report: of the dry run, or of the history appended' })
  async importHistory(
    @Context() c: RequestContext,
    @Param('planId', PLAN_ID) planId: string,
    @Query('dryRun') dryRunText: string | undefined,
    @Body() dto: PlanHistoryDto,
  ): Promise<HistoryReportView> {
    if (dryRunText !== undefined && !DRY_RUN.test(dryRunText)) {
      throw validationProblem([{ field: 'dryRun', rule: 'boolean', message: 'dryRun must be true or false' }]);
    }
    const dryRun = dryRunText === 'true';
    // Another ente's plan is not found, whoever asks: its existence is not disclosed by a 403.
    await this.streams.loadExisting(PLAN_STREAM, planStreamId(planId), c.actor.ente, planId);
    requireRole(c.actor, ['admin', 'segretario'], "importing a plan's history");
    const render = (outcome: HistoryOutcome): HistoryReportView => ({
      planId,
      dryRun,
      applied: outcome.applied,
      position: outcome.position ? formatPosition(outcome.position) : null,
      steps: outcome.lines,
    });
    try {
      return render(await this.commands.execute(new ImportPlanHistory(planId, historySteps(dto.steps), dryRun, commandRequest(c, {}, render))));
    } catch (error) {
      if (!(error instanceof HistoryRefused)) throw error;
      throw new ProblemException({
        type: '/problems/lifecycle/history-refused',
        title: 'Lifecycle rule broken',
        status: 422,
        detail: error.message,
        rule: 'history-refused',
        report: render(error.outcome),
      });
    }
  }
}
