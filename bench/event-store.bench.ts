/**
 * Append throughput and latency of the event store, in three variants measured side by side in the same run:
 *  - raw INSERT: one event row per transaction (an autocommitted single-row INSERT, one round trip, a named prepared
 *    statement), into a table of the same shape as the log (`LIKE es_events INCLUDING ALL`: same columns, defaults,
 *    primary key and unique indexes), with the same data and metadata;
 *  - append: `EventStore.append` of one event, at the writer's exact expected revision;
 *  - append + record: the same append carrying the command's Idempotency-Key record (table `command_records`),
 *    written by the same statement, with the event id derived from the key as the application derives it.
 * Every writer appends to a stream of its own. Each variant runs once per round, the order rotated from round to
 * round (round 1: A B C, round 2: B C A, round 3: C A B), after a warm-up of each; every figure reported is the median
 * of the rounds. On PostgreSQL (fsync as the server is configured) with 16 and 1 writers; on PGlite in memory and
 * on disk with 16 writers (PGlite runs in this process, on one thread: its writers are serialised anyway). A
 * CHECKPOINT precedes every measurement, so that none of them starts with another one's dirty pages to write.
 * Besides events/s and latency, each measurement reports the WAL written per event (server-wide), how busy the two
 * cores were, this process's CPU and the share other processes took (someone else's tests on a shared machine).
 * Usage: npm run bench:store [-- seconds]   (default 5 s per measurement; BENCH_ROUNDS=3; BENCH_ENGINES=postgres,pglite)
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { type CommandRecord, type SqlClient } from '@piao/event-store';
import { openStorage, type Storage, type StorageConfig } from '@piao/storage';
import { eventId } from '../libs/application/src/commands/event-ids';
import { SqlEventStore } from '../libs/storage/src/sql/sql-event-store';
import { createTestDatabase } from '../test/support/postgres';
import { benchData, benchMetadata } from './bench-event';
import { fmt, machine, median, postgresPids, runFor, watchOthers } from './measure';

const SECONDS = Number(process.argv[2] ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Which engines to measure: `postgres`, `pglite` or both (the default), comma-separated. */
const ENGINES = new Set((process.env.BENCH_ENGINES ?? 'postgres,pglite').split(',').map((e) => e.trim()));
const WARM_UP_SECONDS = 1;

const metadata = benchMetadata;
const data = benchData;

/** The answer a client gets for a phase progress, shaped and sized as the API renders it (968 bytes): what the record keeps. */
const definition = {
  title: 'Obiettivo 0',
  responsibleUnitId: 'welfare',
  horizon: { fromYear: 2025, toYear: 2025 },
  phases: [{ id: 'f1', description: 'Fase', weight: 100 }],
  indicators: [{ id: 'i1', description: 'Indicatore', target: { text: 'almeno n. 4' } }],
};
const answer = {
  objectiveId: randomUUID(),
  planId: randomUUID(),
  code: '2025_OB_F782858F',
  revision: 3,
  status: 'approved',
  definition,
  warnings: [],
  approvalAct: { number: '1', date: '2025-01-15' },
  approvedDefinition: definition,
  progress: { f1: { progressPercent: 7 } },
  indicatorValues: {},
  monitoringReports: {},
  pendingReprogramming: null,
  reprogrammings: [],
  yearEndReport: null,
  evaluation: null,
  position: '159178/517',
  recorded: ['PhaseProgressRecorded'],
};
const scope = { ente: 'comune-bench', subject: 'dalpiaz' };
const requestBody = JSON.stringify(data);

interface Result {
  perSecond: number;
  p50: number;
  p99: number;
  count: number;
  elapsed: number;
}

interface Variant {
  label: string;
  /** One operation of writer `writer`, its `i`-th on a stream of its own named after `tag` (new per measurement). */
  operation: (tag: string, writer: number, i: number) => Promise<void>;
}

const streamOf = (tag: string, writer: number) => `objective-bench-${tag}-${writer}`;
const expectedAt = (i: number) => (i === 0 ? ('no-stream' as const) : i - 1);

/** The raw baseline: one event row per transaction into a table shaped like the log, through `query`. */
function rawInsert(query: (text: string, params: unknown[], name: string) => Promise<unknown>): Variant {
  return {
    label: 'raw INSERT (one event row per transaction)',
    operation: async (tag, writer, i) =>
      void (await query(
        `INSERT INTO bench_raw_events (event_id, stream_id, revision, type, data, metadata) VALUES ($1::uuid, $2, $3, $4, $5::jsonb, $6::jsonb)`,
        [randomUUID(), streamOf(tag, writer), i, 'PhaseProgressRecorded', JSON.stringify(data), JSON.stringify(metadata)],
        'bench_raw_insert',
      )),
  };
}

