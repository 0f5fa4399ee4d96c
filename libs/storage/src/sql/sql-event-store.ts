import {
  CommandAlreadyRecorded,
  DuplicateEventId,
  WrongExpectedRevision,
  type AppendOptions,
  type AppendResult,
  type CommandRecord,
  type EventStore,
  type ExpectedRevision,
  type LogPosition,
  type NewEvent,
  type SqlClient,
  type StoredEvent,
  type StreamWrite,
} from '@piao/event-store';
import { EVENT_STORE_MIGRATIONS } from '../migrations/event-store.migrations';
import { logHorizon } from './log-horizon';
import { SameTurnBatches, unionOfLookups } from './same-turn-batches';
import { SqlCommandRecords } from './sql-command-records';

interface EventRow {
  commit_position: string;
  prepare_position: string;
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: object;
  metadata: StoredEvent['metadata'];
}

// Aliases must not shadow the columns: ORDER BY would otherwise sort the text aliases ('1000' < '999').
const EVENT_COLUMNS = `transaction_id::text AS commit_position, global_position::text AS prepare_position, event_id::text AS event_id,
  stream_id, revision::integer AS revision, type, data, metadata`;

/** The PostgreSQL and PGlite adapter: the same SQL over either engine. */
export class SqlEventStore implements EventStore {
  /** The command records kept in the same database: the append writes them, a refused append reads them. */
  readonly commands: SqlCommandRecords;

  constructor(readonly sql: SqlClient) {
    this.commands = new SqlCommandRecords(sql);
  }

  static async open(sql: SqlClient): Promise<SqlEventStore> {
    await migrate(sql);
    return new SqlEventStore(sql);
  }

