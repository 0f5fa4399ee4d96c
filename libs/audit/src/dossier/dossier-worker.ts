import { createHash } from 'node:crypto';
import { type Clock } from '@piao/application';
import { comparePositions, type EventStore, type ProcessorStore, type SqlClient } from '@piao/event-store';
import { canonicalJson } from '@piao/lifecycle';
import { buildDossierContent, DossierNotYetVerifiable } from './dossier-builder';
import { renderDossierCsv } from './dossier-csv';
import { renderDossierPdf } from './dossier-pdf';
import { claimDossier, failDossier, reportProgress, requeueDossier, storeDossier, type ClaimedDossier } from './dossier-store';

export interface DossierWorkerOptions {
  /** How long a claim lasts: a builder that dies is replaced after it. */
  claimMs: number;
  /** How often the queue is looked at when idle. */
  pollMs: number;
  /** The processors whose output the dossier reads, which must have passed the request first. */
  awaits: string[];
  /** Signs a checkpoint now, when this process can (it holds the key); undefined elsewhere. */
  signNow?: () => Promise<unknown>;
  maxAttempts: number;
  onError(error: unknown): void;
}

/**
 * Builds the queued dossiers, one at a time per process (several processes share the queue through SKIP LOCKED
 * claims): content from the log up to the request, then the PDF/A, the JSON (the canonical JSON of the content,
 * whose SHA-256 is the content hash) and the CSV, stored together. A dossier that cannot be verified yet (the hashing,
 * the read models or the signer lag behind) goes back to the queue with a note; one that fails for good says why.
 */
export class DossierWorker {
  private stopped = true;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    private readonly sql: SqlClient,
    private readonly store: EventStore,
    private readonly processors: ProcessorStore,
    private readonly clock: Clock,
    private readonly options: DossierWorkerOptions,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  /** Looks at the queue now rather than at the next poll. */
  poke(): void {
    this.wake?.();
  }

  /** Builds what is buildable now; returns how many dossiers it finished (ready or failed). */
  async drain(): Promise<number> {
    let finished = 0;
    for (;;) {
      const claimed = await claimDossier(this.sql, this.clock.now(), this.options.claimMs);
      if (!claimed) return finished;
      if (await this.build(claimed)) finished += 1;
      else return finished;
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.drain();
      } catch (error) {
        this.options.onError(error);
      }
      if (this.stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** True when the dossier is finished (ready or failed), false when it went back to wait. */
  private async build(claimed: ClaimedDossier): Promise<boolean> {
    const { dossierId } = claimed;
    try {
      for (const name of this.options.awaits) {
        const checkpoint = await this.processors.checkpoint(name);
        if (comparePositions(checkpoint.position, claimed.upTo) < 0) throw new DossierNotYetVerifiable(`in attesa di ${name}`);
      }
      const requestedAt = await this.requestedAt(dossierId);
      const build = () =>
        buildDossierContent({ store: this.store, sql: this.sql }, { ...claimed, requestedAt }, (done, of) =>
          reportProgress(this.sql, dossierId, Math.floor((done / Math.max(of, 1)) * 80), `${done} obiettivi su ${of}`),
        );
      let content;
      try {
        content = await build();
      } catch (error) {
        // No checkpoint covers it yet: one signed now (where this process holds the key) saves waiting for the next.
        if (!(error instanceof DossierNotYetVerifiable) || !this.options.signNow) throw error;
        await this.options.signNow();
        content = await build();
      }
      await reportProgress(this.sql, dossierId, 85, 'impaginazione del PDF');
      const json = Buffer.from(canonicalJson(content), 'utf8');
      const pdf = await renderDossierPdf(content);
      const csv = Buffer.from(renderDossierCsv(content), 'utf8');
      const contentHash = createHash('sha256').update(json).digest('hex');
      await storeDossier(this.sql, dossierId, { pdf, json, csv, contentHash }, this.clock.now());
      return true;
    } catch (error) {
      if (error instanceof DossierNotYetVerifiable) {
        await requeueDossier(this.sql, dossierId, error.message, false);
        return false;
      }
      this.options.onError(error);
      if (claimed.attempts >= this.options.maxAttempts) {
        await failDossier(this.sql, dossierId, error instanceof Error ? error.message : String(error));
        return true;
      }
      await requeueDossier(this.sql, dossierId, `nuovo tentativo: ${error instanceof Error ? error.message : String(error)}`, true);
      return false;
    }
  }

  private async requestedAt(dossierId: string): Promise<string> {
    const [row] = await this.sql.query<{ requested_at: string }>(`SELECT requested_at FROM audit_dossiers WHERE dossier_id = $1::uuid`, [dossierId]);
    return row.requested_at;
  }
}