function append(storage: Storage): Variant {
  return {
    label: 'append',
    operation: async (tag, writer, i) =>
      void (await storage.events.append(streamOf(tag, writer), [{ id: randomUUID(), type: 'PhaseProgressRecorded', data, metadata }], expectedAt(i))),
  };
}

/**
 * The append as PGlite ran it before its named statements (PGlite's own query: the statement parsed and planned on
 * every call), through the same store over a client that drops the statement names: the comparison in one run.
 */
function appendUnnamed(storage: Storage): Variant {
  const sql = storage.sql;
  const unnamed: SqlClient = {
    query: (text, params) => sql.query(text, params),
    transaction: (work) => sql.transaction((tx) => work({ query: (text, params) => tx.query(text, params) })),
    migrate: (migrations) => sql.migrate(migrations),
    close: () => sql.close(),
  };
  const events = new SqlEventStore(unnamed);
  return {
    label: 'append, unnamed statement',
    operation: async (tag, writer, i) =>
      void (await events.append(streamOf(tag, writer), [{ id: randomUUID(), type: 'PhaseProgressRecorded', data, metadata }], expectedAt(i))),
  };
}

/** The append as a command with an Idempotency-Key makes it: the event id derived from the key, the record beside. */
function appendWithRecord(storage: Storage): Variant {
  return {
    label: 'append + Idempotency-Key record',
    operation: async (tag, writer, i) => {
      const key = randomUUID();
      const streamId = streamOf(tag, writer);
      const requestHash = createHash('sha256').update(`POST /objectives/${streamId}/phase-progress\n${requestBody}`).digest('hex');
      const command: CommandRecord = { scope, key, requestHash, answer: { status: 200, body: answer }, recordedAt: new Date() };
      const id = eventId({ scope, key, requestHash }, 0);
      await storage.events.append(streamId, [{ id, type: 'PhaseProgressRecorded', data, metadata }], expectedAt(i), { command });
    },
  };
}

interface Measurement extends Result {
  /** WAL bytes written per event. */
  walPerEvent: number;
  /** Share of both cores used by processes other than this one and its database's PostgreSQL processes. */
  others: number;
  /** How busy both cores were, and how much of one core this process (the clients, and PGlite) used. */
  busy: number;
  self: number;
}

interface Measured {
  engine: string;
  writers: number;
  /** Per variant label, one measurement per round. */
  rounds: Map<string, Measurement[]>;
  order: string[][];
}

/** What a measurement needs of the engine besides the variants: a CHECKPOINT, the WAL position, our processes. */
interface Engine {
  name: string;
  query: (text: string) => Promise<unknown[]>;
  ours: () => Promise<number[]>;
}

/** Every variant once per round, in rotated order, each preceded by a CHECKPOINT. */
async function measure(engine: Engine, writers: number, variants: Variant[]): Promise<Measured> {
  for (const v of variants) {
    const tag = `warm-${randomUUID().slice(0, 8)}`;
    await runFor(WARM_UP_SECONDS, writers, (writer, i) => v.operation(tag, writer, i));
  }
  const wal = async () => ((await engine.query(`SELECT pg_current_wal_lsn()::text AS lsn`)) as { lsn: string }[])[0].lsn;
  const rounds = new Map<string, Measurement[]>(variants.map((v) => [v.label, []]));
  const order: string[][] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const rotated = variants.map((_, k) => variants[(k + round) % variants.length]);
    order.push(rotated.map((v) => v.label));
    for (const v of rotated) {
      await engine.query('CHECKPOINT');
      const tag = randomUUID().slice(0, 8);
      const walBefore = await wal();
      const [others, cpu0] = [await watchOthers(engine.ours), process.cpuUsage()];
      const r = await runFor(SECONDS, writers, (writer, i) => v.operation(tag, writer, i));
      const cpu = process.cpuUsage(cpu0);
      const self = (100 * (cpu.user + cpu.system)) / 1e6 / r.elapsed;
      const m: Measurement = { ...r, ...(await others()), self, walPerEvent: 0 };
      const [{ bytes }] = (await engine.query(`SELECT pg_wal_lsn_diff('${await wal()}', '${walBefore}')::float8 AS bytes`)) as { bytes: number }[];
      m.walPerEvent = bytes / r.count;
      rounds.get(v.label)!.push(m);
      console.error(
        `  ${engine.name}, ${writers} writers, round ${round + 1}: ${v.label}: ${fmt(r.perSecond, 0)} events/s, p50 ${fmt(r.p50, 2)} ms, ` +
          `p99 ${fmt(r.p99, 2)} ms, ${fmt(m.walPerEvent, 0)} WAL bytes/event, cores busy ${fmt(m.busy, 0)} % ` +
          `(this process ${fmt(m.self, 0)} % of one core, other processes ${fmt(m.others, 0)} % of both)`,
      );
    }
  }
  return { engine: engine.name, writers, rounds, order };
}

