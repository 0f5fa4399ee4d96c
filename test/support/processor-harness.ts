import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { ProcessorRunner, SystemClock } from '@piao/application';
import { AuditHashingProcessor } from '@piao/audit';
import { type EventMetadata, type SqlClient } from '@piao/event-store';
import { READ_MODELS, ReadModelsProjection, readModelChecksums } from '@piao/read-models';
import { type Storage } from '@piao/storage';
import { POSTGRES_ADMIN_URL } from './postgres';

const ROOT = join(__dirname, '../..');

/** Runs the audit hashing over everything the log holds so far, in this process, then lets its lease go. */
export async function hashTheLog(storage: Pick<Storage, 'events' | 'processors'>): Promise<void> {
  const runner = new ProcessorRunner(new AuditHashingProcessor(), storage.events, storage.processors, new SystemClock(), { holder: 'test', leaseMs: 60_000 });
  await runner.catchUp();
  await runner.stop();
}

/** Polls `condition` every `everyMs` until it holds; fails naming `what` after `timeoutMs`. */
export async function until(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A database URL with an application_name, so that its backends can be told apart (and cut) in pg_stat_activity. */
export { withApplicationName } from './postgres';

export interface ChildRun {
  child: ChildProcess;
  /** Everything written on stdout and stderr so far. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `apps/api/src/projector.ts` (with `--rebuild` when asked) as a process of its own, from the sources. */
export function spawnProjector(databaseUrl: string, options: { args?: string[]; env?: Record<string, string> } = {}): ChildRun {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/api/src/projector.ts', ...(options.args ?? [])],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        EVENT_STORE: 'postgres',
        DATABASE_URL: databaseUrl,
        TS_NODE_TRANSPILE_ONLY: '1',
        LOG_LEVEL: 'info',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.exitCode !== null || child.signalCode !== null
      ? resolve({ code: child.exitCode, signal: child.signalCode })
      : child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

/** Kills what is still running (afterAll). */
export async function killAll(runs: ChildRun[]): Promise<void> {
  for (const run of runs) if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  await Promise.all(runs.map((r) => r.exited));
}

/** Event metadata as the commands write it. */
export function metadataOf(ente: string, role: string, extra: Partial<EventMetadata> = {}): EventMetadata {
  return {
    actor: { id: `${ente}:${role}`, name: role, role },
    ente,
    occurredAt: new Date().toISOString().slice(0, 10),
    recordedAt: new Date().toISOString(),
    correlationId: randomUUID(),
    causationId: randomUUID(),
    schemaVersion: 1,
    ...extra,
  };
}

/** Runs SQL as the server's administrator, outside every pool under test. */
export async function asServerAdmin<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
  const admin = new Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    return (await admin.query(sql, params)).rows as Row[];
  } finally {
    await admin.end();
  }
}

/**
 * The checksums of a clean rebuild: the live read models emptied, the checkpoint back at the start of the log, and the
 * projection run here until it has caught up (no other process may hold the lease). The lease is long, so that the
 * reference itself never depends on lease renewal.
 */
export async function cleanRebuildChecksums(storage: Storage): Promise<Record<string, string>> {
  const sql: SqlClient = storage.sql;
  await sql.query(`TRUNCATE rm_objectives, rm_timeline, rm_plans`);
  await storage.processors.reset(READ_MODELS);
  const runner = new ProcessorRunner(new ReadModelsProjection(), storage.events, storage.processors, new SystemClock(), {
    holder: `clean-rebuild-${randomUUID().slice(0, 8)}`,
    leaseMs: 300_000,
    idleMs: 20,
  });
  await runner.catchUp();
  await runner.stop();
  return readModelChecksums(sql);
}

/** A measurement worth reading in the test's output (timings, counts): written on stderr, one line. */
export function note(line: string): void {
  process.stderr.write(`  [measured] ${line}\n`);
}
