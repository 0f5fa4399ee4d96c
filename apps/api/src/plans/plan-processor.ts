import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { NotPermitted, RuleViolation, type ObjectiveDefinition } from '@piao/lifecycle';
import { EVENT_STORE, LogFollower, type EventStore, type StoredEvent } from '@piao/event-store';
import { AppConfig } from '../config/app-config';
import { requestFollowing } from '../event-sourcing/command-request';
import { PlanApproval } from './plan-approval';
import { PlanMembership } from './plan-membership';

export const PLAN_PROCESSOR = 'plan-processor';

/**
 * Finishes, from the stored log, what commands start across streams: attaching each drafted objective to its
 * plan, and approving a plan's proposed objectives when the Giunta approves the plan. Its checkpoint lets a
 * restarted process resume where it stopped; both steps are idempotent, so a batch replayed after a crash
 * records nothing twice.
 */
@Injectable()
export class PlanProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PlanProcessor.name);
  readonly follower: LogFollower;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    private readonly config: AppConfig,
    private readonly membership: PlanMembership,
    private readonly approval: PlanApproval,
  ) {
    this.follower = new LogFollower(store, {
      name: PLAN_PROCESSOR,
      handle: (events) => this.handle(events),
      onError: (error) => this.logger.error(`plan processor batch failed, retrying: ${(error as Error).message}`),
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.RUN_PROCESSORS === 'true') this.follower.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.follower.stop();
  }

  async handle(events: StoredEvent[]): Promise<void> {
    for (const event of events) {
      try {
        if (event.type === 'ObjectiveDrafted') await this.attach(event);
        else if (event.type === 'PlanApprovedByGiunta') await this.approval.approveObjectives(event.streamId, event.id);
      } catch (error) {
        // A rule that refuses now will refuse for ever: record it and move on rather than block the log.
        if (!(error instanceof RuleViolation || error instanceof NotPermitted)) throw error;
        this.logger.warn(`${event.type} ${event.id} not followed up: ${error.rule}: ${error.message}`);
      }
    }
  }

  private attach(event: StoredEvent): Promise<unknown> {
    const { planId, objectiveId, code, definition } = event.data as { planId: string; objectiveId: string; code: string; definition: ObjectiveDefinition };
    return this.membership.attach(planId, objectiveId, code, definition.responsibleUnitId, requestFollowing(event));
  }
}
