import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { ProcessorRunner, SystemClock } from '@piao/application';
import { type ProcessorStore, type SqlClient } from '@piao/event-store';
import { openSqlDatabase, openStorage, SqlProcessorStore, type Storage } from '@piao/storage';
import { READ_MODELS, ReadModelsProjection, readModelChecksums } from '@piao/read-models';
import { createTestDatabase, POSTGRES_ADMIN_URL } from '../support/postgres';
import { until as waitUntil } from '../support/processor-harness';
import { writeSyntheticEnte } from '../support/synthetic-enti';

const ROOT = join(__dirname, '../..');

/** The projector as its own process, run from the sources (no build needed), against the test database. */
function startProjector(databaseUrl: string, ...args: string[]): ChildProcess {
  return spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/api/src/projector.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'test', EVENT_STORE: 'postgres', DATABASE_URL: databaseUrl, TS_NODE_TRANSPILE_ONLY: '1', PROCESSOR_LEASE_MS: '2000' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/** The read models emptied and their checkpoint back at the start of the log: the next run replays everything. */
async function resetReadModels(sql: SqlClient, processors: ProcessorStore): Promise<void> {
  await sql.query(`TRUNCATE rm_objectives, rm_timeline, rm_plans`);
  await processors.reset(READ_MODELS);
}

/** The read-model projection run here, by this test, until it has caught up. */
function projection(storage: Storage, processors: ProcessorStore = storage.processors, onError?: (error: unknown) => void): ProcessorRunner {
  return new ProcessorRunner(new ReadModelsProjection(), storage.events, processors, new SystemClock(), {
    holder: 'test',
    leaseMs: 2_000,
    idleMs: 20,
    onError,
  });
}

/** A crash test on a loaded machine: generous bounds. */
const until = (condition: () => Promise<boolean>, what: string) => waitUntil(condition, what, 90_000, 10);

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));

describe('the projection survives crashes: the read models end identical to a clean rebuild (PostgreSQL)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let storage: Storage;
  let sql: SqlClient;
  let total: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    storage = await openStorage({ kind: 'postgres', url: db.url });
    sql = storage.sql!;
    await ReadModelsProjection.migrate(sql);
    // Two enti, about 24,000 events: a dozen batches of 2,000.
    total = (await writeSyntheticEnte(storage.events, { ente: 'comune-a', objectives: 300, eventsPerObjective: 60 })).events;
    total += (await writeSyntheticEnte(storage.events, { ente: 'comune-b', objectives: 100, eventsPerObjective: 60 })).events;
  });
  afterAll(async () => {
    await storage.events.close();
    await db.drop();
  });

  /** A clean rebuild's checksums, then the read models are put back as they were found. */
  async function cleanRebuild(): Promise<Record<string, string>> {
    await resetReadModels(sql, storage.processors);
    const runner = projection(storage);
    await runner.catchUp();
    await runner.stop();
    return readModelChecksums(sql);
  }

  const checkpoint = () => storage.processors.checkpoint(READ_MODELS);

  it('after SIGKILL in the middle of a replay and a restart', async () => {
    await resetReadModels(sql, storage.processors);
    const first = startProjector(db.url);
    // Killed once some batches are in, well before the end.
    await until(async () => (await checkpoint()).events >= 4_000, 'the first batches');
    first.kill('SIGKILL');
    await exited(first);
    const atKill = (await checkpoint()).events;
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(total);

    const second = startProjector(db.url);
    await until(async () => (await storage.events.countAfter((await checkpoint()).position, 10)) === 0, 'the restarted projector to catch up');
    second.kill('SIGTERM');
    expect(await exited(second)).toBe(0);

    // Every event applied exactly once: the counter moves in the same transaction as the rows.
    expect((await checkpoint()).events).toBe(total);
    const afterCrash = await readModelChecksums(sql);
    expect(afterCrash).toEqual(await cleanRebuild());
    // One timeline row per objective event, one row per objective and per plan.
    expect([afterCrash.rm_timeline, afterCrash.rm_objectives, afterCrash.rm_plans].map((sum) => Number(sum.split(':')[0]))).toEqual([400 * 60, 400, 2]);
  });

  it('after its database connection is cut in the middle of batches', async () => {
    const expected = await cleanRebuild();
    await resetReadModels(sql, storage.processors);
    const url = new URL(db.url);
    url.searchParams.set('application_name', 'projection-under-test');
    const projectionSql = await openSqlDatabase({ kind: 'postgres', url: url.toString(), poolSize: 2 });
    const failures: unknown[] = [];
    const runner = projection(storage, new SqlProcessorStore(projectionSql), (error) => failures.push(error)).start();
    const admin = new Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    try {
      // Cut its connections while batches are in flight, five times over.
      for (let cut = 0; cut < 5; cut++) {
        await until(async () => {
          const { rows } = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'`, [
            'projection-under-test',
          ]);
          return rows[0].n > 0 || (await storage.events.countAfter((await checkpoint()).position, 10)) === 0;
        }, 'a batch in flight');
        await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, ['projection-under-test']);
      }
      await until(async () => (await storage.events.countAfter((await checkpoint()).position, 10)) === 0, 'the projection to finish');
    } finally {
      await runner.stop();
      await projectionSql.close();
      await admin.end();
    }
    expect(failures.length).toBeGreaterThan(0);
    expect((await checkpoint()).events).toBe(total);
    expect(await readModelChecksums(sql)).toEqual(expected);
  });
});
