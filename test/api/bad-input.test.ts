import { randomUUID } from 'node:crypto';
import { allEvents, startApi, type Api, type AuthorisedClient } from '../support/api-harness';
import { definition, seedEnte, type Ente } from '../support/scenario';

interface BadRequest {
  name: string;
  send: (e: Ente, other: Ente) => Promise<{ status: number; body: Record<string, unknown>; headers: Record<string, string> }>;
  status: number;
  /** The field named in `errors` (400, or the field a 422's rule blames) and the rule named in `rule` (403/422). */
  field?: string;
  rule?: string;
  type?: string;
}

const objectiveUrl = (e: Ente, path = '') => `/objectives/${e.objectiveId}${path}`;
const draftUrl = (e: Ente, path = '') => `/objectives/${e.draftId}${path}`;
const newObjective = (e: Ente, patch: object, code = 'BAD') =>
  e.as.dirigente.post(`/plans/${e.planId}/objectives`, { code, definition: { ...definition(), ...patch } });
const phase = (patch: object) => ({ phases: [{ id: 'f1', description: 'Fase', weight: 100, ...patch }] });
// Headers before the body: a string body is sent as it is, in the type given.
const raw = (client: AuthorisedClient, url: string, body: string, type = 'application/json') => client.post(url, body, { 'Content-Type': type });

