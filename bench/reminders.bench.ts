/**
 * Reminders, end to end on PostgreSQL and Redis, with the worker as its own process (dist/apps/worker) as in production:
 *  1. schedule: the deadlines processor follows a log holding 100,000 deadlines (10,000 approved objectives × 10)
 *     into the outbox, then the worker, its clock an hour before the busiest send time of the year, puts the
 *     reminders within the queue's horizon (24 h) into Redis as delayed jobs: time of each, jobs, Redis memory;
 *  2. reconcile: Redis flushed (FLUSHDB) with the rest of the year pending, the worker restarted: time until every
 *     pending reminder within the horizon is a job again;
 *  3. burst: 10,000 reminders due at the same instant (08:00 of a working day), delivered to a real SMTP server (smtp-server, in this
 *     process): throughput, and p50/p99 of delivery minus due time. The worker's clock is shifted (NODE_ENV=test,
 *     TEST_CLOCK_OFFSET_MS) to 30 s before 08:00 of a working day, so that the bench runs on any day.
 * Usage: npm run bench:reminders [-- objectives]   (default 10,000; 10 deadlines each); BENCH_BURST sets the burst's
 * reminders (10,000 by default); BENCH_ONLY=schedule or burst runs one part. Needs `npm run build` first (the npm
 * script does it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { ProcessorRunner, SystemClock } from '@piao/application';
import { type EventMetadata, type EventStore, type NewEvent } from '@piao/event-store';
import {
  DEFAULT_REMINDER_POLICY,
  objectiveStreamId,
  organisationStreamId,
  planStreamId,
  sendInstant,
  workingDayFrom,
  type ObjectiveDefinition,
  type ReminderPolicy,
} from '@piao/lifecycle';
import { DeadlinesProcessor, REMINDER_MIGRATIONS } from '@piao/reminders';
import { openStorage, type Storage } from '@piao/storage';
import { createTestDatabase } from '../test/support/postgres';
import { SmtpMailbox } from '../test/support/smtp-mailbox';
import { fmt, machine, Samples } from './measure';

const OBJECTIVES = Number(process.argv[2] ?? 10_000);
const REDIS = 'redis://127.0.0.1:6379';
const UNITS = ['welfare', 'cultura', 'bilancio', 'entrate', 'polizia-locale', 'lavori-pubblici', 'urbanistica', 'segreteria'];
const ROOT = join(__dirname, '..');
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

function metadata(ente: string, occurredAt: string): EventMetadata {
  return {
    actor: { id: 'seg', name: 'Segretaria', role: 'segretario' },
    ente,
    occurredAt,
    recordedAt: new Date().toISOString(),
    correlationId: randomUUID(),
    causationId: randomUUID(),
    schemaVersion: 1,
  };
}

const event = (ente: string, type: string, data: object, on = '2026-11-02'): NewEvent => ({ id: randomUUID(), type, data, metadata: metadata(ente, on) });

/**
 * An ente with its units, heads and policy, and a plan approved by the Giunta with `objectives` objectives whose
 * `phaseEnds` phases end on those dates: the events as the commands would have written them.
 */
