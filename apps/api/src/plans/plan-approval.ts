import { Inject, Injectable } from '@nestjs/common';
import { decideObjective, romeDateOf, type Actor, type GiuntaAct, type PlanState, type Role } from '@piao/lifecycle';
import { EVENT_STORE, type EventStore, type StoredEvent } from '@piao/event-store';
import { type CommandRequest } from '../event-sourcing/command-request';
import { StreamCommands } from '../event-sourcing/stream-commands';
import { fold, OBJECTIVE_STREAM, objectiveStreamId, PLAN_STREAM } from '../event-sourcing/stream-types';

/** The actor who recorded a stored event, in the role they recorded it in. */
export function actorOf(event: StoredEvent): Actor {
  const { actor, ente } = event.metadata;
  return { id: actor.id, name: actor.name, ente, roles: [actor.role as Role] };
}

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
    const actor = actorOf(approval);
    const plan = fold(PLAN_STREAM, events.slice(0, approval.revision + 1)) as PlanState;
    const act = (approval.data as { act: GiuntaAct }).act;
    const request: CommandRequest = {
      actor,
      occurredOn: approval.metadata.occurredAt.slice(0, 10),
      reason: approval.metadata.reason,
      act,
      correlationId: approval.metadata.correlationId,
      causationId: approval.id,
    };
    const context = { actor, unitsHeaded: new Set<string>(), today: romeDateOf(new Date()) };
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
