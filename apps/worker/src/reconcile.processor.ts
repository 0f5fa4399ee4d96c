import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { type Job } from 'bullmq';
import { RECONCILE_JOB, REMINDER_MAINTENANCE_QUEUE } from '@piao/reminders';
import { ReminderReconciler, type Reconciliation } from './reminder-reconciler';

/** Runs the reconciler when its job scheduler fires (one job at a time per worker process). */
@Processor(REMINDER_MAINTENANCE_QUEUE, { autorun: false, concurrency: 1 })
export class ReconcileProcessor extends WorkerHost implements BeforeApplicationShutdown {
  private readonly logger = new Logger('ReminderReconciler');
  private running?: Promise<void>;

  constructor(private readonly reconciler: ReminderReconciler) {
    super();
  }

  start(): void {
    this.running ??= this.worker.run().catch((error: unknown) => this.logger.error(`worker: ${error instanceof Error ? error.message : String(error)}`));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
    await this.running;
  }

  async process(job: Job): Promise<Reconciliation | undefined> {
    if (job.name !== RECONCILE_JOB) return undefined;
    const result = await this.reconciler.reconcile();
    this.logger.debug(`offered ${result.pending} pending reminders to the queue again, retried ${result.retried} failed jobs`);
    return result;
  }
}
