import { type SqlMigration, type SqlQuery } from '@piao/event-store';
import { READ_MODEL_LOCK_ID, readModelTables, timelineLogOrderIndex } from './read-model.schema';

/**
 * Migration 2: the read models as the code created them before there were migrations (rm_objectives, rm_timeline,
 * rm_plans with their named indexes and constraints; the retired rm_checkpoints dropped, the checkpoint being the
 * processor's). Idempotent, because it also adopts a database made by that code. It creates the tables as
 * `readModelTables` describes them when it runs: what that means for a later change, read-model.schema.ts.
 *
 * It also takes READ_MODEL_LOCK_ID, under which a process of the previous version created these tables: one starting
 * beside a new one must not create them at the same moment (two CREATE TABLE IF NOT EXISTS of one table collide).
 */
const migration0002ReadModels: SqlMigration = {
  name: '0002-read-models',
  async up(tx: SqlQuery): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(${READ_MODEL_LOCK_ID})`);
    await tx.query(`DROP TABLE IF EXISTS rm_checkpoints`);
    for (const statement of readModelTables('')) await tx.query(statement);
  },
};

/**
 * Migration 7: the timeline in log order per ente, for the audit trail. A database that 0002 created after this
 * change has it already (IF NOT EXISTS).
 */
const migration0007TimelineLogOrder: SqlMigration = {
  name: '0007-timeline-log-order',
  async up(tx: SqlQuery): Promise<void> {
    await tx.query(timelineLogOrderIndex(''));
  },
};

/**
 * Migration 9: who imported an event of a past year's history, and when (`metadata.imported`, POST
 * /plans/{planId}/history), beside each timeline row; null for everything recorded as it happened. Before it no event
 * was imported, so the rows already projected need nothing. A database that 0002 created after this change has the
 * column already (IF NOT EXISTS).
 */
const migration0009TimelineImported: SqlMigration = {
  name: '0009-timeline-imported',
  async up(tx: SqlQuery): Promise<void> {
    await tx.query(`ALTER TABLE rm_timeline ADD COLUMN IF NOT EXISTS imported jsonb`);
  },
};

/**
 * The read models' migrations, in order, applied by ReadModelsProjection.migrate when the read models start, after
 * the storage has applied the event store's (libs/storage/src/migrations/migrator.ts explains the runner and the
 * numbering). A new migration takes the next number free in every lib and is appended here; one that has been
 * released is never edited.
 */
export const READ_MODEL_MIGRATIONS: readonly SqlMigration[] = [migration0002ReadModels, migration0007TimelineLogOrder, migration0009TimelineImported];
