import { type RecordedCommand } from '@piao/event-store';

/** The stream a command or a read names does not exist for the asking ente (another ente's is reported the same). */
export class StreamNotFound extends Error {
  constructor(readonly what: string) {
    super(`${what} does not exist`);
    this.name = 'StreamNotFound';
  }
}

/**
 * The command was already executed under this Idempotency-Key: its recorded answer is to be given again, and
 * nothing was appended this time. Not a failure: the HTTP layer replays the answer.
 */
export class CommandReplayed extends Error {
  constructor(readonly recorded: RecordedCommand) {
    super('this command was already executed: its answer is replayed');
    this.name = 'CommandReplayed';
  }
}

/** The Idempotency-Key was used for another request by the same person. */
export class IdempotencyKeyReused extends Error {
  constructor() {
    super('This Idempotency-Key was used for a different request; use a new key for a new request');
    this.name = 'IdempotencyKeyReused';
  }
}

/**
 * The command's events are already in the log, but its record is gone (purged after the retention period): the same
 * request with the same key is too late to be replayed and must not run twice.
 */
export class IdempotencyKeyExpired extends Error {
  constructor() {
    super('This Idempotency-Key was used for this request before the retention period: use a new key to send it again');
    this.name = 'IdempotencyKeyExpired';
  }
}

/**
 * A command whose client pinned no revision could not land within the retries' bound because other writers kept
 * getting in first: a transient state of the server (503, retry shortly), not a conflict for the client to resolve.
 */
export class CommandContended extends Error {
  constructor(readonly streamId: string) {
    super(`${streamId} is changing too fast for the command to land: retry shortly`);
    this.name = 'CommandContended';
  }
}
