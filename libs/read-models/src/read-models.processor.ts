import { type Processor } from '@piao/application';
import { comparePositions, type LogPosition, type SqlClient, type SqlQuery, type StoredEvent } from '@piao/event-store';
import { projectPlanObjectives } from './plan-objectives.projection';
import { READ_MODEL_LOCK_ID, READ_MODEL_SCHEMA } from './read-model.schema';

export const READ_MODELS = 'read-models';

/**
 * The read models as a processor of the log: each batch is projected in the transaction that moves the processor's
 * checkpoint, so a crash, a kill or a lost connection leaves either the whole batch or none of it, and the next run
 * starts exactly after the last batch committed.
 */
export class ReadModelsProjection implements Processor {
  readonly mode = 'transactional';
  readonly batchSize = 2_000;

  constructor(readonly name: string = READ_MODELS) {}

  handle(events: StoredEvent[], tx?: SqlQuery): Promise<void> {
    if (!tx) throw new Error('the read models are projected inside the checkpoint’s transaction');
    return projectPlanObjectives(tx, events);
  }

  /** Creates the tables; every statement is idempotent and runs under a lock, so processes may start together. */
  static async migrate(sql: SqlClient): Promise<void> {
    await sql.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${READ_MODEL_LOCK_ID})`);
      for (const statement of READ_MODEL_SCHEMA) await tx.query(statement);
    });
  }
}

/** Whether the read models have applied the event at `position` (or a later one). */
export function hasReached(checkpoint: LogPosition, position: LogPosition): boolean {
  return comparePositions(checkpoint, position) >= 0;
}
