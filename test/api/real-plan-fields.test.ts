import { startApi, type Api } from '../support/api-harness';
import { definition, seedEnte, type Ente } from '../support/scenario';

/** The fields real plans use (issue 13, item 1), through the API and back, checked by the contract test too. */
describe('the fields real plans use, through the API (PGlite)', () => {
  let api: Api;
  let e: Ente;
  beforeAll(async () => {
    api = await startApi('pglite');
    e = await seedEnte(api, 'comune-campi');
  });
  afterAll(() => api.close());

  it('keeps a person’s role, a stage without its total, the coordinating unit, the deadline and notes', async () => {
    const drafted = await e.as.dirigente.post(`/plans/${e.planId}/objectives`, {
      code: 'S08_09',
      definition: {
        ...definition(),
        contributingUnitIds: ['cultura'],
        coordinatingUnitId: 'welfare',
        deadline: '30/06/2025',
        notes: 'Fase 1 di un progetto pluriennale',
        kind: { multiYear: { stage: 1 } },
        people: [{ name: 'Giulia Neri', role: 'RUP', participationPercent: 40 }],
      },
    });
    expect(drafted.status).toBe(201);
    const read = await e.as.segretario.get(`/objectives/${drafted.body.objectiveId}`);
    expect(read.body.definition).toMatchObject({
      coordinatingUnitId: 'welfare',
      deadline: '2025-06-30',
      notes: 'Fase 1 di un progetto pluriennale',
      kind: { multiYear: { stage: 1 } },
      people: [{ name: 'Giulia Neri', role: 'RUP', participationPercent: 40 }],
    });
    expect(read.body.warnings.map((w: { code: string }) => w.code)).not.toContain('coordinating-unit-not-involved');
  });

  it('warns of a coordinating unit that is not among the objective’s units, and refuses an impossible deadline', async () => {
    const odd = await e.as.dirigente.post(`/plans/${e.planId}/objectives`, { code: 'S08_10', definition: { ...definition(), coordinatingUnitId: 'cultura' } });
    expect(odd.status).toBe(201);
    expect(odd.body.warnings.map((w: { code: string }) => w.code)).toContain('coordinating-unit-not-involved');
    const impossible = await e.as.dirigente.post(`/plans/${e.planId}/objectives`, { code: 'S08_11', definition: { ...definition(), deadline: '31/09/2025' } });
    expect([impossible.status, impossible.body.errors?.[0]?.field]).toEqual([400, 'definition.deadline']);
  });
});
