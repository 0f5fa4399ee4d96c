import { randomUUID } from 'node:crypto';
import { type Client } from 'pg';
import { mintDevelopmentToken } from '../../apps/api/src/auth/development-token';
import { API_PROCESS_SECRET, describeExit, killApiProcesses, spawnApiProcess, type ApiProcess, type TokenHolder } from '../support/api-process';
import {
  countEvents,
  databaseOf,
  eventsByCorrelation,
  observer,
  omit,
  post,
  report,
  seedEnteOnProcess,
  type Attempt,
  type CorrelatedEvent,
} from '../support/faults';
import { createTestDatabase } from '../support/postgres';
import { definition, type Ente } from '../support/scenario';

/**
 * "Exactly once under faults", with real crashes: the API runs as a child process on PostgreSQL with fault injection
 * on (FAIL_POINTS=true), and a command sent with `X-Fail-Point` makes it SIGKILL itself before its append, 1 ms after
 * the append statement was sent (its commit unknown to the process), or after the append committed and before the
 * answer. The API is started again on the same database, and the same request (same method, path, body,
 * Idempotency-Key and X-Correlation-Id, no fail point) is sent again: exactly one set of events must be in the log
 * for that correlation id, and the answer must be the one a successful first attempt would have given.
 *
 * Each fail point is one round over four kinds of command, each crashing its own process at once: drafting an
 * objective (two streams in one append), recording a phase's progress, opening a plan (a new random id each time
 * it runs), and the Giunta's approval of a plan (the plan and its proposed objectives in one append).
 */

const FAIL_POINTS = ['before-append', 'during-append', 'after-append'] as const;
type FailPoint = (typeof FAIL_POINTS)[number];
type Kind = 'draft' | 'phase-progress' | 'open-plan' | 'approve-plan';
const KINDS: Kind[] = ['draft', 'phase-progress', 'open-plan', 'approve-plan'];

/** How long a crashed process may take to be reported dead, and a retried request to be answered. */
const EXIT_TIMEOUT_MS = 15_000;

interface Case {
  kind: Kind;
  failPoint: FailPoint;
  as: TokenHolder;
  path: string;
  body: object;
  key: string;
  correlationId: string;
  /** The events the command appends, in log order, with the stream each belongs to (`?` for the one it creates). */
  expected: { type: string; streamId: string }[];
  /** Where the crash left the log before the retry (events of this correlation id). */
  storedBeforeRetry?: number;
  /** during-append only: the answer that got out before the process died, if one did. */
  answeredBeforeKill?: Attempt;
  retry?: Attempt;
  /** How the case is named in the summary. */
  name?: string;
}

