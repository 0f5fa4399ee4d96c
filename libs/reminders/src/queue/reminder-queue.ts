/**
 * What apps/worker (which fills and works the queue) and the API (its dashboard and metrics) share about
 * the reminder queue in Redis (BullMQ). The outbox (rem_outbox) stays the source of truth: Redis only says when to
 * look at a row again, so anything Redis loses is put back from the outbox by the reconciler.
 */

/** One job per (outbox row, send time): the job that delivers it once its time has come. */
export const REMINDER_DELIVERIES_QUEUE = 'reminder-deliveries';
/** The reconciler's repeating job (a BullMQ job scheduler), apart from the deliveries so that it never waits behind them. */
export const REMINDER_MAINTENANCE_QUEUE = 'reminder-maintenance';
export const DELIVER_JOB = 'deliver';
export const RECONCILE_JOB = 'reconcile';
export const RECONCILER_SCHEDULER_ID = 'reminder-reconciler';
/** The name of the backoff strategy the worker registers (retryDelayMs: 5 s doubling, at most an hour). */
export const REMINDER_BACKOFF = 'reminder-backoff';

export interface ReminderJobData {
  reminderId: string;
  /** The row's send_at (epoch ms) when the job was added: a job whose row has moved since is stale. */
  sendAt: number;
}

/**
 * The job's id: the row and its send time, so that adding a row twice (a dispatcher that crashed before marking it
 * queued, the reconciler) is a no-op, and a row moved to another time gets a job of its own. BullMQ refuses ':' in ids.
 */
export function reminderJobId(reminderId: string, sendAt: Date | number): string {
  return `${reminderId}-${typeof sendAt === 'number' ? sendAt : sendAt.getTime()}`;
}
