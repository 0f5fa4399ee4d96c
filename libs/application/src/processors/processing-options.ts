/** Whether this process runs the processors that follow the log (one process of the installation does). */
export interface ProcessingOptions {
  runProcessors: boolean;
  /** How long a processor's lease lasts unless renewed (10 s by default): the bound on a takeover. */
  leaseMs?: number;
  /** Pause after a batch that did not fill up, so that the next one gathers more events (0: none; see ProcessorRunner). */
  gatherMs?: number;
  /** Attempts before an event whose handling keeps failing is parked (3 by default). */
  maxAttempts?: number;
  /** How long the records of commands sent with an Idempotency-Key are kept (7 days by default). */
  idempotencyRetentionDays?: number;
  /** Fault injection (tests only): how the process dies at a command's fail point. Absent, fail points are ignored. */
  crash?: () => void;
}

export const PROCESSING = Symbol('ProcessingOptions');
