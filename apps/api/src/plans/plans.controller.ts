import { StreamCommands, type CommandOutcome, OBJECTIVE_STREAM, objectiveStreamId, PLAN_STREAM, planStreamId, DraftObjective } from '@piao/application';
import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { PLAN_ID } from '../validation/route-params';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type ObjectiveState, type PlanCommand, type PlanState } from '@piao/lifecycle';
import { formatPosition } from '@piao/event-store';
import { CommandOptionsDto, GiuntaActCommandDto } from '../commands/command-options.dto';
import { Context, commandRequest, type RequestContext } from '../commands/request-context';
import { DraftObjectiveDto } from '../objectives/objective-command.dto';
import { commandResult, definitionOf } from '../objectives/objectives.controller';
import { evaluationHiddenFrom } from '../objectives/objective.views';
import { CloseCampaignDto, MonitoringCampaignDto, OpenPlanDto } from './plan.dto';
import { RunPlanCommand } from '@piao/application';

@ApiTags('plans')
@ApiBearerAuth()
@Controller('plans')
export class PlansController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCommands,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Open the plan of a year or triennium (PIAO, PEG, PDO): segretario' })
  open(@Context() c: RequestContext, @Body() dto: OpenPlanDto) {
    const planId = randomUUID();
    const { kind, title, fromYear, toYear } = dto;
    return this.run(c, planId, dto, { type: 'OpenPlan', planId, ente: c.actor.ente, kind, title: title.trim(), fromYear, toYear });
  }

  @Get(':planId')
  @ApiOperation({ summary: 'The plan with each objective’s code, title, unit and status' })
  async read(@Context() c: RequestContext, @Param('planId', PLAN_ID) planId: string) {
    const { state, revision } = await this.streams.loadExisting(PLAN_STREAM, planStreamId(planId), c.actor.ente, planId);
    const objectives = await Promise.all(
      state.objectives.map(async ({ objectiveId, code }) => {
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
  @ApiOperation({ summary: 'Draft an objective in the plan: segretario, or the dirigente of its unit' })
  async draft(@Context() c: RequestContext, @Param('planId', PLAN_ID) planId: string, @Body() dto: DraftObjectiveDto) {
    const render = (outcome: CommandOutcome<ObjectiveState>) => commandResult(outcome, c);
    const outcome: CommandOutcome<ObjectiveState> = await this.commands.execute(
      new DraftObjective(planId, dto.code?.trim(), definitionOf(dto.definition), commandRequest(c, dto, render)),
    );
    return render(outcome);
  }

  @Post(':planId/submit')
  @HttpCode(200)
  @ApiOperation({ summary: 'Submit the plan to the Giunta: segretario' })
  submit(@Context() c: RequestContext, @Param('planId', PLAN_ID) planId: string, @Body() dto: CommandOptionsDto) {
    return this.run(c, planId, dto, { type: 'SubmitPlan' });
  }

  @Post(':planId/approve')
  @HttpCode(200)
  @ApiOperation({ summary: "Record the Giunta's approval of the plan; it approves every proposed objective with the same act: segretario" })
  approve(@Context() c: RequestContext, @Param('planId', PLAN_ID) planId: string, @Body() dto: GiuntaActCommandDto) {
    return this.run(c, planId, dto, { type: 'ApprovePlan', act: dto.act });
  }

  @Post(':planId/monitoring-campaigns')
  @ApiOperation({ summary: 'Open a monitoring campaign as of a date (31/07 by custom): segretario' })
  openCampaign(@Context() c: RequestContext, @Param('planId', PLAN_ID) planId: string, @Body() dto: MonitoringCampaignDto) {
    return this.run(c, planId, dto, { type: 'OpenMonitoringCampaign', asOf: dto.asOf, dueOn: dto.dueOn ?? dto.asOf });
  }

  @Post(':planId/monitoring-campaigns/close')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close a monitoring campaign: segretario' })
  closeCampaign(@Context() c: RequestContext, @Param('planId', PLAN_ID) planId: string, @Body() dto: CloseCampaignDto) {
    return this.run(c, planId, dto, { type: 'CloseMonitoringCampaign', asOf: dto.asOf });
  }

  @Post(':planId/close')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close the plan after the NdV validation: segretario' })
  close(@Context() c: RequestContext, @Param('planId', PLAN_ID) planId: string, @Body() dto: CommandOptionsDto) {
    return this.run(c, planId, dto, { type: 'ClosePlan', reason: dto.reason });
  }

  private async run(c: RequestContext, planId: string, dto: CommandOptionsDto & { act?: GiuntaActCommandDto['act'] }, command: PlanCommand) {
    const render = (outcome: CommandOutcome<PlanState>) => ({
      ...planView(outcome.state),
      revision: outcome.revision,
      position: outcome.position ? formatPosition(outcome.position) : null,
      recorded: outcome.recorded.map((e) => e.type),
    });
    return render(await this.commands.execute(new RunPlanCommand(planId, command, commandRequest(c, dto, render))));
  }
}

function planView(state: PlanState) {
  const { planId, kind, title, fromYear, toYear, status, approvalAct, campaigns } = state;
  return { planId, kind, title, fromYear, toYear, status, approvalAct: approvalAct ?? null, campaigns };
}
