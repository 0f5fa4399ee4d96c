import { ProcessorsHost } from '@piao/application';
import { AuditModule, type DossierContent } from '@piao/audit';
import { type StoredEvent } from '@piao/event-store';
import { allEvents, startApi, type Api, type AuthorisedClient, type Person } from '../support/api-harness';
import { until } from '../support/processor-harness';

const ENTE = 'comune-storia';
const people = {
  admin: { sub: 'admin', name: 'Ufficio Organizzazione', ente: ENTE, roles: ['admin'] },
  segretario: { sub: 'seg', name: 'Segretaria Generale', ente: ENTE, roles: ['segretario'] },
  /** Headed the Settore Welfare through 2024, then left. */
  rossi: { sub: 'rossi', name: 'Mario Rossi', ente: ENTE, roles: ['dirigente'] },
  /** Heads it from 2025. */
  verdi: { sub: 'verdi', name: 'Anna Verdi', ente: ENTE, roles: ['dirigente'] },
  nucleo: { sub: 'ndv', name: 'Presidente del Nucleo di Valutazione', ente: ENTE, roles: ['nucleo'] },
  stranger: { sub: 'admin', name: 'Amministratore di un altro comune', ente: 'comune-altro', roles: ['admin'] },
} satisfies Record<string, Person>;

const ACT = { number: '31', date: '2024-03-10' };

const definition = (title: string, year = 2024, target = 100) => ({
  title,
  responsibleUnitId: 'welfare',
  horizon: { fromYear: year, toYear: year },
  phases: [
    { id: 'f1', description: 'Analisi dei bisogni', weight: 50, plannedEnd: `${year}-06-30` },
    { id: 'f2', description: 'Erogazione', weight: 50, plannedEnd: `${year}-12-31` },
  ],
  indicators: [{ id: 'i1', description: 'Famiglie sostenute', target: { text: `almeno n. ${target}`, sense: 'at-least', value: target } }],
});

type Step = Record<string, unknown>;
const step = (by: keyof typeof people, role: string, occurredOn: string, action: string, fields: Step = {}): Step => ({
  by: people[by].sub,
  role,
  occurredOn,
  action,
  ...fields,
});

/** The 2024 cycle of two objectives of the Settore Welfare, as it happened; `dirigente` is who acted for the unit in 2024. */
function history2024(dirigente: 'rossi' | 'verdi' = 'rossi'): Step[] {
  const both = (make: (code: string) => Step) => ['S1', 'S2'].map(make);
  const report = { phases: [{ phaseId: 'f1', progressPercent: 60 }], indicators: [{ indicatorId: 'i1', value: '55' }] };
  const final = {
    phases: [
      { phaseId: 'f1', progressPercent: 100 },
      { phaseId: 'f2', progressPercent: 100 },
    ],
    indicators: [{ indicatorId: 'i1', value: '104' }],
  };
  return [
    ...both((code) => step(dirigente, 'dirigente', '2024-01-20', 'draft', { objective: code, definition: definition(`Obiettivo ${code}`) })),
    ...both((code) => step(dirigente, 'dirigente', '20/01/2024', 'propose', { objective: code })),
    step('segretario', 'segretario', '2024-02-15', 'submit'),
    step('segretario', 'segretario', '2024-03-14', 'approve', { act: ACT, reason: 'Approvazione del PEG 2024' }),
    step(dirigente, 'dirigente', '2024-06-30', 'phase-progress', { objective: 'S1', phaseId: 'f1', progressPercent: 60, actualStart: '2024-01-15' }),
    step(dirigente, 'dirigente', '2024-07-31', 'indicator-value', { objective: 'S1', indicatorId: 'i1', value: '55', asOf: '2024-07-31' }),
    step('segretario', 'segretario', '2024-07-31', 'open-monitoring-campaign', { asOf: '2024-07-31', dueOn: '2024-08-31' }),
    ...both((code) => step(dirigente, 'dirigente', '2024-08-05', 'monitoring-report', { objective: code, asOf: '2024-07-31', ...report })),
    ...both((code) => step('segretario', 'segretario', '2024-08-20', 'validate-monitoring-report', { objective: code, asOf: '2024-07-31' })),
    step('segretario', 'segretario', '2024-09-02', 'close-monitoring-campaign', { asOf: '2024-07-31' }),
    ...both((code) => step(dirigente, 'dirigente', '2024-12-30', 'year-end-report', { objective: code, ...final, evidence: 'Relazione finale prot. 77' })),
    ...both((code) => step('segretario', 'segretario', '2025-01-25', 'validate-year-end-report', { objective: code })),
    ...both((code) => step('nucleo', 'nucleo', '2025-03-10', 'evaluation', { objective: code, achievementPercent: 100, reason: 'Obiettivo raggiunto' })),
    ...both((code) => step('nucleo', 'nucleo', '2025-03-20', 'share-evaluation', { objective: code })),
    ...both((code) => step('segretario', 'segretario', '2025-04-10', 'close', { objective: code })),
    step('segretario', 'segretario', '2025-06-30', 'close', { reason: 'Relazione sulla performance validata dal Nucleo' }),
  ];
}

