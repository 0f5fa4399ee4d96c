import { randomUUID } from 'node:crypto';
import { type Clock } from '@piao/application';
import { comparePositions, StoreUnavailable, type EventStore, type ProcessorStore, type SqlClient } from '@piao/event-store';
import { buildDossierParts, DossierNotYetVerifiable, DossierUnverifiable } from './dossier-builder';
import { DossierCsvWriter } from './dossier-csv';
import { DossierJsonWriter } from './dossier-json';
import { type FileOutput } from './dossier-output';
import { type DossierParts } from './dossier-parts';
import { writeDossierPdf } from './dossier-pdf';
import {
  claimDossier,
  claimDossierById,
  DossierClaimLost,
  dossierFileOutput,
  failDossier,
  reportProgress,
  requeueDossier,
  storeDossier,
  type ClaimedDossier,
} from './dossier-store';

/** The BullMQ queue whose jobs ask apps/worker to build a dossier (one job per dossier and generation). */
export const DOSSIER_BUILDS_QUEUE = 'dossier-builds';

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
  /** How long after its request a dossier may wait for the hashing and the signer before it fails. */
  maxWaitMs: number;
  onError(error: unknown): void;
}

/**
 * Builds the queued dossiers, one at a time per process (several processes share the queue through SKIP LOCKED
 * claims): from the log up to the request, the JSON (the canonical JSON of the content, whose SHA-256 is the content
 * hash), the CSV and the PDF/A, each written in pieces as it is rendered, the objectives read one at a time: the
 * memory of a build does not grow with the plan. A dossier that cannot be verified yet (the hashing,
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

  /**
   * Builds what is buildable now; returns how many dossiers it finished (ready or failed). A dossier that has to wait
   * is put back with a time before which it is not claimed again, so the ones behind it are tried meanwhile.
   */
  async drain(): Promise<number> {
    let finished = 0;
    for (;;) {
      const claimed = await claimDossier(this.sql, this.clock.now(), this.options.claimMs, randomUUID());
      if (!claimed) return finished;
      if (await this.build(claimed)) finished += 1;
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

  /**
   * Builds one dossier a queue's job names, if it is claimable now: 'finished' (ready or failed), 'waiting' (put back
   * to wait), or 'not-claimable' (built already, taken by another builder, or not to be tried yet: the job was stale).
   */
  async buildById(dossierId: string, onProgress?: (percent: number) => Promise<void>): Promise<'finished' | 'waiting' | 'not-claimable'> {
    const claim = await claimDossierById(this.sql, dossierId, this.clock.now(), this.options.claimMs, randomUUID());
    if (!claim) return 'not-claimable';
    return (await this.build(claim, onProgress)) ? 'finished' : 'waiting';
  }

  /** True when the dossier is finished (ready or failed), false when it went back to wait. */
  private async build(claim: ClaimedDossier, onProgress?: (percent: number) => Promise<void>): Promise<boolean> {
    const { claimMs, maxAttempts } = this.options;
    const later = (ms: number) => new Date(this.clock.now().getTime() + ms);
    // A builder that died on this dossier (a crash, out of memory) lost its claim without failing it: counted here.
    if (claim.attempts > maxAttempts) {
      await failDossier(this.sql, claim, `abbandonato dopo ${maxAttempts} tentativi interrotti`);
      return true;
    }
    try {
      for (const name of this.options.awaits) {
        const checkpoint = await this.processors.checkpoint(name);
        if (comparePositions(checkpoint.position, claim.upTo) < 0) throw new DossierNotYetVerifiable(`in attesa di ${name}`);
      }
      const heartbeat = async (percent: number, note: string) => {
        if (!(await reportProgress(this.sql, claim, percent, note, later(claimMs)))) throw new DossierClaimLost(claim.dossierId);
        await onProgress?.(percent);
      };
      // Reading the log for the head: up to 30 %, a heartbeat per objective.
      const build = () =>
        buildDossierParts({ store: this.store, sql: this.sql }, claim, (done, of) =>
          heartbeat(Math.floor((done / Math.max(of, 1)) * 30), `${done} obiettivi su ${of}`),
        );
      let parts;
      try {
        parts = await build();
      } catch (error) {
        // No checkpoint covers it yet: one signed now (where this process holds the key) saves waiting for the next.
        if (!(error instanceof DossierNotYetVerifiable) || !this.options.signNow) throw error;
        await this.options.signNow();
        parts = await build();
      }
      // Then JSON and CSV in one pass (to 45 %), the PDF's pages counted (to 60 %) and drawn (to 95 %): each pass reads
      // every objective from the log again, so each reports as it goes (a heartbeat every 5 %, keeping the claim).
      let reported = 30;
      const step = (from: number, width: number, note: string) => async (done: number, of: number) => {
        const percent = from + Math.floor((done / Math.max(of, 1)) * width);
        if (percent >= reported + 5 || (done === of && percent > reported)) await heartbeat((reported = percent), `${note}: ${done} obiettivi su ${of}`);
      };
      await heartbeat(30, 'contenuto JSON e tabella CSV');
      const digest = await writeDossierJsonAndCsv(
        parts,
        dossierFileOutput(this.sql, claim, 'json'),
        dossierFileOutput(this.sql, claim, 'csv'),
        step(30, 15, 'JSON e CSV'),
      );
      const counting = step(45, 15, 'PDF, impaginazione');
      const drawing = step(60, 35, 'PDF');
      await writeDossierPdf(parts, digest, dossierFileOutput(this.sql, claim, 'pdf'), (done, of, pass) =>
        pass === 'counting' ? counting(done, of) : drawing(done, of),
      );
      await storeDossier(this.sql, claim, { contentHash: digest.toString('hex'), checkpointSize: parts.head.verification.treeSize }, this.clock.now());
      return true;
    } catch (error) {
      if (error instanceof DossierClaimLost) return false;
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof DossierUnverifiable) {
        await failDossier(this.sql, claim, message);
        return true;
      }
      // Waiting for the hashing or the signer, or for the database: not the dossier's failure. A wait that lasts
      // (signing switched off, a checkpoint that never comes) is given up after maxWaitMs, saying why.
      if (error instanceof DossierNotYetVerifiable || error instanceof StoreUnavailable) {
        if (this.clock.now().getTime() - Date.parse(claim.requestedAt) > this.options.maxWaitMs) {
          await failDossier(this.sql, claim, `non verificabile entro il tempo massimo: ${message}`);
          return true;
        }
        await requeueDossier(this.sql, claim, message, false, later(this.options.pollMs * 5)).catch(() => undefined);
        return false;
      }
      this.options.onError(error);
      if (claim.attempts >= maxAttempts) {
        await failDossier(this.sql, claim, message);
        return true;
      }
      await requeueDossier(this.sql, claim, `nuovo tentativo: ${message}`, true, later(this.options.pollMs));
      return false;
    }
  }
}

/**
 * fascicolo.json and fascicolo.csv in one pass over the objectives (each pass reads their histories from the log);
 * returns the content hash. `onProgress` hears of each objective written.
 */
export async function writeDossierJsonAndCsv(
  parts: DossierParts,
  jsonOutput: FileOutput,
  csvOutput: FileOutput,
  onProgress: (done: number, of: number) => Promise<void> = async () => undefined,
): Promise<Buffer> {
  const json = new DossierJsonWriter(parts.head, jsonOutput);
  const csv = new DossierCsvWriter(parts.head, csvOutput);
  let done = 0;
  for await (const objective of parts.objectives()) {
    await json.objective(objective);
    await csv.objective(objective);
    await onProgress(++done, parts.head.objectives.length);
  }
  await csv.end();
  return json.end();
}