  /**
   * One statement, so one round trip and one implicit transaction: it reads the stream's last revision, inserts the
   * events numbered after it only if that is the expected one, and with them the command's record when there is
   * one. Of two concurrent writers expecting the same revision, the second blocks on the unique (stream_id, revision)
   * index until the first commits, then fails: a conflict, with nothing written. A key already recorded fails the
   * whole statement on the record's primary key: the events are not written either.
   */
  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision, options: AppendOptions = {}): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    if (events.length === 1) return this.appendOne(streamId, events[0], expected, options.command);
    const batch = JSON.stringify(events.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata })));
    const params = [streamId, batch, expectedNumber(expected), ...commandParams(options.command)];
    // 'any' has no expectation to break: a concurrent writer only means numbering again after it.
    for (let attempt = 1; ; attempt++) {
      try {
        const [row] = await this.sql.query<{ last: string; revision: string | null; commit_position: string | null; prepare_position: string | null }>(
          `WITH base AS (SELECT coalesce(max(revision), -1) AS last FROM es_events WHERE stream_id = $1),
                inserted AS (
                  INSERT INTO es_events (event_id, stream_id, revision, type, data, metadata)
                  SELECT (e.event->>'id')::uuid, $1, base.last + e.ordinal, e.event->>'type', e.event->'data', e.event->'metadata'
                    FROM base, jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(event, ordinal)
                   WHERE $3::bigint = ${ANY} OR base.last = $3::bigint
                   ORDER BY e.ordinal
                  RETURNING revision, transaction_id, global_position),
                ${commandCte(0)}
           SELECT (SELECT last::text FROM base) AS last, max(revision)::text AS revision,
                  max(transaction_id)::text AS commit_position, max(global_position)::text AS prepare_position
             FROM inserted`,
          params,
          'es_append',
        );
        if (row.revision === null) throw new WrongExpectedRevision(streamId, expected, row.last === '-1' ? 'no-stream' : Number(row.last));
        return { revision: Number(row.revision), position: { commit: BigInt(row.commit_position!), prepare: BigInt(row.prepare_position!) } };
      } catch (error) {
        await this.retryOrThrow(error, streamId, expected, options.command, attempt);
      }
    }
  }

  /**
   * Most commands record one event: a plain `INSERT … SELECT` of it after the stream's last revision, with no batch to
   * unpack, no ordering and no aggregate, so PostgreSQL plans and runs less per event (see bench/README.md, issue 15).
   * Its guarantees are the multi-event statement's: the same revision check and unique indexes, the command's record
   * in the same statement. A refusal inserts no row; the stream's revision is then read again to name it.
   */
  private async appendOne(streamId: string, event: NewEvent, expected: ExpectedRevision, command: CommandRecord | undefined): Promise<AppendResult> {
    const params = [streamId, event.id, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), expectedNumber(expected)];
    const keyed = command !== undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        const [row] = await this.sql.query<{ revision: string; commit_position: string; prepare_position: string }>(
          keyed ? APPEND_ONE_WITH_RECORD : APPEND_ONE,
          keyed ? [...params, ...commandParams(command)] : params,
          keyed ? 'es_append_one_keyed' : 'es_append_one',
        );
        if (!row) {
          // Refused; the revision is read again to name it. Should the stream have reached the expected revision
          // meanwhile, the append is simply tried again, as if it had arrived a moment later.
          const actual = await this.currentRevision(streamId);
          if (!revisionHolds(expected, actual === 'no-stream' ? -1 : actual) || attempt >= ANY_ATTEMPTS)
            throw new WrongExpectedRevision(streamId, expected, actual);
          continue;
        }
        return { revision: Number(row.revision), position: { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) } };
      } catch (error) {
        await this.retryOrThrow(error, streamId, expected, command, attempt);
      }
    }
  }

  /**
   * Several streams in one statement, so in one transaction: each stream's last revision is read and every expected
   * revision checked before anything is inserted; if one does not hold, nothing is written.
   */
  async appendToStreams(writes: readonly StreamWrite[], options: AppendOptions = {}): Promise<AppendResult[]> {
    if (writes.length === 1) return [await this.append(writes[0].streamId, writes[0].events, writes[0].expected, options)];
    if (writes.length === 0 || writes.some((w) => w.events.length === 0)) throw new Error('appendToStreams needs at least one event per stream');
    if (new Set(writes.map((w) => w.streamId)).size !== writes.length) throw new Error('appendToStreams writes each stream once');
    const batch = JSON.stringify(
      writes.map((w) => ({
        streamId: w.streamId,
        expected: expectedNumber(w.expected),
        events: w.events.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata })),
      })),
    );
    try {
      const rows = await this.sql.query<{
        stream_id: string;
        last: string;
        revision: string | null;
        commit_position: string | null;
        prepare_position: string | null;
      }>(
        `WITH writes AS (
                SELECT w.n, w.value->>'streamId' AS stream_id, (w.value->>'expected')::bigint AS expected, w.value->'events' AS events
                  FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS w(value, n)),
              base AS (
                SELECT writes.*, coalesce((SELECT max(revision) FROM es_events e WHERE e.stream_id = writes.stream_id), -1) AS last FROM writes),
              checked AS (SELECT bool_and(expected = ${ANY} OR last = expected) AS ok FROM base),
              inserted AS (
                INSERT INTO es_events (event_id, stream_id, revision, type, data, metadata)
                SELECT (e.event->>'id')::uuid, base.stream_id, base.last + e.ordinal, e.event->>'type', e.event->'data', e.event->'metadata'
                  FROM checked, base, jsonb_array_elements(base.events) WITH ORDINALITY AS e(event, ordinal)
                 WHERE checked.ok
                 ORDER BY base.n, e.ordinal
                RETURNING stream_id, revision, transaction_id, global_position),
              ${commandCte(-2)}
         SELECT base.stream_id, base.last::text AS last,
                (SELECT max(revision)::text FROM inserted i WHERE i.stream_id = base.stream_id) AS revision,
                (SELECT max(global_position)::text FROM inserted i WHERE i.stream_id = base.stream_id) AS prepare_position,
                (SELECT max(transaction_id)::text FROM inserted) AS commit_position
           FROM base ORDER BY base.n`,
        [batch, ...commandParams(options.command)],
        'es_append_streams',
      );
      const refused = rows.find((r, i) => r.revision === null && !revisionHolds(writes[i].expected, Number(r.last)));
      if (refused || rows.some((r) => r.revision === null)) {
        const at = refused ?? rows[0];
        const write = writes.find((w) => w.streamId === at.stream_id)!;
        throw new WrongExpectedRevision(at.stream_id, write.expected, at.last === '-1' ? 'no-stream' : Number(at.last));
      }
      return rows.map((r) => ({ revision: Number(r.revision), position: { commit: BigInt(r.commit_position!), prepare: BigInt(r.prepare_position!) } }));
    } catch (error) {
      await this.explainConflict(error, options.command);
      if (!isRevisionTaken(error)) throw error;
      const streamId = conflictingStream(error) ?? writes[0].streamId;
      const write = writes.find((w) => w.streamId === streamId) ?? writes[0];
      throw new WrongExpectedRevision(write.streamId, write.expected, await this.currentRevision(write.streamId));
    }
  }

  /**
   * After a failed append to one stream: returns when it is to be tried again (a revision race when expecting 'any',
   * within ANY_ATTEMPTS), otherwise throws what the failure means.
   */
  private async retryOrThrow(error: unknown, streamId: string, expected: ExpectedRevision, command: CommandRecord | undefined, attempt: number): Promise<void> {
    await this.explainConflict(error, command);
    if (!isRevisionTaken(error)) throw error;
    if (expected !== 'any' || attempt >= ANY_ATTEMPTS) throw new WrongExpectedRevision(streamId, expected, await this.currentRevision(streamId));
  }

  /**
   * Turns a unique violation that is not a revision race into what it means: the command was recorded before
   * (CommandAlreadyRecorded, with its record), or one of the events is already stored (DuplicateEventId).
   */
  private async explainConflict(error: unknown, command: CommandRecord | undefined): Promise<void> {
    const { code, constraint } = (error ?? {}) as { code?: string; constraint?: string };
    if (code !== '23505') return;
    if (constraint === 'command_records_key' || constraint === 'es_events_stream_event_id') {
      const recorded = command && (await this.commands.find(command.scope, command.key));
      if (recorded) throw new CommandAlreadyRecorded(recorded);
      if (constraint === 'es_events_stream_event_id') throw new DuplicateEventId(conflictingStream(error));
    }
  }

  private async currentRevision(streamId: string): Promise<number | 'no-stream'> {
    const [row] = await this.sql.query<{ last: string | null }>(`SELECT max(revision)::text AS last FROM es_events WHERE stream_id = $1`, [streamId]);
    return row.last === null ? 'no-stream' : Number(row.last);
  }

  readStream(streamId: string, fromRevision = 0): Promise<StoredEvent[]> {
    return this.streamReads.get({ streamId, fromRevision });
  }

  /** Reads of stream tails asked for in one turn (commands arriving together) share a statement. */
  private readonly streamReads = new SameTurnBatches<{ streamId: string; fromRevision: number }, StoredEvent[]>(
    async ({ streamId, fromRevision }) =>
      (
        await this.sql.query<EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM es_events WHERE stream_id = $1 AND revision >= $2 ORDER BY revision`,
          [streamId, fromRevision],
          'es_read_stream',
        )
      ).map(toStoredEvent),
    async (reads) => {
      const { name, text, params } = unionOfReads(reads.map((r) => [r.streamId, r.fromRevision]));
      const rows = await this.sql.query<EventRow & { read: number }>(text, params, name);
      const tails = reads.map((): StoredEvent[] => []);
      for (const row of rows) tails[row.read - 1]?.push(toStoredEvent(row));
      return tails;
    },
  );

  /** Only below the log horizon (log-horizon.ts), taken by a statement of its own before this one's snapshot. */
  async readAll(after: LogPosition, maxCount: number): Promise<StoredEvent[]> {
    const horizon = await logHorizon(this.sql);
    const rows = await this.sql.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM es_events
        WHERE (transaction_id, global_position) > ($1::bigint, $2::bigint)
          AND transaction_id < $4::bigint
        ORDER BY es_events.transaction_id, es_events.global_position
        LIMIT $3`,
      [after.commit.toString(), after.prepare.toString(), maxCount, horizon],
      'es_read_all',
    );
    return rows.map(toStoredEvent);
  }

  async countAfter(after: LogPosition, cap: number): Promise<number> {
    const horizon = await logHorizon(this.sql);
    const [row] = await this.sql.query<{ n: number }>(
      `SELECT count(*)::integer AS n FROM (
         SELECT 1 FROM es_events
          WHERE (transaction_id, global_position) > ($1::bigint, $2::bigint)
            AND transaction_id < $4::bigint
          LIMIT $3) AS pending`,
      [after.commit.toString(), after.prepare.toString(), cap, horizon],
    );
    return row.n;
  }

  async ping(): Promise<void> {
    await this.sql.query('SELECT 1');
  }

  /** Lookups waiting for the end of the turn are sent, and answered, before the database closes. */
  async close(): Promise<void> {
    await Promise.all([this.streamReads.drain(), this.commands.drain()]);
    return this.sql.close();
  }
}