const RAW_TABLE = `CREATE TABLE IF NOT EXISTS bench_raw_events (LIKE es_events INCLUDING ALL)`;

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'piao-bench-pglite-'));
  const results: Measured[] = [];
  try {
    const admin = new Pool({ connectionString: db.url, max: 1 });
    admin.on('error', () => undefined);
    const settings = (
      await admin.query(
        `SELECT current_setting('server_version') AS version, current_setting('synchronous_commit') AS s, current_setting('fsync') AS f,
                current_setting('wal_sync_method') AS w, current_setting('full_page_writes') AS fpw`,
      )
    ).rows[0] as { version: string; s: string; f: string; w: string; fpw: string };

    // PostgreSQL: the raw baseline through node-pg, the appends through the store's own pool of the same size.
    if (ENGINES.has('postgres')) {
      const storage = await openStorage({ kind: 'postgres', url: db.url, poolSize: 16 });
      await admin.query(RAW_TABLE);
      const raw = new Pool({ connectionString: db.url, max: 16 });
      raw.on('error', () => undefined); // idle connections cut when the database is dropped
      const variants = [rawInsert((text, values, name) => raw.query({ text, values, name })), append(storage), appendWithRecord(storage)];
      const engine: Engine = {
        name: 'PostgreSQL',
        query: async (text) => (await admin.query(text)).rows as unknown[],
        ours: async () => [process.pid, ...(await postgresPids((text) => admin.query(text)))],
      };
      for (const writers of [16, 1]) results.push(await measure(engine, writers, variants));
      await raw.end();
      await storage.events.close();
    }
    await admin.end();

    // PGlite: the raw baseline through the same PGlite instance as the appends.
    const pglite: [string, StorageConfig][] = [
      ['PGlite in memory', { kind: 'pglite' }],
      ['PGlite on disk', { kind: 'pglite', dataDir: dir }],
    ];
    for (const [engine, config] of ENGINES.has('pglite') ? pglite : []) {
      const storage = await openStorage(config);
      await storage.sql.query(RAW_TABLE);
      const variants = [rawInsert((text, params) => storage.sql.query(text, params)), append(storage), appendUnnamed(storage), appendWithRecord(storage)];
      results.push(await measure({ name: engine, query: (text) => storage.sql.query(text), ours: async () => [process.pid] }, 16, variants));
      await storage.events.close();
    }

    console.log(
      `\nEvent store, ${SECONDS} s per measurement, median of ${ROUNDS} rounds in rotated order. PostgreSQL ${settings.version} ` +
        `(synchronous_commit=${settings.s}, fsync=${settings.f}, wal_sync_method=${settings.w}, full_page_writes=${settings.fpw}); ${machine()}\n`,
    );
    console.log(
      '| engine | writers | variant | events/s | p50 ms | p99 ms | vs raw INSERT (medians) | vs raw INSERT, each round | WAL bytes/event | both cores busy | this process (% of one core) | other processes (both cores), each round |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const m of results) {
      const [rawLabel] = m.rounds.keys();
      const raw = m.rounds.get(rawLabel)!;
      for (const [label, rounds] of m.rounds) {
        const share = (100 * median(rounds.map((r) => r.perSecond))) / median(raw.map((r) => r.perSecond));
        const each = rounds.map((r, k) => `${fmt((100 * r.perSecond) / raw[k].perSecond, 0)} %`).join(', ');
        const cells = [m.engine, m.writers, label, fmt(median(rounds.map((r) => r.perSecond)), 0), fmt(median(rounds.map((r) => r.p50)), 2)];
        const load = rounds.map((r) => `${fmt(r.others, 0)} %`).join(', ');
        const cpu = [`${fmt(median(rounds.map((r) => r.busy)), 0)} %`, `${fmt(median(rounds.map((r) => r.self)), 0)} %`];
        const tail = [`${fmt(share, 0)} %`, label === rawLabel ? '–' : each, fmt(median(rounds.map((r) => r.walPerEvent)), 0), ...cpu, load];
        console.log(`| ${[...cells, fmt(median(rounds.map((r) => r.p99)), 2), ...tail].join(' | ')} |`);
      }
    }
    console.log('\nOrder of the rounds:');
    for (const m of results) console.log(`- ${m.engine}, ${m.writers} writers: ${m.order.map((o, k) => `round ${k + 1}: ${o.join(' → ')}`).join('; ')}`);
  } finally {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
