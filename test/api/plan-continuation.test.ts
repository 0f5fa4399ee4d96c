import { continuationPlanId, objectiveStreamId, planStreamId } from '@piao/application';
import { allEvents, startApi, type Api, type AuthorisedClient, type Person } from '../support/api-harness';

/**
 * Year-to-year copy (issue 13, item 6) over HTTP on PostgreSQL: a 2024 plan run through approval, a reprogramming and the
 * year-end values continues into 2025 with two of its three objectives; the copies, their references and what a
 * refused or repeated request leaves in the log.
 */

const ENTE = 'comune-continua';
const person = (sub: string, name: string, roles: Person['roles'], ente = ENTE): Person => ({ sub: `${ente}:${sub}`, name, ente, roles });
const people = {
  admin: person('admin', 'Ufficio Organizzazione', ['admin']),
  segretario: person('seg', 'Segretaria Generale', ['segretario']),
  dirigente: person('dir', 'Dirigente Welfare', ['dirigente']),
  neighbour: person('seg', 'Segretario del comune vicino', ['segretario'], 'comune-vicino'),
  neighbourDirigente: person('dir', 'Dirigente del comune vicino', ['dirigente'], 'comune-vicino'),
};
const ACT = { number: '31', date: '2024-03-10' };

type Body = Record<string, unknown> & { objectiveId: string; planId: string; revision: number; position: string };

const objective = (code: string, changes: object = {}) => ({
  code,
  occurredOn: '2024-02-01',
  definition: {
    title: `Obiettivo ${code}`,
    responsibleUnitId: 'welfare',
    horizon: { fromYear: 2024, toYear: 2024 },
    deadline: '2024-12-31',
    phases: [
      // 2024 is a leap year: the copy's phase ends on 28/02/2025.
      { id: 'f1', description: 'Bando', plannedStart: '2024-01-01', plannedEnd: '2024-02-29', weight: 40 },
      { id: 'f2', description: 'Erogazione', plannedStart: '2024-03-01', plannedEnd: '2024-12-31', weight: 60, plannedPercentAt: { '2024-07-31': 50 } },
    ],
    indicators: [
      { id: 'i1', description: 'Famiglie sostenute', target: { text: 'almeno n. 100' }, baseline: '80', historicalValues: [{ year: 2023, value: '80' }] },
      { id: 'i2', description: 'Tempo medio di risposta', target: { text: 'max 30 giorni' }, baseline: '45', dueDate: '2024-10-31' },
    ],
    ...changes,
  },
});

