import { type Clock } from '@piao/application';
import { StoreUnavailable, type ProcessorStore, type SqlClient } from '@piao/event-store';
import { DeliveryDeferred, type ReminderSender } from './reminder-sender';

export const REMINDER_SENDER = 'reminder-sender';

export interface InProcessSenderOptions {
  holder: string;
  leaseMs: number;
  /** Pause between looks at the outbox. */
  pollMs: number;
  /** Attempts before a reminder that keeps failing goes to the dead letters. */
  maxAttempts: number;
  /** Reminders delivered side by side (each is claimed by its sender: never one twice). */
  concurrency?: number;
  onError?: (error: unknown) => void;
}

/** The wait before attempt `n + 1` after `n` failed ones: 5 s doubling, at most an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

/**
 * The embedded default's sender (no Redis): one loop, in the process that runs the processors, under a lease so that
 * two processes never send side by side. It takes the outbox rows whose time has come, in order, and hands each to
 * the ReminderSender; a row that cannot leave now is tried again later with a growing pause, and given up after
 * `maxAttempts` (into the dead letters). With REDIS_URL set, apps/worker sends through BullMQ instead.
 */
export class InProcessReminderSender {
  private stopped = true;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    private readonly sender: ReminderSender,
    private readonly sql: SqlClient,
    private readonly store: ProcessorStore,
    private readonly clock: Clock,
    private readonly options: InProcessSenderOptions,
  ) {}

  start(): void {
    if (this.loop) return;
    this.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    await this.store.release(REMINDER_SENDER, this.options.holder).catch(() => undefined);
  }

  poke(): void {
    this.wake?.();
  }

  /** Sends what is due now; returns how many rows it took up. Fails if another process holds the sender's lease. */
  async sendDue(): Promise<number> {
    if (!(await this.store.lease(REMINDER_SENDER, this.options.holder, this.options.leaseMs))) return 0;
    const now = this.clock.now();
    const due = await this.sql.query<{ reminder_id: string; attempts: number }>(
      `SELECT reminder_id, attempts FROM rem_outbox
        WHERE status = 'pending' AND send_at <= $1 AND (next_attempt_at IS NULL OR next_attempt_at <= $1)
        ORDER BY send_at, reminder_id LIMIT 200`,
      [now],
    );
    const queue = due.map((row) => row.reminder_id);
    const lane = async () => {
      for (let id = queue.shift(); id !== undefined && !(this.stopped && this.loop); id = queue.shift()) await this.deliver(id);
    };
    // Every lane finishes before the round ends, even when one fails: nothing runs on after stop().
    const lanes = await Promise.allSettled(Array.from({ length: this.options.concurrency ?? 4 }, lane));
    const failed = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
    if (failed) throw failed.reason;
    return due.length;
  }

  /**
   * A delivery that cannot go now is tried again later, with a growing pause; after `maxAttempts` it goes to the dead
   * letters. An unexpected error (a bug, a row the sender cannot read) counts as an attempt too, so that it ends there
   * rather than being retried for ever; the database unreachable is waited out.
   */
  private async deliver(reminderId: string): Promise<void> {
    try {
      await this.sender.deliver(reminderId);
    } catch (error) {
      if (error instanceof StoreUnavailable) throw error;
      const message = error instanceof Error ? error.message : String(error);
      if (!(error instanceof DeliveryDeferred)) {
        await this.sql.query(`UPDATE rem_outbox SET attempts = attempts + 1, last_error = $2 WHERE reminder_id = $1`, [reminderId, message]);
        this.options.onError?.(error);
      }
      const [row] = await this.sql.query<{ attempts: number }>(`SELECT attempts FROM rem_outbox WHERE reminder_id = $1`, [reminderId]);
      if ((row?.attempts ?? 0) >= this.options.maxAttempts) await this.sender.giveUp(reminderId, message);
      else {
        const at = new Date(this.clock.now().getTime() + retryDelayMs(row?.attempts ?? 1));
        await this.sql.query(`UPDATE rem_outbox SET next_attempt_at = $2 WHERE reminder_id = $1`, [reminderId, at]);
      }
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const taken = await this.sendDue();
        if (taken >= 200) continue;
      } catch (error) {
        if (!(error instanceof StoreUnavailable)) this.options.onError?.(error);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}