async function writeEnte(store: EventStore, ente: string, year: number, objectives: number, phaseEnds: string[], policy: ReminderPolicy): Promise<number> {
  const organisation = [
    ...UNITS.map((unitId) => event(ente, 'UnitCreated', { unitId, name: `Settore ${unitId}`, kind: 'settore' })),
    event(ente, 'PersonRegistered', { personId: 'seg', name: 'Segretaria', email: 'seg@bench.it' }),
    ...UNITS.map((unitId) => event(ente, 'PersonRegistered', { personId: `head-${unitId}`, name: `Dirigente ${unitId}`, email: `${unitId}@bench.it` })),
    ...UNITS.map((unitId) => event(ente, 'UnitHeadAssigned', { unitId, personId: `head-${unitId}`, from: '2026-01-01' })),
    event(ente, 'ReminderPolicyAdopted', { policy: { ...policy, segretarioPersonId: 'seg' } }),
  ];
  await store.append(organisationStreamId(ente), organisation, 'no-stream');
  const planId = randomUUID();
  await store.append(
    planStreamId(planId),
    [event(ente, 'PlanOpened', { planId, ente, kind: 'PEG', title: `PEG ${year}`, fromYear: year, toYear: year })],
    'no-stream',
  );
  const ids = Array.from({ length: objectives }, () => randomUUID());
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < ids.length; i = next++) {
      const definition: ObjectiveDefinition = {
        title: `Obiettivo ${i}`,
        responsibleUnitId: UNITS[i % UNITS.length],
        horizon: { fromYear: year, toYear: year },
        phases: phaseEnds.map((plannedEnd, n) => ({ id: `f${n + 1}`, description: `Fase ${n + 1}`, plannedEnd, weight: 100 / phaseEnds.length })),
        indicators: [{ id: 'i1', description: 'Pratiche evase', target: { text: 'almeno 10' } }],
      };
      const code = `OB_${String(i).padStart(6, '0')}`;
      await store.append(
        objectiveStreamId(ids[i]),
        [
          event(ente, 'ObjectiveDrafted', { objectiveId: ids[i], planId, ente, code, definition, warnings: [] }),
          event(ente, 'ObjectiveProposed', {}),
          event(ente, 'ObjectiveApprovedByGiunta', { act: { number: '1', date: '2026-11-02' } }),
        ],
        'no-stream',
      );
    }
  };
  await Promise.all(Array.from({ length: 16 }, lane));
  for (let from = 0; from < ids.length; from += 1_000) {
    const attached = ids
      .slice(from, from + 1_000)
      .map((objectiveId, n) => event(ente, 'ObjectiveAttached', { objectiveId, code: `OB_${String(from + n).padStart(6, '0')}` }));
    await store.append(planStreamId(planId), attached, 'any');
  }
  await store.append(
    planStreamId(planId),
    [event(ente, 'PlanSubmitted', { objectiveCount: objectives }), event(ente, 'PlanApprovedByGiunta', { act: { number: '1', date: '2026-11-02' } })],
    'any',
  );
  return organisation.length + 3 * objectives + objectives + 3;
}

async function followDeadlines(storage: Storage): Promise<number> {
  const t0 = performance.now();
  const runner = new ProcessorRunner(new DeadlinesProcessor(), storage.events, storage.processors, new SystemClock(), { holder: 'bench', leaseMs: 120_000 });
  await runner.catchUp();
  await runner.stop();
  return (performance.now() - t0) / 1000;
}

function startWorker(url: string, redisDb: number, env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, [join(ROOT, 'dist/apps/worker/src/main.js')], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      EVENT_STORE: 'postgres',
      DATABASE_URL: url,
      REDIS_URL: `${REDIS}/${redisDb}`,
      REMINDER_QUEUE_PREFIX: 'bench',
      LOG_LEVEL: 'warn',
      RUN_PROCESSORS: 'false',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return child;
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const count = async (storage: Storage, where: string) =>
  Number((await storage.sql.query<{ n: string }>(`SELECT count(*) AS n FROM rem_outbox WHERE ${where}`))[0].n);
const jobs = async (redis: IORedis) => (await redis.zcard('bench:reminder-deliveries:delayed')) + (await redis.llen('bench:reminder-deliveries:wait'));
const usedMemory = async (redis: IORedis) => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);

