import {
  LOG_START,
  WrongExpectedRevision,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type LogPosition,
  type NewEvent,
  type StoredEvent,
} from '../event-store.port';
import { SCHEMA, SCHEMA_LOCK_ID } from './schema';
import { type SqlClient, type SqlQuery } from './sql-client';

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

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    return this.sql.transaction(async (tx) => {
      const last = await this.advanceStream(tx, streamId, events.length, expected);
      const first = last - events.length + 1;
      const params: unknown[] = [streamId];
      const rows = events.map((event, i) => {
        params.push(event.id, first + i, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata));
        const p = 1 + i * 5;
        return `($${p + 1}::uuid, $1, $${p + 2}, $${p + 3}, $${p + 4}::jsonb, $${p + 5}::jsonb)`;
      });
      const inserted = await tx.query<{ commit_position: string; prepare_position: string }>(
        `INSERT INTO es_events (event_id, stream_id, revision, type, data, metadata) VALUES ${rows.join(', ')}
         RETURNING transaction_id::text AS commit_position, global_position::text AS prepare_position`,
        params,
      );
      const lastRow = inserted[inserted.length - 1];
      return { revision: last, position: { commit: BigInt(lastRow.commit_position), prepare: BigInt(lastRow.prepare_position) } };
    });
  }

  /** Moves the stream's revision on by `count` if `expected` holds; returns the new last revision. */
  private async advanceStream(tx: SqlQuery, streamId: string, count: number, expected: ExpectedRevision): Promise<number> {
    let rows: { revision: string }[];
    if (expected === 'no-stream') {
      rows = await tx.query(`INSERT INTO es_streams (stream_id, revision) VALUES ($1, $2) ON CONFLICT (stream_id) DO NOTHING RETURNING revision::text`, [
        streamId,
        count - 1,
      ]);
    } else if (expected === 'any') {
      rows = await tx.query(
        `INSERT INTO es_streams (stream_id, revision) VALUES ($1, $2)
         ON CONFLICT (stream_id) DO UPDATE SET revision = es_streams.revision + $3 RETURNING revision::text`,
        [streamId, count - 1, count],
      );
    } else {
      // Row lock + re-check under READ COMMITTED: of concurrent writers at the same revision exactly one wins.
      rows = await tx.query(`UPDATE es_streams SET revision = revision + $3 WHERE stream_id = $1 AND revision = $2 RETURNING revision::text`, [
        streamId,
        expected,
        count,
      ]);
    }
    if (rows.length === 0) throw new WrongExpectedRevision(streamId, expected, await this.currentRevision(tx, streamId));
    return Number(rows[0].revision);
  }

  private async currentRevision(tx: SqlQuery, streamId: string): Promise<number | 'no-stream'> {
    const rows = await tx.query<{ revision: string }>(`SELECT revision::text FROM es_streams WHERE stream_id = $1`, [streamId]);
    return rows.length === 0 ? 'no-stream' : Number(rows[0].revision);
  }

  async readStream(streamId: string): Promise<StoredEvent[]> {
    const rows = await this.sql.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM es_events WHERE stream_id = $1 ORDER BY revision`, [streamId]);
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
    );
    return rows.map(toStoredEvent);
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
