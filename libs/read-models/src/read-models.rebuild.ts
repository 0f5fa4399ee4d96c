import { randomBytes } from 'node:crypto';
import { ProcessorRunner, type Clock } from '@piao/application';
import {
  comparePositions,
  LOG_START,
  type EventStore,
  type LogPosition,
  type ProcessorStore,
  type SqlClient,
  type SqlQuery,
  type StoredEvent,
} from '@piao/event-store';
import { projectPlanObjectives } from './plan-objectives.projection';
import { READ_MODEL_INDEXES, READ_MODEL_LOCK_ID, READ_MODEL_TABLES, readModelTables } from './read-model.schema';
import { READ_MODELS, ReadModelsProjection } from './read-models.processor';

/** The processor that fills a rebuild's tables; its own lease keeps two rebuilds from running at once. */
export const READ_MODELS_REBUILD = 'read-models:rebuild';

export interface RebuildOptions {
  sql: SqlClient;
  events: EventStore;
  processors: ProcessorStore;
  clock: Clock;
  holder: string;
  leaseMs?: number;
  /** After each batch: progress bars. */
  onBatch?: (applied: number) => void;
}

/**
 * Rebuilds the read models from the whole log without taking them away: new tables are filled beside the live
 * ones (a processor of their own, batches and checkpoint in one transaction as usual), and once they have caught
 * up with the live projection they take the live tables' names in one transaction. Queries keep answering from
 * the live tables all along; during the switch they wait a moment for its locks, then read the new tables.
 */
export async function rebuildReadModels(options: RebuildOptions): Promise<{ events: number; position: LogPosition }> {
  const { sql, processors, holder } = options;
  const leaseMs = options.leaseMs ?? 30_000;
  // The lease first: a second rebuild started meanwhile stops here, before it touches anything of the first.
  if (!(await processors.lease(READ_MODELS_REBUILD, holder, leaseMs))) throw new Error('another rebuild of the read models is running');
  const suffix = `__rebuild_${randomBytes(6).toString('hex')}`;
  await sql.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${READ_MODEL_LOCK_ID})`);
    for (const statement of readModelTables(suffix)) await tx.query(statement);
  });
  await processors.reset(READ_MODELS_REBUILD);
  // What an earlier, failed rebuild parked belongs to tables that are gone: it must not hold back this one's streams.
  await sql.query(`DELETE FROM processor_dead_letters WHERE processor = $1`, [READ_MODELS_REBUILD]);
  let applied = 0;
  const projection: ReadModelsProjection = Object.assign(new ReadModelsProjection(READ_MODELS_REBUILD), {
    handle: async (events: StoredEvent[], tx?: SqlQuery) => {
      await projectPlanObjectives(tx!, events, suffix);
      applied += events.length;
      options.onBatch?.(applied);
    },
  });
  const runner = new ProcessorRunner(projection, options.events, processors, options.clock, { holder, leaseMs });
  try {
    for (;;) {
      const reached = await runner.catchUp();
      if (await switchTables(sql, suffix, reached)) return { events: applied, position: reached };
      // The live projection got ahead while the switch waited: catch up with it, then try again.
    }
  } catch (error) {
    await dropTables(sql, suffix);
    await sql.query(`DELETE FROM processor_dead_letters WHERE processor = $1`, [READ_MODELS_REBUILD]).catch(() => undefined);
    throw error;
  } finally {
    await runner.stop();
    await processors.release(READ_MODELS_REBUILD, holder);
  }
}

/**
 * In one transaction: the live projection's checkpoint row is locked (a batch in flight finishes first); if the
 * rebuild has reached it, the live tables are dropped, the new ones take their names (and their indexes' and
 * constraints'), and the live checkpoint moves to where the rebuild stands, never back.
 */
async function switchTables(sql: SqlClient, suffix: string, reached: LogPosition): Promise<boolean> {
  return sql.transaction(async (tx) => {
    const [live] = await tx.query<{ c: string; p: string }>(
      `SELECT commit_position::text AS c, prepare_position::text AS p FROM processor_checkpoints WHERE name = $1 FOR UPDATE`,
      [READ_MODELS],
    );
    const livePosition = live ? { commit: BigInt(live.c), prepare: BigInt(live.p) } : LOG_START;
    if (comparePositions(reached, livePosition) < 0) return false;
    for (const table of READ_MODEL_TABLES) {
      await tx.query(`DROP TABLE IF EXISTS ${table}`);
      await tx.query(`ALTER TABLE ${table}${suffix} RENAME TO ${table}`);
      for (const index of READ_MODEL_INDEXES[table].indexes) await tx.query(`ALTER INDEX ${index}${suffix} RENAME TO ${index}`);
      for (const constraint of READ_MODEL_INDEXES[table].constraints)
        await tx.query(`ALTER TABLE ${table} RENAME CONSTRAINT ${constraint}${suffix} TO ${constraint}`);
    }
    // The rebuild's own count: every event it handled or parked.
    await tx.query(
      `INSERT INTO processor_checkpoints (name, commit_position, prepare_position, events)
       SELECT $1, $2, $3, events FROM processor_checkpoints WHERE name = $4
       ON CONFLICT (name) DO UPDATE SET commit_position = $2, prepare_position = $3, events = excluded.events, updated_at = now()`,
      [READ_MODELS, reached.commit.toString(), reached.prepare.toString(), READ_MODELS_REBUILD],
    );
    // Events parked by the live projection were projected (or parked) again by the rebuild: the rebuild's stand.
    await tx.query(`DELETE FROM processor_dead_letters WHERE processor = $1`, [READ_MODELS]);
    await tx.query(`UPDATE processor_dead_letters SET processor = $1 WHERE processor = $2`, [READ_MODELS, READ_MODELS_REBUILD]);
    await tx.query(`DELETE FROM processor_checkpoints WHERE name = $1`, [READ_MODELS_REBUILD]);
    // The live instance's next step is refused: it reads its checkpoint and its parked streams again, the rebuild's.
    await tx.query(`DELETE FROM processor_leases WHERE name = $1`, [READ_MODELS]);
    return true;
  });
}

async function dropTables(sql: SqlClient, suffix: string): Promise<void> {
  for (const table of READ_MODEL_TABLES) await sql.query(`DROP TABLE IF EXISTS ${table}${suffix}`).catch(() => undefined);
}
