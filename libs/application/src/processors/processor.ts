import { type SqlQuery, type StoredEvent } from '@piao/event-store';

/**
 * A consumer of the log: the read models, the plan processor, and next the reminders and the audit hashing.
 * The ProcessorRunner gives each one a lease (one active instance across processes), a checkpoint moved by
 * compare-and-set, a dead letter for an event it cannot handle, and its lag.
 */
export interface Processor {
  /** Names its lease, checkpoint and dead letters; kept across restarts. */
  readonly name: string;
  /**
   * - `transactional`: `handle` writes only through `tx`, the transaction that moves the checkpoint, so a batch and
   *   its checkpoint commit together or not at all (the read models).
   * - `idempotent`: `handle` writes elsewhere (it appends to the log through commands) and does nothing the second
   *   time it sees an event; the checkpoint moves after it returns (the plan processor). On PGlite, with its single
   *   connection, such a handler must not run inside a transaction.
   */
  readonly mode: 'transactional' | 'idempotent';
  /** Events per batch when the log is followed live (500 when absent). */
  readonly batchSize?: number;
  /**
   * The largest batch while catching up: after each full batch the next one is twice as large, up to this, so that
   * the lease, the checkpoint and the transaction are paid once for many events when the processor is far behind;
   * the first batch that does not fill up brings it back to `batchSize`. Absent: the runner's default (8,000, or
   * `batchSize` if larger). A processor whose events are each expensive sets it to its batchSize.
   */
  readonly catchUpBatchSize?: number;
  /**
   * False for a processor whose output is the log in its order (the audit tree): an event it parked cannot be
   * replayed later, out of place; the fix is a rebuild. Absent: replayable.
   */
  readonly replayable?: boolean;
  /** Handles events in log order. Throwing fails the batch: it is retried, then its poison event is parked. */
  handle(events: StoredEvent[], tx?: SqlQuery): Promise<void>;
}
