import {
  LOG_START,
  WrongExpectedRevision,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type LogPosition,
  type NewEvent,
  type StoredEvent,
} from '@piao/event-store';
import { SCHEMA, SCHEMA_LOCK_ID } from './schema';
import { type SqlClient } from '@piao/event-store';

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
  constructor(readonly sql: SqlClient) {}

  static async open(sql: SqlClient): Promise<SqlEventStore> {
    await migrate(sql);
    return new SqlEventStore(sql);
  }

  /**
   * One statement, so one round trip and one implicit transaction: it reads the stream's last revision, and
   * inserts the events numbered after it only if that is the expected one. Of two concurrent writers expecting
   * the same revision, the second blocks on the unique (stream_id, revision) index until the first commits,
   * then fails: a conflict, with nothing written.
   */
  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const batch = JSON.stringify(events.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata })));
    const condition = expected === 'any' ? 'true' : 'base.last = $3::bigint';
    const params = [streamId, batch, ...(expected === 'any' ? [] : [expected === 'no-stream' ? -1 : expected])];
    // 'any' has no expectation to break: a concurrent writer only means numbering again after it.
    for (let attempt = 1; ; attempt++) {
      try {
        const [row] = await this.sql.query<{ last: string; revision: string | null; commit_position: string | null; prepare_position: string | null }>(
          `WITH base AS (SELECT coalesce(max(revision), -1) AS last FROM es_events WHERE stream_id = $1),
                inserted AS (
                  INSERT INTO es_events (event_id, stream_id, revision, type, data, metadata)
                  SELECT (e.event->>'id')::uuid, $1, base.last + e.ordinal, e.event->>'type', e.event->'data', e.event->'metadata'
                    FROM base, jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(event, ordinal)
                   WHERE ${condition}
                  RETURNING revision, transaction_id, global_position)
           SELECT (SELECT last::text FROM base) AS last, max(revision)::text AS revision,
                  max(transaction_id)::text AS commit_position, max(global_position)::text AS prepare_position
             FROM inserted`,
          params,
          expected === 'any' ? 'es_append_any' : 'es_append_expected',
        );
        if (row.revision === null) throw new WrongExpectedRevision(streamId, expected, row.last === '-1' ? 'no-stream' : Number(row.last));
        return { revision: Number(row.revision), position: { commit: BigInt(row.commit_position!), prepare: BigInt(row.prepare_position!) } };
      } catch (error) {
        if (!isRevisionTaken(error)) throw error;
        if (expected !== 'any' || attempt >= 10) throw new WrongExpectedRevision(streamId, expected, await this.currentRevision(streamId));
      }
    }
  }

  private async currentRevision(streamId: string): Promise<number | 'no-stream'> {
    const [row] = await this.sql.query<{ last: string | null }>(`SELECT max(revision)::text AS last FROM es_events WHERE stream_id = $1`, [streamId]);
    return row.last === null ? 'no-stream' : Number(row.last);
  }

  async readStream(streamId: string, fromRevision = 0): Promise<StoredEvent[]> {
    const rows = await this.sql.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM es_events WHERE stream_id = $1 AND revision >= $2 ORDER BY revision`,
      [streamId, fromRevision],
      'es_read_stream',
    );
    return rows.map(toStoredEvent);
  }

  async readAll(after: LogPosition, maxCount: number): Promise<StoredEvent[]> {
    const rows = await this.sql.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM es_events
        WHERE (transaction_id, global_position) > ($1::bigint, $2::bigint)
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
        ORDER BY es_events.transaction_id, es_events.global_position
        LIMIT $3`,
      [after.commit.toString(), after.prepare.toString(), maxCount],
      'es_read_all',
    );
    return rows.map(toStoredEvent);
  }

  async countAfter(after: LogPosition, cap: number): Promise<number> {
    const [row] = await this.sql.query<{ n: number }>(
      `SELECT count(*)::integer AS n FROM (
         SELECT 1 FROM es_events
          WHERE (transaction_id, global_position) > ($1::bigint, $2::bigint)
            AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
          LIMIT $3) AS pending`,
      [after.commit.toString(), after.prepare.toString(), cap],
    );
    return row.n;
  }

  async loadCheckpoint(name: string): Promise<LogPosition> {
    const rows = await this.sql.query<{ c: string; p: string }>(
      `SELECT commit_position::text AS c, prepare_position::text AS p FROM es_checkpoints WHERE name = $1`,
      [name],
    );
    return rows.length === 0 ? LOG_START : { commit: BigInt(rows[0].c), prepare: BigInt(rows[0].p) };
  }

  async storeCheckpoint(name: string, position: LogPosition): Promise<void> {
    await this.sql.query(
      `INSERT INTO es_checkpoints (name, commit_position, prepare_position) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET commit_position = $2, prepare_position = $3, updated_at = now()`,
      [name, position.commit.toString(), position.prepare.toString()],
    );
  }

  async ping(): Promise<void> {
    await this.sql.query('SELECT 1');
  }

  close(): Promise<void> {
    return this.sql.close();
  }
}

export async function migrate(sql: SqlClient): Promise<void> {
  await sql.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK_ID})`);
    for (const statement of SCHEMA) await tx.query(statement);
  });
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
