import {
  StreamCommands,
  type CommandOutcome,
  OBJECTIVE_STREAM,
  objectiveStreamId,
  PLAN_STREAM,
  planStreamId,
  DraftObjective,
  ContinuePlan,
  type ContinuationOutcome,
} from '@piao/application';
import { applyDecorators, Body, Controller, Get, HttpCode, Param, Post, Query, UseInterceptors } from '@nestjs/common';
import { PLAN_ID } from '../validation/route-params';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { type ObjectiveState, type PlanCommand, type PlanState } from '@piao/lifecycle';
import { formatPosition } from '@piao/event-store';
import { ApiCommandBody, CommandOptionsDto, GiuntaActCommandDto } from '../commands/command-options.dto';
import { Context, commandRequest, type RequestContext } from '../commands/request-context';
import { DraftObjectiveDto } from '../objectives/objective-command.dto';
import { DEFINITION_EXAMPLE } from '../objectives/objective-definition.dto';
import { commandResult, definitionOf, OBJECTIVE_ETAG } from '../objectives/objectives.controller';
import { evaluationHiddenFrom } from '../objectives/objective.views';
import { ObjectiveCommandResult } from '../objectives/objective.schemas';
import { ObjectiveETag, type RevisionTag } from '../objectives/if-match';
import { validationProblem, type FieldError } from '../problem-details/problem';
import { CloseCampaignDto, ContinuePlanDto, MonitoringCampaignDto, OpenPlanDto } from './plan.dto';
import { PLAN_ACTIONS } from './plan-actions';
import { PLAN_SCHEMA_MODELS, PlanCommandResult, PlanContinuationResult, PlanDetailView, PlanListView, type PlanObjectiveSummaryView } from './plan.schemas';
import { ReadModelQueries } from '@piao/read-models';
import { ReadYourWritesInterceptor } from '../read-side/read-your-writes';
import { ReadQueryDto } from '../read-side/query.dto';

/** The most plans one answer lists: an ente opens a few a year. */
const MAX_LISTED_PLANS = 500;
import { createdId, RunPlanCommand } from '@piao/application';

const PLAN_PARAM = ApiParam({ name: 'planId', format: 'uuid', description: 'The plan, as `POST /plans` answered it' });

/** A command on a plan: the plan as it now stands, with what the command recorded. */
function PlanCommandRoute(status: 200 | 201, operationId: string, summary: string, description: string[]): MethodDecorator {
  const answer = { type: PlanCommandResult, description: 'The plan as it now stands, with what the command recorded' };
  return applyDecorators(
    ApiOperation({ operationId, summary, description: description.join('\n') }),
    status === 201 ? ApiCreatedResponse(answer) : ApiOkResponse(answer),
  );
}

const SEGRETARIO = 'Who: the `segretario`.';

