import { type SqlQuery } from '@piao/event-store';
import { type Clock } from '@piao/application';
import { type NoteSignerKey } from '@piao/lifecycle';
import { loadTree } from '../hashing/audit-tree-store';
import { latestCheckpointSize, writeCheckpoint, type SignedCheckpoint } from './checkpoint-writer';

/**
 * Signs a checkpoint of the audit tree every `everyMs` when it has grown since the last one. Runs in the process that
 * runs the processors; two such processes may both sign the same size, and the second write is a no-op.
 */
export class CheckpointSigner {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly sql: SqlQuery,
    private readonly clock: Clock,
    private readonly options: { origin: string; signer: NoteSignerKey; everyMs: number; onError: (error: unknown) => void },
  ) {}

  start(): void {
    if (this.timer || this.options.everyMs <= 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.signIfGrown()
        .catch(this.options.onError)
        .finally(() => (this.running = undefined));
    }, this.options.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Signs the tree as it stands when it holds more leaves than the last checkpoint; undefined when it does not. */
  async signIfGrown(): Promise<SignedCheckpoint | undefined> {
    const [{ size }, signed] = await Promise.all([loadTree(this.sql), latestCheckpointSize(this.sql)]);
    if (size <= signed) return undefined;
    return writeCheckpoint(this.sql, { origin: this.options.origin, signerKey: this.options.signer, now: this.clock.now() });
  }
}