/** The tails of several streams in one statement: the single-stream read once per stream. */
const unionOfReads = unionOfLookups(
  'es_read_streams',
  (read, $) => `SELECT ${read} AS read, ${EVENT_COLUMNS} FROM es_events WHERE stream_id = ${$(1)} AND revision >= ${$(2)}`,
  // No stream is read from beyond any revision.
  ['', Number.MAX_SAFE_INTEGER],
  'read, revision',
);

/** Applies the event store's migrations not applied yet (../migrations/); returns their names. */
export function migrate(sql: SqlClient): Promise<string[]> {
  return sql.migrate(EVENT_STORE_MIGRATIONS);
}

/** Stands for 'any' in the statements: no revision is -2. */
const ANY = -2;
/**
 * Tries of an append expecting 'any' that keeps meeting a revision just taken: each failure means another append to
 * the stream committed, so every round lets one writer through; enough for as many writers as a pool has connections.
 */
const ANY_ATTEMPTS = 100;

/**
 * Inserts the command's record from the rows the append inserted, so only when it inserted some: $4… are the
 * record's fields, all null when the append carries none. `commandCte(shift)` numbers them from $(4 + shift).
 */
const COMMAND_CTE = `command AS (
                  INSERT INTO command_records (ente, subject, key, request_hash, status, body, commit_position, prepare_position, recorded_at)
                  SELECT $4::text, $5::text, $6::text, $7::text, $8::integer, $9::text, max(transaction_id), max(global_position), $10::timestamptz
                    FROM inserted
                  HAVING count(*) > 0 AND $6::text IS NOT NULL
                  RETURNING 1)`;