describe('continuing a plan into the next year (PostgreSQL)', () => {
  let api: Api;
  let as: Record<keyof typeof people, AuthorisedClient>;
  let source: string;
  let ids: Record<string, string>;

  const ok = async (call: Promise<{ status: number; body: unknown }>, status = 200): Promise<Body> => {
    const response = await call;
    if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body as Body;
  };
  /** An approved 2024 plan with the objectives given, drafted by the dirigente. */
  const approvedPlan = async (title: string, objectives: ReturnType<typeof objective>[]) => {
    const plan = await ok(as.segretario.post('/plans', { kind: 'PEG', title, fromYear: 2024, toYear: 2024, occurredOn: '2024-01-10' }), 201);
    const drafted: Record<string, string> = {};
    for (const o of objectives) drafted[o.code] = (await ok(as.dirigente.post(`/plans/${plan.planId}/objectives`, o), 201)).objectiveId;
    for (const id of Object.values(drafted)) await ok(as.dirigente.post(`/objectives/${id}/propose`, { occurredOn: '2024-02-10' }));
    await ok(as.segretario.post(`/plans/${plan.planId}/submit`, { occurredOn: '2024-02-20' }));
    await ok(as.segretario.post(`/plans/${plan.planId}/approve`, { act: ACT }));
    return { planId: plan.planId, ids: drafted };
  };
  /** The request of the test: two of the three objectives continue, the multi-year one under a new code. */
  const CONTINUATION = {
    objectives: [{ code: '2024_S08_01' }, { code: '2024_S08_02', newCode: '2025_S08_02' }],
    occurredOn: '2025-02-20',
    reason: 'Obiettivi confermati per il 2025',
  };

  beforeAll(async () => {
    api = await startApi('postgres');
    as = Object.fromEntries(await Promise.all(Object.entries(people).map(async ([k, p]) => [k, await api.as(p)]))) as typeof as;
    await ok(as.admin.post('/organisation/units', { unitId: 'welfare', name: 'Settore Welfare', kind: 'settore' }), 201);
    await ok(as.admin.post('/organisation/people', { personId: people.dirigente.sub, name: people.dirigente.name }), 201);
    await ok(as.admin.post('/organisation/headships', { unitId: 'welfare', personId: people.dirigente.sub, from: '2024-01-01' }), 201);

    const plan = await approvedPlan('PEG 2024', [
      objective('2024_S08_01'),
      objective('2024_S08_02', {
        kind: { multiYear: { stage: 1, of: 3 } },
        horizon: { fromYear: 2024, toYear: 2026 },
        deadline: '2026-12-31',
        // The three-year plan dates each year's phase: the copy keeps them where they are.
        phases: [
          { id: 'f1', description: 'Prima fase', plannedEnd: '2024-12-31', weight: 30 },
          { id: 'f2', description: 'Seconda fase', plannedStart: '2025-01-01', plannedEnd: '2025-12-31', weight: 40 },
          { id: 'f3', description: 'Terza fase', plannedStart: '2026-01-01', plannedEnd: '2026-12-31', weight: 30 },
        ],
        indicators: [{ id: 'i1', description: 'Sportelli digitali attivati', target: { text: 'almeno 6' }, baseline: '2' }],
      }),
      objective('2024_S08_03'),
    ]);
    source = plan.planId;
    ids = plan.ids;
    const first = ids['2024_S08_01'];
    const multiYear = ids['2024_S08_02'];

    // A reprogramming approved by the Giunta: the copy starts from the definition as reprogrammed.
    const current = await ok(as.segretario.get(`/objectives/${first}`));
    const reprogrammed = structuredClone(current.definition) as { indicators: { target: { text: string } }[] };
    reprogrammed.indicators[0].target = { text: 'almeno n. 90' };
    await ok(
      as.dirigente.post(`/objectives/${first}/reprogramming`, { definition: reprogrammed, reason: 'Bando regionale ridotto', occurredOn: '2024-09-01' }),
    );
    await ok(as.segretario.post(`/objectives/${first}/reprogramming/approve`, { act: { number: '120', date: '2024-09-15' } }));

    // The year's values: progress (never copied), a value recorded, then the year-end report's final value, validated.
    await ok(as.dirigente.post(`/objectives/${first}/phase-progress`, { phaseId: 'f1', progressPercent: 100, occurredOn: '2024-03-01' }));
    await ok(as.dirigente.post(`/objectives/${first}/indicator-values`, { indicatorId: 'i1', value: '95', asOf: '2024-12-31' }));
    await ok(
      as.dirigente.post(`/objectives/${first}/year-end-report`, {
        phases: [{ phaseId: 'f1', progressPercent: 100 }],
        indicators: [{ indicatorId: 'i1', value: '110' }],
        occurredOn: '2025-01-31',
      }),
    );
    await ok(as.segretario.post(`/objectives/${first}/year-end-report/validate`, { occurredOn: '2025-02-15' }));
    await ok(as.dirigente.post(`/objectives/${multiYear}/indicator-values`, { indicatorId: 'i1', value: '4', asOf: '30/11/2024' }));
  });
  afterAll(() => api.close());

  let answer: Body;
  let count: number;

  it('opens the 2025 plan with a draft copy of the two objectives chosen, in one step', async () => {
    const before = (await allEvents(api.store)).length;
    answer = await ok(as.segretario.post(`/plans/${source}/continuation`, CONTINUATION, { 'Idempotency-Key': 'continua-2025' }), 201);
    const planId = continuationPlanId(source, 2025);
    expect(answer).toMatchObject({
      planId,
      kind: 'PEG',
      title: 'PEG 2025',
      fromYear: 2025,
      toYear: 2025,
      status: 'open',
      approvalAct: null,
      continues: { planId: source },
      revision: 2,
      recorded: ['PlanOpened', 'ObjectiveAttached', 'ObjectiveAttached', 'ObjectiveDrafted', 'ObjectiveDrafted'],
    });
    const [first, multiYear] = answer.objectives as {
      objectiveId: string;
      code: string;
      sourceCode: string;
      copiedFrom: object;
      warnings: { code: string }[];
    }[];
    const revisionOf = async (id: string) => (await ok(as.segretario.get(`/objectives/${id}`))).revision;
    expect(first).toMatchObject({
      code: '2024_S08_01',
      sourceCode: '2024_S08_01',
      copiedFrom: { planId: source, objectiveId: ids['2024_S08_01'], revision: await revisionOf(ids['2024_S08_01']) },
    });
    expect(first.warnings.map((w) => w.code)).toEqual(['baseline-not-updated']);
    expect(multiYear).toMatchObject({
      code: '2025_S08_02',
      sourceCode: '2024_S08_02',
      copiedFrom: { planId: source, objectiveId: ids['2024_S08_02'], revision: await revisionOf(ids['2024_S08_02']) },
      // Its first year's phase is kept as dated, behind the new year: a person decides what to do with it.
      warnings: [{ code: 'date-past', message: 'phase f1: the planned end 2024-12-31, kept with the multi-year horizon, is before 2025: review it' }],
    });
    count = (await allEvents(api.store)).length;
    expect(count).toBe(before + 5);

    const plan = await ok(as.segretario.get(`/plans/${planId}`));
    expect(plan.continues).toEqual({ planId: source });
    expect((plan.objectives as { code: string; status: string }[]).map((o) => [o.code, o.status])).toEqual([
      ['2024_S08_01', 'draft'],
      ['2025_S08_02', 'draft'],
    ]);
    // The source plan is as it was.
    expect((await ok(as.segretario.get(`/plans/${source}`))).status).toBe('approved');
  });

  it('copies the definition as reprogrammed, with last year’s reached values as baselines and the dates a year on (a kept multi-year horizon’s kept)', async () => {
    const [first, multiYear] = answer.objectives as { objectiveId: string }[];
    const copy = await ok(as.dirigente.get(`/objectives/${first.objectiveId}`));
    expect(copy).toMatchObject({ status: 'draft', code: '2024_S08_01', progress: {}, indicatorValues: {}, approvalAct: null, yearEndReport: null });
    expect(copy.definition).toMatchObject({
      horizon: { fromYear: 2025, toYear: 2025 },
      deadline: '2025-12-31',
      phases: [
        { id: 'f1', plannedStart: '2025-01-01', plannedEnd: '2025-02-28', weight: 40 },
        { id: 'f2', plannedStart: '2025-03-01', plannedEnd: '2025-12-31', weight: 60, plannedPercentAt: { '2025-07-31': 50 } },
      ],
      indicators: [
        // The year-end report's final value (110), not the value recorded before it (95).
        {
          id: 'i1',
          target: { text: 'almeno n. 90' },
          baseline: '110',
          historicalValues: [
            { year: 2023, value: '80' },
            { year: 2024, value: '110' },
          ],
        },
        // Nothing reached was recorded: the baseline stays, and a warning says so.
        { id: 'i2', baseline: '45', dueDate: '2025-10-31' },
      ],
    });
    expect((copy.definition as { indicators: object[] }).indicators[1]).not.toHaveProperty('historicalValues');
    expect(copy.warnings).toContainEqual({
      code: 'baseline-not-updated',
      message: 'indicator i2: no value reached in 2024 is recorded, so the baseline is last year\'s ("45")',
    });

    const stage = await ok(as.dirigente.get(`/objectives/${multiYear.objectiveId}`));
    expect(stage.definition).toMatchObject({
      kind: { multiYear: { stage: 2, of: 3 } },
      horizon: { fromYear: 2024, toYear: 2026 },
      deadline: '2026-12-31',
      phases: [
        { id: 'f1', plannedEnd: '2024-12-31' },
        { id: 'f2', plannedStart: '2025-01-01', plannedEnd: '2025-12-31' },
        { id: 'f3', plannedStart: '2026-01-01', plannedEnd: '2026-12-31' },
      ],
      indicators: [{ id: 'i1', baseline: '4', historicalValues: [{ year: 2024, value: '4' }] }],
    });
  });

  it('records the copies as their own events, with the reference to the source, shown in the history and the timeline', async () => {
    const planId = answer.planId;
    const [first] = answer.objectives as { objectiveId: string; copiedFrom: object }[];
    const planEvents = await api.store.readStream(`plan-${planId}`);
    expect(planEvents.map((e) => e.type)).toEqual(['PlanOpened', 'ObjectiveAttached', 'ObjectiveAttached']);
    expect(planEvents[0].data).toEqual({ planId, ente: ENTE, kind: 'PEG', title: 'PEG 2025', fromYear: 2025, toYear: 2025, continues: { planId: source } });
    expect(planEvents[0].metadata).toMatchObject({ actor: { id: people.segretario.sub, role: 'segretario' }, occurredAt: '2025-02-20' });

    const history = (await ok(as.segretario.get(`/objectives/${first.objectiveId}/history`))).events as {
      type: string;
      data: { copiedFrom?: object; planId: string };
      causationId: string;
      reason: string | null;
    }[];
    expect(history.map((e) => e.type)).toEqual(['ObjectiveDrafted']);
    expect(history[0].data).toMatchObject({ planId, copiedFrom: first.copiedFrom });
    expect(history[0].causationId).toBe(planEvents[0].id);
    expect(history[0].reason).toBe('Obiettivi confermati per il 2025');

    const timeline = await ok(as.segretario.get(`/objectives/${first.objectiveId}/timeline?after=${answer.position}`));
    expect((timeline.events as { changes: object[] }[])[0].changes).toEqual([
      { path: 'status', from: null, to: 'draft' },
      { path: 'copiedFrom', from: null, to: first.copiedFrom },
    ]);
    // The audit trail's export says it in Italian, with the reference among the changes.
    const csv = (await as.segretario.get(`/audit/trail/export?format=csv&objectiveId=${first.objectiveId}`)).text;
    expect(csv).toContain("Redazione dell'obiettivo in continuità con il piano dell'anno precedente");
    expect(csv).toContain('copiedFrom: — → {');
  });

  it('answers a repeated request with the same key as the first time, and refuses a second continuation into 2025, appending nothing', async () => {
    const replay = await as.segretario.post(`/plans/${source}/continuation`, CONTINUATION, { 'Idempotency-Key': 'continua-2025' });
    expect([replay.status, replay.headers['idempotency-replayed']]).toEqual([201, 'true']);
    expect(replay.body).toEqual({ ...answer, position: replay.body.position });
    for (const headers of [{ 'Idempotency-Key': 'continua-2025-bis' }, {}] as Record<string, string>[]) {
      const again = await as.segretario.post(`/plans/${source}/continuation`, CONTINUATION, headers);
      expect([again.status, again.body.rule]).toEqual([422, 'plan-already-exists']);
    }
    expect((await allEvents(api.store)).length).toBe(count);
  });

  it('refuses a dirigente (403), another ente (404) and a bad request (400), appending nothing', async () => {
    const byDirigente = await as.dirigente.post(`/plans/${source}/continuation`, CONTINUATION);
    expect([byDirigente.status, byDirigente.body.rule]).toEqual([403, 'role-not-allowed']);
    // Another ente's plan is not found, whatever the role: not a 403 that would tell it exists.
    for (const neighbour of [as.neighbour, as.neighbourDirigente]) {
      const refused = await neighbour.post(`/plans/${source}/continuation`, CONTINUATION);
      expect([refused.status, refused.body.type]).toEqual([404, '/problems/not-found']);
    }
    const twice = await as.segretario.post(`/plans/${source}/continuation`, { objectives: [{ code: '2024_S08_01' }, { code: '2024_S08_01', newCode: 'X' }] });
    expect([twice.status, twice.body.errors]).toEqual([400, [expect.objectContaining({ field: 'objectives.1.code', rule: 'unique' })]]);
    const sameNewCode = await as.segretario.post(`/plans/${source}/continuation`, {
      objectives: [{ code: '2024_S08_01' }, { code: '2024_S08_03', newCode: '2024_S08_01' }],
    });
    expect([sameNewCode.status, sameNewCode.body.errors]).toEqual([400, [expect.objectContaining({ field: 'objectives.1.newCode', rule: 'unique' })]]);
    const none = await as.segretario.post(`/plans/${source}/continuation`, { objectives: [] });
    expect([none.status, none.body.errors?.[0]?.field]).toEqual([400, 'objectives']);
    expect((await allEvents(api.store)).length).toBe(count);
  });

  it('refuses an unknown code, a multi-year objective at its last stage and a cancelled one, naming it, and writes nothing of the copy', async () => {
    const other = await approvedPlan('PDO 2024', [
      objective('D1'),
      objective('D2', { kind: { multiYear: { stage: 3, of: 3 } }, horizon: { fromYear: 2022, toYear: 2024 } }),
      objective('D3'),
    ]);
    await ok(as.segretario.post(`/objectives/${other.ids.D3}/cancel`, { reason: 'Superato dal nuovo regolamento', act: { number: '77', date: '2024-06-10' } }));
    const before = (await allEvents(api.store)).length;
    const refusals: [object[], string, string][] = [
      [[{ code: 'D1' }, { code: 'NON_ESISTE' }], 'unknown-objective', 'objectives.1.code'],
      [[{ code: 'D1' }, { code: 'D2' }], 'multi-year-completed', 'objectives.1.code'],
      [[{ code: 'D3' }], 'objective-cancelled', 'objectives.0.code'],
    ];
    for (const [objectives, rule, field] of refusals) {
      const refused = await as.segretario.post(`/plans/${other.planId}/continuation`, { objectives });
      expect([refused.status, refused.body.rule]).toEqual([422, rule]);
      expect(refused.body.detail).toMatch(new RegExp(`^${field.replace(/\./g, '\\.')}: `));
    }
    expect((await allEvents(api.store)).length).toBe(before);
    expect((await as.segretario.get(`/plans/${continuationPlanId(other.planId, 2025)}`)).status).toBe(404);
    // Once the code is right, the same plan continues.
    const continued = await ok(
      as.segretario.post(`/plans/${other.planId}/continuation`, { objectives: [{ code: 'D1' }], title: 'PDO 2025 – sezione obiettivi' }),
      201,
    );
    expect([continued.title, continued.recorded]).toEqual(['PDO 2025 – sezione obiettivi', ['PlanOpened', 'ObjectiveAttached', 'ObjectiveDrafted']]);
  });

  it('refuses to continue a plan the Giunta has not approved', async () => {
    const draft = await ok(as.segretario.post('/plans', { kind: 'PEG', title: 'PEG 2026', fromYear: 2026, toYear: 2026 }), 201);
    await ok(as.dirigente.post(`/plans/${draft.planId}/objectives`, objective('2026_S08_01')), 201);
    const before = (await allEvents(api.store)).length;
    const refused = await as.segretario.post(`/plans/${draft.planId}/continuation`, { objectives: [{ code: '2026_S08_01' }] });
    expect([refused.status, refused.body.rule]).toEqual([422, 'plan-not-approved']);
    expect((await allEvents(api.store)).length).toBe(before);
  });

  it('refuses plan-already-exists the second of two identical continuations running together, also once it has read past the plan', async () => {
    const plan = await approvedPlan('PEG 2024 – concorrenza', [objective('C1'), objective('C2')]);
    const request = { objectives: [{ code: 'C1' }, { code: 'C2' }] };
    const before = (await allEvents(api.store)).length;
    // The second request is held once it has found no 2025 plan, as it reads the first objective to copy; the first
    // request runs and commits meanwhile. The second then finds the copy of C1 drafted: the plan exists.
    const store = api.store;
    const read = store.readStream.bind(store);
    let first: { status: number; body: Body } | undefined;
    // Only the continuation reads the (not yet existing) 2025 plan: a read of C1 after it is the second request's, not
    // the processors' following up the source plan's approval in the background.
    let targetRead = false;
    store.readStream = async (streamId, fromRevision) => {
      if (streamId === planStreamId(continuationPlanId(plan.planId, 2025))) targetRead = true;
      if (targetRead && streamId === objectiveStreamId(plan.ids.C1)) {
        delete (store as Partial<typeof store>).readStream;
        const response = await as.segretario.post(`/plans/${plan.planId}/continuation`, request);
        first = { status: response.status, body: response.body as Body };
      }
      return read(streamId, fromRevision);
    };
    let second: { status: number; body: Body };
    try {
      second = await as.segretario.post(`/plans/${plan.planId}/continuation`, request);
    } finally {
      delete (store as Partial<typeof store>).readStream;
    }
    expect([first?.status, first?.body.recorded]).toEqual([
      201,
      ['PlanOpened', 'ObjectiveAttached', 'ObjectiveAttached', 'ObjectiveDrafted', 'ObjectiveDrafted'],
    ]);
    expect([second.status, second.body.rule, second.body.detail]).toEqual([
      422,
      'plan-already-exists',
      `plan ${continuationPlanId(plan.planId, 2025)} already exists`,
    ]);
    expect((await allEvents(api.store)).length).toBe(before + 5);
  });
});
