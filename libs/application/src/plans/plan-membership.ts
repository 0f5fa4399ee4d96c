import { Injectable } from '@nestjs/common';
import { decidePlan, type PlanState, decisionContext } from '@piao/lifecycle';
import { type CommandRequest } from '../commands/command-request';
import { StreamCommands, type CommandOutcome } from '../commands/stream-commands';
import { PLAN_STREAM, planStreamId } from '../commands/stream-types';

/** Records in the plan that an objective belongs to it; attaching twice records nothing. */
@Injectable()
export class PlanMembership {
  constructor(private readonly streams: StreamCommands) {}

  attach(planId: string, objectiveId: string, code: string, responsibleUnitId: string, request: CommandRequest): Promise<CommandOutcome<PlanState>> {
    return this.streams.run(
      PLAN_STREAM,
      planStreamId(planId),
      { ...request, expectedRevision: undefined, idempotency: undefined },
      // The drafter was allowed to draft for this unit: attaching is the consequence of that, not a new decision.
      (state, today) =>
        decidePlan(state, { type: 'AttachObjective', objectiveId, code }, decisionContext(request.actor, today, [responsibleUnitId]), responsibleUnitId),
      { mustExist: true, id: planId },
    );
  }
}
