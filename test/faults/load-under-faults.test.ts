import { randomUUID } from 'node:crypto';
import { type Client } from 'pg';
import { mintDevelopmentToken } from '../../apps/api/src/auth/development-token';
import { API_PROCESS_SECRET, describeExit, killApiProcesses, spawnApiProcess, type ApiProcess, type TokenHolder } from '../support/api-process';
import {
  checkAgainstLog,
  cutConnections,
  databaseOf,
  eventsByCorrelation,
  observer,
  post,
  report,
  seedEnteOnProcess,
  tally,
  untilAnswered,
  type CommandLog,
  type FaultOp,
} from '../support/faults';
import { createTestDatabase } from '../support/postgres';
import { definition, type Ente } from '../support/scenario';

/**
 * "Exactly once under faults", under load: the API as a child process on PostgreSQL, 16 clients sending commands with
 * their own Idempotency-Keys for about 30 s, while the API is SIGKILLed twice (and started again on the same database)
 * and every backend of the database is terminated every 2 s. Each client resends a command with the same key (and
 * correlation id) on 503 and on a lost connection, until it gets an answer. At the end the log holds every
 * acknowledged command exactly once, no refused one, and the read models have caught up with it.
 */

const CLIENTS = 16;
const LOAD_MS = 30_000;
const KILLS_AT_MS = [8_000, 19_000];
const CUT_EVERY_MS = 2_000;
/** Approved objectives the clients record progress on (each client works mostly on one of them). */
const APPROVED = 8;

interface Op extends FaultOp {
  /** Remembers what the answer created, for the client's next commands. */
  onCreated?: (body: Record<string, unknown>) => void;
}

const ZERO = { commit: -1n, prepare: -1n };
const parsePosition = (p: string) => {
  const [commit, prepare] = p.split('/').map((n) => BigInt(n));
  return { commit, prepare };
};
const later = (a: { commit: bigint; prepare: bigint }, b: { commit: bigint; prepare: bigint }) =>
  a.commit > b.commit || (a.commit === b.commit && a.prepare > b.prepare) ? a : b;

