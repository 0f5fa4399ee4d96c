import { SignJWT } from 'jose';
import { allEvents, logHead, startApi, TEST_SECRET, type Api } from '../support/api-harness';
import { definition, seedEnte, type Ente } from '../support/scenario';
import { DEFAULT_REMINDER_POLICY } from '@piao/lifecycle';

type Method = 'get' | 'post' | 'put';
interface Route {
  method: Method;
  path: string;
}

/** A valid body for each command route: a refusal must come from access control, not from validation. */
const BODIES: Record<string, object> = {
  'POST /organisation/units': { name: 'Ufficio Nuovo', kind: 'ufficio' },
  'POST /organisation/people': { personId: 'nuovo', name: 'Persona Nuova' },
  'POST /organisation/headships': { unitId: 'cultura', personId: 'nuovo', from: '2030-01-01' },
  'POST /organisation/headships/end': { unitId: 'cultura', personId: 'nuovo', from: '2030-01-01', to: '2030-12-31' },
  'POST /plans': { kind: 'PDO', title: 'PDO', fromYear: 2026, toYear: 2026 },
  'POST /plans/{planId}/objectives': { definition: definition() },
  'POST /plans/{planId}/approve': { act: { number: '1', date: '2025-01-10' } },
  'POST /plans/{planId}/monitoring-campaigns': { asOf: '2025-07-31' },
  'POST /plans/{planId}/monitoring-campaigns/close': { asOf: '2025-07-31' },
  'POST /plans/{planId}/continuation': { objectives: [{ code: 'S08_01' }] },
  'POST /plans/{planId}/history': { steps: [{ by: 'x', role: 'dirigente', occurredOn: '2025-01-10', action: 'propose', objective: 'S08_01' }] },
  'POST /objectives/{objectiveId}/draft': { definition: { ...definition(), title: 'Altro titolo' } },
  'POST /objectives/{objectiveId}/return': { reason: 'x' },
  'POST /objectives/{objectiveId}/approve': { act: { number: '1', date: '2025-01-10' } },
  'POST /objectives/{objectiveId}/phase-progress': { phaseId: 'f1', progressPercent: 10 },
  'POST /objectives/{objectiveId}/indicator-values': { indicatorId: 'i1', value: '1', asOf: '2025-07-31' },
  'POST /objectives/{objectiveId}/monitoring-reports': { asOf: '2025-07-31', phases: [], indicators: [] },
  'POST /objectives/{objectiveId}/monitoring-reports/validate': { asOf: '2025-07-31' },
  'POST /objectives/{objectiveId}/monitoring-reports/return': { asOf: '2025-07-31', reason: 'x' },
  'POST /objectives/{objectiveId}/reprogramming': { definition: { ...definition(), title: 'Riprogrammato' }, reason: 'x' },
  'POST /objectives/{objectiveId}/reprogramming/approve': { act: { number: '2', date: '2025-09-10' } },
  'POST /objectives/{objectiveId}/reprogramming/reject': { reason: 'x' },
  'POST /objectives/{objectiveId}/reassign': { toUnitId: 'cultura', effectiveOn: '2025-09-01' },
  'POST /objectives/{objectiveId}/cancel': { reason: 'x', act: { number: '3', date: '2025-09-10' } },
  'POST /objectives/{objectiveId}/year-end-report': { phases: [], indicators: [] },
  'POST /objectives/{objectiveId}/year-end-report/return': { reason: 'x' },
  'POST /objectives/{objectiveId}/evaluation': { achievementPercent: 80, reason: 'x' },
  'POST /objectives/{objectiveId}/evaluation/contest': { reason: 'x' },
  'POST /objectives/{objectiveId}/evaluation/confirm': { achievementPercent: 80, reason: 'x' },
  'PUT /organisation/reminder-policy': { policy: { ...DEFAULT_REMINDER_POLICY, daysBefore: [7] } },
  'PUT /people/{personId}/reminder-preferences': { channels: ['in-app'] },
};

