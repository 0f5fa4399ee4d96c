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
  close(): Promise<void>;
}
