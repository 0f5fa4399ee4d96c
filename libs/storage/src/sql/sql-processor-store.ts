import {
  LOG_START,
  ProcessorStepRefused,
  type DeadLetter,
  type ParkedEvent,
  type ProcessorCheckpoint,
  type ProcessorStep,
  type ProcessorStore,
  type SqlClient,
  type SqlQuery,
  type StoredEvent,
} from '@piao/event-store';

interface CheckpointRow {
  name: string;
  c: string;
  p: string;
  events: string;
  updated_at: Date | string;
  idle: number;
}

interface LetterRow {
  id: string;
  processor: string;
  c: string;
  p: string;
  event: Omit<StoredEvent, 'position'>;
  error: string;
  attempts: number;
  held_back: boolean;
  parked_at: Date | string;
  replay_requested_at: Date | string | null;
  resolved_at: Date | string | null;
}

const LETTER_COLUMNS = `id::text AS id, processor, commit_position::text AS c, prepare_position::text AS p, event, error, attempts, held_back,
  parked_at, replay_requested_at, resolved_at`;

/**
 * Leases, checkpoints and dead letters in PostgreSQL or PGlite. Lease times are the database's own clock
 * (`now()`), the one clock every process of an installation shares.
 */
export class SqlProcessorStore implements ProcessorStore {
  constructor(private readonly sql: SqlClient) {}

  async lease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const rows = await this.sql.query(
      `INSERT INTO processor_leases AS l (name, holder, expires_at, acquired_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond', now())
       ON CONFLICT (name) DO UPDATE
          SET holder = excluded.holder, expires_at = excluded.expires_at,
              acquired_at = CASE WHEN l.holder = excluded.holder THEN l.acquired_at ELSE now() END
        WHERE l.holder = excluded.holder OR l.expires_at < now()
       RETURNING 1`,
      [name, holder, ttlMs],
    );
    return rows.length > 0;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.sql.query(`DELETE FROM processor_leases WHERE name = $1 AND holder = $2`, [name, holder]);
  }

  async checkpoint(name: string): Promise<ProcessorCheckpoint> {
    const select = () =>
      this.sql.query<CheckpointRow>(
        `SELECT name, commit_position::text AS c, prepare_position::text AS p, events::text AS events, updated_at, extract(epoch FROM now() - updated_at)::float8 AS idle FROM processor_checkpoints WHERE name = $1`,
        [name],
        'processor_checkpoint',
      );
    let [row] = await select();
    if (!row) {
      await this.sql.query(`INSERT INTO processor_checkpoints (name, commit_position, prepare_position) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`, [
        name,
        LOG_START.commit.toString(),
        LOG_START.prepare.toString(),
      ]);
      [row] = await select();
    }
    return toCheckpoint(row);
  }

  async checkpoints(): Promise<Map<string, ProcessorCheckpoint>> {
    const rows = await this.sql.query<CheckpointRow>(
      `SELECT name, commit_position::text AS c, prepare_position::text AS p, events::text AS events, updated_at, extract(epoch FROM now() - updated_at)::float8 AS idle FROM processor_checkpoints`,
    );
    return new Map(rows.map((r) => [r.name, toCheckpoint(r)]));
  }

  async advance(step: ProcessorStep, work?: (tx: SqlQuery) => Promise<void>): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await boundTransaction(tx, step.timeoutMs);
      // First, so that the row is locked for the rest of the transaction: a second holder's step waits, then fails.
      const moved = await tx.query(
        `UPDATE processor_checkpoints SET commit_position = $4, prepare_position = $5, events = events + $6, updated_at = now()
          WHERE name = $1 AND commit_position = $2 AND prepare_position = $3
            AND EXISTS (SELECT 1 FROM processor_leases WHERE name = $1 AND holder = $7 AND expires_at > now())
         RETURNING 1`,
        [step.name, step.from.commit.toString(), step.from.prepare.toString(), step.to.commit.toString(), step.to.prepare.toString(), step.count, step.holder],
      );
      if (moved.length === 0) throw new ProcessorStepRefused(step.name);
      if (step.parked?.length) await park(tx, step.name, step.parked);
      if (work) await work(tx);
    });
  }

  async blockedStreams(name: string): Promise<Set<string>> {
    const rows = await this.sql.query<{ stream_id: string }>(
      `SELECT DISTINCT stream_id FROM processor_dead_letters WHERE processor = $1 AND resolved_at IS NULL`,
      [name],
    );
    return new Set(rows.map((r) => r.stream_id));
  }

  async parkedCounts(ente?: string): Promise<Map<string, number>> {
    const rows = await this.sql.query<{ processor: string; n: number }>(
      `SELECT processor, count(*)::integer AS n FROM processor_dead_letters WHERE resolved_at IS NULL AND ($1::text IS NULL OR ente = $1) GROUP BY processor`,
      [ente ?? null],
    );
    return new Map(rows.map((r) => [r.processor, r.n]));
  }

  async deadLetters(filter: {
    processor?: string;
    ente?: string;
    streamId?: string;
    unresolved?: boolean;
    limit?: number;
    afterId?: string;
  }): Promise<DeadLetter[]> {
    const rows = await this.sql.query<LetterRow>(
      `SELECT ${LETTER_COLUMNS} FROM processor_dead_letters
        WHERE ($1::text IS NULL OR processor = $1) AND ($2::text IS NULL OR ente = $2) AND (NOT $3::boolean OR resolved_at IS NULL)
          AND ($5::text IS NULL OR stream_id = $5) AND ($6::bigint IS NULL OR id > $6::bigint)
        ORDER BY id LIMIT $4`,
      [filter.processor ?? null, filter.ente ?? null, filter.unresolved ?? false, filter.limit ?? 1000, filter.streamId ?? null, filter.afterId ?? null],
    );
    return rows.map(toLetter);
  }

  async requestReplay(name: string, streamId?: string): Promise<number> {
    const rows = await this.sql.query(
      `UPDATE processor_dead_letters SET replay_requested_at = now()
        WHERE processor = $1 AND resolved_at IS NULL AND ($2::text IS NULL OR stream_id = $2) RETURNING 1`,
      [name, streamId ?? null],
    );
    return rows.length;
  }

  async replayRequests(name: string): Promise<DeadLetter[]> {
    // A stream is replayed whole: a request for one of its letters brings the letters held back behind it.
    const rows = await this.sql.query<LetterRow>(
      `SELECT ${LETTER_COLUMNS} FROM processor_dead_letters d
        WHERE processor = $1 AND resolved_at IS NULL
          AND stream_id IN (SELECT stream_id FROM processor_dead_letters WHERE processor = $1 AND resolved_at IS NULL AND replay_requested_at IS NOT NULL)
        ORDER BY commit_position, prepare_position`,
      [name],
    );
    return rows.map(toLetter);
  }

  async resolve(name: string, holder: string, ids: string[], work: (tx: SqlQuery) => Promise<void>, timeoutMs?: number): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await boundTransaction(tx, timeoutMs);
      const held = await tx.query(`SELECT 1 FROM processor_leases WHERE name = $1 AND holder = $2 AND expires_at > now() FOR SHARE`, [name, holder]);
      if (held.length === 0) throw new ProcessorStepRefused(name);
      await work(tx);
      await tx.query(`UPDATE processor_dead_letters SET resolved_at = now(), replay_requested_at = NULL WHERE processor = $1 AND id = ANY($2::bigint[])`, [
        name,
        ids,
      ]);
    });
  }

  async replayFailed(name: string, ids: string[], error: string): Promise<void> {
    await this.sql.query(
      // A held-back letter keeps its own account: it was held back, its handling never failed.
      `UPDATE processor_dead_letters
          SET replay_requested_at = NULL, error = CASE WHEN held_back THEN error ELSE $3 END, attempts = attempts + CASE WHEN held_back THEN 0 ELSE 1 END
        WHERE processor = $1 AND id = ANY($2::bigint[])`,
      [name, ids, error],
    );
  }

  async reset(name: string): Promise<void> {
    await this.sql.query(
      `INSERT INTO processor_checkpoints (name, commit_position, prepare_position) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET commit_position = $2, prepare_position = $3, events = 0, updated_at = now()`,
      [name, LOG_START.commit.toString(), LOG_START.prepare.toString()],
    );
  }
}

