import { PGlite } from '@electric-sql/pglite';
import { Pool, type PoolConfig } from 'pg';
import { StoreUnavailable, type SqlClient, type SqlMigration, type SqlQuery } from '@piao/event-store';
import { runMigrations } from '../migrations/migrator';
import { isOnDisk, lockDataFolder, type DataFolderLock } from './pglite-folder-lock';
import { PglitePreparedStatements } from './pglite-prepared-statements';

/** The SqlClient port over node-postgres or PGlite: one SQL dialect, two engines. */

/**
 * SQLSTATE classes and codes that mean the server went away or refused the connection, not that the statement was
 * wrong: 08 (connection exception), 57P01–57P03 (admin shutdown, crash shutdown, cannot connect now), 53300 (too
 * many connections).
 */
const LOST_CODES = /^(08...|57P0[123]|53300)$/;
const LOST_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const LOST_MESSAGES = /Connection terminated|connection error|timeout exceeded when trying to connect|Client was closed|not queryable/i;

/**
 * A lost connection becomes StoreUnavailable: the statement in flight may or may not have committed, and the caller
 * answers 503 with Retry-After rather than a 500. Anything else is rethrown as it is.
 */
function unavailableOr(error: unknown): unknown {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  const lost = (typeof code === 'string' && (LOST_CODES.test(code) || LOST_ERRNOS.has(code))) || LOST_MESSAGES.test(message ?? '');
  return lost ? new StoreUnavailable(`PostgreSQL unavailable: ${message ?? code}`, error) : error;
}

export class PostgresClient implements SqlClient {
  private readonly pool: Pool;
  constructor(config: PoolConfig) {
    // Keepalives: a peer gone behind a partition is noticed in minutes, not after the system's two hours.
    this.pool = new Pool({ keepAlive: true, ...config });
    // A client losing its connection must not crash the process, whether idle or checked out: the failure reaches
    // the query in flight (and becomes StoreUnavailable), and the next query gets a fresh connection.
    this.pool.on('error', () => undefined);
    this.pool.on('connect', (client) => client.on('error', () => undefined));
  }
  async query<Row>(text: string, params?: unknown[], name?: string): Promise<Row[]> {
    const client = await this.connect();
    let lost = false;
    try {
      return (await client.query({ text, values: params, name })).rows as Row[];
    } catch (error) {
      const mapped = unavailableOr(error);
      // A broken connection is discarded; one that only refused a statement goes back to the pool.
      lost = mapped instanceof StoreUnavailable;
      throw mapped;
    } finally {
      client.release(lost);
    }
  }
  /**
   * A connection from the pool. Failing to get one is always the database being unavailable (down, refusing
   * connections, restarting, the database missing or the credentials refused: 08…, 55000, 57P03, 3D000, 28…),
   * never the statement's fault.
   */
  private async connect() {
    try {
      return await this.pool.connect();
    } catch (error) {
      throw new StoreUnavailable(`PostgreSQL unavailable: ${(error as Error)?.message ?? error}`, error);
    }
  }
  async transaction<T>(work: (tx: SqlQuery) => Promise<T>): Promise<T> {
    const client = await this.connect();
    let failed = false;
    try {
      await client.query('BEGIN');
      const result = await work({ query: async <Row>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as Row[] });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      failed = true;
      await client.query('ROLLBACK').catch(() => undefined);
      throw unavailableOr(error);
    } finally {
      // After a failure the connection may be broken: discard it rather than hand it to the next caller.
      client.release(failed);
    }
  }
  migrate(migrations: readonly SqlMigration[]): Promise<string[]> {
    return runMigrations(this, migrations);
  }
  close(): Promise<void> {
    return this.pool.end();
  }
}

export class PgliteClient implements SqlClient {
  private readonly statements: PglitePreparedStatements;

  private constructor(
    private readonly db: PGlite,
    private readonly lock?: DataFolderLock,
  ) {
    this.statements = new PglitePreparedStatements(db);
  }
  /**
   * `dataDir` undefined keeps everything in memory (tests); otherwise the folder holds the database, locked for this
   * process until close() (DataFolderLocked if another process holds it, see pglite-folder-lock.ts).
   */
  static async open(dataDir?: string): Promise<PgliteClient> {
    const lock = isOnDisk(dataDir) ? await lockDataFolder(dataDir) : undefined;
    try {
      return new PgliteClient(await PGlite.create(dataDir), lock);
    } catch (error) {
      await lock?.release();
      throw error;
    }
  }
  async query<Row>(text: string, params?: unknown[], name?: string): Promise<Row[]> {
    if (name) return this.statements.run<Row>(name, text, params ?? [], false);
    return (await this.db.query<Row>(text, params)).rows;
  }
  transaction<T>(work: (tx: SqlQuery) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) =>
      work({
        query: async <Row>(text: string, params?: unknown[], name?: string) =>
          name ? this.statements.run<Row>(name, text, params ?? [], true) : (await tx.query<Row>(text, params)).rows,
      }),
    );
  }
  migrate(migrations: readonly SqlMigration[]): Promise<string[]> {
    return runMigrations(this, migrations);
  }
  async close(): Promise<void> {
    try {
      await this.db.close();
    } finally {
      await this.lock?.release();
    }
  }
}
