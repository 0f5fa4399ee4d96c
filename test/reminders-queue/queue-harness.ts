import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { ManualClock, ProcessorsHost, RunOrganisationCommand } from '@piao/application';
import { DEFAULT_REMINDER_POLICY, isQuietDay, sendInstant, type ReminderPolicy } from '@piao/lifecycle';
import { DEADLINES, REMINDER_DELIVERIES_QUEUE, REMINDER_MAINTENANCE_QUEUE, REMINDERS_OPTIONS, type RemindersOptions } from '@piao/reminders';
import { type SqlClient } from '@piao/event-store';
import { startApi, type Api, type Person } from '../support/api-harness';
import { createTestDatabase } from '../support/postgres';
import { describeExit, type ProcessExit } from '../support/api-process';

/**
 * The test bed of the reminder queue: PostgreSQL, Redis (a database index and a key prefix of the test's own), a
 * real SMTP server in the test process, the API in the test process (its processors write the outbox), and the
 * worker (apps/worker) as child processes that a test can SIGKILL or SIGTERM.
 *
 * Time. Reminders go out at the policy's hour on working days, so the tests live on one fixed working day, DAY, whose
 * reminders go out at 08:00 in Rome (SEND_AT). The API's clock is a ManualClock set earlier that morning; the worker
 * gets TEST_CLOCK_OFFSET_MS so that its clock (real speed, shifted) reaches SEND_AT when the test wants: the two agree
 * on the day and both are before the send time while the test seeds. Outbox rows are seeded through the real path:
 * organisation, reminder policy (1 day before, nothing else), plan, objectives whose phases end the next day, the
 * Giunta's approval; the deadlines processor writes the outbox.
 */

const ROOT = join(__dirname, '../..');
export const DAY = '2025-03-12'; // a Wednesday, no holiday
export const PHASES_END = '2025-03-13';
export const SEND_AT = sendInstant(DAY, 8); // 07:00 UTC
export const POLICY: ReminderPolicy = {
  ...DEFAULT_REMINDER_POLICY,
  daysBefore: [1],
  onTheDay: false,
  overdueEveryDays: null,
  escalateAfterDaysOverdue: null,
  sendHour: 8,
  // The plan is opened on DAY, after the default 31/01: its approval would be overdue, and the Segretario written to at
  // once, whenever the worker catches it. Due at the end of the year, it stays out of the tests' counts.
  planApprovalDue: '12-31',
  segretarioPersonId: 'seg',
};

if (isQuietDay(DAY)) throw new Error(`${DAY} must be a working day`);

// ---------------------------------------------------------------------------------------------------------------- SMTP

import { SmtpMailbox as Mailbox } from '../support/smtp-mailbox';

export { Mailbox };
export type { ReceivedMail } from '../support/smtp-mailbox';

// ---------------------------------------------------------------------------------------------------------- the worker

