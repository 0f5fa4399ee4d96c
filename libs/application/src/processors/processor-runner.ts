import {
  comparePositions,
  formatPosition,
  ProcessorStepRefused,
  StoreUnavailable,
  type DeadLetter,
  type EventStore,
  type LogPosition,
  type ParkedEvent,
  type ProcessorStore,
  type StoredEvent,
} from '@piao/event-store';
import { type Clock } from '../clock/clock.port';
import { type Processor } from './processor';

export interface ProcessorRunnerOptions {
  /** Who runs it: one id per process, recorded on the lease. */
  holder: string;
  /** How long a lease lasts unless renewed; a dead holder's processor is taken over at most this long (plus a poll) after. */
  leaseMs: number;
  /** Pause between polls when the log has nothing new. */
  idleMs?: number;
  /**
   * Pause after a batch that did not fill up (the log is being written as fast as it is followed): events gather
   * meanwhile, so the next batch carries many and the processor's transaction, checkpoint and queries are paid once
   * for all of them rather than once per command. A reader waiting for a position wakes it at once (`poke`).
   */
  gatherMs?: number;
  /** Attempts before an event whose handling keeps failing is parked. */
  maxAttempts?: number;
  onError?: (error: unknown, processor: string) => void;
}

export type RunnerState = 'stopped' | 'standby' | 'active';

/** How often an active instance looks for parked events whose replay an administrator requested. */
const REPLAY_POLL_MS = 2_000;
/** Events per batch when the processor names none. */
const DEFAULT_BATCH_SIZE = 500;
/**
 * The largest batch while catching up when the processor names none: measured (bench/README.md, followers), batches
 * of 500 read at 0.79–0.90 of the raw paged read, batches of 10,000 at 0.95–0.99.
 */
const DEFAULT_CATCH_UP_BATCH_SIZE = 8_000;

/**
 * Runs one processor: holds its lease (or waits as a standby while another process holds it), reads the log after
 * its checkpoint in batches, and moves the checkpoint by compare-and-set with the batch. A batch that keeps failing
 * is retried event by event, and the event that fails every attempt is parked in the dead letters with the error,
 * together with the later events of its stream (held back, so that its state is not built on a gap); every other
 * stream, every other ente, goes on. Infrastructure failures (the database unreachable) are waited out, never
 * parked.
 */
export class ProcessorRunner {
  state: RunnerState = 'stopped';
  lastError?: { message: string; at: Date };
  /** Events this instance moved its checkpoint past, and the wall time its steps took reading and committing them. */
  readonly activity = { events: 0, busyMs: 0 };
  private stopped = true;
  private loop?: Promise<void>;
  private wake?: () => void;
  private position?: LogPosition;
  private blocked?: Set<string>;
  private leaseRenewedAt = -Infinity;
  private replayCheckedAt = -Infinity;
  /** The batch after a full one, read while that one commits (catching up, reading and committing overlap). */
  private ahead?: { from: LogPosition; size: number; batch: Promise<StoredEvent[] | undefined> };
  /** The size of the next batch: `batchSize` live, growing after each full batch while catching up. */
  private size?: number;
  /**
   * After a failed batch, the batches stay at `batchSize` until past its end: its poison event is isolated one
   * event at a time within a small batch, not a large one.
   */
  private smallUntil?: LogPosition;

  constructor(
    readonly processor: Processor,
    private readonly events: EventStore,
    private readonly store: ProcessorStore,
    private readonly clock: Clock,
    private readonly options: ProcessorRunnerOptions,
  ) {}

  get name(): string {
    return this.processor.name;
  }

  start(): this {
    if (!this.loop) {
      this.stopped = false;
      this.loop = this.run();
    }
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    await this.ahead?.batch;
    this.ahead = undefined;
    if (this.state === 'active') await this.store.release(this.name, this.options.holder).catch(() => undefined);
    this.state = 'stopped';
  }

  /** Polls now rather than after the idle pause. */
  poke(): void {
    this.wake?.();
  }

