import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decidePlan, decisionContext, type PlanCommand, type PlanState } from '@piao/lifecycle';
import { type CommandRequest } from '../event-sourcing/command-request';
import { StreamCommands, type CommandOutcome } from '../event-sourcing/stream-commands';
import { PLAN_STREAM, planStreamId } from '../event-sourcing/stream-types';
import { PlanApproval } from './plan-approval';

export class RunPlanCommand {
  constructor(
    readonly planId: string,
    readonly command: PlanCommand,
    readonly request: CommandRequest,
  ) {}
}

@CommandHandler(RunPlanCommand)
export class RunPlanCommandHandler implements ICommandHandler<RunPlanCommand, CommandOutcome<PlanState>> {
  constructor(
    private readonly streams: StreamCommands,
    private readonly approval: PlanApproval,
  ) {}

  async execute({ planId, command, request }: RunPlanCommand): Promise<CommandOutcome<PlanState>> {
    const context = decisionContext(request.actor);
    const outcome = await this.streams.run(PLAN_STREAM, planStreamId(planId), request, (state) => decidePlan(state, command, context), {
      mustExist: command.type !== 'OpenPlan',
      id: planId,
    });
    // The plan processor does the same from the log; doing it now lets the caller see approved objectives at once.
    const approval = outcome.recorded.find((e) => e.type === 'PlanApprovedByGiunta');
    if (approval) await this.approval.approveObjectives(planStreamId(planId), approval.id);
    return outcome;
  }
}
