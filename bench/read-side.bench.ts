/**
 * The read side on PostgreSQL, over synthetic enti shaped like the fixtures:
 *  - the raw read rate of the log, then a full replay into the read models, in the same run;
 *  - the projection's memory (RSS, heap) sampled along the replay;
 *  - over HTTP: a page of a 5,000-objective ente's list (with and without filters), and the audit timeline of an
 *    objective with 1,000 events, p50/p95.
 * Usage: npm run bench:read [-- totalEvents]   (default 1,000,000)
 */
import { randomUUID } from 'node:crypto';
import { LOG_START } from '@piao/event-store';
import { openStorage } from '@piao/storage';
import { READ_MODELS, ReadModelsProjection } from '@piao/read-models';
import { ProcessorRunner, SystemClock } from '@piao/application';
import { createApp } from '../apps/api/src/bootstrap';
import { loadConfig } from '@piao/config';
import { mintDevelopmentToken } from '../apps/api/src/auth/development-token';
import { createTestDatabase } from '../test/support/postgres';
import { writeSyntheticEnte } from '../test/support/synthetic-enti';
import { fmt, machine, Samples } from './measure';

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const storage = await openStorage({ kind: 'postgres', url: db.url, poolSize: 20 });
  const sql = storage.sql!;
  try {
    console.error(`writing about ${TOTAL.toLocaleString('en')} synthetic events…`);
    let t0 = performance.now();
    const big = await writeSyntheticEnte(storage.events, { ente: 'comune-grande', objectives: 5_000, eventsPerObjective: 20, concurrency: 16 });
    const deep = await writeSyntheticEnte(storage.events, { ente: 'comune-storico', objectives: 1, eventsPerObjective: 1_000 });
    let written = big.events + deep.events;
    for (let n = 0; written < TOTAL; n++) {
      const objectives = Math.min(1_000, Math.ceil((TOTAL - written) / 20));
      written += (await writeSyntheticEnte(storage.events, { ente: `comune-${n}`, objectives, eventsPerObjective: 20, concurrency: 16 })).events;
      process.stderr.write(`\r  ${written.toLocaleString('en')} events`);
    }
    console.error(`\n  written in ${fmt((performance.now() - t0) / 1000)} s`);

    // Raw read of the same log, paged like the projection reads it.
    t0 = performance.now();
    let position = LOG_START;
    let read = 0;
    for (;;) {
      const page = await storage.events.readAll(position, 2_000);
      if (page.length === 0) break;
      read += page.length;
      position = page[page.length - 1].position;
    }
    const rawRate = read / ((performance.now() - t0) / 1000);

    // Replay into the read models, sampling memory every ~100,000 events.
    await ReadModelsProjection.migrate(sql);
    await sql.query(`TRUNCATE rm_objectives, rm_timeline, rm_plans`);
    await storage.processors.reset(READ_MODELS);
    const memory: { events: number; rss: number; heap: number }[] = [];
    let applied = 0;
    let nextSample = 0;
    const projection = new ReadModelsProjection();
    const project = projection.handle.bind(projection);
    projection.handle = async (batch, tx) => {
      await project(batch, tx);
      applied += batch.length;
      if (applied >= nextSample) {
        const usage = process.memoryUsage();
        memory.push({ events: applied, rss: mb(usage.rss), heap: mb(usage.heapUsed) });
        nextSample += 100_000;
      }
    };
    const runner = new ProcessorRunner(projection, storage.events, storage.processors, new SystemClock(), { holder: 'bench', leaseMs: 60_000 });
    t0 = performance.now();
    await runner.catchUp();
    await runner.stop();
    const replayRate = applied / ((performance.now() - t0) / 1000);

    // Queries over HTTP, on an API that only reads (the bench process projected everything already).
    const config = loadConfig({
      NODE_ENV: 'test',
      EVENT_STORE: 'postgres',
      DATABASE_URL: db.url,
      JWT_SECRET: SECRET,
      LOG_LEVEL: 'silent',
      RUN_PROCESSORS: 'false',
    });
    const app = await createApp(config);
    await app.listen(0);
    const url = await app.getUrl();
    const token = await mintDevelopmentToken({ sub: 'seg', name: 'Segretario', ente: 'comune-grande', roles: ['segretario', 'nucleo'] }, SECRET);
    const deepToken = await mintDevelopmentToken({ sub: 'ndv', name: 'NdV', ente: 'comune-storico', roles: ['nucleo'] }, SECRET);
    const get = async (path: string, bearer: string) => {
      const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${bearer}` } });
      if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return response.json() as Promise<{ next?: string | null; events?: unknown[] }>;
    };
    const time = async (runs: number, call: (i: number) => Promise<unknown>) => {
      const samples = new Samples();
      for (let i = 0; i < 20; i++) await call(i); // warm-up
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        await call(i);
        samples.add(performance.now() - started);
      }
      return samples;
    };
    const filters = ['', 'status=approved', 'unitId=welfare', 'tag=anticorruption-transparency', 'q=trasparenza', 'overdueOn=2025-12-01'];
    const firstPages = await time(300, (i) => get(`/plans/${big.planId}/objectives?limit=50&${filters[i % filters.length]}`, token));
    // Deep pages: follow the cursor through the whole list.
    let cursor: string | null | undefined = null;
    const deepPages = await time(100, async () => {
      const page = await get(`/plans/${big.planId}/objectives?limit=50${cursor ? `&cursor=${cursor}` : ''}`, token);
      cursor = page.next;
    });
    const timeline = await time(200, async () => {
      const body = await get(`/objectives/${deep.objectiveIds[0]}/timeline`, deepToken);
      if (body.events?.length !== 1_000) throw new Error(`timeline has ${body.events?.length} events`);
    });
    await app.close();

    const id = randomUUID().slice(0, 8);
    console.log(`\n## Read side (${id}), ${new Date().toISOString().slice(0, 10)}, ${machine()}, PostgreSQL on the same machine\n`);
    console.log('| measure | figure |');
    console.log('|---|---|');
    console.log(`| events in the log | ${applied.toLocaleString('en')} |`);
    console.log(`| raw read of the log (pages of 2,000) | ${fmt(rawRate, 0)} events/s |`);
    console.log(`| replay into the read models | ${fmt(replayRate, 0)} events/s (${fmt((replayRate / rawRate) * 100, 0)} % of the raw read) |`);
    console.log(
      `| list, 5,000-objective ente, first page of 50 with filters (300 calls) | p50 ${fmt(firstPages.percentile(50))} ms, p95 ${fmt(firstPages.percentile(95))} ms |`,
    );
    console.log(
      `| list, following the cursor through all pages (100 calls) | p50 ${fmt(deepPages.percentile(50))} ms, p95 ${fmt(deepPages.percentile(95))} ms |`,
    );
    console.log(`| audit timeline, 1,000 events (200 calls) | p50 ${fmt(timeline.percentile(50))} ms, p95 ${fmt(timeline.percentile(95))} ms |`);
    console.log('\nMemory of the projecting process along the replay:\n');
    console.log('| events applied | RSS MB | heap used MB |');
    console.log('|---|---|---|');
    for (const m of memory) console.log(`| ${m.events.toLocaleString('en')} | ${m.rss} | ${m.heap} |`);
  } finally {
    await storage.events.close();
    await db.drop();
  }
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
