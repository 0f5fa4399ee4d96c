import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { type Job } from 'bullmq';
import { DOSSIER_BUILDS_QUEUE, DossierBuilder } from '@piao/audit';
import { type DossierJobData } from './dossier-dispatcher';

/**
 * The BullMQ worker of the dossiers: each job names a dossier, which the builder claims in the table and builds
 * (content from the log, PDF/A, JSON, CSV), reporting its progress to the job as well as to the table. One at a time
 * per process: a dossier is CPU-bound, and several worker processes share the queue. A job whose dossier is built,
 * taken or waiting ends at once ('not-claimable'); a dossier that has to wait goes back to the table with a time, and
 * the dispatcher offers a new job then.
 */
@Processor(DOSSIER_BUILDS_QUEUE, { autorun: false, concurrency: 1 })
export class DossierBuildProcessor extends WorkerHost implements BeforeApplicationShutdown {
  private readonly logger = new Logger('DossierWorker');
  private running?: Promise<void>;

  constructor(private readonly builder: DossierBuilder) {
    super();
  }

  start(): void {
    if (this.running) return;
    this.running = this.worker.run().catch((error: unknown) => this.logger.error(`worker: ${error instanceof Error ? error.message : String(error)}`));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }

  async process(job: Job<DossierJobData>): Promise<string> {
    const worker = this.builder.worker;
    if (!worker) throw new Error('this process builds no dossiers');
    return worker.buildById(job.data.dossierId, (percent) => job.updateProgress(percent));
  }
}
