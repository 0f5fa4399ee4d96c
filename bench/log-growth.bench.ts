/**
 * Does the append slow down as the log grows? The event store's append (with and without an Idempotency-Key
 * record) and raw single-row INSERTs into control tables, measured with 10,000, 200,000 and 1,000,000 events
 * already in the log and in every control table (the same rows, filled by SQL before each size), in one run.
 *
 * The control tables have the log's columns and defaults, and differ only in their unique indexes, so that what an
 * index costs as the table grows shows beside the store's own figure:
 *  - raw, as the log: `LIKE es_events INCLUDING ALL` (whatever unique indexes es_events has today);
 *  - raw, event id unique globally: primary key, (stream_id, revision) and (event_id);
 *  - raw, event id unique per stream: primary key, (stream_id, revision) and (stream_id, event_id);
 *  - raw, no event-id index: primary key and (stream_id, revision) only;
 *  - raw INSERT of the event and a command record in one statement (into the first control and a copy of
 *    command_records): the keyed append's own baseline, since it writes both.
 * Events are written as the application writes them: streams of 40 events at most (an objective's stream holds a few
 * dozen), 16 writers each moving on to a new stream after 40, ids random as the application's are (random UUIDs
 * without a key; derived from the key, so just as scattered, with one). After every measurement what it wrote is
 * deleted again (and vacuumed), so every measurement of a size starts from that size. A CHECKPOINT precedes each
 * measurement. Variants rotate from round to round; each figure is the median of the rounds.
 * Usage: npm run bench:growth [-- seconds]   (5 s per measurement; BENCH_ROUNDS=3; BENCH_LOG_SIZES=10000,200000,1000000;
 * BENCH_JSON=file also writes the figures as JSON, for the chart `npm run bench` draws)
 */
import { createHash, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Pool } from 'pg';
import { type CommandRecord } from '@piao/event-store';
import { openStorage } from '@piao/storage';
import { eventId } from '../libs/application/src/commands/event-ids';
import { createTestDatabase } from '../test/support/postgres';
import { benchData, benchMetadata } from './bench-event';
import { fmt, machine, median, runFor } from './measure';

