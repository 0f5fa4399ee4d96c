import { startApi, type Api } from '../support/api-harness';
import { definition, seedEnte, type Ente } from '../support/scenario';

/** The routes the cycle test does not walk, each through its successful path and the rule that guards it. */
describe('plan campaigns, reassignment, cancellation, rejections and contested evaluations (PostgreSQL)', () => {
  let api: Api;
  let e: Ente;
  beforeAll(async () => {
    api = await startApi('postgres');
    e = await seedEnte(api, 'comune-percorsi');
  });
  afterAll(() => api.close());

  const status = async (call: Promise<{ status: number; body: Record<string, unknown> }>) => {
    const response = await call;
    return [response.status, response.body.rule ?? response.body.status] as const;
  };

  it('opens and closes a monitoring campaign, each only once', async () => {
    expect(await status(e.as.segretario.post(`/plans/${e.planId}/monitoring-campaigns`, { asOf: '31/07/2025', dueOn: '31/08/2025' }))).toEqual([
      201,
      'approved',
    ]);
    expect(await status(e.as.segretario.post(`/plans/${e.planId}/monitoring-campaigns`, { asOf: '2025-07-31' }))).toEqual([422, 'campaign-exists']);
    expect((await e.as.rpct.get(`/plans/${e.planId}`)).body.campaigns).toEqual({ '2025-07-31': { dueOn: '2025-08-31', open: true } });
    expect(await status(e.as.segretario.post(`/plans/${e.planId}/monitoring-campaigns/close`, { asOf: '2025-07-31' }))).toEqual([200, 'approved']);
    expect(await status(e.as.segretario.post(`/plans/${e.planId}/monitoring-campaigns/close`, { asOf: '2025-07-31' }))).toEqual([422, 'campaign-not-open']);
  });

  it('updates a draft with the changes listed, and approves a late objective with an act of its own', async () => {
    const updated = await e.as.dirigente.post(`/objectives/${e.draftId}/draft`, { definition: { ...definition(), title: 'Sostegno alle famiglie fragili' } });
    expect(updated.status).toBe(200);
    const history = (await e.as.nucleo.get(`/objectives/${e.draftId}/history`)).body;
    expect(history.events.at(-1)).toMatchObject({
      type: 'ObjectiveDraftUpdated',
      data: { changes: [{ path: 'title', from: 'Sostegno alle famiglie', to: 'Sostegno alle famiglie fragili' }] },
    });
    expect(await status(e.as.segretario.post(`/objectives/${e.draftId}/approve`, { act: { number: '9', date: '2025-04-01' } }))).toEqual([422, 'not-proposed']);
    await e.as.dirigente.post(`/objectives/${e.draftId}/propose`);
    expect(await status(e.as.segretario.post(`/objectives/${e.draftId}/approve`, {}))).toEqual([422, 'giunta-act-required']);
    const approved = await e.as.segretario.post(`/objectives/${e.draftId}/approve`, { act: { number: '9', date: '2025-04-01' } });
    expect([approved.status, approved.body.status, approved.body.approvalAct]).toEqual([200, 'approved', { number: '9', date: '2025-04-01' }]);
  });

  it('returns reports and rejects a reprogramming, each with its reason', async () => {
    const id = e.draftId;
    await e.as.dirigente.post(`/objectives/${id}/monitoring-reports`, { asOf: '2025-07-31', phases: [], indicators: [] });
    expect(await status(e.as.segretario.post(`/objectives/${id}/monitoring-reports/return`, { asOf: '2025-07-31' }))).toEqual([422, 'reason-required']);
    expect(await status(e.as.segretario.post(`/objectives/${id}/monitoring-reports/return`, { asOf: '2025-07-31', reason: 'Mancano i valori' }))).toEqual([
      200,
      'approved',
    ]);
    expect(
      await status(
        e.as.dirigente.post(`/objectives/${id}/monitoring-reports`, { asOf: '2025-07-31', phases: [], indicators: [{ indicatorId: 'i1', value: '30' }] }),
      ),
    ).toEqual([200, 'approved']);
    await e.as.dirigente.post(`/objectives/${id}/reprogramming`, { definition: { ...definition(), title: 'Altro' }, reason: 'Priorità cambiate' });
    expect(await status(e.as.segretario.post(`/objectives/${id}/reprogramming/reject`, { reason: 'La Giunta non approva' }))).toEqual([200, 'approved']);
    expect((await e.as.segretario.get(`/objectives/${id}`)).body).toMatchObject({
      pendingReprogramming: null,
      reprogrammings: [],
      definition: { title: 'Sostegno alle famiglie fragili' },
    });
    await e.as.dirigente.post(`/objectives/${id}/year-end-report`, { phases: [], indicators: [] });
    expect(await status(e.as.segretario.post(`/objectives/${id}/year-end-report/return`, { reason: 'Allegare le evidenze' }))).toEqual([200, 'approved']);
  });

  it('moves an objective to another unit: from then on its new head acts on it and the old one cannot', async () => {
    const id = e.objectiveId;
    expect(await status(e.as.segretario.post(`/objectives/${id}/reassign`, { toUnitId: 'nowhere', effectiveOn: '2025-06-01' }))).toEqual([422, 'unknown-unit']);
    expect(
      await status(e.as.segretario.post(`/objectives/${id}/reassign`, { toUnitId: 'cultura', effectiveOn: '2025-06-01', reason: 'Riorganizzazione' })),
    ).toEqual([200, 'approved']);
    expect(await status(e.as.dirigente.post(`/objectives/${id}/phase-progress`, { phaseId: 'f1', progressPercent: 10 }))).toEqual([403, 'not-head-of-unit']);
    expect(await status(e.as.otherDirigente.post(`/objectives/${id}/phase-progress`, { phaseId: 'f1', progressPercent: 10 }))).toEqual([200, 'approved']);
  });

  it('refuses contesting an evaluation before it is shared; shared and uncontested, it lets the objective close', async () => {
    const id = e.objectiveId; // now headed by otherDirigente
    await e.as.otherDirigente.post(`/objectives/${id}/year-end-report`, { phases: [], indicators: [] });
    await e.as.segretario.post(`/objectives/${id}/year-end-report/validate`);
    await e.as.nucleo.post(`/objectives/${id}/evaluation`, { achievementPercent: 50, reason: 'Raggiunto a metà' });
    expect(await status(e.as.otherDirigente.post(`/objectives/${id}/evaluation/contest`, { reason: 'x' }))).toEqual([422, 'evaluation-not-shared']);
    await e.as.nucleo.post(`/objectives/${id}/evaluation/share`);
    expect(await status(e.as.segretario.post(`/objectives/${id}/close`))).toEqual([200, 'closed']);
  });

  it('contest and confirm: a revised evaluation, then closed', async () => {
    const created = await e.as.dirigente.post(`/plans/${e.planId}/objectives`, { code: 'CONTESTATO', definition: definition() });
    const id = created.body.objectiveId as string;
    await e.as.dirigente.post(`/objectives/${id}/propose`);
    await e.as.segretario.post(`/objectives/${id}/approve`, { act: { number: '10', date: '2025-04-02' } });
    await e.as.dirigente.post(`/objectives/${id}/year-end-report`, { phases: [], indicators: [] });
    await e.as.segretario.post(`/objectives/${id}/year-end-report/validate`);
    await e.as.nucleo.post(`/objectives/${id}/evaluation`, { achievementPercent: 50, reason: 'Raggiunto a metà' });
    await e.as.nucleo.post(`/objectives/${id}/evaluation/share`);
    expect(await status(e.as.dirigente.post(`/objectives/${id}/evaluation/contest`, { reason: 'Il ritardo dipende dalla Regione' }))).toEqual([
      200,
      'evaluated',
    ]);
    expect(await status(e.as.segretario.post(`/objectives/${id}/close`))).toEqual([422, 'evaluation-not-final']);
    const confirmed = await e.as.nucleo.post(`/objectives/${id}/evaluation/confirm`, { achievementPercent: 75, reason: 'Accolta in parte' });
    expect(confirmed.body.evaluation).toMatchObject({ status: 'confirmed', achievementPercent: 75 });
    expect(await status(e.as.segretario.post(`/objectives/${id}/close`))).toEqual([200, 'closed']);
  });

  it('cancels: a draft with a reason, an approved objective only with a Giunta act; then nothing more is recorded', async () => {
    const draft = (await e.as.dirigente.post(`/plans/${e.planId}/objectives`, { code: 'DA_ANNULLARE', definition: definition() })).body.objectiveId as string;
    expect(await status(e.as.segretario.post(`/objectives/${draft}/cancel`, { reason: 'Duplicato' }))).toEqual([200, 'cancelled']);
    const live = (await e.as.dirigente.post(`/plans/${e.planId}/objectives`, { code: 'ANNULLATO_DA_GIUNTA', definition: definition() })).body
      .objectiveId as string;
    await e.as.dirigente.post(`/objectives/${live}/propose`);
    await e.as.segretario.post(`/objectives/${live}/approve`, { act: { number: '11', date: '2025-04-03' } });
    expect(await status(e.as.segretario.post(`/objectives/${live}/cancel`, { reason: 'Superato' }))).toEqual([422, 'giunta-act-required']);
    expect(await status(e.as.segretario.post(`/objectives/${live}/cancel`, { reason: 'Superato', act: { number: '12', date: '2025-05-05' } }))).toEqual([
      200,
      'cancelled',
    ]);
    expect(await status(e.as.dirigente.post(`/objectives/${live}/phase-progress`, { phaseId: 'f1', progressPercent: 10 }))).toEqual([
      422,
      'objective-terminated',
    ]);
  });

  it('closes the plan, after which no objective can be drafted into it', async () => {
    expect(await status(e.as.segretario.post(`/plans/${e.planId}/close`, { reason: 'Relazione sulla Performance validata' }))).toEqual([200, 'closed']);
    expect(await status(e.as.dirigente.post(`/plans/${e.planId}/objectives`, { definition: definition() }))).toEqual([422, 'plan-closed']);
  });
});