export interface WorkerProcess {
  readonly pid: number;
  readonly exited: Promise<ProcessExit>;
  stdout(): string;
  stderr(): string;
  /** Resolves once the worker logged that it runs. */
  ready(timeoutMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<ProcessExit>;
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** apps/worker from the sources, as a child process. */
export function spawnWorker(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/worker/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env, NODE_ENV: 'test', TS_NODE_TRANSPILE_ONLY: '1', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  let ended: ProcessExit | undefined;
  void exited.then((exit) => (ended = exit));
  return {
    pid: child.pid ?? -1,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    async ready(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!/reminder worker running/.test(stdout)) {
        if (ended) throw new Error(`the worker ended (${describeExit(ended)}) before it ran:\n${stdout}\n${stderr}`);
        if (Date.now() > deadline) throw new Error(`the worker did not start within ${timeoutMs} ms:\n${stdout}\n${stderr}`);
        await sleep(100);
      }
    },
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export async function killWorkers(): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('close', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

// ------------------------------------------------------------------------------------------------------------ the bed

export interface Head {
  sub: string;
  name: string;
  email: string;
  unitId: string;
  objectives: number;
  phases: number;
}

export interface Bed {
  api: Api;
  clock: ManualClock;
  sql: SqlClient;
  mailbox: Mailbox;
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  redis: IORedis;
  deliveries: Queue;
  maintenance: Queue;
  /** The environment of a worker on this bed; `sendInMs`: its clock reaches SEND_AT that long after the call. */
  workerEnv(sendInMs: number, extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

/**
 * PostgreSQL, Redis (`db`: the test file's own database index, and a key prefix of its own), the SMTP server and the
 * API in this process (REDIS_URL set: it sends nothing itself).
 */
export async function openBed(options: { db: number; mailDelayMs?: number; apiEnv?: Record<string, string> }): Promise<Bed> {
  const database = await createTestDatabase();
  const prefix = `piao-test-${randomBytes(4).toString('hex')}`;
  const redisUrl = `redis://127.0.0.1:6379/${options.db}`;
  const mailbox = new Mailbox(options.mailDelayMs);
  const clock = new ManualClock(new Date(SEND_AT.getTime() - 3_600_000));
  let api: Api;
  try {
    await mailbox.start();
    api = await startApi(
      'postgres',
      { DATABASE_URL: database.url, REDIS_URL: redisUrl, REMINDER_QUEUE_PREFIX: prefix, SMTP_URL: mailbox.url, ...options.apiEnv },
      clock,
    );
  } catch (error) {
    await mailbox.stop();
    await database.drop();
    throw error;
  }
  const sql = api.app.get<RemindersOptions>(REMINDERS_OPTIONS).sql;
  const redis = new IORedis(redisUrl, { maxRetriesPerRequest: null });
  const deliveries = new Queue(REMINDER_DELIVERIES_QUEUE, { connection: redis, prefix });
  const maintenance = new Queue(REMINDER_MAINTENANCE_QUEUE, { connection: redis, prefix });
  return {
    api,
    clock,
    sql,
    mailbox,
    databaseUrl: database.url,
    redisUrl,
    prefix,
    redis,
    deliveries,
    maintenance,
    workerEnv: (sendInMs, extra = {}) => ({
      EVENT_STORE: 'postgres',
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: '10',
      REDIS_URL: redisUrl,
      REMINDER_QUEUE_PREFIX: prefix,
      SMTP_URL: mailbox.url,
      REMINDER_POLL_MS: '200',
      TEST_CLOCK_OFFSET_MS: String(SEND_AT.getTime() - sendInMs - Date.now()),
      ...extra,
    }),
    async close() {
      await killWorkers();
      await deliveries.close().catch(() => undefined);
      await maintenance.close().catch(() => undefined);
      await deleteKeys(redis, prefix).catch(() => undefined);
      redis.disconnect();
      await api.close();
      await mailbox.stop();
      await database.drop();
    },
  };
}

/** Every key of the test's prefix: what it leaves behind in Redis is nothing. */
export async function deleteKeys(redis: IORedis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/**
 * Seeds the ente through the API and the commands: the heads' units and people (with their e-mail), the Segretario,
 * the reminder policy, a plan, `objectives` objectives per head with `phases` phases each ending on PHASES_END,
 * proposed, submitted and approved; then waits for the deadlines processor. Returns the outbox rows due at SEND_AT.
 */
export async function seed(bed: Bed, ente: string, heads: Head[]): Promise<string[]> {
  const person = (sub: string, name: string, roles: Person['roles']): Person => ({ sub, name, ente, roles });
  const admin = await bed.api.as(person('admin', 'Amministratore', ['admin']));
  const seg = await bed.api.as(person('seg', 'Segretaria Generale', ['segretario']));
  const ok = async (call: Promise<{ status: number; body: Record<string, unknown> }>, status: number) => {
    const response = await call;
    if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  };
  await ok(admin.post('/organisation/people', { personId: 'seg', name: 'Segretaria Generale', email: `seg@${ente}.it` }), 201);
  for (const head of heads) {
    await ok(admin.post('/organisation/units', { unitId: head.unitId, name: `Settore ${head.unitId}`, kind: 'settore' }), 201);
    await ok(admin.post('/organisation/people', { personId: head.sub, name: head.name, email: head.email }), 201);
    await ok(admin.post('/organisation/headships', { unitId: head.unitId, personId: head.sub, from: '2025-01-01' }), 201);
  }
  const actor = { id: 'seg', name: 'Segretaria Generale', ente, roles: ['segretario' as const] };
  await bed.api.app
    .get(CommandBus)
    .execute(new RunOrganisationCommand({ type: 'AdoptReminderPolicy', policy: POLICY }, { actor, correlationId: 'seed', causationId: 'seed' }));
  const plan = await ok(seg.post('/plans', { kind: 'PEG', title: 'PEG 2025', fromYear: 2025, toYear: 2025 }), 201);
  for (const head of heads) {
    const dirigente = await bed.api.as(person(head.sub, head.name, ['dirigente']));
    for (let i = 0; i < head.objectives; i++) {
      const weight = Math.floor(100 / head.phases);
      const phases = Array.from({ length: head.phases }, (_, p) => ({
        id: `f${p + 1}`,
        description: `Fase ${p + 1}`,
        weight: p === 0 ? 100 - weight * (head.phases - 1) : weight,
        plannedEnd: PHASES_END,
      }));
      const definition = {
        title: `Obiettivo ${head.unitId} ${i + 1}`,
        responsibleUnitId: head.unitId,
        horizon: { fromYear: 2025, toYear: 2025 },
        phases,
        indicators: [{ id: 'i1', description: 'Attività svolte', target: { text: 'almeno n. 1' } }],
      };
      const objective = await ok(dirigente.post(`/plans/${plan.planId}/objectives`, { code: `${head.unitId}_${i + 1}`, definition }), 201);
      await ok(dirigente.post(`/objectives/${objective.objectiveId}/propose`), 200);
    }
  }
  await ok(seg.post(`/plans/${plan.planId}/submit`), 200);
  await ok(seg.post(`/plans/${plan.planId}/approve`, { act: { number: '31', date: '2025-03-10' } }), 200);
  await caughtUp(bed);
  const due = await bed.sql.query<{ reminder_id: string }>(
    `SELECT reminder_id FROM rem_outbox WHERE ente = $1 AND status = 'pending' AND send_at = $2 ORDER BY reminder_id`,
    [ente, SEND_AT],
  );
  const expected = heads.reduce((n, h) => n + h.objectives * h.phases, 0);
  if (due.length !== expected) throw new Error(`expected ${expected} reminders due at ${SEND_AT.toISOString()}, the outbox has ${due.length}`);
  return due.map((r) => r.reminder_id);
}

/** Until the deadlines processor has followed the whole log. */
export async function caughtUp(bed: Bed): Promise<void> {
  const host = bed.api.app.get(ProcessorsHost);
  for (;;) {
    host.poke();
    const lag = (await host.lag()).find((p) => p.name === DEADLINES);
    if (lag && lag.lagEvents === 0) return;
    await sleep(20);
  }
}

export interface OutboxCounts {
  pending: number;
  sent: number;
  failed: number;
  other: number;
}

export async function outboxOf(sql: SqlClient, ids: string[]): Promise<OutboxCounts> {
  const rows = await sql.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM rem_outbox WHERE reminder_id = ANY($1::text[]) GROUP BY status`,
    [ids],
  );
  const by = Object.fromEntries(rows.map((r) => [r.status, r.n])) as Record<string, number>;
  return { pending: by.pending ?? 0, sent: by.sent ?? 0, failed: by.failed ?? 0, other: ids.length - (by.pending ?? 0) - (by.sent ?? 0) - (by.failed ?? 0) };
}

/** Polls until `done` answers true; throws with `describe()` after timeoutMs. */
export async function until(done: () => Promise<boolean> | boolean, timeoutMs: number, describe: () => Promise<string> | string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`still not done after ${timeoutMs} ms: ${await describe()}`);
    await sleep(100);
  }
}

/**
 * What the mailbox got, per delivery key (deadline|step|person, looked up by Message-ID in rem_deliveries): the
 * distinct Message-IDs of each key, and the raw messages.
 */
export async function deliveryReport(bed: Bed, ids: string[]) {
  const deliveries = await bed.sql.query<{ delivery_key: string; message_id: string; status: string; reminder_id: string }>(
    `SELECT delivery_key, message_id, status, reminder_id FROM rem_deliveries WHERE reminder_id = ANY($1::text[])`,
    [ids],
  );
  const keyOf = new Map(deliveries.map((d) => [d.message_id, d.delivery_key]));
  const counts = bed.mailbox.countsByMessageId();
  const idsPerKey = new Map<string, Set<string>>();
  const rawPerKey = new Map<string, number>();
  for (const message of bed.mailbox.messages) {
    const key = keyOf.get(message.messageId) ?? `unknown:${message.messageId}`;
    idsPerKey.set(key, (idsPerKey.get(key) ?? new Set()).add(message.messageId));
    rawPerKey.set(key, (rawPerKey.get(key) ?? 0) + 1);
  }
  const duplicatedKeys = [...rawPerKey].filter(([, n]) => n > 1);
  return {
    deliveries,
    raw: bed.mailbox.messages.length,
    distinct: counts.size,
    keys: idsPerKey.size,
    keysWithSeveralIds: [...idsPerKey].filter(([, set]) => set.size > 1).map(([key]) => key),
    unknownKeys: [...idsPerKey.keys()].filter((k) => k.startsWith('unknown:')),
    duplicates: bed.mailbox.messages.length - counts.size,
    duplicatedKeys,
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
