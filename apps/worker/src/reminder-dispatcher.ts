import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { type JobsOptions, type Queue } from 'bullmq';
import { CLOCK, type Clock } from '@piao/application';
import { AppConfig } from '@piao/config';
import { StoreUnavailable, type SqlQuery } from '@piao/event-store';
import { REMINDER_DELIVERIES_QUEUE, REMINDERS_OPTIONS, type ReminderJobData, type RemindersOptions } from '@piao/reminders';
import { REMINDER_JOB_OPTIONS, reminderJob } from './reminder-jobs';

/** Rows taken per look at the outbox; a full batch is followed at once by the next. */
const BATCH = 500;

/**
 * Moves the outbox into the queue: every REMINDER_POLL_MS it takes the pending rows not queued yet (new ones, and those
 * the deadlines processor or the sender moved to another time: they come back with queued_at NULL) that are due within
 * REMINDER_QUEUE_HORIZON_HOURS, oldest send time first, adds a delayed job for each (id: row and send time), then marks
 * them queued. A row further ahead stays in the outbox until the horizon reaches it. A crash between the two adds
 * them again on the next look, and the ids make that a no-op. Several workers may dispatch side by side, for the same
 * reason.
 */
@Injectable()
export class ReminderDispatcher implements OnModuleDestroy {
  private readonly logger = new Logger('ReminderDispatcher');
  private stopped = true;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    @InjectQueue(REMINDER_DELIVERIES_QUEUE) private readonly queue: Queue<ReminderJobData>,
    @Inject(REMINDERS_OPTIONS) private readonly options: RemindersOptions,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(REMINDER_JOB_OPTIONS) private readonly jobOptions: JobsOptions,
    private readonly config: AppConfig,
  ) {}

  start(): void {
    if (this.loop) return;
    this.stopped = false;
    this.loop = this.run();
  }

  /** Stops dispatching (the first thing a stopping worker does); the batch in hand is finished. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  /** Looks again now (a delivery moved a row to another day). */
  poke(): void {
    this.wake?.();
  }

  /** Queues one batch of the rows not queued yet; returns how many it took. */
  async dispatchOnce(): Promise<number> {
    const now = this.clock.now();
    const rows = await this.options.sql.query<{ reminder_id: string; send_at: Date }>(
      `SELECT reminder_id, send_at FROM rem_outbox
        WHERE status = 'pending' AND queued_at IS NULL AND send_at <= $1
        ORDER BY send_at, reminder_id LIMIT ${BATCH}`,
      [queueHorizon(now, this.config)],
    );
    if (rows.length === 0) return 0;
    await this.queue.addBulk(rows.map((row) => reminderJob(row, now, this.jobOptions)));
    await markQueued(this.options.sql, rows, now);
    return rows.length;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if ((await this.dispatchOnce()) === BATCH) continue;
      } catch (error) {
        // The database or Redis away: waited out, like the processors do.
        if (!(error instanceof StoreUnavailable)) this.logger.error(`dispatching: ${error instanceof Error ? error.message : String(error)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.config.REMINDER_POLL_MS);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}

/** The latest send time whose reminders go into the queue now. */
export const queueHorizon = (now: Date, config: AppConfig): Date => new Date(now.getTime() + config.REMINDER_QUEUE_HORIZON_HOURS * 3_600_000);

/**
 * Marks rows queued once their jobs were added (by the dispatcher, or by the reconciler, which then spares the
 * dispatcher adding them again). Only rows still at the time their job was given: one moved meanwhile stays unqueued
 * and gets a job for its new time.
 */
export async function markQueued(sql: SqlQuery, rows: { reminder_id: string; send_at: Date }[], now: Date): Promise<void> {
  await sql.query(
    `UPDATE rem_outbox o SET queued_at = $3
       FROM unnest($1::text[], $2::timestamptz[]) AS q(reminder_id, send_at)
      WHERE o.reminder_id = q.reminder_id AND date_trunc('milliseconds', o.send_at) = q.send_at AND o.status = 'pending' AND o.queued_at IS NULL`,
    [rows.map((r) => r.reminder_id), rows.map((r) => r.send_at), now],
  );
}
