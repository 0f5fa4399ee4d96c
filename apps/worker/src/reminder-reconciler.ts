import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { type JobsOptions, type Queue } from 'bullmq';
import { CLOCK, type Clock } from '@piao/application';
import { AppConfig } from '@piao/config';
import {
  DELIVER_JOB,
  RECONCILE_JOB,
  RECONCILER_SCHEDULER_ID,
  REMINDER_DELIVERIES_QUEUE,
  REMINDER_MAINTENANCE_QUEUE,
  REMINDERS_OPTIONS,
  type ReminderJobData,
  type RemindersOptions,
} from '@piao/reminders';
import { REMINDER_JOB_OPTIONS, reminderJob } from './reminder-jobs';
import { markQueued, queueHorizon } from './reminder-dispatcher';

/** Rows per page when re-adding the outbox. */
const PAGE = 1_000;

export interface Reconciliation {
  /** Pending rows offered to the queue again (those whose job was still there were left as they were). */
  pending: number;
  /** Failed jobs of rows still pending (a job that stalled too often, a give-up that could not be recorded) retried. */
  retried: number;
}

/**
 * Puts the outbox back into Redis. Redis is not where reminders are kept: a FLUSHALL, a restore of an old snapshot or
 * a failover to a replica that lagged loses jobs, and the rows whose jobs were lost are already marked queued, so the
 * dispatcher would never look at them again. So every REMINDER_RECONCILE_SECONDS, and once at start, every pending row
 * due within the queue's horizon (REMINDER_QUEUE_HORIZON_HOURS: the rows further ahead have no job to lose) is added
 * again, page by page (`addBulk`): a job whose id (row and send time) is in the queue is left as it is, a
 * lost one is added again with its delay, and one whose time passed meanwhile runs at once, so it goes out late but
 * once. A failed job of a row still pending is retried.
 *
 * It runs as the job of a BullMQ job scheduler (`upsertJobScheduler`, every REMINDER_RECONCILE_SECONDS) on its own
 * queue, so that one worker of the installation does it each time and the dashboard shows it. But a FLUSHALL deletes
 * the scheduler too, and nothing in Redis would bring it back: so each worker also checks on a plain timer, at the
 * same period, that the scheduler exists, and creates it again when it does not. Two reconcilers running together
 * (two workers, or the timer's first pass and the scheduler's) do the same harmless work twice: the ids deduplicate.
 */
@Injectable()
export class ReminderReconciler implements OnModuleDestroy {
  private readonly logger = new Logger('ReminderReconciler');
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    @InjectQueue(REMINDER_DELIVERIES_QUEUE) private readonly deliveries: Queue<ReminderJobData>,
    @InjectQueue(REMINDER_MAINTENANCE_QUEUE) private readonly maintenance: Queue,
    @Inject(REMINDERS_OPTIONS) private readonly options: RemindersOptions,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(REMINDER_JOB_OPTIONS) private readonly jobOptions: JobsOptions,
    private readonly config: AppConfig,
  ) {}

  /** Keeps the scheduler in place from now on (a timer, since Redis may lose the scheduler itself). */
  async keepScheduled(): Promise<void> {
    await this.ensureScheduler(true);
    this.timer = setInterval(() => {
      if (!this.stopped) void this.ensureScheduler(false).catch((error: unknown) => this.logger.warn(`scheduler: ${messageOf(error)}`));
    }, this.config.REMINDER_RECONCILE_SECONDS * 1000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** Creates the scheduler when Redis does not have it (at start, or after it lost its data). */
  async ensureScheduler(atStart: boolean): Promise<void> {
    const every = this.config.REMINDER_RECONCILE_SECONDS * 1000;
    const existing = await this.maintenance.getJobScheduler(RECONCILER_SCHEDULER_ID);
    if (existing && Number(existing.every) === every) return;
    await this.maintenance.upsertJobScheduler(
      RECONCILER_SCHEDULER_ID,
      { every },
      { name: RECONCILE_JOB, data: {}, opts: { removeOnComplete: true, removeOnFail: { count: 100 } } },
    );
    if (!atStart) this.logger.warn('the reconciler’s job scheduler was missing from Redis (its data lost?): created again');
  }

  async reconcile(): Promise<Reconciliation> {
    let pending = 0;
    let after: { sendAt: Date; id: string } | undefined;
    const horizon = queueHorizon(this.clock.now(), this.config);
    for (;;) {
      const rows: { reminder_id: string; send_at: Date }[] = await this.options.sql.query(
        `SELECT reminder_id, send_at FROM rem_outbox
          WHERE status = 'pending' AND send_at <= $1 ${after ? 'AND (send_at, reminder_id) > ($2, $3)' : ''}
          ORDER BY send_at, reminder_id LIMIT ${PAGE}`,
        after ? [horizon, after.sendAt, after.id] : [horizon],
      );
      if (rows.length === 0) break;
      const now = this.clock.now();
      await this.deliveries.addBulk(rows.map((row) => reminderJob(row, now, this.jobOptions)));
      await markQueued(this.options.sql, rows, now);
      pending += rows.length;
      const last = rows[rows.length - 1];
      after = { sendAt: last.send_at, id: last.reminder_id };
      if (rows.length < PAGE) break;
    }
    const retried = await this.retryFailedOfPendingRows();
    if (retried > 0) this.logger.warn(`retried ${retried} failed jobs whose reminders are still pending`);
    return { pending, retried };
  }

  private async retryFailedOfPendingRows(): Promise<number> {
    const failed = (await this.deliveries.getFailed(0, -1)).filter((job) => job?.name === DELIVER_JOB && typeof job.data?.reminderId === 'string');
    if (failed.length === 0) return 0;
    const rows = await this.options.sql.query<{ reminder_id: string; send_at: Date }>(
      `SELECT reminder_id, send_at FROM rem_outbox WHERE status = 'pending' AND reminder_id = ANY($1::text[])`,
      [failed.map((job) => job.data.reminderId)],
    );
    const pendingAt = new Map(rows.map((r) => [r.reminder_id, new Date(r.send_at).getTime()]));
    let retried = 0;
    for (const job of failed) {
      if (pendingAt.get(job.data.reminderId) !== job.data.sendAt) continue;
      try {
        await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        retried += 1;
      } catch (error) {
        this.logger.warn(`retrying the job of reminder ${job.data.reminderId}: ${messageOf(error)}`);
      }
    }
    return retried;
  }
}

export const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
