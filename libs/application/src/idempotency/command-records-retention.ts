import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { COMMAND_RECORDS, PROCESSOR_STORE, type CommandRecords, type ProcessorStore } from '@piao/event-store';
import { CLOCK, type Clock } from '../clock/clock.port';
import { PROCESSING, type ProcessingOptions } from '../processors/processing-options';

const JOB = 'command-records-retention';
const EVERY_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Forgets the records of commands sent with an Idempotency-Key once their retention (7 days by default) is over:
 * an hourly job, run by the process that runs the processors and holds the job's lease.
 */
@Injectable()
export class CommandRecordsRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CommandRecordsRetention');
  private timer?: NodeJS.Timeout;
  private readonly holder = `${hostname()}:${process.pid}`;

  constructor(
    @Inject(COMMAND_RECORDS) private readonly records: CommandRecords,
    @Inject(PROCESSOR_STORE) private readonly leases: ProcessorStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PROCESSING) private readonly options: ProcessingOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.runProcessors) return;
    const run = () => void this.purge().catch((error: unknown) => this.logger.error(`purge failed: ${(error as Error).message}`));
    this.timer = setInterval(run, EVERY_MS);
    this.timer.unref();
    setTimeout(run, 5_000).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Purges the records older than the retention; returns how many, or undefined when another process holds the job. */
  async purge(): Promise<number | undefined> {
    if (!(await this.leases.lease(JOB, this.holder, EVERY_MS / 2))) return undefined;
    const days = this.options.idempotencyRetentionDays ?? 7;
    const purged = await this.records.purge(new Date(this.clock.now().getTime() - days * DAY_MS));
    if (purged > 0) this.logger.log(`purged ${purged} command records older than ${days} days`);
    return purged;
  }
}
