import { PGlite } from '@electric-sql/pglite';
import { Pool, type PoolConfig } from 'pg';
import { type SqlClient, type SqlQuery } from '@piao/event-store';

/** The SqlClient port over node-postgres or PGlite: one SQL dialect, two engines. */

export class PostgresClient implements SqlClient {
  private readonly pool: Pool;
  constructor(config: PoolConfig) {
    this.pool = new Pool(config);
    // An idle client losing its connection must not crash the process; the next query gets a fresh one.
    this.pool.on('error', () => undefined);
  }
  async query<Row>(text: string, params?: unknown[], name?: string): Promise<Row[]> {
    return (await this.pool.query({ text, values: params, name })).rows as Row[];
  }
  async transaction<T>(work: (tx: SqlQuery) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A connection cut while checked out surfaces as the failure of the query in flight; without a listener its
    // 'error' event would also crash the process.
    const ignore = () => undefined;
    client.on('error', ignore);
    let failed = false;
    try {
      await client.query('BEGIN');
      const result = await work({ query: async <Row>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as Row[] });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      failed = true;
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.off('error', ignore);
      // After a failure the connection may be broken: discard it rather than hand it to the next caller.
      client.release(failed);
    }
  }
  close(): Promise<void> {
    return this.pool.end();
  }
}

export class PgliteClient implements SqlClient {
  private constructor(private readonly db: PGlite) {}
  /** `dataDir` undefined keeps everything in memory (tests); otherwise the folder holds the database. */
  static async open(dataDir?: string): Promise<PgliteClient> {
    return new PgliteClient(await PGlite.create(dataDir));
  }
  async query<Row>(text: string, params?: unknown[]): Promise<Row[]> {
    return (await this.db.query<Row>(text, params)).rows;
  }
  transaction<T>(work: (tx: SqlQuery) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work({ query: async <Row>(text: string, params?: unknown[]) => (await tx.query<Row>(text, params)).rows }));
  }
  close(): Promise<void> {
    return this.db.close();
  }
}