  /**
   * Handles everything committed so far, then returns the position reached: for tests, one-shot runs and rebuilds.
   * Fails if another process holds the lease.
   */
  async catchUp(): Promise<LogPosition> {
    for (;;) {
      // Renewed before every step: a catch-up may last far longer than one lease.
      if (!(await this.holdLease())) throw new Error(`processor ${this.name} is run by another process`);
      const outcome = await this.step();
      // Refused: the checkpoint or the lease moved under this instance; read them again and go on.
      if (outcome === 'caught-up' && this.position) return this.position;
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        if (!(await this.holdLease())) {
          await this.sleep(Math.max(this.options.leaseMs / 5, 50));
          continue;
        }
        const outcome = await this.step();
        failures = 0;
        if (outcome === 'progressed-partly') {
          if (this.options.gatherMs) await this.sleep(this.options.gatherMs);
        } else if (outcome !== 'progressed') await this.sleep(this.options.idleMs ?? 200);
      } catch (error) {
        failures += 1;
        this.failed(error);
        await this.sleep(Math.min(100 * 2 ** failures, 5_000));
      }
    }
  }

  /** Takes the lease, or renews it once a third of it has run; losing it makes this instance a standby again. */
  private async holdLease(): Promise<boolean> {
    const due = this.state !== 'active' || performance.now() - this.leaseRenewedAt > this.options.leaseMs / 3;
    if (!due) return true;
    const held = await this.store.lease(this.name, this.options.holder, this.options.leaseMs);
    if (held) {
      if (this.state !== 'active') this.forget(); // another holder may have moved on meanwhile
      this.leaseRenewedAt = performance.now();
      this.state = 'active';
    } else {
      this.state = 'standby';
    }
    return held;
  }

  /**
   * One batch (a full one: more may be waiting; or a partial one: the log is handled to its end), or nothing new in
   * the log, or a step refused because the checkpoint or the lease moved.
   */
  private async step(): Promise<'progressed' | 'progressed-partly' | 'caught-up' | 'refused'> {
    await this.replayRequested();
    const from = (this.position ??= (await this.store.checkpoint(this.name)).position);
    this.blocked ??= await this.store.blockedStreams(this.name);
    const size = (this.size ??= this.baseSize());
    const started = performance.now();
    const batch = await this.read(from, size);
    if (batch.length === 0) return 'caught-up';
    try {
      return await this.handleBatch(from, batch, size);
    } finally {
      this.activity.busyMs += performance.now() - started;
    }
  }

  /** Commits a batch read after `from` (or isolates its poison event), reading the next one meanwhile if it was full. */
  private async handleBatch(from: LogPosition, batch: StoredEvent[], size: number): Promise<'progressed' | 'progressed-partly' | 'refused'> {
    const last = batch[batch.length - 1].position;
    this.size = this.nextSize(size, batch.length === size, last);
    // A full batch: more is likely waiting, so the next one is read while this one commits.
    if (batch.length === size) this.readAhead(last, this.size);
    try {
      await this.commit(from, batch);
    } catch (error) {
      if (error instanceof ProcessorStepRefused) return this.forget();
      if (isInfrastructure(error)) throw error;
      this.failed(error);
      if (size > this.baseSize()) {
        // A large batch failed: read it again in batches of the live size, the first of which isolates the poison.
        this.size = this.baseSize();
        this.smallUntil = last;
        return 'progressed';
      }
      await this.isolate(from, batch);
    }
    if (!this.position) return 'refused';
    return batch.length < size ? 'progressed-partly' : 'progressed';
  }

  private baseSize(): number {
    return this.processor.batchSize ?? DEFAULT_BATCH_SIZE;
  }

  /** Twice as large after a full batch (up to the catch-up size), back to the live size after a partial one. */
  private nextSize(size: number, full: boolean, last: LogPosition): number {
    if (this.smallUntil && comparePositions(last, this.smallUntil) >= 0) this.smallUntil = undefined;
    if (!full || this.smallUntil) return this.baseSize();
    const largest = this.processor.catchUpBatchSize ?? Math.max(this.baseSize(), DEFAULT_CATCH_UP_BATCH_SIZE);
    return Math.max(this.baseSize(), Math.min(size * 2, largest));
  }

  /**
   * The events after `from`: the batch read ahead when it starts there, else a new read. A batch read ahead is as
   * good as one read now: the log horizon guarantees nothing commits before a position a reader has passed, so the
   * first `size` events after `from` never change once read.
   */
  private async read(from: LogPosition, size: number): Promise<StoredEvent[]> {
    const ahead = this.ahead;
    this.ahead = undefined;
    // Awaited even when it is of no use (a step refused, a batch isolated): no read outlives the runner's stop.
    const early = await ahead?.batch;
    // An empty one is read again: it was read before the last commit, and what committed meanwhile (the processor's
    // own appends among it) belongs to "everything so far" for catchUp.
    if (early?.length && ahead!.size === size && comparePositions(ahead!.from, from) === 0) return early;
    return this.events.readAll(from, size);
  }

  private readAhead(from: LogPosition, size: number): void {
    // A failed read ahead is only a lost head start: the next step reads again, and meets the failure if it stays.
    this.ahead = { from, size, batch: this.events.readAll(from, size).catch(() => undefined) };
  }

  /** Handles `batch` after `from` and moves the checkpoint past it; events of blocked streams are held back. */
  private async commit(from: LogPosition, batch: StoredEvent[], parked: ParkedEvent[] = []): Promise<void> {
    const blocked = this.blocked!;
    const heldBack = batch.filter((e) => blocked.has(e.streamId) && !parked.some((p) => p.event.id === e.id));
    const live = batch.filter((e) => !blocked.has(e.streamId) && !parked.some((p) => p.event.id === e.id));
    const all = [
      ...parked,
      ...heldBack.map((event) => ({ event, error: `held back: an earlier event of ${event.streamId} is parked`, attempts: 0, heldBack: true })),
    ];
    const step = {
      name: this.name,
      holder: this.options.holder,
      from,
      to: batch[batch.length - 1].position,
      count: batch.length,
      parked: all,
      timeoutMs: this.options.leaseMs,
    };
    if (this.processor.mode === 'transactional') {
      await this.store.advance(step, live.length > 0 ? (tx) => this.processor.handle(live, tx) : undefined);
    } else {
      if (live.length > 0) await this.processor.handle(live);
      await this.store.advance(step);
    }
    this.position = step.to;
    this.activity.events += batch.length;
    for (const p of all) blocked.add(p.event.streamId);
  }

  /**
   * The batch failed: each of its events is tried on its own, up to maxAttempts times; one that still fails is
   * parked, and the next step reads on from after it in full batches again.
   */
  private async isolate(from: LogPosition, batch: StoredEvent[]): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 3;
    let at = from;
    for (const event of batch) {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.commit(at, [event]);
          break;
        } catch (error) {
          if (error instanceof ProcessorStepRefused) return void this.forget();
          if (isInfrastructure(error)) throw error;
          if (attempt < maxAttempts) {
            await this.sleep(50 * attempt);
            continue;
          }
          const message = error instanceof Error ? error.message : String(error);
          this.failed(new Error(`parked ${event.type} ${event.id} of ${event.streamId} at ${formatPosition(event.position)}: ${message}`));
          await this.commit(at, [event], [{ event, error: message, attempts: attempt, heldBack: false }]);
          return;
        }
      }
      at = event.position;
    }
  }

  /** Replays, stream by stream and in log order, the parked events an administrator asked to replay (after a fix). */
  private async replayRequested(): Promise<void> {
    if (performance.now() - this.replayCheckedAt < REPLAY_POLL_MS) return;
    this.replayCheckedAt = performance.now();
    const letters = await this.store.replayRequests(this.name);
    const byStream = new Map<string, DeadLetter[]>();
    for (const letter of letters) byStream.set(letter.event.streamId, [...(byStream.get(letter.event.streamId) ?? []), letter]);
    for (const [streamId, parked] of byStream) {
      const events = parked.map((l) => l.event).sort((a, b) => comparePositions(a.position, b.position));
      const ids = parked.map((l) => l.id);
      try {
        if (this.processor.mode === 'transactional') {
          await this.store.resolve(this.name, this.options.holder, ids, (tx) => this.processor.handle(events, tx), this.options.leaseMs);
        } else {
          await this.processor.handle(events);
          await this.store.resolve(this.name, this.options.holder, ids, async () => undefined, this.options.leaseMs);
        }
        this.blocked?.delete(streamId);
      } catch (error) {
        if (error instanceof ProcessorStepRefused) return void this.forget();
        if (isInfrastructure(error)) throw error;
        await this.store.replayFailed(this.name, ids, error instanceof Error ? error.message : String(error));
      }
    }
  }

  /** What this instance believed of its checkpoint and blocked streams is stale: read them again. */
  private forget(): 'refused' {
    this.position = undefined;
    this.size = undefined;
    this.blocked = undefined;
    this.leaseRenewedAt = -Infinity; // the lease too: take it (or learn it is gone) before the next step
    return 'refused';
  }

  private failed(error: unknown): void {
    this.lastError = { message: error instanceof Error ? error.message : String(error), at: this.clock.now() };
    this.options.onError?.(error, this.name);
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

/** The database is unreachable or busy: waited out, never blamed on the event. */
function isInfrastructure(error: unknown): boolean {
  if (error instanceof StoreUnavailable) return true;
  const code = (error as { code?: string })?.code;
  return code === '40001' || code === '40P01' || code === '55P03' || code === '57014';
}