@ApiTags('plans')
@ApiBearerAuth()
@ApiExtraModels(...PLAN_SCHEMA_MODELS)
@Controller('plans')
export class PlansController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCommands,
    private readonly queries: ReadModelQueries,
  ) {}

  @Get()
  @UseInterceptors(ReadYourWritesInterceptor)
  @ApiOperation({
    operationId: 'listPlans',
    summary: "List the ente's plans",
    description: [
      'The plans of the token’s ente, the latest years first, as the read models hold them (`after` waits for a command’s position).',
      '',
      'Any role of the ente may call it.',
    ].join('\n'),
  })
  @ApiOkResponse({ type: PlanListView, description: 'The plans of the ente' })
  async list(@Context() c: RequestContext, @Query() _query: ReadQueryDto): Promise<PlanListView> {
    const plans = await this.queries.plansOfEnte(c.actor.ente, MAX_LISTED_PLANS);
    return { items: plans.map(planView) };
  }

  @Post()
  @ApiCommandBody(OpenPlanDto, 'A three-year PIAO', { kind: 'PIAO', title: 'PIAO 2025-2027 – sezione 2.2 Performance', fromYear: 2025, toYear: 2027 })
  @PlanCommandRoute(201, 'openPlan', 'Open a plan', [
    'Opens the plan of a year or triennium (PIAO, PEG or PDO) of the token’s ente; its `planId` is in the answer.',
    '',
    SEGRETARIO,
  ])
  open(@Context() c: RequestContext, @Body() dto: OpenPlanDto) {
    const planId = createdId(c.idempotency);
    const { kind, title, fromYear, toYear } = dto;
    return this.run(c, planId, dto, { type: 'OpenPlan', planId, ente: c.actor.ente, kind, title: title.trim(), fromYear, toYear });
  }

  @Get(':planId')
  @PLAN_PARAM
  @ApiOperation({
    operationId: 'getPlan',
    summary: 'Get a plan',
    description: [
      'The plan with each objective’s code, title, responsible unit, status, revision and warnings, read from the streams themselves (no',
      '`after` needed). For filters, full text and pages: `GET /plans/{planId}/objectives`.',
      '',
      'Any role of the ente may call it. An evaluation the NdV has not shared yet shows as `reported` to all but the `nucleo`.',
    ].join('\n'),
  })
  @ApiOkResponse({ type: PlanDetailView, description: 'The plan and its objectives' })
  async read(@Context() c: RequestContext, @Param('planId', PLAN_ID) planId: string): Promise<PlanDetailView> {
    const { state, revision } = await this.streams.loadExisting(PLAN_STREAM, planStreamId(planId), c.actor.ente, planId);
    const objectives = await Promise.all(
      state.objectives.map(async ({ objectiveId, code }): Promise<PlanObjectiveSummaryView> => {
        const loaded = await this.streams.load(OBJECTIVE_STREAM, objectiveStreamId(objectiveId), c.actor.ente);
        const o = loaded.state;
        return o
          ? {
              objectiveId,
              code,
              title: o.definition.title,
              responsibleUnitId: o.definition.responsibleUnitId,
              // An evaluation the NdV has not shared yet is not disclosed, not even as a status.
              status: evaluationHiddenFrom(c.actor, o) ? 'reported' : o.status,
              revision: loaded.revision,
              warnings: o.warnings.map((w) => w.code),
            }
          : { objectiveId, code, status: 'missing' };
      }),
    );
    return { ...planView(state), revision, objectives };
  }

  @Post(':planId/objectives')
  @PLAN_PARAM
  @ApiCommandBody(DraftObjectiveDto, 'Objective 2025_S08_04 of the Settore Welfare', { code: '2025_S08_04', definition: DEFINITION_EXAMPLE })
  @ApiOperation({
    operationId: 'draftObjective',
    summary: 'Draft an objective in a plan',
    description: [
      'Drafts an objective in an open plan and attaches it to the plan, in one step. `code` is its code in the plan (generated when absent);',
      'with a code, the objective’s id follows from the plan and the code, so a repeated draft of the same code is refused (`objective-code-taken`).',
      'The answer’s `ETag` is the new objective’s revision (`"0"`).',
      '',
      'Who: the `segretario`, or a `dirigente` heading the unit the definition makes responsible.',
    ].join('\n'),
  })
  @ApiCreatedResponse({ type: ObjectiveCommandResult, description: 'The objective drafted', headers: OBJECTIVE_ETAG })
  async draft(
    @Context() c: RequestContext,
    @Param('planId', PLAN_ID) planId: string,
    @Body() dto: DraftObjectiveDto,
    @ObjectiveETag() tag: RevisionTag,
  ): Promise<ObjectiveCommandResult> {
    const render = (outcome: CommandOutcome<ObjectiveState>) => commandResult(outcome, c);
    const outcome: CommandOutcome<ObjectiveState> = await this.commands.execute(
      new DraftObjective(planId, dto.code?.trim(), definitionOf(dto.definition), commandRequest(c, dto, render)),
    );
    tag(outcome.revision);
    return render(outcome);
  }

  @Post(':planId/submit')
  @HttpCode(200)
  @PLAN_PARAM
  @ApiCommandBody(CommandOptionsDto, 'Nothing more to say', {})
  @PlanCommandRoute(200, 'submitPlan', 'Submit a plan to the Giunta', ['Submits an open plan with its proposed objectives to the Giunta.', '', SEGRETARIO])
  submit(@Context() c: RequestContext, @Param('planId', PLAN_ID) planId: string, @Body() dto: CommandOptionsDto) {
    return this.run(c, planId, dto, PLAN_ACTIONS.submit.command(dto));
  }

  @Post(':planId/approve')
  @HttpCode(200)
  @PLAN_PARAM
  @ApiCommandBody(GiuntaActCommandDto, "The Giunta's deliberation", { act: { number: '31', date: '2025-03-10' } })
  @PlanCommandRoute(200, 'approvePlan', 'Record the approval of a plan', [
    "Records the Giunta's approval of a submitted plan; `act` (the deliberation's number and date) is required. Every objective proposed,",
    'as the Giunta saw it, is approved with the same act in the same step; one changed since needs an act of its own.',
    '',
    SEGRETARIO,
  ])
  approve(@Context() c: RequestContext, @Param('planId', PLAN_ID) planId: string, @Body() dto: GiuntaActCommandDto) {
    return this.run(c, planId, dto, PLAN_ACTIONS.approve.command(dto));
  }

  @Post(':planId/monitoring-campaigns')
  @PLAN_PARAM
  @ApiCommandBody(MonitoringCampaignDto, 'As of 31/07, reports due by 31/08', { asOf: '2025-07-31', dueOn: '2025-08-31' })
  @PlanCommandRoute(201, 'openMonitoringCampaign', 'Open a monitoring campaign', [
    'Opens a monitoring campaign of an approved plan as of a date (31/07 by custom), with the date reports are due (`dueOn`, the reference',
    'date by default): the reminders of each unit follow from it.',
    '',
    SEGRETARIO,
  ])
  openCampaign(@Context() c: RequestContext, @Param('planId', PLAN_ID) planId: string, @Body() dto: MonitoringCampaignDto) {
    return this.run(c, planId, dto, PLAN_ACTIONS['open-monitoring-campaign'].command(dto));
  }

  @Post(':planId/monitoring-campaigns/close')
  @HttpCode(200)
  @PLAN_PARAM
  @ApiCommandBody(CloseCampaignDto, 'The campaign as of 31/07', { asOf: '2025-07-31' })
  @PlanCommandRoute(200, 'closeMonitoringCampaign', 'Close a monitoring campaign', ['Closes the open campaign as of `asOf`.', '', SEGRETARIO])
  closeCampaign(@Context() c: RequestContext, @Param('planId', PLAN_ID) planId: string, @Body() dto: CloseCampaignDto) {
    return this.run(c, planId, dto, PLAN_ACTIONS['close-monitoring-campaign'].command(dto));
  }

  @Post(':planId/continuation')
  @PLAN_PARAM
  @ApiCommandBody(ContinuePlanDto, 'Two objectives of the 2025 plan continue into 2026', {
    objectives: [{ code: '2025_S08_04', newCode: '2026_S08_04' }, { code: 'SEGRATE_1.01.02' }],
  })
  @ApiOperation({
    operationId: 'continuePlan',
    summary: 'Continue a plan into the next year',
    description: [
      'Opens the plan of the next year (`fromYear` and `toYear` of this one plus one; its `continues` names this plan) and drafts in it a',
      'copy of each objective chosen by its code here (`newCode`: its code in the new plan, the same by default), all in one step: a copy',
      'refused writes nothing. The plan must be `approved` or `closed` (422 `plan-not-approved`). A copy starts as a `draft` from the',
      'objective’s current approved definition, its `ObjectiveDrafted` carrying `copiedFrom` (plan, objective, revision): a multi-year',
      'objective moves to its next stage (422 `multi-year-completed` past its last); a one-year horizon moves on by one year; the',
      'dates (phases, due dates, unit targets, deadline) move on with it (29/02 → 28/02), a kept multi-year horizon keeps them; progress is not copied; each indicator’s baseline becomes the value',
      'it reached last year (the year-end report’s, else the latest recorded in the year), added to its historical values, and with',
      'none the baseline stays, with the warning `baseline-not-updated`. A code the plan does not have, a cancelled objective or one',
      'never approved: 422 naming `objectives.N.code`. The new plan’s id follows from this plan and the year: a second continuation',
      'into the same year is refused (`plan-already-exists`).',
      '',
      SEGRETARIO,
    ].join('\n'),
  })
  @ApiCreatedResponse({ type: PlanContinuationResult, description: 'The new plan, with the copies drafted in it' })
  async continuation(@Context() c: RequestContext, @Param('planId', PLAN_ID) planId: string, @Body() dto: ContinuePlanDto): Promise<PlanContinuationResult> {
    const objectives = dto.objectives.map((o) => ({ code: o.code.trim(), ...(o.newCode === undefined ? {} : { newCode: o.newCode.trim() }) }));
    refuseRepeatedCodes(objectives);
    const render = (outcome: ContinuationOutcome): PlanContinuationResult => ({
      ...planView(outcome.plan.state),
      revision: outcome.plan.revision,
      position: outcome.plan.position ? formatPosition(outcome.plan.position) : null,
      recorded: outcome.recorded,
      objectives: outcome.objectives,
    });
    const options = { title: dto.title?.trim(), kind: dto.kind };
    return render(await this.commands.execute(new ContinuePlan(planId, objectives, options, commandRequest(c, dto, render))));
  }

  @Post(':planId/close')
  @HttpCode(200)
  @PLAN_PARAM
  @ApiCommandBody(CommandOptionsDto, 'Why', { reason: 'Relazione sulla performance validata dal Nucleo di Valutazione' })
  @PlanCommandRoute(200, 'closePlan', 'Close a plan', ['Closes an approved plan after the NdV’s validation of the performance report.', '', SEGRETARIO])
  close(@Context() c: RequestContext, @Param('planId', PLAN_ID) planId: string, @Body() dto: CommandOptionsDto) {
    return this.run(c, planId, dto, PLAN_ACTIONS.close.command(dto));
  }

  private async run(
    c: RequestContext,
    planId: string,
    dto: CommandOptionsDto & { act?: GiuntaActCommandDto['act'] },
    command: PlanCommand,
  ): Promise<PlanCommandResult> {
    const render = (outcome: CommandOutcome<PlanState>): PlanCommandResult => ({
      ...planView(outcome.state),
      revision: outcome.revision,
      position: outcome.position ? formatPosition(outcome.position) : null,
      recorded: outcome.recorded.map((e) => e.type),
    });
    return render(await this.commands.execute(new RunPlanCommand(planId, command, commandRequest(c, dto, render))));
  }
}

