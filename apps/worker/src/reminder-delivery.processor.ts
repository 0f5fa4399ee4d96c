import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { DelayedError, type Job } from 'bullmq';
import { CLOCK, type Clock } from '@piao/application';
import { AppConfig } from '@piao/config';
import { StoreUnavailable } from '@piao/event-store';
import {
  DELIVER_JOB,
  DeliveryDeferred,
  REMINDER_DELIVERIES_QUEUE,
  REMINDERS_OPTIONS,
  ReminderSender,
  retryDelayMs,
  type DeliveryOutcome,
  type ReminderJobData,
  type RemindersOptions,
} from '@piao/reminders';

/** A reminder another sender is delivering (its claim on the row has not run out): looked at again this much later. */
const BUSY_RETRY_MS = 5_000;
/** The database unreachable: the job waits this long without spending one of its attempts (like the processors, which wait it out). */
const STORE_RETRY_MS = 5_000;

export type JobResult = DeliveryOutcome | { outcome: 'stale' } | { outcome: 'ignored' };

/**
 * The BullMQ worker of the deliveries: each job hands its outbox row to the ReminderSender, which does what the
 * in-process sender of the embedded default does with it (re-read the row and the deadline, skip what is stale, claim
 * and send each recipient's message once). What the queue adds:
 *
 * - a job whose `sendAt` is no longer the row's is stale (the row was moved and has a job for its new time): it ends
 *   without touching the row;
 * - `not-yet` (the job ran early: promoted from the dashboard, or the clocks differ) puts the job back among the
 *   delayed until the row's time; `busy` (another sender holds the row's claim) a few seconds later; neither spends an
 *   attempt;
 * - `DeliveryDeferred` (the SMTP server down, a 4xx) is thrown for BullMQ to retry after retryDelayMs (5 s doubling,
 *   at most an hour: the in-process sender's pauses); once the row has failed REMINDER_MAX_ATTEMPTS times (its
 *   `attempts`, kept across Redis losses) or the job is on its last attempt, the reminder is given up: its deliveries
 *   and the row are marked failed with the error (the reminders' dead letters: rem_outbox status 'failed');
 * - any other error is retried the same way and given up on the last attempt;
 * - the database unreachable (StoreUnavailable) is waited out: the job is delayed without spending an attempt.
 *
 * Concurrency: REMINDER_WORKER_CONCURRENCY jobs at a time per process. On stop (SIGTERM), the worker is closed before
 * anything else shuts down: no new job is taken, and the active ones finish (`worker.close()` waits for them).
 */
@Processor(REMINDER_DELIVERIES_QUEUE, { autorun: false, settings: { backoffStrategy: (attemptsMade: number) => retryDelayMs(attemptsMade) } })
export class ReminderDeliveryProcessor extends WorkerHost implements BeforeApplicationShutdown {
  private readonly logger = new Logger('ReminderWorker');
  private running?: Promise<void>;

  constructor(
    private readonly sender: ReminderSender,
    @Inject(REMINDERS_OPTIONS) private readonly options: RemindersOptions,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    super();
  }

  /** Starts taking jobs (after the reconciler's first pass at start). */
  start(): void {
    if (this.running) return;
    this.worker.concurrency = this.config.REMINDER_WORKER_CONCURRENCY;
    this.running = this.worker.run().catch((error: unknown) => this.logger.error(`worker: ${error instanceof Error ? error.message : String(error)}`));
  }

  /** Runs before any module closes its connections: no new job is taken, and the active ones finish first. */
  async beforeApplicationShutdown(): Promise<void> {
    this.logger.log('stopping: no new delivery is taken, the active ones finish');
    await this.worker.close();
    await this.running;
    this.logger.log('stopped');
  }

  async process(job: Job<ReminderJobData>, token?: string): Promise<JobResult> {
    if (job.name !== DELIVER_JOB || typeof job.data?.reminderId !== 'string' || typeof job.data.sendAt !== 'number') return { outcome: 'ignored' };
    const { reminderId, sendAt } = job.data;
    let outcome: DeliveryOutcome;
    try {
      const [row] = await this.options.sql.query<{ status: string; send_at: Date }>(`SELECT status, send_at FROM rem_outbox WHERE reminder_id = $1`, [
        reminderId,
      ]);
      if (!row || row.status !== 'pending') return { outcome: 'settled' };
      if (new Date(row.send_at).getTime() !== sendAt) return { outcome: 'stale' };
      outcome = await this.sender.deliver(reminderId);
    } catch (error) {
      return this.failed(job, token, error);
    }
    switch (outcome.outcome) {
      case 'not-yet':
        // Moved to a later time since this job was read: the job of that time delivers it.
        if (outcome.at.getTime() !== sendAt) return { outcome: 'stale' };
        return this.later(job, token, outcome.at.getTime() - this.clock.now().getTime());
      case 'busy':
        return this.later(job, token, BUSY_RETRY_MS);
      default:
        // 'postponed' (today is a quiet day) left the row unqueued at its new time: the dispatcher gives it a job.
        return outcome;
    }
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<ReminderJobData> | undefined, error: Error): void {
    if (error instanceof DelayedError || error.name === 'DelayedError') return;
    const attempts = job ? `attempt ${job.attemptsMade} of ${job.opts.attempts ?? 1}` : 'job unknown';
    this.logger.warn(`reminder ${job?.data?.reminderId ?? '?'} (${attempts}): ${error.message}`);
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.error(`queue: ${error.message}`);
  }

  /** Back among the delayed jobs, `ms` from now, without spending an attempt (BullMQ's DelayedError pattern). */
  private async later(job: Job<ReminderJobData>, token: string | undefined, ms: number): Promise<never> {
    await job.moveToDelayed(Date.now() + Math.max(0, ms), token);
    throw new DelayedError();
  }

  private async failed(job: Job<ReminderJobData>, token: string | undefined, error: unknown): Promise<JobResult> {
    if (error instanceof StoreUnavailable) return this.later(job, token, STORE_RETRY_MS);
    const { reminderId } = job.data;
    const message = error instanceof Error ? error.message : String(error);
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (error instanceof DeliveryDeferred) {
      const [row] = await this.options.sql.query<{ attempts: number }>(`SELECT attempts FROM rem_outbox WHERE reminder_id = $1`, [reminderId]);
      if (!lastAttempt && (row?.attempts ?? 0) < this.config.REMINDER_MAX_ATTEMPTS) throw error;
      await this.sender.giveUp(reminderId, message);
      this.logger.warn(`reminder ${reminderId}: given up after ${row?.attempts ?? job.attemptsMade + 1} attempts: ${message}`);
      return { outcome: 'failed', reason: message };
    }
    if (lastAttempt) await this.sender.giveUp(reminderId, message);
    throw error;
  }
}
