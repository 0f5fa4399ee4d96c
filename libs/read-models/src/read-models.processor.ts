import { type Processor } from '@piao/application';
import { comparePositions, type LogPosition, type SqlClient, type SqlQuery, type StoredEvent } from '@piao/event-store';
import { projectPlanObjectives } from './plan-objectives.projection';
import { READ_MODEL_MIGRATIONS } from './read-model.migrations';

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

  /**
   * Applies the read models' migrations not applied yet (read-model.migrations.ts), each once even when processes
   * start together; returns their names. Called once the storage is open, so after the event store's migrations.
   */
  static migrate(sql: SqlClient): Promise<string[]> {
    return sql.migrate(READ_MODEL_MIGRATIONS);
  }
}

/** Whether the read models have applied the event at `position` (or a later one). */
export function hasReached(checkpoint: LogPosition, position: LogPosition): boolean {
  return comparePositions(checkpoint, position) >= 0;
}