async function scheduleAndReconcile(report: (...rows: string[]) => void): Promise<void> {
  const db = await createTestDatabase();
  const storage = await openStorage({ kind: 'postgres', url: db.url, poolSize: 20 });
  const redis = new IORedis(`${REDIS}/9`);
  let worker: ChildProcess | undefined;
  try {
    await storage.sql.migrate(REMINDER_MIGRATIONS);
    await redis.flushdb();
    // 8 phases, the 31/07 monitoring and the year-end report: 10 deadlines an objective, all in 2027.
    const phaseEnds = ['2027-02-26', '2027-03-31', '2027-04-30', '2027-05-28', '2027-06-30', '2027-09-30', '2027-10-29', '2027-11-30'];
    let t0 = performance.now();
    const events = await writeEnte(storage.events, 'comune-bench', 2027, OBJECTIVES, phaseEnds, DEFAULT_REMINDER_POLICY);
    console.error(`${events.toLocaleString('en')} events written in ${fmt((performance.now() - t0) / 1000)} s`);
    const follow = await followDeadlines(storage);
    const deadlines = Number((await storage.sql.query<{ n: string }>(`SELECT count(*) AS n FROM rem_deadlines WHERE due_on IS NOT NULL`))[0].n);
    const pending = await count(storage, `status = 'pending'`);
    console.error(`deadlines processor: ${deadlines} deadlines, ${pending} reminders in ${fmt(follow)} s`);

    // The worker's clock: an hour before the busiest send time of the year, the rows before it already sent (as they
    // would be that morning). The queue's horizon (REMINDER_QUEUE_HORIZON_HOURS, 24) then takes that day's reminders;
    // the rest of the year waits in the outbox.
    const [{ send_at: busiest }] = await storage.sql.query<{ send_at: Date }>(
      `SELECT send_at FROM rem_outbox WHERE status = 'pending' GROUP BY send_at ORDER BY count(*) DESC, send_at LIMIT 1`,
    );
    await storage.sql.query(`UPDATE rem_outbox SET status = 'sent', settled_at = send_at WHERE status = 'pending' AND send_at < $1`, [busiest]);
    const offset = busiest.getTime() - 3_600_000 - Date.now();
    const horizon = new Date(busiest.getTime() + 23 * 3_600_000);
    const left = await count(storage, `status = 'pending'`);
    const within = await count(storage, `status = 'pending' AND send_at <= '${horizon.toISOString()}'`);

    const before = await usedMemory(redis);
    t0 = performance.now();
    worker = startWorker(db.url, 9, { TEST_CLOCK_OFFSET_MS: String(offset) });
    await until(
      async () =>
        (await count(storage, `status = 'pending' AND queued_at IS NULL AND send_at <= '${horizon.toISOString()}'`)) === 0 && (await jobs(redis)) >= within,
      'the jobs',
    );
    const queued = (performance.now() - t0) / 1000;
    const memory = (await usedMemory(redis)) - before;
    const inRedis = await jobs(redis);
    report(
      `| schedule: deadlines processor → outbox | ${deadlines.toLocaleString('en')} deadlines → ${pending.toLocaleString('en')} reminders | ${fmt(follow)} s (${fmt(pending / follow, 0)} reminders/s) |`,
      `| schedule: worker start → the next 24 h of reminders as delayed jobs (clock an hour before the busiest send time, ${busiest.toISOString()}) | ${left.toLocaleString('en')} pending, ${inRedis.toLocaleString('en')} jobs | ${fmt(queued)} s; Redis +${mb(memory)} MiB (${fmt(memory / Math.max(1, inRedis), 0)} B/job) |`,
    );

    await stopWorker(worker);
    await redis.flushdb();
    t0 = performance.now();
    worker = startWorker(db.url, 9, { TEST_CLOCK_OFFSET_MS: String(offset) });
    await until(async () => (await jobs(redis)) >= within, 'the reconciled jobs');
    const reconciled = (performance.now() - t0) / 1000;
    report(
      `| reconcile: FLUSHDB, worker restarted → every pending reminder within the horizon a job again | ${left.toLocaleString('en')} pending, ${within.toLocaleString('en')} within 24 h | ${fmt(reconciled)} s |`,
    );
  } finally {
    if (worker) await stopWorker(worker);
    await redis.flushdb();
    redis.disconnect();
    await storage.sql.close();
    await db.drop();
  }
}

