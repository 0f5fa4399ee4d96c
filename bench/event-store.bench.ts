/**
 * Append throughput and latency of the event store on PostgreSQL and PGlite, with 1 and 16 writers on distinct
 * streams, beside the raw single-row INSERT+COMMIT rate of the same PostgreSQL measured in the same run.
 * Usage: npm run bench:store [-- seconds]   (default 5 s per measurement)
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { type EventMetadata } from '@piao/event-store';
import { openStorage, type Storage, type StorageConfig } from '@piao/storage';
import { createTestDatabase } from '../test/support/postgres';
import { fmt, machine, runFor } from './measure';

const SECONDS = Number(process.argv[2] ?? 5);

const metadata: EventMetadata = {
  actor: { id: 'dalpiaz', name: 'Barbara Dal Piaz', role: 'dirigente' },
  ente: 'comune-bench',
  occurredAt: '2025-07-31',
  recordedAt: new Date().toISOString(),
  correlationId: randomUUID(),
  causationId: randomUUID(),
  schemaVersion: 1,
};
const data = { phaseId: 'f1', progressPercent: 60, actualStart: '2025-01-10', note: 'Avanzamento rilevato al monitoraggio del 31/07' };
/** The same JSON an append writes, for the raw INSERT baseline. */
const payload = JSON.stringify({ data, metadata });

async function rawInsert(url: string, writers: number) {
  const pool = new Pool({ connectionString: url, max: writers });
  await pool.query('CREATE TABLE IF NOT EXISTS bench_raw (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body jsonb NOT NULL)');
  const result = await runFor(SECONDS, writers, async () => void (await pool.query('INSERT INTO bench_raw (body) VALUES ($1::jsonb)', [payload])));
  await pool.end();
  return result;
}

async function appends(storage: Storage, writers: number) {
  const run = randomUUID().slice(0, 8);
  return runFor(SECONDS, writers, async (writer, i) => {
    await storage.events.append(
      `objective-bench-${run}-${writer}`,
      [{ id: randomUUID(), type: 'PhaseProgressRecorded', data, metadata }],
      i === 0 ? 'no-stream' : i - 1,
    );
  });
}

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'piao-bench-pglite-'));
  const rows: string[][] = [];
  try {
    const settings = new Pool({ connectionString: db.url, max: 1 });
    const [{ version }] = (await settings.query(`SELECT current_setting('server_version') AS version`)).rows as { version: string }[];
    const sync = (await settings.query(`SELECT current_setting('synchronous_commit') AS s, current_setting('fsync') AS f`)).rows[0] as { s: string; f: string };
    await settings.end();
    const raw = { 1: await rawInsert(db.url, 1), 16: await rawInsert(db.url, 16) };
    rows.push(['PostgreSQL raw INSERT+COMMIT', '1', fmt(raw[1].perSecond, 0), fmt(raw[1].p50, 2), fmt(raw[1].p99, 2), '100 %']);
    rows.push(['PostgreSQL raw INSERT+COMMIT', '16', fmt(raw[16].perSecond, 0), fmt(raw[16].p50, 2), fmt(raw[16].p99, 2), '100 %']);
    const configs: [string, StorageConfig][] = [
      ['PostgreSQL append', { kind: 'postgres', url: db.url, poolSize: 16 }],
      ['PGlite append (data on disk)', { kind: 'pglite', dataDir: dir }],
    ];
    for (const [label, config] of configs) {
      const storage = await openStorage(config);
      for (const writers of [1, 16] as const) {
        const r = await appends(storage, writers);
        const share = config.kind === 'postgres' ? `${fmt((100 * r.perSecond) / raw[writers].perSecond, 0)} %` : '–';
        rows.push([label, String(writers), fmt(r.perSecond, 0), fmt(r.p50, 2), fmt(r.p99, 2), share]);
      }
      await storage.events.close();
    }
    console.log(`\nEvent store, ${SECONDS} s per line. PostgreSQL ${version} (synchronous_commit=${sync.s}, fsync=${sync.f}); ${machine()}\n`);
    console.log('| measurement | writers | ops/s | p50 ms | p99 ms | vs raw INSERT, same writers |');
    console.log('|---|---|---|---|---|---|');
    for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  } finally {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
