import { randomUUID } from 'node:crypto';
import { type Client } from 'pg';
import { startApi, type Api, type AuthorisedClient } from '../support/api-harness';
import {
  checkAgainstLog,
  cutConnections,
  databaseOf,
  eventsByCorrelation,
  observer,
  report,
  tally,
  tcpProxy,
  untilAnswered,
  withApplicationName,
  type Attempt,
  type CommandLog,
  type TcpProxy,
  type FaultOp,
} from '../support/faults';
import { createTestDatabase } from '../support/postgres';
import { definition, seedEnte, type Ente } from '../support/scenario';

/**
 * "Exactly once under faults", with connections cut: the API runs in this process on PostgreSQL while its connections
 * are cut every 100–300 ms, first by an admin session terminating every backend of its database
 * (pg_terminate_backend), then at the network by a TCP proxy that drops them with whatever is in flight. 20 clients
 * send 20 commands each, every command with its own Idempotency-Key and X-Correlation-Id, and resend it (same key)
 * on 503 until it gets a 2xx or a 4xx. A connection lost mid-append leaves its commit unknown to the API: the 503 and
 * the retry must neither lose nor double it.
 */

const CLIENTS = 20;
const COMMANDS_PER_CLIENT = 20;
/** How long a command may keep getting 503s before the test gives up on it (it then counts as unanswered). */
const COMMAND_DEADLINE_MS = 60_000;

type Op = FaultOp;