describe('exactly once under load, with the API killed twice and its connections cut every 2 s (PostgreSQL, child process)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: ApiProcess;
  let e: Ente;
  let plans: string[];
  let approved: string[];

  const env = () => ({ EVENT_STORE: 'postgres', DATABASE_URL: db.url, PROCESSOR_LEASE_MS: '2000' });

  /** Starts the API, again if a cut connection stopped its boot (the boot's migration needs the database). */
  let failedBoots = 0;
  async function start(): Promise<ApiProcess> {
    for (let attempt = 1; ; attempt++) {
      const next = await spawnApiProcess({ env: env() });
      try {
        await next.ready(60_000);
        return next;
      } catch (error) {
        failedBoots += 1;
        if (attempt >= 3) throw error;
      }
    }
  }

  async function expectOk(path: string, as: TokenHolder, body: object = {}): Promise<Record<string, unknown>> {
    const response = await api.fetch(path, { as, body });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`POST ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await start();
    e = await seedEnteOnProcess(api, 'comune-carico');
    const { dirigente, segretario } = e.people;
    // A second plan, approved with APPROVED objectives the clients record progress on.
    const plan = await expectOk('/plans', segretario, { kind: 'PEG', title: 'PEG carico', fromYear: 2025, toYear: 2025 });
    const planId = plan.planId as string;
    approved = [];
    for (let i = 0; i < APPROVED; i++) {
      const drafted = await expectOk(`/plans/${planId}/objectives`, dirigente, { code: `LOAD_${i}`, definition: definition() });
      await expectOk(`/objectives/${drafted.objectiveId as string}/propose`, dirigente);
      approved.push(drafted.objectiveId as string);
    }
    await expectOk(`/plans/${planId}/submit`, segretario);
    await expectOk(`/plans/${planId}/approve`, segretario, { act: { number: '77', date: '2025-03-10' } });
    plans = [e.planId, planId];
  });

  afterAll(async () => {
    await killApiProcesses();
    await db?.drop();
  });

  /** Client c's n-th command. */
  function opOf(c: number, n: number, own: { draft?: string }): Op {
    const mine = approved[c % APPROVED];
    const ops: (() => Op)[] = [
      () => ({
        label: 'phase-progress',
        who: 'dirigente',
        path: `/objectives/${mine}/phase-progress`,
        body: { phaseId: n % 2 ? 'f1' : 'f2', progressPercent: n % 101 },
        events: ['PhaseProgressRecorded'],
      }),
      () => ({
        label: 'indicator-value',
        who: 'dirigente',
        path: `/objectives/${mine}/indicator-values`,
        body: { indicatorId: 'i1', value: String(n), asOf: '2025-07-31' },
        events: ['IndicatorValueRecorded'],
      }),
      () => ({
        label: 'draft',
        who: 'dirigente',
        path: `/plans/${plans[n % plans.length]}/objectives`,
        body: { definition: { ...definition(), title: `Carico ${c}.${n}` } },
        events: ['ObjectiveDrafted', 'ObjectiveAttached'],
        onCreated: (body) => (own.draft = body.objectiveId as string),
      }),
      () => ({ label: 'propose', who: 'dirigente', path: `/objectives/${own.draft ?? randomUUID()}/propose`, body: {}, events: ['ObjectiveProposed'] }),
      () => ({
        label: 'propose-again',
        who: 'dirigente',
        path: `/objectives/${own.draft ?? randomUUID()}/propose`,
        body: { reason: 'again' },
        events: [],
        refused: true,
      }),
      () => ({
        label: 'open-plan',
        who: 'segretario',
        path: '/plans',
        body: { kind: 'PDO', title: `PDO ${c}.${n}`, fromYear: 2026, toYear: 2026 },
        events: ['PlanOpened'],
      }),
      () => ({
        label: 'unknown-phase',
        who: 'dirigente',
        path: `/objectives/${mine}/phase-progress`,
        body: { phaseId: 'f9', progressPercent: 1 },
        events: [],
        refused: true,
      }),
      () => ({
        label: 'shared-progress',
        who: 'dirigente',
        path: `/objectives/${e.objectiveId}/phase-progress`,
        body: { phaseId: 'f1', progressPercent: n % 101, note: `client ${c}` },
        events: ['PhaseProgressRecorded'],
      }),
    ];
    return ops[n % ops.length]();
  }

  it('loses no acknowledged command, stores none twice, answers no 500, and the read models catch up', async () => {
    const tokens = Object.fromEntries(
      await Promise.all((['dirigente', 'segretario'] as const).map(async (who) => [who, await mintDevelopmentToken(e.people[who], API_PROCESS_SECRET)])),
    ) as Record<'dirigente' | 'segretario', string>;
    const logs: (CommandLog & { op: Op })[] = [];
    const violations: string[] = [];
    const exits: string[] = [];
    const cutter = await cutConnections(databaseOf(db.url), () => CUT_EVERY_MS);
    const started = performance.now();
    const end = started + LOAD_MS;

    const killer = (async () => {
      for (const at of KILLS_AT_MS) {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + at - performance.now())));
        const victim = api;
        exits.push(describeExit(await victim.kill('SIGKILL')));
        api = await start();
      }
    })();

    const clients = Array.from({ length: CLIENTS }, async (_, c) => {
      const own: { draft?: string } = {};
      for (let n = 0; performance.now() < end; n++) {
        const op = opOf(c, n, own);
        const log: CommandLog & { op: Op } = {
          op,
          label: `client ${c} #${n} ${op.label} ${op.path}`,
          correlationId: `load-${c}-${n}-${randomUUID()}`,
          key: randomUUID(),
          attempts: [],
        };
        logs.push(log);
        const headers = { authorization: `Bearer ${tokens[op.who]}`, 'idempotency-key': log.key, 'x-correlation-id': log.correlationId };
        // The URL is read at each attempt: after a restart, the retry goes to the new process.
        await untilAnswered(log, () => post(`${api.url}${op.path}`, op.body, headers), {
          deadline: end + 60_000,
          retryLost: true,
          pauseMs: () => 50 + Math.random() * 150,
          violations,
        });
        if (log.final && log.final.status < 300) op.onCreated?.(log.final.body as Record<string, unknown>);
      }
    });
    try {
      await Promise.all([...clients, killer]);
    } finally {
      await cutter.stop();
    }
    const loadMs = Math.round(performance.now() - started);

    // The faults stop; the processors follow the log to its end, and readiness says so.
    const caughtUpFrom = performance.now();
    let ready: { status: number; processors: Record<string, { lagEvents: number; state: string }> } = { status: 0, processors: {} };
    for (const deadline = caughtUpFrom + 30_000; performance.now() < deadline;) {
      const response = await fetch(`${api.url}/health/ready`).catch(() => undefined);
      const body = (await response?.json().catch(() => undefined)) as { details?: { processors?: Record<string, unknown> } } | undefined;
      const processors = Object.fromEntries(
        Object.entries(body?.details?.processors ?? {}).filter(([, v]) => typeof v === 'object' && v !== null && 'lagEvents' in v),
      ) as typeof ready.processors;
      ready = { status: response?.status ?? 0, processors };
      if (ready.status === 200 && processors['read-models']?.lagEvents === 0 && Object.values(processors).every((p) => p.lagEvents === 0)) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const catchUpMs = Math.round(performance.now() - caughtUpFrom);

    const pg: Client = await observer(db.url);
    try {
      const stored = await eventsByCorrelation(
        pg,
        logs.map((l) => l.correlationId),
      );
      const counts = tally(logs);
      const found = checkAgainstLog(logs, stored, (log) => (log as (typeof logs)[number]).op.events);
      const finals: Record<string, number> = {};
      for (const l of logs) finals[l.final?.status ?? 'none'] = (finals[l.final?.status ?? 'none'] ?? 0) + 1;
      const retried = logs.filter((l) => l.attempts.length > 1).length;
      report(
        `load under faults: ${CLIENTS} clients, ${counts.commands} commands in ${loadMs} ms, ${counts.attempts} requests ` +
          `(${counts.attempts - counts.commands} retries, ${retried} commands retried); final answers ${JSON.stringify(finals)}: ` +
          `2xx ${counts.ok}, 4xx ${counts.clientErrors}; 503 answers ${counts.unavailable}; lost connections ${counts.lost}; ` +
          `replayed ${counts.replayed}; other 5xx ${counts.serverErrors}; API kills ${exits.join(', ')} (failed boots ${failedBoots}); ` +
          `${cutter.rounds} cuts terminated ${cutter.terminated} backends; read models caught up in ${catchUpMs} ms ${JSON.stringify(ready)}`,
      );

      // The faults did happen: two kills by SIGKILL, commands cut off by them, 503s from the cut connections.
      expect(exits).toEqual(['signal SIGKILL', 'signal SIGKILL']);
      expect(counts.lost).toBeGreaterThan(0);
      expect(cutter.terminated).toBeGreaterThan(0);

      expect(
        logs.flatMap((l) => l.attempts.filter((a) => a.status >= 500 && a.status !== 503).map((a) => `${l.label}: ${a.status} ${JSON.stringify(a.body)}`)),
      ).toEqual([]);
      expect(logs.filter((l) => !l.final).map((l) => `${l.label}: ${l.attempts.map((a) => a.status || a.error).join(', ')}`)).toEqual([]);
      expect(found).toEqual({ lost: [], doubled: [], refusedButStored: [], other: [] });
      expect(logs.filter((l) => l.op.refused && l.final && l.final.status < 300).map((l) => l.label)).toEqual([]);
      expect(violations).toEqual([]);

      // Each drafted objective is attached to its plan exactly once (the plan processor adds no second attachment).
      const { rows: attachments } = await pg.query<{ objective: string; n: number }>(
        `SELECT data->>'objectiveId' AS objective, count(*)::integer AS n FROM es_events WHERE type = 'ObjectiveAttached' GROUP BY 1 HAVING count(*) <> 1`,
      );
      expect(attachments).toEqual([]);

      // The read models follow the log: ready, no lag, and a query after the last acknowledged position answers.
      expect(ready.status).toBe(200);
      expect(ready.processors['read-models']).toMatchObject({ lagEvents: 0 });
      let last = ZERO;
      for (const l of logs) {
        const position = (l.final?.body as { position?: string } | undefined)?.position;
        if (l.final && l.final.status < 300 && position) last = later(last, parsePosition(position));
      }
      const after = `${last.commit}/${last.prepare}`;
      for (const planId of plans) {
        const items: { objectiveId: string; status: string; revision: number }[] = [];
        let cursor: string | null = null;
        do {
          const response: Response = await api.fetch(
            `/plans/${planId}/objectives?after=${encodeURIComponent(after)}&limit=200${cursor ? `&cursor=${cursor}` : ''}`,
            {
              as: e.people.segretario,
            },
          );
          expect(response.status).toBe(200);
          const page = (await response.json()) as { items: typeof items; next: string | null };
          items.push(...page.items);
          cursor = page.next;
        } while (cursor);
        // Each objective of the plan in the log is in the read model, at its last revision.
        const { rows } = await pg.query<{ objectiveId: string; revision: number }>(
          `SELECT substring(stream_id from 11) AS "objectiveId", max(revision)::integer AS revision FROM es_events
            WHERE stream_id IN (SELECT 'objective-' || (data->>'objectiveId') FROM es_events WHERE stream_id = $1 AND type = 'ObjectiveAttached')
            GROUP BY stream_id`,
          [`plan-${planId}`],
        );
        const byId = (a: { objectiveId: string }, b: { objectiveId: string }) => (a.objectiveId < b.objectiveId ? -1 : a.objectiveId > b.objectiveId ? 1 : 0);
        expect(items.map((i) => ({ objectiveId: i.objectiveId, revision: i.revision })).sort(byId)).toEqual(rows.sort(byId));
      }
    } finally {
      await pg.end();
    }
  });
});
