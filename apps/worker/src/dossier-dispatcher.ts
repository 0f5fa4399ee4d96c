import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { type Queue } from 'bullmq';
import { CLOCK, type Clock } from '@piao/application';
import { AUDIT_OPTIONS, claimableDossiers, DOSSIER_BUILDS_QUEUE, type AuditOptions } from '@piao/audit';

/** How often the table is looked at for dossiers to offer to the queue. */
const POLL_MS = 2_000;

export interface DossierJobData {
  dossierId: string;
}

/**
 * Offers the claimable dossiers to the queue: a job per dossier and generation (its attempts and the end of its wait),
 * so that adding the same one twice (two dispatchers, a look after a crash) is a no-op, and a dossier put back to
 * wait gets a new job when its wait ends. The table stays the truth: a job only asks; the builder claims the row, and
 * a stale job finds nothing to claim. Redis flushed loses nothing: the next look offers the rows again.
 */
@Injectable()
export class DossierDispatcher implements OnModuleDestroy {
  private readonly logger = new Logger('DossierDispatcher');
  private stopped = true;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    @InjectQueue(DOSSIER_BUILDS_QUEUE) private readonly queue: Queue<DossierJobData>,
    @Inject(AUDIT_OPTIONS) private readonly audit: AuditOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  start(): void {
    if (this.loop) return;
    this.stopped = false;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  /** One look at the table; returns how many jobs were offered (existing ones included). */
  async offer(): Promise<number> {
    const rows = await claimableDossiers(this.audit.sql, this.clock.now(), 100);
    if (rows.length === 0) return 0;
    await this.queue.addBulk(
      rows.map(({ dossierId, generation }) => ({
        name: 'build',
        data: { dossierId },
        opts: { jobId: `${dossierId}.${generation}`, removeOnComplete: 1_000, removeOnFail: 1_000, attempts: 1 },
      })),
    );
    return rows.length;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.offer();
      } catch (error) {
        // Redis or the database away: the next look offers everything again.
        this.logger.warn(`offering dossiers: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (this.stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}
