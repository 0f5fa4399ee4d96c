/**
 * How fast a follower of the log catches up, against the raw read of the same log in the same run: the cost of
 * what a processor adds to reading (the log horizon before each page, the lease, the checkpoint's transaction
 * after each batch), apart from its own work. A log of 1,000,000 events (streams of 40, filled by SQL), then:
 *  - raw read: `SELECT … ORDER BY (transaction_id, global_position) LIMIT n` page after page, as `readAll` pages
 *    without its horizon, through the same pool;
 *  - `EventStore.readAll`: the same pages with the log horizon taken before each;
 *  - a follower that does nothing with its events (transactional, its checkpoint moved in each batch's
 *    transaction; idempotent, moved after), caught up from the start of the log by `ProcessorRunner.catchUp`.
 * At several fixed batch sizes, then as the processors run it: batches of 500 doubled after each full one up to the
 * runner's catch-up size (8,000), against the raw read in pages of that size. Each figure is the median of
 * BENCH_ROUNDS rounds (3), the variants rotated.
 * Usage: npm run bench:followers [-- events]   (1,000,000 by default; BENCH_BATCHES=500,2000,10000)
 */
import { randomUUID } from 'node:crypto';
import { ProcessorRunner, SystemClock, type Processor } from '@piao/application';
import { LOG_START, type LogPosition } from '@piao/event-store';
import { openStorage } from '@piao/storage';
import { createTestDatabase } from '../test/support/postgres';
import { benchData, benchMetadata } from './bench-event';
import { fmt, machine, median } from './measure';

const EVENTS = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BATCHES = (process.env.BENCH_BATCHES ?? '500,2000,10000').split(',').map(Number);
/** The runner's catch-up size for a processor that names none (DEFAULT_CATCH_UP_BATCH_SIZE in processor-runner.ts). */
const CATCH_UP = 8_000;

