import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { NotPermitted, RuleViolation, type ObjectiveDefinition, type PlanState } from '@piao/lifecycle';
import { type StoredEvent } from '@piao/event-store';
import { requestFollowing } from '../commands/command-request';
import { StreamCommands } from '../commands/stream-commands';
import { PLAN_STREAM, planStreamId } from '../commands/stream-types';
import { type Processor } from '../processors/processor';
import { ProcessorsHost } from '../processors/processors-host';
import { PlanApproval } from './plan-approval';
import { PlanMembership } from './plan-membership';

export const PLAN_PROCESSOR = 'plan-processor';

/**
 * Finishes, from the stored log, what commands start across streams: attaching each drafted objective to its
 * plan, and approving the objectives a plan's approval approved. On PostgreSQL and PGlite commands do both in the
 * same append, so this finds nothing to do; on EventStoreDB, which appends one stream at a time, it finishes what a
 * process that stopped halfway left. Both steps are idempotent: the second time, nothing is recorded.
 */
@Injectable()
export class PlanProcessor implements Processor, OnModuleInit {
  readonly name = PLAN_PROCESSOR;
  readonly mode = 'idempotent';
  private readonly logger = new Logger(PlanProcessor.name);

  constructor(
    private readonly host: ProcessorsHost,
    private readonly membership: PlanMembership,
    private readonly approval: PlanApproval,
    private readonly streams: StreamCommands,
  ) {}

  onModuleInit(): void {
    this.host.register(this);
  }

  async handle(events: StoredEvent[]): Promise<void> {
    // Each plan read once a batch: an import drafts hundreds of objectives into one plan, already attached to it.
    const plans = new Map<string, PlanState | undefined>();
    for (const event of events) {
      try {
        if (event.type === 'ObjectiveDrafted') await this.attach(event, plans);
        else if (event.type === 'PlanApprovedByGiunta') await this.approval.approveObjectives(event.streamId, event.id);
      } catch (error) {
        // A rule that refuses now will refuse for ever: record it and move on rather than block the log.
        if (!(error instanceof RuleViolation || error instanceof NotPermitted)) throw error;
        this.logger.warn(`${event.type} ${event.id} not followed up: ${error.rule}: ${error.message}`);
      }
    }
  }

  private async attach(event: StoredEvent, plans: Map<string, PlanState | undefined>): Promise<void> {
    const { planId, objectiveId, code, definition } = event.data as { planId: string; objectiveId: string; code: string; definition: ObjectiveDefinition };
    if (!plans.has(planId)) plans.set(planId, (await this.streams.load(PLAN_STREAM, planStreamId(planId), event.metadata.ente)).state);
    if (plans.get(planId)?.objectives.some((o) => o.objectiveId === objectiveId)) return;
    plans.delete(planId); // attached below: read again by the next draft of this plan
    await this.membership.attach(planId, objectiveId, code, definition.responsibleUnitId, requestFollowing(event));
  }
}
