import { type JobsOptions } from 'bullmq';
import { type AppConfig } from '@piao/config';
import { DELIVER_JOB, REMINDER_BACKOFF, reminderJobId, type ReminderJobData } from '@piao/reminders';

export const REMINDER_JOB_OPTIONS = Symbol('ReminderJobOptions');

/**
 * The options of every delivery job. Retries: REMINDER_MAX_ATTEMPTS, spaced by the worker's backoff (retryDelayMs, as
 * the in-process sender). A completed job is removed at once, so that its id is free again: a row superseded and
 * then brought back at the same send time must get a job again. Failed jobs are kept a week for the dashboard.
 */
export function reminderJobOptions(config: AppConfig): JobsOptions {
  return {
    attempts: config.REMINDER_MAX_ATTEMPTS,
    backoff: { type: REMINDER_BACKOFF },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  };
}

/** The job of an outbox row: its deterministic id, and the delay until its send time by the worker's clock. */
export function reminderJob(row: { reminder_id: string; send_at: Date | string }, now: Date, options: JobsOptions) {
  const sendAt = new Date(row.send_at).getTime();
  const data: ReminderJobData = { reminderId: row.reminder_id, sendAt };
  return { name: DELIVER_JOB, data, opts: { ...options, jobId: reminderJobId(row.reminder_id, sendAt), delay: Math.max(0, sendAt - now.getTime()) } };
}
