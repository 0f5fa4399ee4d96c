import { type CommandRecord, type CommandRecords, type CommandScope, type LogPosition, type RecordedCommand, type SqlQuery } from '@piao/event-store';
import { SameTurnBatches, unionOfLookups } from './same-turn-batches';

interface RecordRow {
  request_hash: string;
  status: number;
  /** The answer's JSON text, as the client received it. */
  body: string;
  commit_position: string | null;
  prepare_position: string | null;
  recorded_at: Date | string;
}

const RECORD_COLUMNS = `request_hash, status, body, commit_position::text AS commit_position, prepare_position::text AS prepare_position, recorded_at`;

/** Several keys looked up in one statement: the one-key lookup once per key. */
const unionOfFinds = unionOfLookups(
  'command_records_find',
  (lookup, $) => `SELECT ${lookup} AS lookup, ${RECORD_COLUMNS} FROM command_records WHERE ente = ${$(1)} AND subject = ${$(2)} AND key = ${$(3)}`,
  // No command is recorded without an ente (the rows of the padding are ignored all the same).
  ['', '', ''],
  'lookup',
);

/**
 * Command records in PostgreSQL or PGlite. A command that appended events was recorded by the append's own
 * statement (SqlEventStore); here are the lookups, the answers that appended nothing, and the purge.
 */
export class SqlCommandRecords implements CommandRecords {
  constructor(private readonly sql: SqlQuery) {}

  find(scope: CommandScope, key: string): Promise<RecordedCommand | undefined> {
    return this.lookups.get({ scope, key });
  }

  /** Sends the lookups waiting for the end of the turn, and waits for their answers: before the database closes. */
  drain(): Promise<void> {
    return this.lookups.drain();
  }

  /** The keys of the commands arriving together are looked up by one statement (same-turn-batches.ts). */
  private readonly lookups = new SameTurnBatches<{ scope: CommandScope; key: string }, RecordedCommand | undefined>(
    async ({ scope, key }) => {
      const rows = await this.sql.query<RecordRow>(
        `SELECT ${RECORD_COLUMNS} FROM command_records WHERE ente = $1 AND subject = $2 AND key = $3`,
        [scope.ente, scope.subject, key],
        'command_records_find',
      );
      return rows[0] && toRecorded(rows[0]);
    },
    async (lookups) => {
      const { name, text, params } = unionOfFinds(lookups.map((l) => [l.scope.ente, l.scope.subject, l.key]));
      const rows = await this.sql.query<RecordRow & { lookup: number }>(text, params, name);
      const found: (RecordedCommand | undefined)[] = lookups.map(() => undefined);
      for (const row of rows) if (row.lookup <= lookups.length) found[row.lookup - 1] = toRecorded(row);
      return found;
    },
  );

  async record(command: CommandRecord, position?: LogPosition): Promise<RecordedCommand> {
    const { scope, key, requestHash, answer, recordedAt } = command;
    const inserted = await this.sql.query<RecordRow>(
      `INSERT INTO command_records (ente, subject, key, request_hash, status, body, recorded_at, commit_position, prepare_position)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (ente, subject, key) DO NOTHING RETURNING ${RECORD_COLUMNS}`,
      [
        scope.ente,
        scope.subject,
        key,
        requestHash,
        answer.status,
        JSON.stringify(answer.body ?? null),
        recordedAt.toISOString(),
        position?.commit.toString() ?? null,
        position?.prepare.toString() ?? null,
      ],
    );
    if (inserted[0]) return toRecorded(inserted[0]);
    // Another request with the same key got there first: its record stands.
    const first = await this.find(scope, key);
    if (!first) throw new Error('command record vanished between insert and read');
    return first;
  }

  async purge(recordedBefore: Date): Promise<number> {
    const rows = await this.sql.query<{ n: number }>(
      `WITH purged AS (DELETE FROM command_records WHERE recorded_at < $1 RETURNING 1) SELECT count(*)::integer AS n FROM purged`,
      [recordedBefore.toISOString()],
    );
    return rows[0].n;
  }
}

function toRecorded(row: RecordRow): RecordedCommand {
  return {
    requestHash: row.request_hash,
    answer: { status: row.status, body: JSON.parse(row.body) as unknown },
    ...(row.commit_position !== null ? { position: { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position!) } } : {}),
    recordedAt: new Date(row.recorded_at),
  };
}
