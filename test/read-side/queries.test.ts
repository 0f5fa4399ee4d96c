import { logHead, startApi, type Api } from '../support/api-harness';
import { definition, seedEnte, type Ente } from '../support/scenario';

describe('read-model queries (PostgreSQL)', () => {
  let api: Api;
  let a: Ente;
  let b: Ente;
  const fresh = async (path: string) => `${path}${path.includes('?') ? '&' : '?'}after=${await logHead(api.store)}`;

  beforeAll(async () => {
    // A short bound, so that the 503 of read-your-writes comes quickly.
    api = await startApi('postgres', { READ_YOUR_WRITES_TIMEOUT_MS: '1500' });
    a = await seedEnte(api, 'comune-a');
    b = await seedEnte(api, 'comune-b');
  });
  afterAll(() => api.close());

  it('lists a plan page by page with a cursor, and filters by unit, status, tag, person and Italian text', async () => {
    for (let i = 0; i < 7; i++) {
      const tags = i % 2 === 0 ? ['anticorruption-transparency'] : [];
      const title = i === 3 ? 'Pubblicazione dei dati sulla trasparenza amministrativa' : `Obiettivo ${i}`;
      const people = i === 5 ? [{ name: 'Anna Verdi', personId: 'p-verdi', participationPercent: 100 }] : [];
      const response = await a.as.segretario.post(`/plans/${a.planId}/objectives`, {
        code: `X${i}`,
        definition: { ...definition(i < 4 ? 'welfare' : 'cultura'), title, tags, people },
      });
      expect(response.status).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { code: string }[]; next: string | null } = (
        await a.as.segretario.get(await fresh(`/plans/${a.planId}/objectives?limit=3${cursor ? `&cursor=${cursor}` : ''}`))
      ).body;
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((o) => o.code));
      cursor = page.next;
    } while (cursor);
    expect(seen).toEqual(['S08_01', 'S08_02', 'X0', 'X1', 'X2', 'X3', 'X4', 'X5', 'X6']);

    const codes = async (query: string) =>
      ((await a.as.segretario.get(await fresh(`/plans/${a.planId}/objectives?${query}`))).body.items as { code: string }[]).map((o) => o.code);
    expect(await codes('unitId=cultura')).toEqual(['X4', 'X5', 'X6']);
    expect(await codes('status=approved')).toEqual(['S08_01']);
    expect(await codes('tag=anticorruption-transparency')).toEqual(['X0', 'X2', 'X4', 'X6']);
    expect(await codes('personId=p-verdi')).toEqual(['X5']);
    // Italian stemming: "trasparente" finds "trasparenza".
    expect(await codes('q=trasparente')).toEqual(['X3']);
    // S08_01 is approved with a phase due 30/06/2025 not done: overdue on 1 July, not on 30 June.
    expect(await codes('overdueOn=2025-07-01')).toEqual(['S08_01']);
    expect(await codes('overdueOn=2025-06-30')).toEqual([]);
  });

  it('answers "my objectives" and "my deadlines" by who headed which unit on the date', async () => {
    // The welfare dirigente's headship ends on 30/06/2025; cultura's head takes welfare over from 01/07/2025.
    await a.as.admin
      .post('/organisation/headships/end', { unitId: 'welfare', personId: a.people.dirigente.sub, from: '2025-01-01', to: '2025-06-30' })
      .expect(200);
    await a.as.admin.post('/organisation/headships', { unitId: 'welfare', personId: a.people.otherDirigente.sub, from: '2025-07-01' }).expect(201);

    const mine = async (client: typeof a.as.dirigente, on: string) => (await client.get(await fresh(`/people/me/objectives?on=${on}`))).body;
    const june = await mine(a.as.dirigente, '2025-06-15');
    expect(june.unitsHeaded).toEqual(['welfare']);
    expect(june.objectives.map((o: { code: string; role: string }) => [o.code, o.role])).toEqual(expect.arrayContaining([['S08_01', 'responsible']]));
    expect((await mine(a.as.dirigente, '2025-07-15')).unitsHeaded).toEqual([]);
    expect((await mine(a.as.otherDirigente, '2025-07-15')).unitsHeaded).toEqual(['cultura', 'welfare']);

    const deadlines = (await a.as.otherDirigente.get(await fresh('/people/me/deadlines?on=2025-07-15&horizonDays=200'))).body;
    expect(deadlines.overdue).toEqual([expect.objectContaining({ code: 'S08_01', kind: 'phase-end', ref: 'f1', dueOn: '2025-06-30', daysOverdue: 15 })]);
    expect(deadlines.upcoming.map((d: { kind: string; dueOn: string }) => [d.kind, d.dueOn])).toEqual([
      ['phase-end', '2025-12-31'],
      ['year-end-report', '2026-01-31'],
    ]);

    // Progress at 100% meets the deadline: it is never reminded again.
    await a.as.otherDirigente.post(`/objectives/${a.objectiveId}/phase-progress`, { phaseId: 'f1', progressPercent: 100 }).expect(200);
    expect((await a.as.otherDirigente.get(await fresh('/people/me/deadlines?on=2025-07-15'))).body.overdue).toEqual([]);

    // A dirigente may not read another person's objectives; the Segretario may.
    expect((await a.as.dirigente.get(`/people/${a.people.otherDirigente.sub}/objectives`)).status).toBe(403);
    expect((await a.as.segretario.get(`/people/${a.people.otherDirigente.sub}/objectives?on=2025-07-15`)).body.unitsHeaded).toEqual(['cultura', 'welfare']);
  });

  it("scores under the ente's SMVP once adopted, and refuses an incoherent one", async () => {
    const bad = await a.as.segretario.post('/organisation/scoring-system', { basis: 'mean', scale: { kind: 'bands', bands: [{ fromPercent: 10, score: 1 }] } });
    expect([bad.status, bad.body.rule]).toEqual([422, 'scoring-system-invalid']);
    const malformed = await a.as.segretario.post('/organisation/scoring-system', { basis: 'media', scale: { kind: 'bands' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['basis', 'scale.bands']));
    expect((await a.as.dirigente.post('/organisation/scoring-system', { basis: 'phases', scale: { kind: 'linear' } })).status).toBe(403);

    const bands = [0, 50, 75, 100].map((p) => ({ fromPercent: p, score: p }));
    await a.as.segretario.post('/organisation/scoring-system', { basis: 'phases', scale: { kind: 'bands', bands } }).expect(200);
    const scores = (await a.as.nucleo.get(await fresh(`/plans/${a.planId}/scores`))).body;
    expect(scores.scoringSystem).toEqual({ basis: 'phases', scale: { kind: 'bands', bands } });
    // S08_01: f1 (weight 50) at 100%, f2 (weight 50) at 0% → 50% → the 50 band.
    expect(scores.objectives.find((o: { code: string }) => o.code === 'S08_01')).toMatchObject({ percent: 50, score: 50 });
    expect(scores.units.find((u: { unitId: string }) => u.unitId === 'welfare')).toMatchObject({ percent: 50, score: 50 });
  });

  it('waits for a command’s position when asked (read-your-writes), and says 503 when the read model cannot get there in time', async () => {
    const progress = await a.as.otherDirigente.post(`/objectives/${a.objectiveId}/phase-progress`, { phaseId: 'f2', progressPercent: 40 }).expect(200);
    const timeline = (await a.as.nucleo.get(`/objectives/${a.objectiveId}/timeline?after=${progress.body.position}`)).body;
    expect(timeline.events.at(-1)).toMatchObject({ type: 'PhaseProgressRecorded', changes: [{ path: 'progress[f2].progressPercent', from: null, to: 40 }] });
    // A position no command returned (beyond the end of the log) is the client's mistake: a 400 at once, no wait.
    const [commit] = (progress.body.position as string).split('/');
    const never = await a.as.nucleo.get(`/objectives/${a.objectiveId}/timeline?after=${BigInt(commit) + 1_000_000n}/0`);
    expect([never.status, never.body.errors?.[0]]).toEqual([400, expect.objectContaining({ field: 'after', rule: 'position-in-log' })]);
    // A read model that cannot get there (no process projects: RUN_PROCESSORS=false) is a 503 after the bound.
    const unprojected = await startApi('pglite', { RUN_PROCESSORS: 'false', READ_YOUR_WRITES_TIMEOUT_MS: '300' });
    try {
      const segretario = await unprojected.as(a.people.segretario);
      const plan = await segretario.post('/plans', { kind: 'PEG', title: 'PEG 2026', fromYear: 2026, toYear: 2026 }).expect(201);
      const behind = await segretario.get(`/plans/${plan.body.planId}/objectives?after=${plan.body.position}`);
      expect([behind.status, behind.body.type, behind.headers['retry-after']]).toEqual([503, '/problems/read-model-behind', expect.any(String)]);
    } finally {
      await unprojected.close();
    }
  }, 30_000);

  it('refuses bad query parameters with 400 naming the parameter', async () => {
    const cases: [string, string][] = [
      [`/plans/${a.planId}/objectives?limit=0`, 'limit'],
      [`/plans/${a.planId}/objectives?limit=abc`, 'limit'],
      [`/plans/${a.planId}/objectives?status=finished`, 'status'],
      [`/plans/${a.planId}/objectives?overdueOn=31/09/2025`, 'overdueOn'],
      [`/plans/${a.planId}/objectives?cursor=bm90LWEtY3Vyc29y`, 'cursor'],
      [`/plans/${a.planId}/objectives?colour=red`, 'colour'],
      [`/plans/${a.planId}/objectives?after=yesterday`, 'after'],
      [`/plans/${a.planId}/as-of`, 'date'],
      [`/plans/${a.planId}/as-of?date=2025-01-01&revision=2`, 'date'],
      [`/objectives/${a.objectiveId}/as-of?revision=-1`, 'revision'],
      [`/objectives/${a.objectiveId}/timeline?limit=5000`, 'limit'],
      [`/objectives/not-a-uuid/timeline`, 'objectiveId'],
      [`/people/me/deadlines?horizonDays=1000`, 'horizonDays'],
    ];
    for (const [url, field] of cases) {
      const response = await a.as.segretario.get(url);
      expect([url, response.status, response.body.errors?.map((e: { field: string }) => e.field)]).toEqual([url, 400, expect.arrayContaining([field])]);
    }
  });

  it('returns nothing of another ente on any query route: its ids are 404, its lists stay its own', async () => {
    const theirs = (await b.as.segretario.get(await fresh(`/plans/${b.planId}/objectives`))).body.items.map((o: { code: string }) => o.code);
    expect(theirs).toEqual(['S08_01', 'S08_02']);
    for (const path of ['objectives', 'dashboard', 'scores', 'as-of?date=2025-12-31'])
      expect((await b.as.nucleo.get(`/plans/${a.planId}/${path}`)).status).toBe(404);
    for (const path of ['timeline', 'versions', 'evaluation', 'as-of?revision=0'])
      expect((await b.as.nucleo.get(`/objectives/${a.objectiveId}/${path}`)).status).toBe(404);
  });

  it('reports the projection lag on /health and in Prometheus text on /metrics', async () => {
    await a.as.nucleo.get(await fresh(`/plans/${a.planId}/objectives`)).expect(200);
    const health = (await api.anonymous().get('/health/ready')).body;
    expect(health.details.processors['read-models']).toMatchObject({ lagEvents: 0, lagSeconds: 0, state: 'active', parked: 0 });
    const metrics = await api.anonymous().get('/metrics');
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.text).toMatch(/^piao_processor_lag_events\{processor="read-models"\} 0$/m);
    expect(metrics.text).toMatch(/^piao_processor_lag_seconds\{processor="plan-processor"\} 0$/m);
    expect(metrics.text).toMatch(/^piao_processor_parked_events\{processor="read-models"\} 0$/m);
    expect(metrics.text).not.toContain('comune-a');
    // This process's instances count what they handled and the time their batches took.
    const counter = (text: string, name: string) => Number(new RegExp(`^${name}\\{processor="read-models"\\} ([0-9.e+-]+)$`, 'm').exec(text)?.[1]);
    const [events, busy] = [counter(metrics.text, 'piao_processor_events_total'), counter(metrics.text, 'piao_processor_busy_seconds_total')];
    expect(events).toBeGreaterThan(0);
    expect(busy).toBeGreaterThan(0);
    await a.as.otherDirigente.post(`/objectives/${a.objectiveId}/phase-progress`, { phaseId: 'f2', progressPercent: 45 }).expect(200);
    await a.as.nucleo.get(await fresh(`/plans/${a.planId}/objectives`)).expect(200);
    const later = (await api.anonymous().get('/metrics')).text;
    expect(counter(later, 'piao_processor_events_total')).toBeGreaterThan(events);
    expect(counter(later, 'piao_processor_busy_seconds_total')).toBeGreaterThan(busy);
  });

  it('the Segretario’s review queue: proposals, submitted reports and reprogrammings across the plans, oldest first, its ente only', async () => {
    const queue = async (as = b.as.segretario) => (await as.get(await fresh('/review-queue'))).body;
    const before = await queue();
    expect(before.items).toEqual([]);
    // A proposal, then the approved objective's 31/07 monitoring report and its year-end report.
    await b.as.dirigente.post(`/objectives/${b.draftId}/propose`).expect(200);
    await b.as.dirigente.post(`/objectives/${b.objectiveId}/monitoring-reports`, { asOf: '2025-07-31', phases: [], indicators: [] }).expect(200);
    await b.as.dirigente.post(`/objectives/${b.objectiveId}/year-end-report`, { phases: [], indicators: [] }).expect(200);
    const { items } = await queue();
    expect(items.map((i: { kind: string; code: string; asOf: string | null }) => [i.kind, i.code, i.asOf])).toEqual([
      ['proposal', 'S08_02', null],
      ['monitoring-report', 'S08_01', '2025-07-31'],
      ['year-end-report', 'S08_01', null],
    ]);
    expect(items[0]).toMatchObject({ planId: b.planId, planTitle: 'PEG 2025', title: definition().title, responsibleUnitId: 'welfare' });
    // Who submitted each report; a proposal names nobody here.
    expect(items.map((i: { submittedBy: string | null }) => i.submittedBy)).toEqual([null, b.people.dirigente.sub, b.people.dirigente.sub]);
    // Oldest first, each since the event that submitted it.
    const timeline = (await b.as.segretario.get(`/objectives/${b.objectiveId}/timeline`)).body.events as { type: string; occurredAt: string }[];
    expect(items[1].since).toBe(timeline.find((e) => e.type === 'MonitoringReportSubmitted')!.occurredAt);
    // A proposal dated back (made on paper last week) has waited longer than the reports: it comes first.
    const late = await b.as.dirigente.post(`/plans/${b.planId}/objectives`, { code: 'S09_01', definition: definition(), occurredOn: '2025-06-02' }).expect(201);
    await b.as.dirigente.post(`/objectives/${late.body.objectiveId}/propose`, { occurredOn: '2025-06-02' }).expect(200);
    const dated = (await queue()).items;
    expect(dated.map((i: { code: string; kind: string }) => `${i.kind} ${i.code}`)).toEqual([
      'proposal S09_01',
      'proposal S08_02',
      'monitoring-report S08_01',
      'year-end-report S08_01',
    ]);
    expect(dated[0].since).toBe('2025-06-02');
    await b.as.segretario.post(`/objectives/${late.body.objectiveId}/return`, { reason: 'Indicatori da rivedere' }).expect(200);
    // Dealt with, it leaves the queue.
    await b.as.segretario.post(`/objectives/${b.objectiveId}/monitoring-reports/validate`, { asOf: '2025-07-31' }).expect(200);
    expect((await queue()).items.map((i: { kind: string }) => i.kind)).toEqual(['proposal', 'year-end-report']);
    // A report the Segretario submitted: the queue says so (the web page offers them nothing on it), and it is another
    // Segretario's to validate.
    await b.as.segretario.post(`/objectives/${b.objectiveId}/monitoring-reports`, { asOf: '2025-09-30', phases: [], indicators: [] }).expect(200);
    const own = (await queue()).items.find((i: { asOf: string | null }) => i.asOf === '2025-09-30');
    expect(own).toMatchObject({ kind: 'monitoring-report', submittedBy: b.people.segretario.sub });
    const refused = await b.as.segretario.post(`/objectives/${b.objectiveId}/monitoring-reports/validate`, { asOf: '2025-09-30' });
    expect([refused.status, refused.body.rule]).toEqual([422, 'self-validation-forbidden']);
    await b.as.vice.post(`/objectives/${b.objectiveId}/monitoring-reports/validate`, { asOf: '2025-09-30' }).expect(200);
    expect((await queue()).items.map((i: { kind: string }) => i.kind)).toEqual(['proposal', 'year-end-report']);
    // A cancelled objective takes no more decisions: its report submitted leaves the queue with it.
    await b.as.segretario.post(`/objectives/${b.objectiveId}/cancel`, { reason: 'Servizio soppresso', act: { number: '77', date: '2025-10-01' } }).expect(200);
    expect((await queue()).items.map((i: { kind: string; code: string }) => `${i.kind} ${i.code}`)).toEqual(['proposal S08_02']);
    // The Segretario's only; another ente's Segretario sees none of it.
    expect((await b.as.dirigente.get('/review-queue')).status).toBe(403);
    expect((await b.as.nucleo.get('/review-queue')).status).toBe(403);
    expect((await queue(a.as.segretario)).items.map((i: { planId: string }) => i.planId)).not.toContain(b.planId);
  });
});
