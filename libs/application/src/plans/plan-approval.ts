import { Inject, Injectable } from '@nestjs/common';
import { decideObjective, definitionFingerprint, type GiuntaAct, type PlanState, decisionContext } from '@piao/lifecycle';
import { comparePositions, EVENT_STORE, type EventStore } from '@piao/event-store';
import { requestFollowing } from '../commands/command-request';
import { StreamCommands } from '../commands/stream-commands';
import { fold, OBJECTIVE_STREAM, objectiveStreamId, PLAN_STREAM } from '../commands/stream-types';

/** What a stored PlanApprovedByGiunta says: the act, and (since it is recorded) each proposal it approved. */
interface PlanApproval_ {
  act: GiuntaAct;
  proposals?: { objectiveId: string; definitionHash: string }[];
}

/**
 * Follows up a stored PlanApprovedByGiunta: approves each objective the act approved, unless that is done already.
 * On PostgreSQL and PGlite the approvals were appended with the plan's, so there is nothing left to do; this finishes
 * what an EventStoreDB append interrupted halfway left, and approvals recorded before proposals were listed.
 * An objective is approved only if it is still proposed with the text the Giunta saw (its fingerprint): one that was
 * returned and re-proposed with another text needs an act of its own.
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
    const { act, proposals } = approval.data as PlanApproval_;
    const request = { ...requestFollowing(approval), act };
    const approvable = proposals ?? (await this.proposedBefore(events, approval));
    for (const { objectiveId, definitionHash } of approvable) {
      await this.streams.run(
        OBJECTIVE_STREAM,
        objectiveStreamId(objectiveId),
        request,
        (state, today) =>
          state?.status === 'proposed' && (definitionHash === undefined || definitionFingerprint(state.definition) === definitionHash)
            ? decideObjective(state, { type: 'ApproveByGiunta', act, planApprovalEventId: approval.id, definitionHash }, decisionContext(request.actor, today))
            : { events: [], role: 'segretario' }, // not the proposal the Giunta saw (or no longer proposed): it needs an act of its own
        { mustExist: false, id: objectiveId },
      );
    }
  }

  /** For approvals recorded before they listed their proposals: the objectives proposed before the act, in log order. */
  private async proposedBefore(events: Awaited<ReturnType<EventStore['readStream']>>, approval: (typeof events)[number]) {
    const plan = fold(PLAN_STREAM, events.slice(0, approval.revision + 1)) as PlanState;
    const proposed: { objectiveId: string; definitionHash?: string }[] = [];
    for (const { objectiveId } of plan.objectives) {
      const before = (await this.store.readStream(objectiveStreamId(objectiveId))).filter((e) => comparePositions(e.position, approval.position) < 0);
      if (fold(OBJECTIVE_STREAM, before)?.status === 'proposed') proposed.push({ objectiveId });
    }
    return proposed;
  }
}