const metadata = benchMetadata;
const data = benchData;

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const storage = await openStorage({ kind: 'postgres', url: db.url, poolSize: 4 });
  const sql = storage.sql;
  try {
    console.error(`filling the log with ${EVENTS.toLocaleString('en')} events…`);
    for (let from = 0; from < EVENTS; from += 100_000) {
      // One transaction per 100,000 events, as many commits would: followers page across transaction ids too.
      await sql.query(
        `INSERT INTO es_events (event_id, stream_id, revision, type, data, metadata)
         SELECT gen_random_uuid(), 'objective-fill-' || (g / 40), g % 40, 'PhaseProgressRecorded', $1::jsonb, $2::jsonb
           FROM generate_series($3::bigint, $4::bigint - 1) AS g`,
        [JSON.stringify(data), JSON.stringify(metadata), from, Math.min(EVENTS, from + 100_000)],
      );
    }
    await sql.query(`VACUUM ANALYZE es_events`);

    const rawRead = async (batch: number): Promise<number> => {
      let after: LogPosition = LOG_START;
      let read = 0;
      for (;;) {
        const rows = await sql.query<{ c: string; p: string }>(
          `SELECT transaction_id::text AS c, global_position::text AS p, event_id::text AS event_id, stream_id, revision::integer AS revision, type, data, metadata
             FROM es_events WHERE (transaction_id, global_position) > ($1::bigint, $2::bigint)
            ORDER BY transaction_id, global_position LIMIT $3`,
          [after.commit.toString(), after.prepare.toString(), batch],
          'bench_raw_read',
        );
        if (rows.length === 0) return read;
        read += rows.length;
        after = { commit: BigInt(rows[rows.length - 1].c), prepare: BigInt(rows[rows.length - 1].p) };
      }
    };
    const readAll = async (batch: number): Promise<number> => {
      let after: LogPosition = LOG_START;
      let read = 0;
      for (;;) {
        const events = await storage.events.readAll(after, batch);
        if (events.length === 0) return read;
        read += events.length;
        after = events[events.length - 1].position;
      }
    };
    const follower =
      (mode: 'transactional' | 'idempotent', growing = false) =>
      async (batch: number) => {
        const processor: Processor = {
          name: `bench-follower-${randomUUID().slice(0, 8)}`,
          mode,
          batchSize: batch,
          // Fixed batches unless growing: then the runner's own default catch-up size.
          ...(growing ? {} : { catchUpBatchSize: batch }),
          handle: async () => undefined,
        };
        const runner = new ProcessorRunner(processor, storage.events, storage.processors, new SystemClock(), { holder: 'bench', leaseMs: 60_000 });
        await runner.catchUp();
        await runner.stop();
        return (await storage.processors.checkpoint(processor.name)).events;
      };
    const variants: [string, (batch: number) => Promise<number>][] = [
      ['raw read (paged SELECT)', rawRead],
      ['EventStore.readAll (log horizon before each page)', readAll],
      ['follower, transactional (checkpoint in the batch’s transaction)', follower('transactional')],
      ['follower, idempotent (checkpoint after the batch)', follower('idempotent')],
    ];

    const rates = new Map<string, number[]>();
    /**
     * Each round's rate against the raw read of the same round, then their median: the machine's speed drifts from
     * round to round (±10 % here), and a ratio within one round cancels most of that drift.
     */
    const pairedRatios = (key: string, rawKey: string) => {
      const [mine, raw] = [rates.get(key)!, rates.get(rawKey)!];
      const ratios = mine.map((rate, round) => (100 * rate) / raw[round]);
      return `${ratios.map((r) => `${fmt(r, 0)} %`).join(', ')}; **${fmt(median(ratios), 0)} %**`;
    };
    const measure = async (group: string, batch: number, list: [string, (batch: number) => Promise<number>][]) => {
      for (let round = 0; round < ROUNDS; round++) {
        for (const [label, run] of list.map((_, k) => list[(k + round) % list.length])) {
          const t0 = performance.now();
          const n = await run(batch);
          const perSecond = n / ((performance.now() - t0) / 1000);
          if (n !== EVENTS) throw new Error(`${label} read ${n} events of ${EVENTS}`);
          rates.set(`${group}|${label}`, [...(rates.get(`${group}|${label}`) ?? []), perSecond]);
          console.error(`  ${group}, round ${round + 1}: ${label}: ${fmt(perSecond, 0)} events/s`);
        }
      }
    };
    for (const batch of BATCHES) await measure(String(batch), batch, variants);
    const growing: [string, (batch: number) => Promise<number>][] = [
      [`raw read (paged SELECT, pages of ${CATCH_UP.toLocaleString('en')})`, () => rawRead(CATCH_UP)],
      ['follower, transactional', follower('transactional', true)],
      ['follower, idempotent', follower('idempotent', true)],
    ];
    await measure('growing', 500, growing);
    console.log(`\nFollowers catching up with ${EVENTS.toLocaleString('en')} events, median of ${ROUNDS} rounds in rotated order; ${machine()}\n`);
    console.log('| batch | variant | events/s | vs raw read, same batch | vs the raw read of the same round: each round, median |');
    console.log('|---|---|---|---|---|');
    for (const batch of BATCHES) {
      const raw = median(rates.get(`${batch}|${variants[0][0]}`)!);
      for (const [label] of variants) {
        const rate = median(rates.get(`${batch}|${label}`)!);
        const paired = pairedRatios(`${batch}|${label}`, `${batch}|${variants[0][0]}`);
        console.log(`| ${batch.toLocaleString('en')} | ${label} | ${fmt(rate, 0)} | ${fmt((100 * rate) / raw, 0)} % | ${paired} |`);
      }
    }
    console.log(
      `\nAs the processors run it (a processor that names no catch-up size): batches of 500, twice as large after each full one, up to ${CATCH_UP.toLocaleString('en')}; against the raw read in pages of ${CATCH_UP.toLocaleString('en')} and of 500\n`,
    );
    console.log('| variant | events/s | vs raw read, same final page | vs raw read, pages of 500 | vs the raw read of the same round: each round, median |');
    console.log('|---|---|---|---|---|');
    const rawFinal = median(rates.get(`growing|${growing[0][0]}`)!);
    const raw500 = rates.has(`500|${variants[0][0]}`) ? median(rates.get(`500|${variants[0][0]}`)!) : undefined;
    for (const [label] of growing) {
      const rate = median(rates.get(`growing|${label}`)!);
      const vs500 = raw500 ? `${fmt((100 * rate) / raw500, 0)} %` : '–';
      console.log(
        `| ${label} | ${fmt(rate, 0)} | ${fmt((100 * rate) / rawFinal, 0)} % | ${vs500} | ${pairedRatios(`growing|${label}`, `growing|${growing[0][0]}`)} |`,
      );
    }
  } finally {
    await storage.events.close();
    await db.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