/**
 * Bounds a step's transaction: its lock waits (a step blocked behind a frozen holder fails, to be retried), and the
 * time it may sit idle between statements (a holder frozen mid-step loses its transaction, and with it the row lock
 * that would keep the next holder waiting). On PGlite, one process, neither can happen, and both are harmless.
 */
async function boundTransaction(tx: SqlQuery, timeoutMs: number | undefined): Promise<void> {
  if (!timeoutMs) return;
  const ms = Math.max(Math.round(timeoutMs), 100);
  await tx.query(`SELECT set_config('lock_timeout', $1, true), set_config('idle_in_transaction_session_timeout', $2, true)`, [
    `${Math.round(ms / 2)}ms`,
    `${ms}ms`,
  ]);
}

async function park(tx: SqlQuery, processor: string, parked: ParkedEvent[]): Promise<void> {
  const rows = parked.map(({ event, error, attempts, heldBack }) => {
    const { position, ...rest } = event;
    return {
      processor,
      commit_position: position.commit.toString(),
      prepare_position: position.prepare.toString(),
      event_id: event.id,
      stream_id: event.streamId,
      ente: (event.metadata as { ente?: unknown })?.ente ?? null,
      event: rest,
      error: error.slice(0, 4000),
      attempts,
      held_back: heldBack,
    };
  });
  await tx.query(
    `INSERT INTO processor_dead_letters (processor, commit_position, prepare_position, event_id, stream_id, ente, event, error, attempts, held_back)
     SELECT r.processor, r.commit_position, r.prepare_position, r.event_id, r.stream_id, r.ente, r.event, r.error, r.attempts, r.held_back
       FROM jsonb_to_recordset($1::jsonb) AS r(processor text, commit_position bigint, prepare_position bigint, event_id uuid, stream_id text,
            ente text, event jsonb, error text, attempts integer, held_back boolean)
     ON CONFLICT (processor, event_id) DO NOTHING`,
    [JSON.stringify(rows)],
  );
}

function toCheckpoint(row: CheckpointRow): ProcessorCheckpoint {
  return {
    position: { commit: BigInt(row.c), prepare: BigInt(row.p) },
    events: Number(row.events),
    updatedAt: new Date(row.updated_at),
    secondsSinceMoved: Math.max(0, row.idle),
  };
}

function toLetter(row: LetterRow): DeadLetter {
  return {
    id: row.id,
    processor: row.processor,
    event: { ...row.event, position: { commit: BigInt(row.c), prepare: BigInt(row.p) } },
    error: row.error,
    attempts: row.attempts,
    heldBack: row.held_back,
    parkedAt: new Date(row.parked_at),
    ...(row.replay_requested_at ? { replayRequestedAt: new Date(row.replay_requested_at) } : {}),
    ...(row.resolved_at ? { resolvedAt: new Date(row.resolved_at) } : {}),
  };
}
