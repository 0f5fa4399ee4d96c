import { Inject, Injectable } from '@nestjs/common';
import { decideObjective, decisionContext, type GiuntaAct, type PlanState } from '@piao/lifecycle';
import { EVENT_STORE, type EventStore } from '@piao/event-store';
import { requestFollowing } from '../event-sourcing/command-request';
import { StreamCommands } from '../event-sourcing/stream-commands';
import { fold, OBJECTIVE_STREAM, objectiveStreamId, PLAN_STREAM } from '../event-sourcing/stream-types';

/**
 * The Giunta's approval of a plan approves every objective of the plan that was proposed at that moment, with
 * the plan's act. Driven by the stored PlanApprovedByGiunta event, and idempotent: an objective already approved
 * is left alone, so running it again after a crash records each approval exactly once.
 */
@Injectable()
export class PlanApproval {
  constructor(
    private readonly streams: StreamCommands,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async approveObjectives(planStreamId: string, approvalEventId: string): Promise<void> {
    const events = await this.store.readStream(planStreamId);
    const approval = events.find((e) => e.id === approvalEventId);
    if (!approval) throw new Error(`no event ${approvalEventId} in ${planStreamId}`);
    const plan = fold(PLAN_STREAM, events.slice(0, approval.revision + 1)) as PlanState;
    const act = (approval.data as { act: GiuntaAct }).act;
    const request = { ...requestFollowing(approval), act };
    const context = decisionContext(request.actor);
    for (const { objectiveId } of plan.objectives) {
      await this.streams.run(
        OBJECTIVE_STREAM,
        objectiveStreamId(objectiveId),
        request,
        (state) =>
          state?.status === 'proposed'
            ? decideObjective(state, { type: 'ApproveByGiunta', act, planApprovalEventId: approval.id }, context)
            : { events: [], role: 'segretario' }, // not proposed then: it needs an act of its own
        { mustExist: false, id: objectiveId },
      );
    }
  }
}
