import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideGiuntaApproval, decidePlan, type PlanCommand, type PlanState, decisionContext } from '@piao/lifecycle';
import { type CommandRequest } from '../commands/command-request';
import { StreamCommands, type CommandOutcome, type Decided } from '../commands/stream-commands';
import { OBJECTIVE_STREAM, objectiveStreamId, PLAN_STREAM, planStreamId } from '../commands/stream-types';

export class RunPlanCommand {
  constructor(
    readonly planId: string,
    readonly command: PlanCommand,
    readonly request: CommandRequest,
  ) {}
}

@CommandHandler(RunPlanCommand)
export class RunPlanCommandHandler implements ICommandHandler<RunPlanCommand, CommandOutcome<PlanState>> {
  constructor(private readonly streams: StreamCommands) {}

  execute({ planId, command, request }: RunPlanCommand): Promise<CommandOutcome<PlanState>> {
    if (command.type === 'ApprovePlan') return this.approve(planId, command, request);
    return this.streams.run(PLAN_STREAM, planStreamId(planId), request, (state, today) => decidePlan(state, command, decisionContext(request.actor, today)), {
      mustExist: command.type !== 'OpenPlan',
      id: planId,
    });
  }

  /**
   * The Giunta's act approves the plan and, in the same append, every objective proposed at that moment, each with
   * the fingerprint of the text the Giunta saw. An objective that moves meanwhile makes the whole approval run again
   * on the new state.
   */
  private approve(planId: string, command: Extract<PlanCommand, { type: 'ApprovePlan' }>, request: CommandRequest): Promise<CommandOutcome<PlanState>> {
    return this.streams.execute(request, async (unit) => {
      const context = decisionContext(request.actor, unit.today);
      const plan = await unit.load(PLAN_STREAM, planStreamId(planId), { id: planId, mustExist: true, addressed: true });
      const members = await Promise.all(
        plan.state!.objectives.map(async ({ objectiveId }) => (await unit.load(OBJECTIVE_STREAM, objectiveStreamId(objectiveId), { id: objectiveId })).state),
      );
      const planApprovalEventId = unit.nextEventId();
      const decided = decideGiuntaApproval(plan.state, members.filter(isDefined), command, context, planApprovalEventId);
      const approved = unit.write<PlanState>(planStreamId(planId), withFirstEventId(decided.plan, planApprovalEventId));
      for (const { objectiveId, decision } of decided.objectives) unit.write(objectiveStreamId(objectiveId), decision, planApprovalEventId);
      return approved;
    });
  }
}

const isDefined = <T>(value: T | undefined): value is T => value !== undefined;

/** The decision with its first event's id given: an id reserved beforehand, which other events of the command name. */
export function withFirstEventId(decided: Decided, id: string): Decided {
  return { ...decided, events: decided.events.map((event, i) => (i === 0 ? { ...event, id } : event)) };
}
