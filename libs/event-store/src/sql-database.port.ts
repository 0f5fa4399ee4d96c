/**
 * A SQL database (PostgreSQL or PGlite, one dialect): where read models, processor checkpoints and command records
 * live beside the events. The adapters are in libs/storage.
 */
export interface SqlQuery {
  /** `name` makes it a prepared statement, parsed and planned once per connection: for the hot paths. */
  query<Row = Record<string, unknown>>(text: string, params?: unknown[], name?: string): Promise<Row[]>;
}

export interface SqlClient extends SqlQuery {
  transaction<T>(work: (tx: SqlQuery) => Promise<T>): Promise<T>;
  /**
   * Applies the migrations of `migrations` this database has not recorded yet, in their order, each in one
   * transaction with its record; returns the names this call applied. Safe when several processes start together.
   */
  migrate(migrations: readonly SqlMigration[]): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * A versioned schema change, plain SQL run through the port: each lib that keeps tables lists its own (the event
 * store's in libs/storage, the read models' in libs/read-models) and asks the database to apply them
 * (`SqlClient.migrate`), so a lib needs no adapter to migrate its tables. One numbering across libs, one record of
 * what was applied (libs/storage/src/migrations/migrator.ts): take the next free number of all libs.
 */
export interface SqlMigration {
  /** `NNNN-what`, e.g. `0002-read-models`: recorded in `schema_migrations`, never renamed once released. */
  readonly name: string;
  /** Runs inside the transaction that records the migration; never commits or rolls back itself. */
  up(tx: SqlQuery): Promise<void>;
}