const cases: BadRequest[] = [
  { name: 'a title that is a number', send: (e) => newObjective(e, { title: 42 }), status: 400, field: 'definition.title' },
  {
    name: 'an unknown top-level field',
    send: (e) => e.as.dirigente.post(`/plans/${e.planId}/objectives`, { definition: definition(), priority: 'high' }),
    status: 400,
    field: 'priority',
  },
  { name: 'an unknown nested field', send: (e) => newObjective(e, { colour: 'red' }), status: 400, field: 'definition.colour' },
  { name: 'a missing definition', send: (e) => e.as.dirigente.post(`/plans/${e.planId}/objectives`, { code: 'X' }), status: 400, field: 'definition' },
  { name: 'a missing horizon', send: (e) => newObjective(e, { horizon: undefined }), status: 400, field: 'definition.horizon' },
  {
    name: 'a reprogramming without a definition',
    send: (e) => e.as.dirigente.post(objectiveUrl(e, '/reprogramming'), { reason: 'x' }),
    status: 400,
    field: 'definition',
  },
  { name: 'a missing responsible unit', send: (e) => newObjective(e, { responsibleUnitId: undefined }), status: 400, field: 'definition.responsibleUnitId' },
  { name: 'an oversized title', send: (e) => newObjective(e, { title: 'x'.repeat(1001) }), status: 400, field: 'definition.title' },
  { name: 'an oversized description', send: (e) => newObjective(e, { description: 'x'.repeat(10_001) }), status: 400, field: 'definition.description' },
  { name: 'a negative phase weight', send: (e) => newObjective(e, phase({ weight: -5 })), status: 400, field: 'definition.phases.0.weight' },
  { name: 'a phase weight as Italian text', send: (e) => newObjective(e, phase({ weight: '20,00' })), status: 400, field: 'definition.phases.0.weight' },
  {
    name: 'the impossible date 31/09/2024',
    send: (e) => newObjective(e, phase({ plannedEnd: '31/09/2024' })),
    status: 400,
    field: 'definition.phases.0.plannedEnd',
  },
  {
    name: 'the impossible date 2023-02-29',
    send: (e) => newObjective(e, phase({ plannedStart: '2023-02-29' })),
    status: 400,
    field: 'definition.phases.0.plannedStart',
  },
  {
    name: 'a phase ending before it starts',
    send: (e) => newObjective(e, phase({ plannedStart: '2025-06-01', plannedEnd: '2025-01-31' })),
    status: 400,
    field: 'definition.phases.0.plannedEnd',
  },
  {
    name: 'two phases with one id',
    send: (e) =>
      newObjective(e, {
        phases: [
          { id: 'f1', description: 'a' },
          { id: 'f1', description: 'b' },
        ],
      }),
    status: 400,
    field: 'definition.phases',
  },
  {
    name: 'a horizon ending before it starts',
    send: (e) => newObjective(e, { horizon: { fromYear: 2026, toYear: 2025 } }),
    status: 400,
    field: 'definition.horizon.toYear',
  },
  { name: 'a malformed CUP', send: (e) => newObjective(e, { pnrr: { cup: 'not-a-cup' } }), status: 400, field: 'definition.pnrr.cup' },
  { name: 'tags that are not a list', send: (e) => newObjective(e, { tags: 'pnrr' }), status: 400, field: 'definition.tags' },
  {
    name: 'a code with markup',
    send: (e) => e.as.dirigente.post(`/plans/${e.planId}/objectives`, { code: '<script>', definition: definition() }),
    status: 400,
    field: 'code',
  },
  {
    name: 'a unit the ente does not have',
    send: (e) => newObjective(e, { responsibleUnitId: 'nowhere' }),
    status: 422,
    rule: 'unknown-unit',
    field: 'definition.responsibleUnitId',
  },
  { name: 'a code the plan already uses', send: (e) => newObjective(e, {}, 'S08_01'), status: 422, rule: 'objective-code-taken', field: 'code' },
  {
    name: 'malformed JSON',
    send: (e) => raw(e.as.dirigente, objectiveUrl(e, '/phase-progress'), '{"phaseId": "f1",'),
    status: 400,
    type: '/problems/malformed-json',
  },
  {
    name: 'a body over the size limit',
    send: (e) => raw(e.as.dirigente, objectiveUrl(e, '/phase-progress'), JSON.stringify({ note: 'x'.repeat(300_000) })),
    status: 413,
    type: '/problems/payload-too-large',
  },
  { name: 'an objective id that is not a UUID', send: (e) => e.as.dirigente.post('/objectives/12/propose'), status: 400, field: 'objectiveId' },
  { name: 'an objective that does not exist', send: (e) => e.as.dirigente.post(`/objectives/${randomUUID()}/propose`), status: 404 },
  {
    name: 'progress over 100%',
    send: (e) => e.as.dirigente.post(objectiveUrl(e, '/phase-progress'), { phaseId: 'f1', progressPercent: 101 }),
    status: 400,
    field: 'progressPercent',
  },
  {
    name: 'progress as a string',
    send: (e) => e.as.dirigente.post(objectiveUrl(e, '/phase-progress'), { phaseId: 'f1', progressPercent: '50' }),
    status: 400,
    field: 'progressPercent',
  },
  {
    name: 'progress on an objective not yet approved',
    send: (e) => e.as.dirigente.post(draftUrl(e, '/phase-progress'), { phaseId: 'f1', progressPercent: 50 }),
    status: 422,
    rule: 'objective-not-approved',
  },
  {
    name: 'progress on a phase the objective lacks',
    send: (e) => e.as.dirigente.post(objectiveUrl(e, '/phase-progress'), { phaseId: 'f9', progressPercent: 50 }),
    status: 422,
    rule: 'unknown-phase',
    field: 'phaseId',
  },
  {
    name: 'an indicator value dated in the future',
    send: (e) => e.as.dirigente.post(objectiveUrl(e, '/indicator-values'), { indicatorId: 'i1', value: '3', asOf: '2099-12-31' }),
    status: 422,
    rule: 'date-in-future',
    field: 'asOf',
  },
  {
    name: 'a business date in the future',
    send: (e) => e.as.dirigente.post(draftUrl(e, '/propose'), { occurredOn: '2099-01-01' }),
    status: 422,
    rule: 'date-in-future',
    field: 'occurredOn',
  },
  {
    name: 'a business date that does not exist',
    send: (e) => e.as.dirigente.post(draftUrl(e, '/propose'), { occurredOn: '31/09/2024' }),
    status: 400,
    field: 'occurredOn',
  },
  {
    name: 'an act without a number',
    send: (e) => e.as.segretario.post(objectiveUrl(e, '/reprogramming/approve'), { act: { number: '', date: '2025-09-15' } }),
    status: 400,
    field: 'act.number',
  },
  {
    name: 'an act with an impossible date',
    send: (e) => e.as.segretario.post(objectiveUrl(e, '/reprogramming/approve'), { act: { number: '7', date: '30/02/2025' } }),
    status: 400,
    field: 'act.date',
  },
  { name: 'returning an objective without a reason', send: (e) => e.as.segretario.post(draftUrl(e, '/return')), status: 422, rule: 'not-proposed' },
  {
    name: 'a reprogramming of a draft',
    send: (e) => e.as.dirigente.post(draftUrl(e, '/reprogramming'), { definition: definition(), reason: 'x' }),
    status: 422,
    rule: 'reprogramming-needs-approved-objective',
  },
  {
    name: 'a reprogramming without a motivation',
    send: (e) => e.as.dirigente.post(objectiveUrl(e, '/reprogramming'), { definition: { ...definition(), title: 'Nuovo' } }),
    status: 422,
    rule: 'motivation-required',
    field: 'reason', // the body carries the motivation in `reason`
  },
  {
    name: 'approving a reprogramming nobody proposed',
    send: (e) => e.as.segretario.post(objectiveUrl(e, '/reprogramming/approve'), { act: { number: '7', date: '2025-09-15' } }),
    status: 422,
    rule: 'no-pending-reprogramming',
  },
  {
    name: 'validating a monitoring report nobody submitted',
    send: (e) => e.as.segretario.post(objectiveUrl(e, '/monitoring-reports/validate'), { asOf: '2025-07-31' }),
    status: 422,
    rule: 'no-monitoring-report-to-review',
  },
  {
    name: 'evaluating before the year-end report',
    send: (e) => e.as.nucleo.post(objectiveUrl(e, '/evaluation'), { achievementPercent: 80, reason: 'x' }),
    status: 422,
    rule: 'evaluation-needs-validated-report',
  },
  {
    name: 'a negative evaluation',
    send: (e) => e.as.nucleo.post(objectiveUrl(e, '/evaluation'), { achievementPercent: -1 }),
    status: 400,
    field: 'achievementPercent',
  },
  {
    name: 'a stale expected revision',
    send: (e) => e.as.dirigente.post(objectiveUrl(e, '/phase-progress'), { phaseId: 'f1', progressPercent: 5, expectedRevision: 0 }),
    status: 409,
    type: '/problems/concurrency-conflict',
  },
  {
    name: 'an expected revision below -1',
    send: (e) => e.as.dirigente.post(objectiveUrl(e, '/phase-progress'), { phaseId: 'f1', progressPercent: 5, expectedRevision: -5 }),
    status: 400,
    field: 'expectedRevision',
  },
  {
    name: "another ente's objective",
    send: (e, other) => e.as.dirigente.post(`/objectives/${other.objectiveId}/phase-progress`, { phaseId: 'f1', progressPercent: 5 }),
    status: 404,
  },
  { name: "another ente's plan", send: (e, other) => e.as.segretario.post(`/plans/${other.planId}/submit`), status: 404 },
  { name: 'the wrong role', send: (e) => e.as.nucleo.post(draftUrl(e, '/propose')), status: 403, rule: 'role-not-allowed' },
  { name: "a dirigente on another unit's objective", send: (e) => e.as.otherDirigente.post(draftUrl(e, '/propose')), status: 403, rule: 'not-head-of-unit' },
  {
    name: 'a replayed Idempotency-Key with a different body',
    send: async (e) => {
      await e.as.dirigente.post(objectiveUrl(e, '/phase-progress'), { phaseId: 'f1', progressPercent: 999 }, { 'Idempotency-Key': 'bad-input-key' });
      return e.as.dirigente.post(objectiveUrl(e, '/phase-progress'), { phaseId: 'f1', progressPercent: 998 }, { 'Idempotency-Key': 'bad-input-key' });
    },
    status: 422,
    rule: 'idempotency-key-reused',
  },
  {
    name: 'an Idempotency-Key with spaces',
    send: (e) => e.as.dirigente.post(draftUrl(e, '/propose'), {}, { 'Idempotency-Key': 'two words' }),
    status: 400,
    field: 'Idempotency-Key',
  },
  {
    name: 'a unit of an unknown kind',
    send: (e) => e.as.admin.post('/organisation/units', { name: 'Ufficio X', kind: 'dipartimento' }),
    status: 400,
    field: 'kind',
  },
  {
    name: 'an invalid e-mail',
    send: (e) => e.as.admin.post('/organisation/people', { personId: 'p9', name: 'P', email: 'not-an-email' }),
    status: 400,
    field: 'email',
  },
  {
    name: 'overlapping headships',
    send: (e) => e.as.admin.post('/organisation/headships', { unitId: 'welfare', personId: e.people.otherDirigente.sub, from: '2025-06-01' }),
    status: 422,
    rule: 'headship-overlap',
  },
  {
    name: 'a plan ending before it starts',
    send: (e) => e.as.segretario.post('/plans', { kind: 'PIAO', title: 'X', fromYear: 2026, toYear: 2025 }),
    status: 422,
    rule: 'horizon-reversed',
    field: 'toYear',
  },
  {
    name: 'a plan of an unknown kind',
    send: (e) => e.as.segretario.post('/plans', { kind: 'DUP', title: 'X', fromYear: 2026, toYear: 2026 }),
    status: 400,
    field: 'kind',
  },
  // A body that is not JSON is refused, never ignored: the command would run without its expected revision.
  { name: 'a body that is not JSON', send: (e) => raw(e.as.segretario, '/plans', 'kind=PIAO', 'text/plain'), status: 415, field: 'Content-Type' },
  {
    name: 'a command sent as text/plain',
    send: (e) => raw(e.as.dirigente, draftUrl(e, '/propose'), JSON.stringify({ expectedRevision: 0 }), 'text/plain'),
    status: 415,
    field: 'Content-Type',
  },
  // What got a 500 or was accepted when tried as an attacker would (issue 11).
  { name: 'a NUL in a stored text', send: (e) => newObjective(e, { title: 'Sostegno\u0000 alle famiglie' }), status: 400, field: 'definition.title' },
  {
    name: 'a lone surrogate in a reason',
    send: (e) => e.as.segretario.post(draftUrl(e, '/return'), { reason: 'motivo \uD800' }),
    status: 400,
    field: 'reason',
  },
  { name: 'a NUL in a free-form key', send: (e) => newObjective(e, { pnrr: { ['mis\u0000sion']: 'M1' } }), status: 400, field: 'definition.pnrr' },
  {
    name: 'JSON nested 5,000 levels deep',
    send: (e) => raw(e.as.segretario, '/plans', `{"title":${'['.repeat(5_000)}${']'.repeat(5_000)}}`),
    status: 400,
    field: '(body)',
    type: '/problems/json-too-deep',
  },
  {
    name: 'an array where the definition goes',
    send: (e) => e.as.dirigente.post(`/plans/${e.planId}/objectives`, { code: 'X', definition: [] }),
    status: 400,
    field: 'definition',
  },
  {
    name: 'an array where a target goes',
    send: (e) => newObjective(e, { indicators: [{ id: 'i1', description: 'Famiglie', target: [] }] }),
    status: 400,
    field: 'definition.indicators.0.target',
  },
  { name: 'an array where the PNRR data go', send: (e) => newObjective(e, { pnrr: [] }), status: 400, field: 'definition.pnrr' },
  {
    name: 'an array where the score scale goes',
    send: (e) => e.as.admin.post('/organisation/scoring-system', { basis: 'phases', scale: [] }),
    status: 400,
    field: 'scale',
  },
  {
    name: 'a key named __proto__',
    send: (e) =>
      raw(
        e.as.dirigente,
        `/plans/${e.planId}/objectives`,
        JSON.stringify({ code: 'X', definition: definition() }).replace('{"code"', '{"__proto__":{"admin":true},"code"'),
      ),
    status: 400,
    field: '__proto__',
    type: '/problems/validation',
  },
  {
    name: 'a key named constructor',
    send: (e) => newObjective(e, { kind: { constructor: { prototype: 1 } } }),
    status: 400,
    field: 'definition.kind.constructor',
  },
  {
    name: 'a revision beyond 2^31',
    send: (e) => e.as.segretario.get(`/objectives/${e.objectiveId}/timeline?fromRevision=2147483648`),
    status: 400,
    field: 'fromRevision',
  },
  {
    name: 'an expected revision beyond 2^31',
    send: (e) => e.as.dirigente.post(draftUrl(e, '/propose'), { expectedRevision: 2 ** 31 }),
    status: 400,
    field: 'expectedRevision',
  },
  {
    name: 'a cursor whose id is not a UUID',
    send: (e) => e.as.segretario.get(`/plans/${e.planId}/objectives?cursor=${Buffer.from(JSON.stringify(['S08', '-'.repeat(36)])).toString('base64url')}`),
    status: 400,
    field: 'cursor',
  },
  {
    name: 'JSON in UTF-16 (the depth check reads UTF-8)',
    send: (e) => raw(e.as.segretario, '/plans', '{"title":"x"}', 'application/json; charset=utf-16le'),
    status: 415,
    field: 'Content-Type',
  },
  { name: 'a query parameter named __proto__', send: (e) => e.as.segretario.get(`/plans/${e.planId}/objectives?__proto__=x`), status: 400, field: '__proto__' },
  { name: 'a NUL in the search text', send: (e) => e.as.segretario.get(`/plans/${e.planId}/objectives?q=a%00b`), status: 400, field: 'q' },
  { name: 'a NUL in a unit filter', send: (e) => e.as.segretario.get(`/plans/${e.planId}/objectives?unitId=%00`), status: 400, field: 'unitId' },
  { name: "a NUL in a path's person id", send: (e) => e.as.segretario.get('/people/a%00b/objectives'), status: 400, field: 'personId' },
  { name: 'a path segment that is not UTF-8', send: (e) => e.as.segretario.get('/people/%ED%A0%80/objectives'), status: 400, field: '(path)' },
  {
    name: 'ending a headship without its last day',
    send: (e) => e.as.admin.post('/organisation/headships/end', { unitId: 'welfare', personId: e.people.dirigente.sub, from: '2025-01-01' }),
    status: 400,
    field: 'to',
  },
  {
    name: 'ending a headship with a null last day',
    send: (e) => e.as.admin.post('/organisation/headships/end', { unitId: 'welfare', personId: e.people.dirigente.sub, from: '2025-01-01', to: null }),
    status: 400,
    field: 'to',
  },
  {
    name: 'a read-your-writes position beyond the log',
    send: (e) => e.as.segretario.get(`/plans/${e.planId}/objectives?after=999999999/1`),
    status: 400,
    field: 'after',
  },
];