async function burst(report: (...rows: string[]) => void): Promise<void> {
  const db = await createTestDatabase();
  const storage = await openStorage({ kind: 'postgres', url: db.url, poolSize: 20 });
  const redis = new IORedis(`${REDIS}/10`);
  const mailbox = await SmtpMailbox.start();
  let worker: ChildProcess | undefined;
  try {
    await storage.sql.migrate(REMINDER_MIGRATIONS);
    await redis.flushdb();
    // A working day in the future; every phase ends that day and the policy writes only on the day: one reminder each.
    const day = workingDayFrom(new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10));
    const dueAt = sendInstant(day, 8);
    const policy: ReminderPolicy = { ...DEFAULT_REMINDER_POLICY, daysBefore: [], onTheDay: true, overdueEveryDays: null, escalateAfterDaysOverdue: null };
    const burstSize = Number(process.env.BENCH_BURST ?? 10_000);
    await writeEnte(
      storage.events,
      'comune-burst',
      Number(day.slice(0, 4)),
      burstSize / 10,
      Array.from({ length: 10 }, () => day),
      policy,
    );
    await followDeadlines(storage);
    const due = await count(storage, `status = 'pending' AND send_at = '${dueAt.toISOString()}'`);
    // The worker's clock: 30 s before the reminders are due.
    const offset = dueAt.getTime() - 30_000 - Date.now();
    worker = startWorker(db.url, 10, { SMTP_URL: mailbox.url, TEST_CLOCK_OFFSET_MS: String(offset) });
    await until(async () => (await count(storage, `status = 'pending' AND send_at = '${dueAt.toISOString()}'`)) === 0, 'the burst', 900_000);
    // The burst's messages: those received from the due time on (by the worker's clock). The ente's deadlines already
    // past when the worker starts (its plan's approval, the 31/07 monitoring) are written to at once, 30 s earlier,
    // and are left out.
    const burstMessages = mailbox.messages.filter((m) => m.receivedAt + offset >= dueAt.getTime());
    const delays = new Samples();
    for (const m of burstMessages) delays.add(m.receivedAt + offset - dueAt.getTime());
    const allOutAfter = Math.max(...burstMessages.map((m) => m.receivedAt + offset - dueAt.getTime()));
    const distinct = new Set(burstMessages.map((m) => m.messageId)).size;
    report(
      `| burst: reminders due at the same instant → SMTP server (worker concurrency ${process.env.REMINDER_WORKER_CONCURRENCY ?? 'default'}) | ${due.toLocaleString('en')} reminders, ${burstMessages.length.toLocaleString('en')} messages (${distinct.toLocaleString('en')} distinct) | all out ${fmt(allOutAfter / 1000)} s after the due time (${fmt(burstMessages.length / (allOutAfter / 1000), 0)} messages/s); delivery − due time p50 ${fmt(delays.percentile(50) / 1000)} s, p99 ${fmt(delays.percentile(99) / 1000)} s |`,
    );
  } finally {
    if (worker) await stopWorker(worker);
    await mailbox.stop();
    await redis.flushdb();
    redis.disconnect();
    await storage.sql.close();
    await db.drop();
  }
}

async function main(): Promise<void> {
  console.log(`\nMachine: ${machine()}; PostgreSQL and Redis local; worker concurrency ${process.env.REMINDER_WORKER_CONCURRENCY ?? 'default'}\n`);
  console.log('| what | size | figures |');
  console.log('|---|---|---|');
  // Each row is printed as soon as it is measured: a long run stopped halfway keeps what it measured.
  const report = (...rows: string[]) => rows.forEach((row) => console.log(row));
  if (process.env.BENCH_ONLY !== 'burst') await scheduleAndReconcile(report);
  if (process.env.BENCH_ONLY !== 'schedule') await burst(report);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
