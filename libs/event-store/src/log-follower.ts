import { comparePositions, formatPosition, LOG_START, type EventStore, type LogPosition, type StoredEvent } from './event-store.port';

export interface LogFollowerOptions {
  /** Names the checkpoint: one per follower, kept across restarts. */
  name: string;
  /** Called with each batch in log order; the checkpoint moves past the batch only once it resolves. */
  handle: (events: StoredEvent[]) => Promise<void>;
  /**
   * Where the checkpoint lives when the handler keeps it itself, in the same transaction as its own writes:
   * then `handle` must store `position` as it applies the batch, and the event store's checkpoint is not used.
   */
  ownCheckpoint?: { load: () => Promise<LogPosition> };
  /** Called after each batch, with the position reached and the batch: progress bars, metrics. */
  onBatch?: (position: LogPosition, events: StoredEvent[]) => void;
  batchSize?: number;
  /** Pause between polls when the log has nothing new. */
  idleMs?: number;
  onError?: (error: unknown, at: LogPosition) => void;
  /** Where to begin when no checkpoint is stored yet; the start of the log by default. */
  startAt?: LogPosition;
}

/**
 * Follows the global log from a stored checkpoint: a crash or restart resumes at the first batch not yet
 * handled. Delivery is at-least-once for the batch in flight when the process dies, so handlers are idempotent.
 */
export class LogFollower {
  private stopped = false;
  private wake?: () => void;
  private loop?: Promise<void>;
  private position?: LogPosition;

  constructor(
    private readonly store: EventStore,
    private readonly options: LogFollowerOptions,
  ) {}

  start(): this {
    this.loop ??= this.run();
    return this;
  }

  /** The last position handled, once the follower has started. */
  get checkpoint(): LogPosition | undefined {
    return this.position;
  }

  /** Polls at once instead of waiting for the idle pause: call it after a local append. */
  poke(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  /** Handles everything committed so far, then returns; for tests, rebuilds and one-shot runs. */
  async catchUp(): Promise<LogPosition> {
    let position = this.position ?? (await this.startingPosition());
    for (;;) {
      const batch = await this.store.readAll(position, this.options.batchSize ?? 500);
      if (batch.length === 0) return (this.position = position);
      await this.options.handle(batch);
      position = batch[batch.length - 1].position;
      if (!this.options.ownCheckpoint) await this.store.storeCheckpoint(this.options.name, position);
      this.position = position;
      this.options.onBatch?.(position, batch);
    }
  }

  private async startingPosition(): Promise<LogPosition> {
    const stored = await (this.options.ownCheckpoint?.load() ?? this.store.loadCheckpoint(this.options.name));
    return comparePositions(stored, LOG_START) === 0 && this.options.startAt ? this.options.startAt : stored;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        await this.catchUp();
        failures = 0;
        await this.sleep(this.options.idleMs ?? 200);
      } catch (error) {
        failures += 1;
        const at = this.position ?? LOG_START;
        if (this.options.onError) this.options.onError(error, at);
        else console.error(`log follower ${this.options.name} failed at ${formatPosition(at)}`, error);
        await this.sleep(Math.min(100 * 2 ** failures, 10_000));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