describe('bad input gets a specific 4xx problem and changes nothing (PostgreSQL)', () => {
  let api: Api;
  let e: Ente;
  let other: Ente;
  beforeAll(async () => {
    api = await startApi('postgres', { READ_YOUR_WRITES_TIMEOUT_MS: '500' });
    e = await seedEnte(api, 'comune-errori');
    other = await seedEnte(api, 'comune-altro');
  });
  afterAll(() => api.close());

  it(`covers at least 30 distinct bad requests (${cases.length})`, () => expect(cases.length).toBeGreaterThanOrEqual(30));

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    if (c.name.startsWith('a replayed Idempotency-Key')) await c.send(e, other).catch(() => undefined); // first use stores the key
    const before = await allEvents(api.store);
    const response = await c.send(e, other);
    expect({ status: response.status, body: response.body }).toMatchObject({ status: c.status });
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      status: c.status,
      title: expect.any(String),
      detail: expect.any(String),
      type: expect.stringMatching(/^\/problems\//),
    });
    if (c.field)
      expect(response.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: c.field, rule: expect.any(String), message: expect.any(String) })]),
      );
    if (c.rule) expect(response.body.rule).toBe(c.rule);
    // A 422 names the field its rule blames, with that rule; a rule of state (or of the key) names none.
    if (c.status === 422 && c.field) expect(response.body.errors).toEqual([expect.objectContaining({ field: c.field, rule: c.rule })]);
    if (c.status === 422 && !c.field) expect(response.body.errors).toBeUndefined();
    if (c.type) expect(response.body.type).toBe(c.type);
    const after = await allEvents(api.store);
    expect(after.map((ev) => ev.id)).toEqual(before.map((ev) => ev.id));
  });
});
