import { Inject, Injectable } from '@nestjs/common';
import { decideObjective, decisionContext, type GiuntaAct, type PlanState } from '@piao/lifecycle';
import { comparePositions, EVENT_STORE, type EventStore } from '@piao/event-store';
import { requestFollowing } from '../event-sourcing/command-request';
import { StreamCommands } from '../event-sourcing/stream-commands';
import { fold, OBJECTIVE_STREAM, objectiveStreamId, PLAN_STREAM } from '../event-sourcing/stream-types';

/**
 * The Giunta's approval of a plan approves every objective of the plan that was proposed at that moment, with
 * the plan's act. Driven by the stored PlanApprovedByGiunta event, and idempotent: an objective already approved
 * is left alone, so running it again after a crash records each approval exactly once. "At that moment" is the
 * approval's place in the global log: run late, it does not approve an objective proposed after the act.
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
      const before = (await this.store.readStream(objectiveStreamId(objectiveId))).filter((e) => comparePositions(e.position, approval.position) < 0);
      const proposedThen = fold(OBJECTIVE_STREAM, before)?.status === 'proposed';
      await this.streams.run(
        OBJECTIVE_STREAM,
        objectiveStreamId(objectiveId),
        request,
        (state) =>
          proposedThen && state?.status === 'proposed'
            ? decideObjective(state, { type: 'ApproveByGiunta', act, planApprovalEventId: approval.id }, context)
            : { events: [], role: 'segretario' }, // not proposed then (or no longer): it needs an act of its own
        { mustExist: false, id: objectiveId },
      );
    }
  }
}