function commandCte(shift: number): string {
  return COMMAND_CTE.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + shift}`);
}

/** One event after the stream's last revision, if that is the expected one ($6; ${ANY} for any). */
const INSERT_ONE = `INSERT INTO es_events (event_id, stream_id, revision, type, data, metadata)
  SELECT $2::uuid, $1::text, base.last + 1, $3::text, $4::jsonb, $5::jsonb
    FROM (SELECT coalesce(max(revision), -1) AS last FROM es_events WHERE stream_id = $1::text) AS base
   WHERE $6::bigint = ${ANY} OR base.last = $6::bigint`;
const APPEND_ONE = `${INSERT_ONE}
  RETURNING revision::text AS revision, transaction_id::text AS commit_position, global_position::text AS prepare_position`;
/** The same with the command's record ($7…: COMMAND_CTE shifted by three), inserted only with the event. */
const APPEND_ONE_WITH_RECORD = `WITH inserted AS (${INSERT_ONE} RETURNING revision, transaction_id, global_position),
  ${commandCte(3)}
  SELECT revision::text AS revision, transaction_id::text AS commit_position, global_position::text AS prepare_position FROM inserted`;

function expectedNumber(expected: ExpectedRevision): number {
  return expected === 'any' ? ANY : expected === 'no-stream' ? -1 : expected;
}

function revisionHolds(expected: ExpectedRevision, last: number): boolean {
  return expected === 'any' || expectedNumber(expected) === last;
}

function commandParams(command: CommandRecord | undefined): unknown[] {
  if (!command) return [null, null, null, null, null, null, null];
  const { scope, key, requestHash, answer, recordedAt } = command;
  return [scope.ente, scope.subject, key, requestHash, answer.status, JSON.stringify(answer.body ?? null), recordedAt.toISOString()];
}

/**
 * The stream named in a unique violation of (stream_id, revision) or (stream_id, event_id):
 * "Key (stream_id, revision)=(plan-…, 3) already exists."
 */
function conflictingStream(error: unknown): string | undefined {
  const detail = (error as { detail?: string })?.detail ?? '';
  return /=\((.*), [^,]+\) already exists/.exec(detail)?.[1];
}

/** A unique violation of (stream_id, revision): another writer took the revision first. */
function isRevisionTaken(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: string; constraint?: string };
  return code === '23505' && constraint === 'es_events_stream_revision';
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    id: row.event_id,
    streamId: row.stream_id,
    revision: row.revision,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    position: { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) },
  };
}
