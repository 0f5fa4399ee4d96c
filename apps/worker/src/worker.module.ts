import { BullModule } from '@nestjs/bullmq';
import { Logger, Module, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { type Clock } from '@piao/application';
import { AppConfig } from '@piao/config';
import { REMINDER_DELIVERIES_QUEUE, REMINDER_MAINTENANCE_QUEUE } from '@piao/reminders';
import { DOSSIER_BUILDS_QUEUE } from '@piao/audit';
import { DossierBuildProcessor } from './dossier-build.processor';
import { DossierDispatcher } from './dossier-dispatcher';
import { ProcessingModule } from '../../api/src/processing.module';
import { ReconcileProcessor } from './reconcile.processor';
import { ReminderDeliveryProcessor } from './reminder-delivery.processor';
import { ReminderDispatcher } from './reminder-dispatcher';
import { REMINDER_JOB_OPTIONS, reminderJobOptions } from './reminder-jobs';
import { messageOf, ReminderReconciler } from './reminder-reconciler';

/**
 * The reminder worker: the storage, the application and the ReminderSender of the API's ProcessingModule (without its
 * processors unless asked), the two queues in Redis, and the dispatcher, the delivery worker and the reconciler.
 */
@Module({})
export class WorkerModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('ReminderWorker');

  constructor(
    private readonly config: AppConfig,
    private readonly dispatcher: ReminderDispatcher,
    private readonly deliveries: ReminderDeliveryProcessor,
    private readonly reconciler: ReminderReconciler,
    private readonly reconcile: ReconcileProcessor,
    private readonly dossierDispatcher: DossierDispatcher,
    private readonly dossierBuilds: DossierBuildProcessor,
  ) {}

  static forRoot(config: AppConfig, options: { runProcessors: boolean; clock?: Clock }): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        // With Redis, the worker builds the dossiers too, as the jobs of their queue ask (the API's process does not).
        ProcessingModule.forRoot(config, { ...options, dossierBuilder: 'queue' }),
        // BullMQ opens (and closes) its own ioredis connections from the URL: one per queue, two per worker.
        BullModule.forRoot({ connection: { url: config.REDIS_URL }, prefix: config.REMINDER_QUEUE_PREFIX }),
        BullModule.registerQueue({ name: REMINDER_DELIVERIES_QUEUE }, { name: REMINDER_MAINTENANCE_QUEUE }, { name: DOSSIER_BUILDS_QUEUE }),
      ],
      providers: [
        { provide: REMINDER_JOB_OPTIONS, useValue: reminderJobOptions(config) },
        ReminderDispatcher,
        ReminderDeliveryProcessor,
        ReminderReconciler,
        ReconcileProcessor,
        DossierDispatcher,
        DossierBuildProcessor,
      ],
    };
  }

  /** At start: the outbox put back into the queue once (whatever Redis lost while no worker ran), then everything starts. */
  async onApplicationBootstrap(): Promise<void> {
    try {
      const { pending, retried } = await this.reconciler.reconcile();
      this.logger.log(`at start: ${pending} pending reminders offered to the queue${retried ? `, ${retried} failed jobs retried` : ''}`);
    } catch (error) {
      // Redis or the database not there yet: the dispatcher and the scheduled reconciler catch up once they are.
      this.logger.warn(`at start, the outbox could not be put back into the queue: ${messageOf(error)}`);
    }
    await this.reconciler.keepScheduled().catch((error: unknown) => this.logger.warn(`scheduler: ${messageOf(error)}`));
    this.dispatcher.start();
    this.deliveries.start();
    this.reconcile.start();
    this.dossierDispatcher.start();
    this.dossierBuilds.start();
    this.logger.log(
      `reminder worker running: concurrency ${this.config.REMINDER_WORKER_CONCURRENCY}, reconciling every ${this.config.REMINDER_RECONCILE_SECONDS} s, queue prefix ${this.config.REMINDER_QUEUE_PREFIX}`,
    );
  }
}
