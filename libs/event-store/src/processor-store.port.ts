import { type LogPosition } from './log-position';
import { type StoredEvent } from './event-store.port';
import { type SqlQuery } from './sql-database.port';

/** Where a processor stands in the log. */
export interface ProcessorCheckpoint {
  position: LogPosition;
  /** Events handled (or parked) since the checkpoint was created or reset. */
  events: number;
  updatedAt?: Date;
  /** Seconds since it last moved, by the database's clock (the one all processes share). */
  secondsSinceMoved?: number;
}

/** An event a processor could not handle, set aside so that the others go on. */
export interface DeadLetter {
  id: string;
  processor: string;
  event: StoredEvent;
  error: string;
  attempts: number;
  /** Parked only because an earlier event of its stream is parked: its own handling never failed. */
  heldBack: boolean;
  parkedAt: Date;
  replayRequestedAt?: Date;
  resolvedAt?: Date;
}

export interface ParkedEvent {
  event: StoredEvent;
  error: string;
  attempts: number;
  heldBack: boolean;
}

/** One step of a processor: the checkpoint moves from `from` to `to`, by compare-and-set, while `holder` holds the lease. */
export interface ProcessorStep {
  name: string;
  holder: string;
  from: LogPosition;
  to: LogPosition;
  /** Events this step accounts for (handled and parked). */
  count: number;
  parked?: ParkedEvent[];
  /**
   * How long the step's transaction may wait for a lock or sit idle (a holder frozen mid-step: a VM pause, a long
   * GC, a partition): past it the database ends the transaction, and the lease can go to another instance.
   */
  timeoutMs?: number;
}

/** The step's checkpoint was not where it expected, or its lease was lost: nothing of the step was kept. */
export class ProcessorStepRefused extends Error {
  constructor(readonly processor: string) {
    super(`processor ${processor}: the checkpoint moved or the lease was lost; the step was not applied`);
    this.name = 'ProcessorStepRefused';
  }
}

/**
 * What the processors keep beside the log, in the SQL database: leases (one active instance per processor across
 * processes), checkpoints moved by compare-and-set in the same transaction as the processor's own writes, and the
 * dead letters of events that could not be handled.
 */
export interface ProcessorStore {
  /** Takes the lease for `ttlMs`, or renews it when `holder` holds it already; false while another holder's lease runs. */
  lease(name: string, holder: string, ttlMs: number): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
  /** The processor's checkpoint; created at the start of the log when it has none. */
  checkpoint(name: string): Promise<ProcessorCheckpoint>;
  checkpoints(): Promise<Map<string, ProcessorCheckpoint>>;
  /**
   * In one transaction: moves the checkpoint (ProcessorStepRefused, with nothing written, when it is not at `from`
   * or the lease is not held), records the parked events, and runs `work` with the transaction.
   */
  advance(step: ProcessorStep, work?: (tx: SqlQuery) => Promise<void>): Promise<void>;
  /** The streams with unresolved parked events: their later events are held back too. */
  blockedStreams(name: string): Promise<Set<string>>;
  /** Unresolved parked events per processor, of every ente or of one. */
  parkedCounts(ente?: string): Promise<Map<string, number>>;
  /** In log order; `afterId` pages on from the last letter of a previous page. */
  deadLetters(filter: { processor?: string; ente?: string; streamId?: string; unresolved?: boolean; limit?: number; afterId?: string }): Promise<DeadLetter[]>;
  /** Marks parked events (of one stream, or all) to be replayed by the processor's active instance; returns how many. */
  requestReplay(name: string, streamId?: string): Promise<number>;
  /** The parked events whose replay was requested, in log order. */
  replayRequests(name: string): Promise<DeadLetter[]>;
  /** In one transaction: runs `work`, then marks the dead letters resolved (only while `holder` holds the lease). */
  resolve(name: string, holder: string, ids: string[], work: (tx: SqlQuery) => Promise<void>, timeoutMs?: number): Promise<void>;
  /** A replay failed again: the letters stay parked with the new error, and the request is cleared. */
  replayFailed(name: string, ids: string[], error: string): Promise<void>;
  /** Moves a checkpoint back to the start of the log (a rebuild of what it feeds). */
  reset(name: string): Promise<void>;
}

export const PROCESSOR_STORE = Symbol('ProcessorStore');
