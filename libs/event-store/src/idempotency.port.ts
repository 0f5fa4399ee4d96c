import { type LogPosition } from './log-position';

/**
 * Who sent a command with an Idempotency-Key. The ente and the subject are kept apart (two columns, never one
 * concatenated string), so that ente `x:seg` with subject `1` and ente `x` with subject `seg:1` never share a key.
 */
export interface CommandScope {
  ente: string;
  subject: string;
}

/** The answer a client received for a command: replayed as it was to a retry with the same key. */
export interface CommandAnswer {
  status: number;
  body: unknown;
}

/** A command's record, written in the same transaction as the command's events. */
export interface CommandRecord {
  scope: CommandScope;
  key: string;
  /** Fingerprint of the request (method, path, canonical body): the same key with another request is refused. */
  requestHash: string;
  answer: CommandAnswer;
  /** When it was recorded, by the application's clock: retention counts from it. */
  recordedAt: Date;
}

export interface RecordedCommand {
  requestHash: string;
  answer: CommandAnswer;
  /** Where the command's last event sits in the log; absent when the command appended nothing (a refusal). */
  position?: LogPosition;
  recordedAt: Date;
}

/** The append carried a command record whose key is already recorded: the command happened before. */
export class CommandAlreadyRecorded extends Error {
  constructor(readonly recorded: RecordedCommand) {
    super('a command with this Idempotency-Key is already recorded');
    this.name = 'CommandAlreadyRecorded';
  }
}

/**
 * The records of commands sent with an Idempotency-Key. A command that appends events records itself through
 * `EventStore.append*({ command })`, atomically with its events; this port finds records, keeps the answers of
 * commands that appended nothing, and forgets records past their retention.
 */
export interface CommandRecords {
  find(scope: CommandScope, key: string): Promise<RecordedCommand | undefined>;
  /**
   * Records an answer apart from an append: one that appended nothing, or (EventStoreDB, which has no transaction
   * spanning both) one whose events were appended just before, at `position`. When the key is already recorded,
   * the first record stays and is returned.
   */
  record(command: CommandRecord, position?: LogPosition): Promise<RecordedCommand>;
  /** Forgets the records made before `recordedBefore`; returns how many. */
  purge(recordedBefore: Date): Promise<number>;
}

export const COMMAND_RECORDS = Symbol('CommandRecords');