/** Objective commands a dirigente may issue on the objectives of the units they head. */
const DIRIGENTE_COMMANDS = [
  'draft',
  'propose',
  'phase-progress',
  'indicator-values',
  'monitoring-reports',
  'reprogramming',
  'year-end-report',
  'evaluation/contest',
];

/** A valid query string for the read routes that need one. */
const QUERIES: Record<string, string> = {
  'GET /plans/{planId}/as-of': '?date=2025-12-31',
  'GET /objectives/{objectiveId}/as-of': '?revision=0',
};
/**
 * Routes without authentication, and free of any ente's data: the health checks, the metrics, and the web
 * interface's sign-in and sign-out (test/web/web-interface.test.ts and identity-provider-sign-in.test.ts cross those).
 */
const PUBLIC = [
  '/health',
  '/health/live',
  '/health/ready',
  '/metrics',
  '/session/options',
  '/session/development',
  '/session/sign-out',
  '/session/oidc/sign-in',
  '/session/oidc/callback',
];
/** Routes whose URL is their only credential (calendar applications send no token): an unknown one is a 404, token or not. */
const SECRET_URL = ['/calendar/{token}.ics'];

const key = (r: Route) => `${r.method.toUpperCase()} ${r.path}`;
const fill = (path: string, e: Ente, route?: Route) =>
  path.replace('{planId}', e.planId).replace('{objectiveId}', e.objectiveId).replace('{personId}', e.people.dirigente.sub) +
  (route ? (QUERIES[key(route)] ?? '') : '');