interface Line {
  index: number;
  action: string;
  objective?: string;
  status: string;
  events: string[];
  problem?: { field?: string; rule: string; message: string };
}
interface Report {
  planId: string;
  dryRun: boolean;
  applied: boolean;
  position: string | null;
  steps: Line[];
}

describe("importing a past year's history of a plan (PostgreSQL)", () => {
  let api: Api;
  let as: Record<keyof typeof people, AuthorisedClient>;
  let planId: string;

  const ok = async (call: Promise<{ status: number; body: unknown; headers?: unknown }>, status = 200) => {
    const response = await call;
    if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(response.body).slice(0, 3000)}`);
    return response.body as Record<string, unknown>;
  };
  const openPlan = async (title: string, year = 2024) =>
    (await ok(as.segretario.post('/plans', { kind: 'PEG', title, fromYear: year, toYear: year, occurredOn: `${year}-01-10` }), 201)).planId as string;
  const importHistory = (planId: string, steps: Step[], query = '', client = as.admin, headers: Record<string, string> = {}) =>
    client.post(`/plans/${planId}/history${query}`, { steps }, headers);
  const refused = async (planId: string, steps: Step[], client = as.admin): Promise<Report> => {
    const before = (await allEvents(api.store)).length;
    const body = await ok(importHistory(planId, steps, '', client), 422);
    expect(body).toMatchObject({ type: '/problems/lifecycle/history-refused', status: 422, rule: 'history-refused' });
    expect((await allEvents(api.store)).length).toBe(before);
    return body.report as Report;
  };

  beforeAll(async () => {
    api = await startApi('postgres');
    as = Object.fromEntries(await Promise.all(Object.entries(people).map(async ([k, p]) => [k, await api.as(p)]))) as typeof as;
    await ok(as.admin.post('/organisation/units', { unitId: 'welfare', name: 'Settore Welfare', kind: 'settore' }), 201);
    for (const p of [people.segretario, people.rossi, people.verdi, people.nucleo]) {
      await ok(as.admin.post('/organisation/people', { personId: p.sub, name: p.name }), 201);
    }
    await ok(as.admin.post('/organisation/headships', { unitId: 'welfare', personId: 'rossi', from: '2024-01-01', to: '2024-12-31' }), 201);
    await ok(as.admin.post('/organisation/headships', { unitId: 'welfare', personId: 'verdi', from: '2025-01-01' }), 201);
    planId = await openPlan('PEG 2024');
  }, 60_000);
  afterAll(() => api?.close());

  it('opens last year’s plan on its business date', async () => {
    const opened = (await allEvents(api.store)).find((e) => e.type === 'PlanOpened' && (e.data as { planId: string }).planId === planId)!;
    expect([opened.metadata.occurredAt, opened.metadata.actor.id, opened.metadata.imported]).toEqual(['2024-01-10', 'seg', undefined]);
  });

  it('imports the whole 2024 cycle, each step by its person on its date, every event marked as imported by the admin', async () => {
    const steps = history2024();
    const report = (await ok(importHistory(planId, steps))) as unknown as Report;
    expect([report.planId, report.dryRun, report.applied]).toEqual([planId, false, true]);
    expect(report.position).toMatch(/^\d+\/\d+$/);
    expect(report.steps.map((s) => s.status)).toEqual(steps.map(() => 'applied'));
    expect(report.steps[0]).toEqual({ index: 0, action: 'draft', objective: 'S1', status: 'applied', events: ['ObjectiveDrafted', 'ObjectiveAttached'] });
    expect(report.steps[5].events).toEqual(['PlanApprovedByGiunta', 'ObjectiveApprovedByGiunta', 'ObjectiveApprovedByGiunta']);

    const imported = (await allEvents(api.store)).filter((e) => e.metadata.imported);
    expect(imported).toHaveLength(report.steps.flatMap((s) => s.events).length);
    const recordedAt = imported[0].metadata.recordedAt;
    for (const event of imported) {
      expect(event.metadata.imported).toEqual({ by: { id: 'admin', name: 'Ufficio Organizzazione' }, at: recordedAt });
      expect([event.metadata.recordedAt, event.metadata.ente]).toEqual([recordedAt, ENTE]);
    }
    // One transaction: the whole history sits together in the log.
    expect(new Set(imported.map((e) => e.position.commit)).size).toBe(1);

    const of = (type: string) => imported.filter((e) => e.type === type);
    const who = (e: StoredEvent) => [e.metadata.actor.id, e.metadata.actor.name, e.metadata.actor.role, e.metadata.occurredAt];
    expect(of('ObjectiveDrafted').map(who)).toEqual([
      ['rossi', 'Mario Rossi', 'dirigente', '2024-01-20'],
      ['rossi', 'Mario Rossi', 'dirigente', '2024-01-20'],
    ]);
    expect(of('ObjectiveProposed').map(who)[0]).toEqual(['rossi', 'Mario Rossi', 'dirigente', '2024-01-20']);
    expect(of('PlanSubmitted').map(who)).toEqual([['seg', 'Segretaria Generale', 'segretario', '2024-02-15']]);
    const [planApproval] = of('PlanApprovedByGiunta');
    expect([...who(planApproval), planApproval.metadata.act, planApproval.metadata.reason]).toEqual([
      'seg',
      'Segretaria Generale',
      'segretario',
      '2024-03-14',
      ACT,
      'Approvazione del PEG 2024',
    ]);
    for (const approval of of('ObjectiveApprovedByGiunta')) {
      expect(approval.metadata.causationId).toBe(planApproval.id);
      expect(approval.data).toMatchObject({ act: ACT, planApprovalEventId: planApproval.id });
      expect(approval.metadata.act).toEqual(ACT);
    }
    expect(of('MonitoringReportSubmitted').map(who)[1]).toEqual(['rossi', 'Mario Rossi', 'dirigente', '2024-08-05']);
    expect(of('MonitoringReportValidated').map(who)[0]).toEqual(['seg', 'Segretaria Generale', 'segretario', '2024-08-20']);
    expect(of('YearEndReportSubmitted').map(who)[0]).toEqual(['rossi', 'Mario Rossi', 'dirigente', '2024-12-30']);
    expect(of('ObjectiveEvaluated').map(who)[0]).toEqual(['ndv', 'Presidente del Nucleo di Valutazione', 'nucleo', '2025-03-10']);
    expect(of('ObjectiveEvaluated')[0].metadata.reason).toBe('Obiettivo raggiunto');
    expect(of('PlanClosed').map(who)).toEqual([['seg', 'Segretaria Generale', 'segretario', '2025-06-30']]);

    // The plan and its objectives as the history left them.
    const plan = await ok(as.segretario.get(`/plans/${planId}`));
    expect(plan.status).toBe('closed');
    expect((plan.objectives as { code: string; status: string }[]).map((o) => [o.code, o.status])).toEqual([
      ['S1', 'closed'],
      ['S2', 'closed'],
    ]);
  });

  it('shows `imported` in the history, the timeline and the audit trail, and raises no back-dating flag for it', async () => {
    const s1 = ((await ok(as.segretario.get(`/plans/${planId}`))).objectives as { code: string; objectiveId: string }[])[0].objectiveId;
    const mark = { by: { id: 'admin', name: 'Ufficio Organizzazione' }, at: expect.any(String) };

    const history = (await ok(as.nucleo.get(`/objectives/${s1}/history`))).events as { type: string; imported?: unknown; occurredAt: string }[];
    expect(history.every((e) => expect.objectContaining({ imported: mark }).asymmetricMatch(e))).toBe(true);

    const objectiveEvents = (await allEvents(api.store)).filter((e) => e.streamId.startsWith('objective-')).length;
    let trail: { objectiveId: string; type: string; actor: { id: string; role: string }; occurredAt: string; imported?: unknown }[] = [];
    await until(async () => {
      api.app.get(ProcessorsHost).poke();
      trail = ((await as.nucleo.get('/audit/trail?limit=500')).body as { items: typeof trail }).items;
      return trail.length === objectiveEvents;
    }, 'the audit trail to hold the imported history');
    expect(trail.every((e) => expect.objectContaining({ imported: mark }).asymmetricMatch(e))).toBe(true);
    expect(trail.find((e) => e.objectiveId === s1 && e.type === 'ObjectiveProposed')).toMatchObject({
      actor: { id: 'rossi', role: 'dirigente' },
      occurredAt: '2024-01-20',
    });
    const csv = await as.nucleo.get(`/audit/trail/export?format=csv&objectiveId=${s1}`).buffer(true);
    expect(csv.text.split('\r\n')[0]).toMatch(/;Importato da;Importato il$/);
    expect(csv.text).toContain('Ufficio Organizzazione (admin)');

    const timeline = (await ok(as.nucleo.get(`/objectives/${s1}/timeline`))).events as { imported?: unknown }[];
    expect(timeline).toHaveLength(history.length);
    expect(timeline.every((e) => expect.objectContaining({ imported: mark }).asymmetricMatch(e))).toBe(true);

    // Recorded in 2026 with business dates of 2024: the import is the recording, so nothing is back-dated.
    const flags = (await ok(as.nucleo.get(`/audit/red-flags?planId=${planId}`))).items as { kind: string }[];
    expect(flags.map((f) => f.kind)).not.toContain('back-dated');
    expect(flags.map((f) => f.kind)).not.toContain('report-late');
  });

  it('says in the dossier who imported each event and when', async () => {
    const s1 = ((await ok(as.segretario.get(`/plans/${planId}`))).objectives as { objectiveId: string }[])[0].objectiveId;
    const requested = await ok(as.nucleo.post('/audit/dossiers', { scope: { kind: 'objective', id: s1 } }), 202);
    let links: Record<string, string> = {};
    await until(
      async () => {
        api.app.get(ProcessorsHost).poke();
        api.app.get(AuditModule).dossierWorker()?.poke();
        const summary = (await as.nucleo.get(`/audit/dossiers/${requested.dossierId as string}`)).body as { status: string; links: typeof links };
        if (summary.status === 'failed') throw new Error('the dossier failed');
        links = summary.links;
        return summary.status === 'ready';
      },
      'the dossier to be ready',
      90_000,
      200,
    );
    const content = JSON.parse((await as.nucleo.get(links.json).buffer(true)).text) as DossierContent;
    const timeline = content.objectives[0].timeline;
    expect(timeline.length).toBeGreaterThan(0);
    expect(timeline.every((e) => e.imported?.by.id === 'admin' && e.imported.at === e.recordedAt)).toBe(true);
    expect(content.redFlags.map((f) => f.kind)).not.toContain('back-dated');
    const csv = (await as.nucleo.get(links.csv).buffer(true)).text;
    expect(csv).toContain('Importato da');
    expect(csv).toContain('Ufficio Organizzazione (admin)');
  });

  it('refuses the same history with the dirigente who only heads the unit since 2025, naming the step and the rule, and writes nothing', async () => {
    const other = await openPlan('PEG 2024 (bis)');
    const report = await refused(other, history2024('verdi'));
    expect(report.applied).toBe(false);
    expect(report.steps[0]).toMatchObject({ index: 0, action: 'draft', objective: 'S1', status: 'refused', events: [] });
    expect(report.steps[0].problem).toMatchObject({ rule: 'not-head-of-unit' });
    expect(report.steps[0].problem!.message).toContain('verdi as dirigente on 2024-01-20');
    expect(report.steps.slice(1).map((s) => s.status)).toEqual(report.steps.slice(1).map(() => 'not-run'));
  });

  it('refuses a step out of order, a date after today, a person the ente has not registered, an act after its step', async () => {
    const other = await openPlan('PEG 2024 (ter)');
    const draft = step('rossi', 'dirigente', '2024-02-01', 'draft', { objective: 'S1', definition: definition('Obiettivo S1') });

    const outOfOrder = await refused(other, [draft, step('rossi', 'dirigente', '2024-01-15', 'propose', { objective: 'S1' })]);
    expect(outOfOrder.steps.map((s) => s.status)).toEqual(['applied', 'refused']);
    expect(outOfOrder.steps[1].problem).toMatchObject({ field: 'steps.1.occurredOn', rule: 'steps-out-of-order' });

    const future = await refused(other, [{ ...draft, occurredOn: '2099-01-01' }]);
    expect(future.steps[0].problem).toMatchObject({ field: 'steps.0.occurredOn', rule: 'date-in-future' });

    const unknown = await refused(other, [draft, { ...step('rossi', 'dirigente', '2024-02-05', 'propose', { objective: 'S1' }), by: 'bianchi' }]);
    expect(unknown.steps[1].problem).toMatchObject({ field: 'steps.1.by', rule: 'unknown-person' });

    const actAfter = await refused(other, [
      draft,
      step('rossi', 'dirigente', '2024-02-05', 'propose', { objective: 'S1' }),
      step('segretario', 'segretario', '2024-03-01', 'approve', { objective: 'S1', act: { number: '12', date: '2024-03-05' } }),
    ]);
    expect(actAfter.steps[2].problem).toMatchObject({ field: 'steps.2.act.date', rule: 'act-after-business-date' });

    // A field a route would refuse is a line of the report, named as in the request; the steps after it are not decided.
    const badField = await refused(other, [
      draft,
      step('rossi', 'dirigente', '2024-03-01', 'phase-progress', { objective: 'S1', phaseId: 'f1', progressPercent: 160 }),
      step('rossi', 'dirigente', '2024-03-02', 'propose', { objective: 'S1' }),
    ]);
    expect(badField.steps.map((s) => s.status)).toEqual(['applied', 'refused', 'not-run']);
    expect(badField.steps[1].problem).toMatchObject({ field: 'steps.1.progressPercent', rule: 'max' });
  });

  it('refuses a history into a live plan: nothing back-dated slips into an objective approved through the routes', async () => {
    // The plan of this year, run through the routes: the objective drafted, proposed and approved by the Giunta's act of 30 November.
    const live = await openPlan('PEG 2026', 2026);
    const drafted = await ok(as.verdi.post(`/plans/${live}/objectives`, { code: 'L1', definition: definition('Obiettivo L1', 2026) }), 201);
    const objectiveId = drafted.objectiveId as string;
    await ok(as.verdi.post(`/objectives/${objectiveId}/propose`));
    await ok(as.segretario.post(`/objectives/${objectiveId}/approve`, { act: { number: '90', date: '2026-11-30' } }));

    const final = { phases: [{ phaseId: 'f1', progressPercent: 100 }], indicators: [{ indicatorId: 'i1', value: '12' }], evidence: 'Relazione' };
    const report = await refused(
      live,
      [
        step('verdi', 'dirigente', '2026-02-01', 'phase-progress', { objective: 'L1', phaseId: 'f1', progressPercent: 100 }),
        step('verdi', 'dirigente', '2026-03-01', 'reprogramming', {
          objective: 'L1',
          definition: definition('Obiettivo L1', 2026, 10),
          reason: 'Meno famiglie',
        }),
        step('segretario', 'segretario', '2026-03-02', 'approve-reprogramming', { objective: 'L1', act: { number: '40', date: '2026-03-02' } }),
        step('verdi', 'dirigente', '2026-03-03', 'year-end-report', { objective: 'L1', ...final }),
        step('segretario', 'segretario', '2026-03-04', 'validate-year-end-report', { objective: 'L1' }),
        step('segretario', 'nucleo', '2026-03-05', 'evaluation', { objective: 'L1', achievementPercent: 100, reason: 'Raggiunto' }),
      ],
      as.segretario,
    );
    expect(report.steps.map((s) => [s.status, s.problem?.field, s.problem?.rule])).toEqual([
      ['refused', 'steps.0.objective', 'stream-has-live-events'],
      ['not-run', undefined, undefined],
      ['not-run', undefined, undefined],
      ['not-run', undefined, undefined],
      ['not-run', undefined, undefined],
      ['refused', 'steps.5.by', 'importer-as-reviewer'],
    ]);
    expect(report.steps[0].problem!.message).toMatch(
      /^verdi as dirigente on 2026-02-01: step 0 touches the objective L1, whose stream holds 3 event\(s\) recorded live/,
    );

    // A step on the plan itself is refused as well: the plan holds the objective's attachment, recorded live.
    const onPlan = await refused(live, [step('segretario', 'segretario', '2026-12-01', 'submit')]);
    expect(onPlan.steps[0].problem).toMatchObject({ rule: 'stream-has-live-events' });
    expect(onPlan.steps[0].problem!.message).toContain('step 0 touches the plan, whose stream holds');
    expect(onPlan.steps[0].problem!.field).toBeUndefined();
  });

  it('goes on from a history already imported, never before the last date a stream records', async () => {
    const other = await openPlan('PEG 2024 (in due volte)');
    const steps = history2024();
    const approval = steps.findIndex((s) => s.action === 'approve') + 1;
    const first = (await ok(importHistory(other, steps.slice(0, approval)))) as unknown as Report;
    expect(first.steps.every((s) => s.status === 'applied')).toBe(true);

    // The objectives and the plan record 14 March (the approval): a step of the next history may not go back before it.
    const early = await refused(other, [step('rossi', 'dirigente', '2024-03-01', 'phase-progress', { objective: 'S1', phaseId: 'f1', progressPercent: 10 })]);
    expect(early.steps[0].problem).toMatchObject({ field: 'steps.0.occurredOn', rule: 'step-before-stream-history' });
    expect(early.steps[0].problem!.message).toContain('before 2024-03-14, the last business date the objective S1 already records');

    const second = (await ok(importHistory(other, steps.slice(approval)))) as unknown as Report;
    expect(second.steps.every((s) => s.status === 'applied')).toBe(true);
    const plan = await ok(as.segretario.get(`/plans/${other}`));
    expect(plan.status).toBe('closed');
  });

  it('keeps each person in one role, and the importer out of the NdV', async () => {
    const other = await openPlan('PEG 2024 (ruoli)');
    // The Segretaria validates the year-end reports, then "as the NdV" evaluates them.
    const segAsNucleo = history2024().map((s) => (s.action === 'evaluation' ? { ...s, by: 'seg' } : s));
    const evaluation = segAsNucleo.findIndex((s) => s.action === 'evaluation');
    const byAdmin = await refused(other, segAsNucleo);
    expect(byAdmin.steps.slice(0, evaluation).every((s) => s.status === 'applied')).toBe(true);
    expect(byAdmin.steps[evaluation].problem).toMatchObject({ field: `steps.${evaluation}.role`, rule: 'role-changes' });
    expect(byAdmin.steps[evaluation].problem!.message).toContain(`seg acts as nucleo in step ${evaluation} and as segretario in step 4`);

    // The Segretaria importing may not claim the NdV's evaluation for herself, in whatever role she acts otherwise.
    const bySeg = await refused(
      other,
      [
        step('rossi', 'dirigente', '2024-01-20', 'draft', { objective: 'S1', definition: definition('Obiettivo S1') }),
        step('segretario', 'nucleo', '2024-02-01', 'evaluation', { objective: 'S1', achievementPercent: 100, reason: 'Raggiunto' }),
      ],
      as.segretario,
    );
    expect(bySeg.steps.map((s) => [s.status, s.problem?.field, s.problem?.rule])).toEqual([
      ['applied', undefined, undefined],
      ['refused', 'steps.1.by', 'importer-as-reviewer'],
    ]);
  });

  it('reports a mistyped date in the first step there only, not as every later step being out of order', async () => {
    const other = await openPlan('PEG 2024 (data)');
    const steps = history2024();
    const report = await refused(other, [{ ...steps[0], occurredOn: '2029-01-20' }, ...steps.slice(1)]);
    expect(report.steps[0].problem).toMatchObject({ field: 'steps.0.occurredOn', rule: 'date-in-future' });
    expect(report.steps.slice(1).map((s) => s.status)).toEqual(steps.slice(1).map(() => 'not-run'));
  });

  it('answers 403 to a dirigente and 404 for another ente’s plan', async () => {
    const steps = [step('rossi', 'dirigente', '2024-02-01', 'draft', { objective: 'S1', definition: definition('Obiettivo S1') })];
    expect((await importHistory(planId, steps, '', as.rossi)).body).toMatchObject({ status: 403, rule: 'role-not-allowed' });
    expect((await importHistory(planId, steps, '', as.stranger)).status).toBe(404);
  });

  it('writes nothing on a dry run, and answers a retry with the same Idempotency-Key as the first time', async () => {
    const other = await openPlan('PEG 2024 (quater)');
    const before = (await allEvents(api.store)).length;
    const dry = (await ok(importHistory(other, history2024(), '?dryRun=true'))) as unknown as Report;
    expect([dry.dryRun, dry.applied, dry.position]).toEqual([true, false, null]);
    expect(dry.steps.every((s) => s.status === 'applied')).toBe(true);
    expect((await allEvents(api.store)).length).toBe(before);

    const headers = { 'Idempotency-Key': 'storia-2024-v1' };
    const first = await importHistory(other, history2024(), '', as.admin, headers);
    expect(first.status).toBe(200);
    const written = (await allEvents(api.store)).length;
    expect(written).toBeGreaterThan(before);
    const again = await importHistory(other, history2024(), '', as.admin, headers);
    expect([again.status, again.headers['idempotency-replayed']]).toEqual([200, 'true']);
    expect(again.body).toEqual(first.body);
    expect((await allEvents(api.store)).length).toBe(written);
  });
});
