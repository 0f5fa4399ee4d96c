import { comparePositions, LogFollower, LOG_START, type EventStore, type LogPosition, type SqlClient, type StoredEvent } from '@piao/event-store';
import { projectPlanObjectives } from './plan-objectives.projection';
import { READ_MODEL_LOCK_ID, READ_MODEL_SCHEMA, READ_MODEL_TABLES } from './read-model.schema';

export const READ_MODELS = 'read-models';

export interface ProjectionRunnerOptions {
  batchSize?: number;
  idleMs?: number;
  onBatch?: (position: LogPosition, batch: StoredEvent[]) => void;
  onError?: (error: unknown) => void;
}

export interface ReadModelCheckpoint {
  position: LogPosition;
  /** Events applied since the last rebuild. */
  events: number;
}

/**
 * Follows the global log into the read models. Each batch is applied and the checkpoint advanced in one
 * transaction of the read-model database, so a crash, a kill or a lost connection leaves either the whole batch
 * or none of it, and the next run starts exactly after the last batch committed.
 */
export class ProjectionRunner {
  readonly follower: LogFollower;

  constructor(
    events: EventStore,
    private readonly sql: SqlClient,
    options: ProjectionRunnerOptions = {},
  ) {
    this.follower = new LogFollower(events, {
      name: READ_MODELS,
      batchSize: options.batchSize ?? 2_000,
      idleMs: options.idleMs,
      ownCheckpoint: { load: async () => (await ProjectionRunner.checkpoint(sql)).position },
      handle: (batch) => this.apply(batch),
      onBatch: options.onBatch,
      onError: options.onError,
    });
  }

  /** Creates the tables; every statement is idempotent and runs under a lock, so processes may start together. */
  static async migrate(sql: SqlClient): Promise<void> {
    await sql.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${READ_MODEL_LOCK_ID})`);
      for (const statement of READ_MODEL_SCHEMA) await tx.query(statement);
    });
  }

  /** Empties the read models and their checkpoint: the next run replays the log from its start. */
  static async reset(sql: SqlClient): Promise<void> {
    await sql.transaction(async (tx) => {
      await tx.query(`TRUNCATE ${READ_MODEL_TABLES.join(', ')}`);
      await tx.query(`DELETE FROM rm_checkpoints WHERE name = $1`, [READ_MODELS]);
    });
  }

  static async checkpoint(sql: SqlClient): Promise<ReadModelCheckpoint> {
    const rows = await sql.query<{ c: string; p: string; events: string }>(
      `SELECT commit_position::text AS c, prepare_position::text AS p, events::text AS events FROM rm_checkpoints WHERE name = $1`,
      [READ_MODELS],
    );
    if (rows.length === 0) return { position: LOG_START, events: 0 };
    return { position: { commit: BigInt(rows[0].c), prepare: BigInt(rows[0].p) }, events: Number(rows[0].events) };
  }

  start(): this {
    this.follower.start();
    return this;
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }

  /** Applies everything committed so far, then returns the position reached. */
  catchUp(): Promise<LogPosition> {
    return this.follower.catchUp();
  }

  /** Polls now rather than after the idle pause: a reader is waiting for a position. */
  poke(): void {
    this.follower.poke();
  }

  private async apply(batch: StoredEvent[]): Promise<void> {
    const position = batch[batch.length - 1].position;
    await this.sql.transaction(async (tx) => {
      await projectPlanObjectives(tx, batch);
      await tx.query(
        `INSERT INTO rm_checkpoints (name, commit_position, prepare_position, events) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name) DO UPDATE SET commit_position = $2, prepare_position = $3, events = rm_checkpoints.events + $4, updated_at = now()`,
        [READ_MODELS, position.commit.toString(), position.prepare.toString(), batch.length],
      );
    });
  }
}

/** Whether the read models have applied the event at `position` (or a later one). */
export function hasReached(checkpoint: LogPosition, position: LogPosition): boolean {
  return comparePositions(checkpoint, position) >= 0;
}