describe('access control on every route (PostgreSQL)', () => {
  let api: Api;
  let a: Ente;
  let b: Ente;
  let routes: Route[];

  beforeAll(async () => {
    api = await startApi('postgres');
    a = await seedEnte(api, 'comune-a');
    b = await seedEnte(api, 'comune-b');
    const document = (await api.anonymous().get('/docs/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    routes = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => ({ method: method as Method, path })));
  });
  afterAll(() => api.close());

  const send = (
    client: { get(url: string): Promise<unknown>; post(url: string, body?: object): Promise<unknown>; put(url: string, body?: object): Promise<unknown> },
    route: Route,
    e: Ente,
  ) =>
    (route.method === 'get' ? client.get(fill(route.path, e, route)) : client[route.method](fill(route.path, e), BODIES[key(route)] ?? {})) as Promise<{
      status: number;
      body: Record<string, unknown>;
    }>;

  it('finds every route in the OpenAPI document', () => {
    expect(routes.length).toBeGreaterThanOrEqual(35);
    expect(routes.map(key)).toEqual(
      expect.arrayContaining(['GET /objectives/{objectiveId}/history', 'POST /plans/{planId}/approve', 'POST /organisation/headships']),
    );
  });

  it('answers 401 to every route but /health without a valid token', async () => {
    const expired = await new SignJWT({ name: 'X', ente: 'comune-a', roles: ['segretario'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(TEST_SECRET));
    const forged = await new SignJWT({ name: 'X', ente: 'comune-a', roles: ['segretario'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .sign(new TextEncoder().encode('another-secret-another-secret-another-secret'));
    const noRoles = await new SignJWT({ name: 'X', ente: 'comune-a', roles: ['sindaco'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .sign(new TextEncoder().encode(TEST_SECRET));
    const before = await allEvents(api.store);
    for (const route of routes.filter((r) => !PUBLIC.includes(r.path))) {
      for (const authorization of [undefined, 'Basic abc', `Bearer ${expired}`, `Bearer ${forged}`, `Bearer ${noRoles}`]) {
        const anonymous = api.anonymous();
        const call =
          route.method === 'get' ? anonymous.get(fill(route.path, a, route)) : anonymous[route.method](fill(route.path, a)).send(BODIES[key(route)] ?? {});
        const response = await (authorization ? call.set('Authorization', authorization) : call);
        const expected = SECRET_URL.includes(route.path) ? [404, '/problems/not-found'] : [401, '/problems/unauthenticated'];
        expect([key(route), authorization?.slice(0, 12), response.status, response.body.type]).toEqual([key(route), authorization?.slice(0, 12), ...expected]);
      }
    }
    expect((await allEvents(api.store)).length).toBe(before.length);
    expect((await api.anonymous().get('/health')).status).toBe(200);
  });

  it("gives another ente's people 404 on every route naming ente A's plan or objective, and reads or writes nothing of A", async () => {
    const idRoutes = routes.filter((r) => r.path.includes('{planId}') || r.path.includes('{objectiveId}'));
    expect(idRoutes.length).toBeGreaterThanOrEqual(35);
    // Everything of A is in the read models first, so that a 404 there means "not yours", not "not yet".
    await a.as.segretario.get(`/plans/${a.planId}/objectives?after=${await logHead(api.store)}`).expect(200);
    const streamsOfA = async () => {
      const events = await allEvents(api.store);
      return events.filter((ev) => ev.metadata.ente === 'comune-a').map((ev) => ev.id);
    };
    const before = await streamsOfA();
    for (const person of ['segretario', 'dirigente', 'nucleo', 'admin', 'rpct'] as const) {
      for (const route of idRoutes) {
        const response = await send(b.as[person], route, a);
        expect([person, key(route), response.status]).toEqual([person, key(route), 404]);
        expect(JSON.stringify(response.body)).not.toContain('Sostegno alle famiglie');
      }
    }
    expect(await streamsOfA()).toEqual(before);
    // People routes: B's oversight roles asking for A's dirigente see B's organisation, where that person heads nothing.
    for (const person of ['segretario', 'nucleo', 'rpct', 'admin'] as const) {
      for (const route of routes.filter((r) => r.path.includes('{personId}') && !r.path.endsWith('/reminder-preferences'))) {
        const response = await send(b.as[person], route, a);
        expect([person, key(route), response.status]).toEqual([person, key(route), 200]);
        expect(response.body).toMatchObject({ unitsHeaded: [] });
        expect(JSON.stringify(response.body)).not.toContain('Sostegno alle famiglie');
        for (const list of ['objectives', 'overdue', 'upcoming']) if (list in response.body) expect(response.body[list]).toEqual([]);
      }
    }
    // Reminder preferences: A's dirigente is nobody in B; only B's admin may look, and finds no such person.
    for (const route of routes.filter((r) => r.path.endsWith('/reminder-preferences'))) {
      for (const person of ['segretario', 'nucleo', 'rpct'] as const) {
        const response = await send(b.as[person], route, a);
        expect([person, key(route), response.status, response.body.rule]).toEqual([person, key(route), 403, 'role-not-allowed']);
      }
      const response = await send(b.as.admin, route, a);
      expect([key(route), response.status]).toEqual([key(route), route.method === 'get' ? 404 : 422]);
    }
    expect(await streamsOfA()).toEqual(before);
    // Routes without ids act on the caller's own ente only.
    const organisation = (await b.as.admin.get('/organisation')).body;
    expect(organisation.ente).toBe('comune-b');
    expect(JSON.stringify(organisation)).not.toContain('comune-a');
  });

  it("refuses a dirigente every command on another unit's objective with 403", async () => {
    const before = await allEvents(api.store);
    for (const command of DIRIGENTE_COMMANDS) {
      const route = { method: 'post' as const, path: `/objectives/{objectiveId}/${command}` };
      const response = await send(a.as.otherDirigente, route, a);
      expect([command, response.status, response.body.rule]).toEqual([command, 403, 'not-head-of-unit']);
    }
    const draft = await a.as.otherDirigente.post(`/plans/${a.planId}/objectives`, { definition: definition('welfare') });
    expect([draft.status, draft.body.rule]).toEqual([403, 'not-head-of-unit']);
    expect((await allEvents(api.store)).length).toBe(before.length);
  });

  it('reserves each command to its roles: nucleo, rpct and admin cannot change objectives, nobody but the admin changes the organisation', async () => {
    const before = await allEvents(api.store);
    for (const person of ['nucleo', 'rpct', 'admin'] as const) {
      for (const command of ['propose', 'phase-progress', 'reprogramming', 'cancel']) {
        const response = await send(a.as[person], { method: 'post', path: `/objectives/{objectiveId}/${command}` }, a);
        expect([person, command, response.status]).toEqual([person, command, 403]);
      }
    }
    for (const person of ['segretario', 'dirigente', 'nucleo', 'rpct'] as const) {
      const response = await a.as[person].post('/organisation/units', BODIES['POST /organisation/units']);
      expect([person, response.status]).toEqual([person, 403]);
    }
    for (const person of ['dirigente', 'rpct', 'admin'] as const) {
      const response = await a.as[person].post(`/objectives/${a.objectiveId}/evaluation`, BODIES['POST /objectives/{objectiveId}/evaluation']);
      expect([person, response.status]).toEqual([person, 403]);
    }
    expect((await allEvents(api.store)).length).toBe(before.length);
    // Reading is open to every role of the ente.
    for (const person of Object.keys(a.as) as (keyof Ente['as'])[]) expect((await a.as[person].get(`/objectives/${a.objectiveId}/history`)).status).toBe(200);
  });

  it('refuses self-validation with 422: the segretario who submitted a report cannot validate it', async () => {
    await a.as.admin.post('/organisation/units', { unitId: 'segreteria', name: 'Segreteria Generale', kind: 'ufficio' });
    const plan = (await a.as.segretario.post('/plans', { kind: 'PDO', title: 'PDO segreteria', fromYear: 2025, toYear: 2025 })).body;
    const o = (await a.as.segretario.post(`/plans/${plan.planId}/objectives`, { code: 'SEG', definition: definition('segreteria') })).body;
    await a.as.segretario.post(`/objectives/${o.objectiveId}/propose`);
    await a.as.segretario.post(`/plans/${plan.planId}/submit`);
    await a.as.segretario.post(`/plans/${plan.planId}/approve`, { act: { number: '5', date: '2025-02-01' } });
    expect((await a.as.segretario.post(`/objectives/${o.objectiveId}/monitoring-reports`, { asOf: '2025-07-31', phases: [], indicators: [] })).status).toBe(
      200,
    );
    const own = await a.as.segretario.post(`/objectives/${o.objectiveId}/monitoring-reports/validate`, { asOf: '2025-07-31' });
    expect([own.status, own.body.rule]).toEqual([422, 'self-validation-forbidden']);
    expect((await a.as.vice.post(`/objectives/${o.objectiveId}/monitoring-reports/validate`, { asOf: '2025-07-31' })).status).toBe(200);
  });

  it('hides an evaluation from everyone but the NdV until the NdV shares it', async () => {
    const id = a.objectiveId;
    expect((await a.as.dirigente.post(`/objectives/${id}/year-end-report`, { phases: [], indicators: [{ indicatorId: 'i1', value: '120' }] })).status).toBe(
      200,
    );
    expect((await a.as.segretario.post(`/objectives/${id}/year-end-report/validate`)).status).toBe(200);
    expect((await a.as.nucleo.post(`/objectives/${id}/evaluation`, { achievementPercent: 75, reason: 'Raggiunto in parte' })).status).toBe(200);
    for (const person of ['dirigente', 'segretario', 'rpct'] as const) {
      const view = (await a.as[person].get(`/objectives/${id}`)).body;
      expect([person, view.evaluation, view.status]).toEqual([person, null, 'reported']);
      const history = (await a.as[person].get(`/objectives/${id}/history`)).body;
      const evaluated = history.events.find((ev: { type: string }) => ev.type === 'ObjectiveEvaluated');
      expect(evaluated.data).toEqual({ withheld: 'the evaluation is not shared yet' });
      expect(JSON.stringify(history)).not.toContain('Raggiunto in parte');
    }
    expect((await a.as.nucleo.get(`/objectives/${id}`)).body.evaluation).toMatchObject({ status: 'evaluated', achievementPercent: 75 });
    expect((await a.as.nucleo.post(`/objectives/${id}/evaluation/share`)).status).toBe(200);
    expect((await a.as.dirigente.get(`/objectives/${id}`)).body.evaluation).toMatchObject({ status: 'shared', achievementPercent: 75 });
  });
});