describe('exactly once while the API’s database connections are cut (PostgreSQL, in process)', () => {
  const dbs: Awaited<ReturnType<typeof createTestDatabase>>[] = [];
  const apis: Api[] = [];
  let proxy: TcpProxy | undefined;

  afterAll(async () => {
    for (const api of apis) await api.close();
    await proxy?.close();
    for (const db of dbs) await db.drop();
  });

  /** The commands of client `i`: its own objective's cycle, contended ones on the seeded plan and objective, refusals. */
  function opsOf(e: Ente, i: number): Op[] {
    const code = `CUT_${i}`;
    const ops: Op[] = [
      {
        label: 'draft',
        who: 'dirigente',
        path: `/plans/${e.planId}/objectives`,
        body: { code, definition: definition() },
        events: ['ObjectiveDrafted', 'ObjectiveAttached'],
      },
      {
        label: 'update-draft',
        who: 'dirigente',
        path: `/objectives/{own}/draft`,
        body: { definition: { ...definition(), title: `Obiettivo ${i}` } },
        events: ['ObjectiveDraftUpdated'],
      },
      { label: 'propose', who: 'dirigente', path: `/objectives/{own}/propose`, body: {}, events: ['ObjectiveProposed'] },
      { label: 'propose-again', who: 'dirigente', path: `/objectives/{own}/propose`, body: { reason: 'again' }, events: [], refused: true },
    ];
    const cycle: ((n: number) => Op)[] = [
      (n) => ({
        label: 'phase-progress',
        who: 'dirigente',
        path: `/objectives/${e.objectiveId}/phase-progress`,
        body: { phaseId: n % 2 ? 'f1' : 'f2', progressPercent: (i + n) % 100 },
        events: ['PhaseProgressRecorded'],
      }),
      (n) => ({
        label: 'indicator-value',
        who: 'dirigente',
        path: `/objectives/${e.objectiveId}/indicator-values`,
        body: { indicatorId: 'i1', value: String(i * 100 + n), asOf: '2025-07-31' },
        events: ['IndicatorValueRecorded'],
      }),
      (n) => ({
        label: 'unknown-phase',
        who: 'dirigente',
        path: `/objectives/${e.objectiveId}/phase-progress`,
        body: { phaseId: 'f9', progressPercent: n },
        events: [],
        refused: true,
      }),
      (n) => ({
        label: 'open-plan',
        who: 'segretario',
        path: '/plans',
        body: { kind: 'PDO', title: `PDO ${i}.${n}`, fromYear: 2026, toYear: 2026 },
        events: ['PlanOpened'],
      }),
      () => ({
        label: 'unknown-unit',
        who: 'dirigente',
        path: `/plans/${e.planId}/objectives`,
        body: { definition: definition('nowhere') },
        events: [],
        refused: true,
      }),
      () => ({
        label: 'draft-uncoded',
        who: 'dirigente',
        path: `/plans/${e.planId}/objectives`,
        body: { definition: definition() },
        events: ['ObjectiveDrafted', 'ObjectiveAttached'],
      }),
    ];
    for (let n = 0; ops.length < COMMANDS_PER_CLIENT; n++) ops.push(cycle[n % cycle.length](n));
    return ops;
  }

  async function attempt(client: AuthorisedClient, path: string, body: object, headers: Record<string, string>): Promise<Attempt> {
    try {
      const response = await client.post(path, body, headers).timeout(30_000);
      return { status: response.status, headers: response.headers as Record<string, string>, body: response.body as unknown };
    } catch (error) {
      return { status: 0, headers: {}, body: undefined, error: (error as Error).message };
    }
  }

  /**
   * 20 clients × 20 commands while `cut` runs (it returns what stops it): no 500, every 2xx stored once, every 4xx not
   * at all, 503s with Retry-After and a problem body, and ready again once the cuts stop, with nothing restarted.
   */
  async function underCuts(name: string, api: Api, e: Ente, url: string, cut: () => Promise<{ stop(): Promise<string> }>) {
    const cutter = await cut();
    const logs: (CommandLog & { op: Op })[] = [];
    const violations: string[] = [];
    const started = performance.now();
    let cuts: string;
    try {
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, i) => {
          let own: string | undefined;
          for (const op of opsOf(e, i)) {
            const path = op.path.replace('{own}', own ?? randomUUID());
            const log: CommandLog & { op: Op } = {
              op,
              label: `client ${i} ${op.label} ${path}`,
              correlationId: `cut-${i}-${randomUUID()}`,
              key: randomUUID(),
              attempts: [],
            };
            logs.push(log);
            const client = e.as[op.who];
            const headers = { 'Idempotency-Key': log.key, 'X-Correlation-Id': log.correlationId };
            await untilAnswered(log, () => attempt(client, path, op.body, headers), {
              deadline: performance.now() + COMMAND_DEADLINE_MS,
              retryLost: false,
              pauseMs: () => 20 + Math.random() * 80,
              violations,
            });
            if (op.label === 'draft' && log.final && log.final.status < 300) own = (log.final.body as { objectiveId: string }).objectiveId;
          }
        }),
      );
    } finally {
      cuts = await cutter.stop();
    }
    const loadMs = Math.round(performance.now() - started);

    // After the cuts: ready again, with nothing restarted.
    let ready = 0;
    for (const deadline = Date.now() + 20_000; ready !== 200 && Date.now() < deadline;) {
      ready = (await api.anonymous().get('/health/ready')).status;
      if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
    }

    const pg: Client = await observer(url);
    let stored;
    try {
      stored = await eventsByCorrelation(
        pg,
        logs.map((l) => l.correlationId),
      );
    } finally {
      await pg.end();
    }
    const counts = tally(logs);
    const found = checkAgainstLog(logs, stored, (log) => (log as (typeof logs)[number]).op.events);
    const notRefused = logs.filter((l) => l.op.refused && l.final && l.final.status < 300).map((l) => `${l.label} answered ${l.final!.status}`);
    const finals: Record<string, number> = {};
    for (const l of logs) finals[l.final?.status ?? 'none'] = (finals[l.final?.status ?? 'none'] ?? 0) + 1;
    const retriedThenReplayed = logs.filter((l) => l.attempts.length > 1 && l.final?.headers['idempotency-replayed'] === 'true').length;
    report(
      `${name}: ${counts.commands} commands in ${loadMs} ms, ${counts.attempts} requests (${counts.attempts - counts.commands} retries); ` +
        `final answers ${JSON.stringify(finals)}; 503 answers ${counts.unavailable}; replayed after a 503 ${retriedThenReplayed}; ` +
        `other 5xx ${counts.serverErrors}; ${cuts}`,
    );

    expect(counts.commands).toBe(CLIENTS * COMMANDS_PER_CLIENT);
    expect(
      logs.flatMap((l) => l.attempts.filter((a) => a.status >= 500 && a.status !== 503).map((a) => `${l.label}: ${a.status} ${JSON.stringify(a.body)}`)),
    ).toEqual([]);
    expect(logs.filter((l) => !l.final).map((l) => `${l.label}: ${l.attempts.map((a) => a.status || a.error).join(', ')}`)).toEqual([]);
    expect(found).toEqual({ lost: [], doubled: [], refusedButStored: [], other: [] });
    expect(notRefused).toEqual([]);
    expect(violations).toEqual([]);
    expect(ready).toBe(200);
    // The faults did happen: commands were answered 503 (then retried).
    expect(counts.unavailable).toBeGreaterThan(0);
    // This API's processors would otherwise keep polling (and reconnecting) through the next test.
    await api.close();
    apis.splice(apis.indexOf(api), 1);
    return { counts, retriedThenReplayed };
  }

  it('backends terminated every 100–300 ms by pg_terminate_backend: 20 clients × 20 commands, retried on 503, each stored once or not at all', async () => {
    const db = await createTestDatabase();
    dbs.push(db);
    const api = await startApi('postgres', { DATABASE_URL: withApplicationName(db.url, 'api-under-cuts') });
    apis.push(api);
    const e = await seedEnte(api, 'comune-tagli');
    let terminated = 0;
    await underCuts('pg_terminate_backend', api, e, db.url, async () => {
      const cutter = await cutConnections(databaseOf(db.url), () => 100 + Math.random() * 200);
      return {
        async stop() {
          await cutter.stop();
          terminated = cutter.terminated;
          return `${cutter.rounds} cuts terminated ${cutter.terminated} backends`;
        },
      };
    });
    expect(terminated).toBeGreaterThan(0);
  }, 240_000);

  it('connections dropped at the network every 300–600 ms, answers in flight included: the same, with commits the API never heard of', async () => {
    const db = await createTestDatabase();
    dbs.push(db);
    const target = new URL(db.url);
    proxy = await tcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    const api = await startApi('postgres', { DATABASE_URL: viaProxy.toString() });
    apis.push(api);
    const e = await seedEnte(api, 'comune-rete');
    const p = proxy;
    let dropped = 0;
    const { retriedThenReplayed } = await underCuts('TCP proxy', api, e, db.url, async () => {
      let stopped = false;
      let rounds = 0;
      const loop = (async () => {
        while (!stopped) {
          // Every 300–600 ms: at 100–300 ms a command that drafts into the plan every client shares (a new connection
          // through the proxy, several round trips, contention on the plan's stream) could starve on a slower machine
          // (seen on this one at 091ea04 too), which proves nothing about exactly-once.
          await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 300));
          if (stopped) break;
          dropped += p.cutAll();
          rounds += 1;
        }
      })();
      return {
        async stop() {
          stopped = true;
          await loop;
          return `${rounds} cuts dropped ${dropped} connections (of ${p.opened} opened)`;
        },
      };
    });
    expect(dropped).toBeGreaterThan(0);
    // Some commands committed while their answer was lost (a 503), and their retry got the stored answer back.
    expect(retriedThenReplayed).toBeGreaterThan(0);
    // Every connection is dropped about twice a second, so each command may take several tries (50–100 s in all on a
    // 2-core machine): the bound is what a client would tolerate, not a speed claim; each command has its own deadline.
  }, 240_000);
});