describe('exactly once when the API process is killed at a fail point (PostgreSQL, child processes)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pg: Client;
  let e: Ente;
  /** Processes up and ready, to be crashed by the next round (or to retry on). */
  let spare: ApiProcess[] = [];
  const cases: Case[] = [];

  const env = () => ({
    EVENT_STORE: 'postgres',
    DATABASE_URL: db.url,
    FAIL_POINTS: 'true',
    // A crashed process held the processors' leases: the next one takes them over after this long.
    PROCESSOR_LEASE_MS: '1000',
    DATABASE_POOL_SIZE: '4',
  });

  /** Brings the spare processes up to `n`, started in parallel. */
  async function spares(n: number): Promise<ApiProcess[]> {
    const started = await Promise.all(
      Array.from({ length: Math.max(0, n - spare.length) }, async () => {
        const api = await spawnApiProcess({ env: env(), readyTimeoutMs: 60_000, logLevel: 'error' });
        await api.ready();
        return api;
      }),
    );
    spare = [...spare, ...started];
    return spare;
  }

  const headers = async (c: Case, extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${await mintDevelopmentToken(c.as, API_PROCESS_SECRET)}`,
    'idempotency-key': c.key,
    'x-correlation-id': c.correlationId,
    ...extra,
  });

  async function expectOk(api: ApiProcess, path: string, as: TokenHolder, body: object = {}): Promise<Record<string, unknown>> {
    const response = await api.fetch(path, { as, body });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`POST ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  }

  async function getJson(api: ApiProcess, path: string, as: TokenHolder): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await api.fetch(path, { as });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  /** A query with `?after=`: retried while it answers 503 (the restarted process may still be taking the processors over). */
  async function readAfter(api: ApiProcess, path: string, as: TokenHolder): Promise<{ status: number; body: Record<string, unknown> }> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const answer = await getJson(api, path, as);
      if (answer.status !== 503 || Date.now() > deadline) return answer;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** The four commands of a round, each on a target of its own prepared through `api`. */
  async function prepare(api: ApiProcess, failPoint: FailPoint): Promise<Case[]> {
    const { dirigente, segretario } = e.people;
    const base = (kind: Kind) => ({
      kind,
      failPoint,
      key: `crash-${failPoint}-${kind}-${randomUUID()}`,
      correlationId: `corr-${failPoint}-${kind}-${randomUUID()}`,
    });
    // A plan submitted to the Giunta with two proposed objectives, for the approval.
    const plan = await expectOk(api, '/plans', segretario, { kind: 'PEG', title: `PEG approvazione ${failPoint}`, fromYear: 2025, toYear: 2025 });
    const planId = plan.planId as string;
    const proposed: string[] = [];
    for (const code of ['A1', 'A2']) {
      const drafted = await expectOk(api, `/plans/${planId}/objectives`, dirigente, { code, definition: definition() });
      await expectOk(api, `/objectives/${drafted.objectiveId as string}/propose`, dirigente);
      proposed.push(drafted.objectiveId as string);
    }
    await expectOk(api, `/plans/${planId}/submit`, segretario);
    return [
      {
        ...base('draft'),
        as: dirigente,
        path: `/plans/${e.planId}/objectives`,
        body: { code: `FP_${failPoint}`, definition: definition() },
        expected: [
          { type: 'ObjectiveDrafted', streamId: '?' },
          { type: 'ObjectiveAttached', streamId: `plan-${e.planId}` },
        ],
      },
      {
        ...base('phase-progress'),
        as: dirigente,
        path: `/objectives/${e.objectiveId}/phase-progress`,
        body: { phaseId: 'f1', progressPercent: 10 + FAIL_POINTS.indexOf(failPoint) * 10, note: `crash ${failPoint}` },
        expected: [{ type: 'PhaseProgressRecorded', streamId: `objective-${e.objectiveId}` }],
      },
      {
        ...base('open-plan'),
        as: segretario,
        path: '/plans',
        body: { kind: 'PDO', title: `PDO ${failPoint}`, fromYear: 2026, toYear: 2026 },
        expected: [{ type: 'PlanOpened', streamId: '?' }],
      },
      {
        ...base('approve-plan'),
        as: segretario,
        path: `/plans/${planId}/approve`,
        body: { act: { number: `G-${failPoint}`, date: '2025-03-10' } },
        expected: [
          { type: 'PlanApprovedByGiunta', streamId: `plan-${planId}` },
          ...proposed.map((id) => ({ type: 'ObjectiveApprovedByGiunta', streamId: `objective-${id}` })),
        ],
      },
    ];
  }

  /** Waits (up to 10 s) until `n` or fewer append statements are running on the database, or `n` or more when `atLeast`. */
  async function appendsRunning(n: number, atLeast = false): Promise<boolean> {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 50))) {
      const { rows } = await pg.query<{ n: number }>(
        `SELECT count(*)::integer AS n FROM pg_stat_activity
          WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid() AND query LIKE '%INSERT INTO es_events%'`,
        [databaseOf(db.url)],
      );
      if (atLeast ? rows[0].n >= n : rows[0].n <= n) return true;
    }
    return false;
  }

  const describeEvents = (events: CorrelatedEvent[]) => events.map((ev) => `${ev.type}@${ev.streamId}#${ev.revision}`).join(', ');

  /** The events of the case's correlation id are exactly one set of what the command appends. */
  function expectOneSet(c: Case, events: CorrelatedEvent[], answer: Record<string, unknown>): void {
    const created = c.kind === 'draft' ? `objective-${answer.objectiveId as string}` : c.kind === 'open-plan' ? `plan-${answer.planId as string}` : '';
    const want = c.expected.map((x) => `${x.type}@${x.streamId === '?' ? created : x.streamId}`);
    expect({ case: `${c.kind} killed ${c.failPoint}`, events: events.map((ev) => `${ev.type}@${ev.streamId}`) }).toEqual({
      case: `${c.kind} killed ${c.failPoint}`,
      events: want,
    });
    // One transaction: every event of the command has the same commit position.
    expect(new Set(events.map((ev) => ev.position.split('/')[0])).size).toBe(1);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    const [first] = await spares(1);
    e = await seedEnteOnProcess(first, 'comune-crash');
    pg = await observer(db.url);
  });

  afterAll(async () => {
    await killApiProcesses();
    await pg?.end();
    await db?.drop();
  });

  it.each(FAIL_POINTS)('killed %s: the retry with the same key leaves exactly one set of events and the answer of a success', async (failPoint) => {
    const crashers = (await spares(KINDS.length)).slice(0, KINDS.length);
    spare = spare.slice(KINDS.length);
    const round = await prepare(crashers[0], failPoint);
    cases.push(...round);

    // Each command kills its own process at the fail point: the connection dies without an answer.
    const crashed = await Promise.all(
      round.map(async (c, i) => {
        const answer = await post(`${crashers[i].url}${c.path}`, c.body, await headers(c, { 'x-fail-point': failPoint }));
        const exit = await crashers[i].exitedWithin(EXIT_TIMEOUT_MS);
        return { c, answer, exit, said: `${crashers[i].stdout()}${crashers[i].stderr()}`.slice(-4_000) };
      }),
    );
    for (const { c, answer, exit, said } of crashed) {
      // A process that ended otherwise says why: its errors on stdout, Node's last words on stderr.
      const why = exit.signal === 'SIGKILL' ? {} : { said };
      expect({ case: `${c.kind} ${failPoint}`, exit: describeExit(exit), ...why }).toEqual({ case: `${c.kind} ${failPoint}`, exit: 'signal SIGKILL' });
      // The during-append point is a 1 ms timer started when the statement is sent: a quick append may have been
      // answered before it fires. That answer is then the one every retry must get back.
      if (answer.status !== 0 && failPoint === 'during-append') c.answeredBeforeKill = answer;
      else expect({ case: `${c.kind} ${failPoint}`, status: answer.status }).toEqual({ case: `${c.kind} ${failPoint}`, status: 0 });
    }

    // A killed process's append statement runs on in PostgreSQL: what it leaves is read once it has ended.
    if (failPoint === 'during-append') expect(await appendsRunning(0)).toBe(true);
    // What the crash left: nothing before the append, everything after it; during it, all or nothing.
    const left = await eventsByCorrelation(
      pg,
      round.map((c) => c.correlationId),
    );
    for (const c of round) {
      const events = left.get(c.correlationId)!;
      c.storedBeforeRetry = events.length;
      if (failPoint === 'before-append') expect({ case: c.kind, stored: describeEvents(events) }).toEqual({ case: c.kind, stored: '' });
      if (failPoint === 'after-append') expect({ case: c.kind, stored: events.length }).toEqual({ case: c.kind, stored: c.expected.length });
      if (failPoint === 'during-append') expect([0, c.expected.length]).toContain(events.length);
    }

    // The API again, on the same database (and the processes for the next round); the same requests, no fail point.
    // The first of them answers the retries, and is crashed by the next round with the others.
    const [api] = await spares(failPoint === 'after-append' ? 1 : KINDS.length);
    for (const c of round) {
      c.retry = await post(`${api.url}${c.path}`, c.body, await headers(c));
      const retry = c.retry;
      const label = `${c.kind} killed ${failPoint}`;
      expect({ label, status: retry.status }).toEqual({ label, status: c.kind === 'draft' || c.kind === 'open-plan' ? 201 : 200 });
      const wasStored = c.storedBeforeRetry! > 0;
      // Replayed exactly when the first attempt had committed; executed (once) otherwise.
      expect({ label, replayed: retry.headers['idempotency-replayed'] ?? null }).toEqual({ label, replayed: wasStored ? 'true' : null });

      const answer = retry.body as Record<string, unknown>;
      if (c.answeredBeforeKill) expect({ label, replay: answer }).toEqual({ label, replay: c.answeredBeforeKill.body });
      const events = (await eventsByCorrelation(pg, [c.correlationId])).get(c.correlationId)!;
      expectOneSet(c, events, answer);
      // The answer's position is where the command's last event is.
      expect({ label, position: answer.position }).toEqual({ label, position: events[events.length - 1].position });

      // The answer is what a success gives: the stream's current view, with the events the command recorded on it.
      const view = omit(answer, 'position', 'recorded');
      const recorded = answer.recorded;
      if (c.kind === 'draft' || c.kind === 'phase-progress') {
        const current = await getJson(api, `/objectives/${answer.objectiveId as string}`, c.as);
        expect({ label, view }).toEqual({ label, view: current.body });
        expect(recorded).toEqual([c.expected[0].type]);
      } else {
        const current = await getJson(api, `/plans/${answer.planId as string}`, c.as);
        expect({ label, view }).toEqual({ label, view: omit(current.body, 'objectives') });
        expect(recorded).toEqual([c.expected[0].type]);
      }

      // Once more: replayed, the same answer, nothing appended.
      const again = await post(`${api.url}${c.path}`, c.body, await headers(c));
      expect({ label, status: again.status, replayed: again.headers['idempotency-replayed'], body: again.body }).toEqual({
        label,
        status: retry.status,
        replayed: 'true',
        body: retry.body,
      });
      expect(await countEvents(pg, c.correlationId)).toBe(c.expected.length);

      // The position serves read-your-writes on the query routes.
      const after = encodeURIComponent(answer.position as string);
      if (c.kind === 'phase-progress') {
        const timeline = await readAfter(api, `/objectives/${e.objectiveId}/timeline?after=${after}`, c.as);
        expect({ label, status: timeline.status }).toEqual({ label, status: 200 });
        const rows = (timeline.body.events as { type: string; position: string }[]).filter((row) => row.position === answer.position);
        expect(rows.map((row) => row.type)).toEqual(['PhaseProgressRecorded']);
      } else {
        const planId = answer.planId as string;
        const list = await readAfter(api, `/plans/${planId}/objectives?after=${after}&limit=200`, c.as);
        expect({ label, status: list.status }).toEqual({ label, status: 200 });
        const items = list.body.items as { objectiveId: string; status: string }[];
        if (c.kind === 'draft') expect(items.find((i) => i.objectiveId === answer.objectiveId)).toMatchObject({ status: 'draft' });
        if (c.kind === 'open-plan') expect(items).toEqual([]);
        if (c.kind === 'approve-plan') expect(items.map((i) => i.status)).toEqual(['approved', 'approved']);
      }
    }
  });

  it('killed during an append held back by a lock: the retry runs beside the orphaned statement, and exactly one of them lands', async () => {
    // The retrying process is up before the lock is taken (starting needs the schema, which the lock would hold up).
    const [crasher, api] = (await spares(2)).slice(0, 2);
    spare = spare.slice(2);
    const c: Case = {
      kind: 'phase-progress',
      failPoint: 'during-append',
      as: e.people.dirigente,
      path: `/objectives/${e.objectiveId}/phase-progress`,
      body: { phaseId: 'f2', progressPercent: 77, note: 'held back' },
      name: 'phase-progress/during-append held back by a lock',
      key: `crash-held-${randomUUID()}`,
      correlationId: `corr-held-${randomUUID()}`,
      expected: [{ type: 'PhaseProgressRecorded', streamId: `objective-${e.objectiveId}` }],
    };
    cases.push(c);
    const streamId = `objective-${e.objectiveId}`;
    const { rows } = await pg.query<{ last: number }>(`SELECT max(revision)::integer AS last FROM es_events WHERE stream_id = $1`, [streamId]);
    // An open transaction holds the stream's next revision in the unique index: every append to it waits.
    const blocker = await observer(db.url, 'fault-test-blocker');
    let retry: Promise<Attempt> | undefined;
    try {
      await blocker.query('BEGIN');
      await blocker.query(`INSERT INTO es_events (event_id, stream_id, revision, type, data, metadata) VALUES ($1, $2, $3, 'TestBlocker', '{}', '{}')`, [
        randomUUID(),
        streamId,
        rows[0].last + 1,
      ]);
      const crashed = await post(`${crasher.url}${c.path}`, c.body, await headers(c, { 'x-fail-point': 'during-append' }));
      expect({ status: crashed.status, exit: describeExit(await crasher.exitedWithin(EXIT_TIMEOUT_MS)) }).toEqual({ status: 0, exit: 'signal SIGKILL' });
      // The killed process's statement outlives it, waiting on the lock.
      expect(await appendsRunning(1, true)).toBe(true);
      c.storedBeforeRetry = await countEvents(pg, c.correlationId);
      expect(c.storedBeforeRetry).toBe(0);
      retry = post(`${api.url}${c.path}`, c.body, await headers(c));
      expect(await appendsRunning(2, true)).toBe(true);
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
    }
    c.retry = await retry!;
    expect(c.retry.status).toBe(200);
    const answer = c.retry.body as Record<string, unknown>;
    const events = (await eventsByCorrelation(pg, [c.correlationId])).get(c.correlationId)!;
    expectOneSet(c, events, answer);
    expect(answer.position).toBe(events[0].position);
    expect(answer.recorded).toEqual(['PhaseProgressRecorded']);
    const again = await post(`${api.url}${c.path}`, c.body, await headers(c));
    expect({ status: again.status, replayed: again.headers['idempotency-replayed'], body: again.body }).toEqual({
      status: 200,
      replayed: 'true',
      body: c.retry.body,
    });
    report(
      `held-back append: the retry was ${c.retry.headers['idempotency-replayed'] === 'true' ? 'replayed (the orphaned statement landed first)' : 'executed (it landed first)'}`,
    );
    spare.push(api);
  });

  it('once the processors have caught up with the log, no crash left a command twice or half in it', async () => {
    const [api] = await spares(1);
    // The processors (read models, plan processor) follow the log to its end: readiness reports no lag.
    const deadline = Date.now() + 30_000;
    let processors: Record<string, { lagEvents: number }> = {};
    for (;;) {
      const response = await fetch(`${api.url}/health/ready`);
      const body = (await response.json()) as { details?: { processors?: Record<string, unknown> } };
      processors = Object.fromEntries(
        Object.entries(body.details?.processors ?? {}).filter(([, v]) => typeof v === 'object' && v !== null && 'lagEvents' in v),
      ) as typeof processors;
      const caughtUp = response.status === 200 && Object.keys(processors).length > 0 && Object.values(processors).every((p) => p.lagEvents === 0);
      if (caughtUp || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(Object.values(processors).map((p) => p.lagEvents)).toEqual(Object.keys(processors).map(() => 0));
    expect(cases).toHaveLength(FAIL_POINTS.length * KINDS.length + 1);
    const stored = await eventsByCorrelation(
      pg,
      cases.map((c) => c.correlationId),
    );
    for (const c of cases) expectOneSet(c, stored.get(c.correlationId)!, c.retry!.body as Record<string, unknown>);
    // One command record per key, whatever the crash.
    const { rows } = await pg.query<{ key: string; n: number }>(`SELECT key, count(*)::integer AS n FROM command_records WHERE key = ANY($1) GROUP BY key`, [
      cases.map((c) => c.key),
    ]);
    expect(rows.map((r) => r.n)).toEqual(cases.map(() => 1));
    report(
      `crash points: ${cases.length} commands killed; stored before the retry: ${cases
        .map((c) => `${c.name ?? `${c.kind}/${c.failPoint}`}=${c.storedBeforeRetry ?? '?'}${c.answeredBeforeKill ? ' (answered before the kill)' : ''}`)
        .join(' ')}; replayed: ${cases.filter((c) => c.retry?.headers['idempotency-replayed'] === 'true').length}`,
    );
  });
});
