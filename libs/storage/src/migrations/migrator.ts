import { Umzug, type MigrationParams, type UmzugStorage } from 'umzug';
import { type SqlClient, type SqlMigration, type SqlQuery } from '@piao/event-store';
import { SCHEMA_LOCK_ID } from '../sql/schema';

/**
 * Versioned schema migrations, run by umzug on PostgreSQL and PGlite alike through the SqlClient port.
 *
 * Where they live. Each lib that keeps tables lists its own migrations as TypeScript modules (compiled with the
 * rest, so they run from dist/ and under ts-jest alike; nothing is read from the file system): the event store's in
 * ./event-store.migrations.ts, the read models' in libs/read-models/src/read-model.migrations.ts. libs/storage may
 * not import libs/read-models (it would tie the adapters together, and the read models build on the storage's
 * tables), so there is no single list here. Instead the migration type is a port (`SqlMigration`) and the database
 * applies any list it is given (`SqlClient.migrate`, implemented here): the storage applies the event store's when it
 * opens, the read models theirs when their module starts (ReadModelsProjection.migrate). Both record into one table,
 * `schema_migrations`, with one numbering across libs (`0001-event-store`, `0002-read-models`, then the next free
 * number, whichever lib it belongs to): a lib's migration may use its own tables and those of the libs it builds on,
 * which are migrated first.
 *
 * How they run. umzug lists the migrations of the given list that `schema_migrations` does not record. Each one
 * then runs in one transaction that takes the advisory lock SCHEMA_LOCK_ID, checks again that no other process has
 * applied it meanwhile, runs its SQL and inserts its name: it commits with its record or not at all, and processes
 * starting together apply it exactly once (the others wait for the lock, then skip it). PostgreSQL's DDL is
 * transactional, so a migration that fails leaves nothing behind; a statement that cannot run in a transaction
 * (CREATE INDEX CONCURRENTLY) does not belong in a migration. There are no down migrations: a mistake is corrected
 * by the next migration.
 */

const TABLE = 'schema_migrations';
const NAME = /^\d{4}-[a-z0-9]+(-[a-z0-9]+)*$/;

/** umzug's storage: the table `schema_migrations` of the migrated database itself. */
export class SchemaMigrationsTable implements UmzugStorage<SqlClient> {
  /** Creates the table if needed, under the lock: two processes creating it at once would collide. */
  static async open(sql: SqlClient): Promise<SchemaMigrationsTable> {
    await sql.transaction(async (tx) => {
      await lock(tx);
      await tx.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    });
    return new SchemaMigrationsTable();
  }

  async executed({ context }: Pick<MigrationParams<SqlClient>, 'context'>): Promise<string[]> {
    return (await context.query<{ name: string }>(`SELECT name FROM ${TABLE} ORDER BY name`)).map((row) => row.name);
  }

  /** Nothing: the migration has recorded itself, in its own transaction (`record`). */
  async logMigration(): Promise<void> {}

  /** For umzug's `down`, which nothing here runs (migrations have no down). */
  async unlogMigration({ name, context }: MigrationParams<SqlClient>): Promise<void> {
    await context.query(`DELETE FROM ${TABLE} WHERE name = $1`, [name]);
  }

  /** Whether `name` is recorded, seen from inside a migration's transaction (after it took the lock). */
  static async recorded(tx: SqlQuery, name: string): Promise<boolean> {
    return (await tx.query(`SELECT 1 FROM ${TABLE} WHERE name = $1`, [name])).length > 0;
  }

  static async record(tx: SqlQuery, name: string): Promise<void> {
    await tx.query(`INSERT INTO ${TABLE} (name, applied_at) VALUES ($1, now())`, [name]);
  }
}

/** Applies the migrations of `migrations` not yet recorded, in order; returns the names this call applied. */
export async function runMigrations(sql: SqlClient, migrations: readonly SqlMigration[]): Promise<string[]> {
  checkList(migrations);
  const storage = await SchemaMigrationsTable.open(sql);
  const applied: string[] = [];
  const umzug = new Umzug<SqlClient>({
    migrations: migrations.map((migration) => ({
      name: migration.name,
      up: async ({ context }: MigrationParams<SqlClient>) => {
        if (await applyOnce(context, migration)) applied.push(migration.name);
      },
    })),
    context: sql,
    storage,
    logger: undefined,
  });
  await umzug.up();
  return applied;
}

/** One migration and its record in one transaction, under the lock; false if another process got there first. */
async function applyOnce(sql: SqlClient, migration: SqlMigration): Promise<boolean> {
  return sql.transaction(async (tx) => {
    await lock(tx);
    if (await SchemaMigrationsTable.recorded(tx, migration.name)) return false;
    await migration.up(tx);
    await SchemaMigrationsTable.record(tx, migration.name);
    return true;
  });
}

function lock(tx: SqlQuery): Promise<unknown> {
  return tx.query(`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK_ID})`);
}

/** Names `NNNN-what`, in increasing order: a list out of order or a name reused is a mistake caught at start. */
function checkList(migrations: readonly SqlMigration[]): void {
  migrations.forEach((migration, i) => {
    if (!NAME.test(migration.name)) throw new Error(`migration name ${JSON.stringify(migration.name)} is not NNNN-what (e.g. 0003-plan-index)`);
    if (i > 0 && migration.name <= migrations[i - 1].name)
      throw new Error(`migration ${migration.name} is listed after ${migrations[i - 1].name}: keep the list in increasing order, names unique`);
  });
}