function planView(state: PlanState) {
  const { planId, kind, title, fromYear, toYear, status, approvalAct, campaigns, continues } = state;
  return {
    planId,
    kind,
    title,
    fromYear,
    toYear,
    status,
    approvalAct: approvalAct ?? null,
    campaigns,
    ...(continues ? { continues: { planId: continues.planId } } : {}),
  };
}

/** Each objective continues once, and the new plan's codes differ: a repeated one is a bad request (400), named. */
function refuseRepeatedCodes(objectives: { code: string; newCode?: string }[]): void {
  const errors: FieldError[] = [];
  const sources = new Set<string>();
  const targets = new Set<string>();
  objectives.forEach(({ code, newCode }, index) => {
    if (sources.has(code)) errors.push({ field: `objectives.${index}.code`, rule: 'unique', message: `objectives.${index}.code: ${code} is chosen twice` });
    sources.add(code);
    const target = newCode ?? code;
    const field = newCode === undefined ? `objectives.${index}.code` : `objectives.${index}.newCode`;
    if (targets.has(target) && !errors.some((e) => e.field === field)) {
      errors.push({ field, rule: 'unique', message: `${field}: ${target} would be the code of two objectives of the new plan` });
    }
    targets.add(target);
  });
  if (errors.length > 0) throw validationProblem(errors);
}