const SECONDS = Number(process.argv[2] ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SIZES = (process.env.BENCH_LOG_SIZES ?? '10000,200000,1000000').split(',').map(Number);
const WRITERS = 16;
const STREAM_LENGTH = 40;

const metadata = benchMetadata;
const data = benchData;
const scope = { ente: 'comune-bench', subject: 'dalpiaz' };
/** A command's answer as the record keeps it (about the size of a phase progress's). */
const answer = { objectiveId: randomUUID(), revision: 3, status: 'approved', recorded: ['PhaseProgressRecorded'], note: 'x'.repeat(800) };

const COLUMNS = `transaction_id bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
  global_position bigint GENERATED ALWAYS AS IDENTITY, event_id uuid NOT NULL, stream_id text NOT NULL, revision bigint NOT NULL,
  type text NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL, stored_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (transaction_id, global_position), UNIQUE (stream_id, revision)`;
const CONTROLS: { table: string; label: string; ddl: string }[] = [
  { table: 'bench_raw_as_log', label: 'raw INSERT, indexes as the log', ddl: `CREATE TABLE bench_raw_as_log (LIKE es_events INCLUDING ALL)` },
  { table: 'bench_raw_global_id', label: 'raw INSERT, event id unique globally', ddl: `CREATE TABLE bench_raw_global_id (${COLUMNS}, UNIQUE (event_id))` },
  {
    table: 'bench_raw_stream_id',
    label: 'raw INSERT, event id unique per stream',
    ddl: `CREATE TABLE bench_raw_stream_id (${COLUMNS}, UNIQUE (stream_id, event_id))`,
  },
  { table: 'bench_raw_no_id', label: 'raw INSERT, no event-id index', ddl: `CREATE TABLE bench_raw_no_id (${COLUMNS})` },
];

const RAW_WITH_RECORD = 'raw INSERT of the event and a command record (one statement)';

const streamOf = (tag: string, writer: number, i: number) => `objective-bench-${tag}-${writer}-${Math.floor(i / STREAM_LENGTH)}`;
const revisionOf = (i: number) => i % STREAM_LENGTH;

interface Variant {
  label: string;
  /** The raw control it is compared with: what it writes, as plain INSERTs (the first control when not said). */
  control?: string;
  /** The tables it writes, emptied of the measurement's streams afterwards. */
  tables: string[];
  operation: (tag: string, writer: number, i: number) => Promise<void>;
}

interface Measurement {
  perSecond: number;
  p50: number;
  p99: number;
  walPerEvent: number;
}

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const admin = new Pool({ connectionString: db.url, max: 1 });
  admin.on('error', () => undefined);
  const raw = new Pool({ connectionString: db.url, max: WRITERS });
  raw.on('error', () => undefined);
  const storage = await openStorage({ kind: 'postgres', url: db.url, poolSize: WRITERS });
  const results = new Map<number, Map<string, Measurement[]>>();
  try {
    for (const control of CONTROLS) await admin.query(control.ddl);
    await admin.query(`CREATE TABLE bench_raw_records (LIKE command_records INCLUDING ALL)`);
    const variants: Variant[] = [
      {
        label: 'append + Idempotency-Key record',
        control: RAW_WITH_RECORD,
        tables: ['es_events', 'command_records'],
        operation: async (tag, writer, i) => {
          const key = randomUUID();
          const streamId = streamOf(tag, writer, i);
          const requestHash = createHash('sha256').update(`${streamId}:${i}`).digest('hex');
          const command: CommandRecord = { scope, key, requestHash, answer: { status: 200, body: answer }, recordedAt: new Date() };
          const id = eventId({ scope, key, requestHash }, 0);
          const expected = revisionOf(i) === 0 ? 'no-stream' : revisionOf(i) - 1;
          await storage.events.append(streamId, [{ id, type: 'PhaseProgressRecorded', data, metadata }], expected, { command });
        },
      },
      {
        label: 'append',
        tables: ['es_events'],
        operation: async (tag, writer, i) => {
          const expected = revisionOf(i) === 0 ? 'no-stream' : revisionOf(i) - 1;
          await storage.events.append(streamOf(tag, writer, i), [{ id: randomUUID(), type: 'PhaseProgressRecorded', data, metadata }], expected);
        },
      },
      ...CONTROLS.map(({ table, label }): Variant => ({
        label,
        tables: [table],
        operation: async (tag, writer, i) =>
          void (await raw.query({
            name: `insert_${table}`,
            text: `INSERT INTO ${table} (event_id, stream_id, revision, type, data, metadata) VALUES ($1::uuid, $2, $3, $4, $5::jsonb, $6::jsonb)`,
            values: [randomUUID(), streamOf(tag, writer, i), revisionOf(i), 'PhaseProgressRecorded', JSON.stringify(data), JSON.stringify(metadata)],
          })),
      })),
      {
        // The keyed append's fair baseline: its event and its command's record, in one plain statement.
        label: RAW_WITH_RECORD,
        tables: ['bench_raw_as_log', 'bench_raw_records'],
        operation: async (tag, writer, i) =>
          void (await raw.query({
            name: 'insert_with_record',
            text: `WITH e AS (INSERT INTO bench_raw_as_log (event_id, stream_id, revision, type, data, metadata) VALUES ($1::uuid, $2, $3, $4, $5::jsonb, $6::jsonb)
                     RETURNING transaction_id, global_position)
                   INSERT INTO bench_raw_records (ente, subject, key, request_hash, status, body, commit_position, prepare_position, recorded_at)
                   SELECT $7, $8, $9, $10, 200, $11, transaction_id, global_position, now() FROM e`,
            values: [
              randomUUID(),
              streamOf(tag, writer, i),
              revisionOf(i),
              'PhaseProgressRecorded',
              JSON.stringify(data),
              JSON.stringify(metadata),
              scope.ente,
              scope.subject,
              randomUUID(),
              createHash('sha256').update(`${tag}:${writer}:${i}`).digest('hex'),
              JSON.stringify(answer),
            ],
          })),
      },
    ];
    const wal = async () => ((await admin.query(`SELECT pg_current_wal_lsn()::text AS lsn`)).rows[0] as { lsn: string }).lsn;
    let filled = 0;
    for (const size of SIZES) {
      // The log and every control table get the same rows: streams of STREAM_LENGTH events, random ids.
      for (const table of ['es_events', ...CONTROLS.map((c) => c.table)]) {
        await admin.query(
          `INSERT INTO ${table} (event_id, stream_id, revision, type, data, metadata)
           SELECT gen_random_uuid(), 'objective-fill-' || (g / ${STREAM_LENGTH}), g % ${STREAM_LENGTH}, 'PhaseProgressRecorded', $1::jsonb, $2::jsonb
             FROM generate_series($3::bigint, $4::bigint - 1) AS g`,
          [JSON.stringify(data), JSON.stringify(metadata), filled, size],
        );
        await admin.query(`VACUUM ANALYZE ${table}`);
      }
      filled = size;
      console.error(`log and control tables at ${size} events`);
      const bySize = new Map<string, Measurement[]>(variants.map((v) => [v.label, []]));
      results.set(size, bySize);
      for (const v of variants) {
        const tag = `warm${randomUUID().slice(0, 6)}`;
        await runFor(1, WRITERS, (writer, i) => v.operation(tag, writer, i));
      }
      await clean(admin, variants);
      for (let round = 0; round < ROUNDS; round++) {
        for (const v of variants.map((_, k) => variants[(k + round) % variants.length])) {
          await admin.query('CHECKPOINT');
          const tag = randomUUID().slice(0, 8);
          const before = await wal();
          const r = await runFor(SECONDS, WRITERS, (writer, i) => v.operation(tag, writer, i));
          const bytes = Number((await admin.query(`SELECT pg_wal_lsn_diff($1, $2)::float8 AS b`, [await wal(), before])).rows[0].b);
          bySize.get(v.label)!.push({ perSecond: r.perSecond, p50: r.p50, p99: r.p99, walPerEvent: bytes / r.count });
          console.error(
            `  ${size} events, round ${round + 1}: ${v.label}: ${fmt(r.perSecond, 0)} events/s, p99 ${fmt(r.p99, 2)} ms, ${fmt(bytes / r.count, 0)} WAL bytes/event`,
          );
          await clean(admin, [v]);
        }
      }
    }
    const settings = (await admin.query(`SELECT current_setting('server_version') AS v, current_setting('shared_buffers') AS sb`)).rows[0] as {
      v: string;
      sb: string;
    };
    console.log(
      `\nAppend as the log grows: ${WRITERS} writers, streams of ${STREAM_LENGTH} events, ${SECONDS} s per measurement, median of ${ROUNDS} rounds ` +
        `in rotated order; PostgreSQL ${settings.v} (shared_buffers ${settings.sb}); ${machine()}\n`,
    );
    console.log(
      '| variant | ' +
        SIZES.map((s) => `events/s at ${s.toLocaleString('en')}`).join(' | ') +
        ` | ${SIZES.at(-1)!.toLocaleString('en')} vs ${SIZES[0].toLocaleString('en')} | p99 ms (each size) | WAL bytes/event (each size) | vs its raw control (each size) |`,
    );
    console.log('|---|' + SIZES.map(() => '---|').join('') + '---|---|---|---|');
    const rate = (size: number, label: string) =>
      median(
        results
          .get(size)!
          .get(label)!
          .map((m) => m.perSecond),
      );
    if (process.env.BENCH_JSON) {
      // For `npm run bench`'s chart: events/s of every variant at every size.
      const series = variants.map((v) => ({ label: v.label, points: SIZES.map((size) => ({ size, perSecond: rate(size, v.label) })) }));
      writeFileSync(process.env.BENCH_JSON, JSON.stringify({ machine: machine(), writers: WRITERS, series }, null, 2));
    }
    for (const v of variants) {
      const rates = SIZES.map((s) => rate(s, v.label));
      const p99 = SIZES.map((s) =>
        fmt(
          median(
            results
              .get(s)!
              .get(v.label)!
              .map((m) => m.p99),
          ),
          1,
        ),
      ).join(' / ');
      const walBytes = SIZES.map((s) =>
        fmt(
          median(
            results
              .get(s)!
              .get(v.label)!
              .map((m) => m.walPerEvent),
          ),
          0,
        ),
      ).join(' / ');
      const vsRaw = SIZES.map((s) => `${fmt((100 * rate(s, v.label)) / rate(s, v.control ?? CONTROLS[0].label), 0)} %`).join(' / ');
      console.log(
        `| ${v.label} | ${rates.map((r) => fmt(r, 0)).join(' | ')} | ${fmt((100 * rates.at(-1)!) / rates[0], 0)} % | ${p99} | ${walBytes} | ${vsRaw} |`,
      );
    }
  } finally {
    await storage.events.close();
    await raw.end();
    await admin.end();
    await db.drop();
  }
}

/** Deletes what the measurements wrote (their streams, their records), so that the next one starts from the size. */
async function clean(admin: Pool, variants: Variant[]): Promise<void> {
  for (const table of new Set(variants.flatMap((v) => v.tables))) {
    if (table === 'command_records' || table === 'bench_raw_records') await admin.query(`DELETE FROM ${table} WHERE ente = 'comune-bench'`);
    else await admin.query(`DELETE FROM ${table} WHERE stream_id LIKE 'objective-bench-%'`);
    await admin.query(`VACUUM ${table}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
