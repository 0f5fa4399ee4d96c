import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { CLOCK, type Clock } from '@piao/application';
import { AppConfig } from '@piao/config';
import {
  REMINDER_DELIVERIES_QUEUE,
  REMINDER_MAINTENANCE_QUEUE,
  REMINDERS_OPTIONS,
  reminderLag,
  type ReminderLag,
  type RemindersOptions,
} from '@piao/reminders';

/** The job states counted in /metrics. */
export const QUEUE_STATES = ['waiting', 'delayed', 'active', 'failed', 'prioritized', 'paused'] as const;
export type QueueCounts = Record<(typeof QUEUE_STATES)[number], number>;

/** A Redis that does not answer must not hang /metrics. */
const REDIS_ANSWER_MS = 2_000;

/**
 * What the API tells of the sending of reminders, in both modes: the lag of the outbox (in /health/ready and
 * /metrics: the oldest pending reminder whose time has passed, whichever sender should have sent it), and, when
 * REDIS_URL is set, the reminder queues of apps/worker (their job counts in /metrics, the dashboard at /admin/queues).
 */
@Injectable()
export class ReminderOperations implements OnApplicationShutdown {
  /** The queues, when the reminders go through Redis; empty on the embedded default. */
  readonly queues: Queue[];

  constructor(
    @Inject(REMINDERS_OPTIONS) private readonly options: RemindersOptions,
    @Inject(CLOCK) private readonly clock: Clock,
    config: AppConfig,
  ) {
    const url = config.REDIS_URL;
    // Producers only (the API adds no job): no blocking connection, and a command fails instead of waiting for ever.
    this.queues = url
      ? [REMINDER_DELIVERIES_QUEUE, REMINDER_MAINTENANCE_QUEUE].map(
          (name) => new Queue(name, { connection: { url, maxRetriesPerRequest: 1, lazyConnect: true }, prefix: config.REMINDER_QUEUE_PREFIX }),
        )
      : [];
    // An unreachable Redis is reported by the metrics; its connection errors are not worth a log line each.
    for (const queue of this.queues) queue.on('error', () => undefined);
  }

  lag(): Promise<ReminderLag> {
    return reminderLag(this.options.sql, this.clock.now());
  }

  /** Each queue's job counts; undefined when Redis does not answer (or is not used). */
  async queueCounts(): Promise<Map<string, QueueCounts> | undefined> {
    if (this.queues.length === 0) return undefined;
    const counts = Promise.all(this.queues.map(async (queue) => [queue.name, (await queue.getJobCounts(...QUEUE_STATES)) as QueueCounts] as const));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), REDIS_ANSWER_MS)));
    try {
      const answer = await Promise.race([counts, timeout]);
      return answer ? new Map(answer) : undefined;
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
      counts.catch(() => undefined);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.queues.map((queue) => queue.close().catch(() => undefined)));
  }
}
