import { Injectable } from '@nestjs/common';
import { decidePlan, decisionContext, type PlanState } from '@piao/lifecycle';
import { type CommandRequest } from '../event-sourcing/command-request';
import { StreamCommands, type CommandOutcome } from '../event-sourcing/stream-commands';
import { PLAN_STREAM, planStreamId } from '../event-sourcing/stream-types';

/** Records in the plan that an objective belongs to it; attaching twice records nothing. */
@Injectable()
export class PlanMembership {
  constructor(private readonly streams: StreamCommands) {}

  attach(planId: string, objectiveId: string, code: string, responsibleUnitId: string, request: CommandRequest): Promise<CommandOutcome<PlanState>> {
    // The drafter was allowed to draft for this unit: attaching is the consequence of that, not a new decision.
    const context = decisionContext(request.actor, [responsibleUnitId]);
    return this.streams.run(
      PLAN_STREAM,
      planStreamId(planId),
      { ...request, expectedRevision: undefined },
      (state) => decidePlan(state, { type: 'AttachObjective', objectiveId, code }, context, responsibleUnitId),
      { mustExist: true, id: planId },
    );
  }
}
