import { allEvents, startApi, type Api, type AuthorisedClient } from '../support/api-harness';
import { definition, seedEnte, type Ente } from '../support/scenario';

/**
 * Values and achievement of each unit on an indicator with a target for each unit (`unitTargets`): recorded with a
 * `unitId`, read back apart from the overall values in the objective and scored unit by unit in the evaluation;
 * refused for a unit without a target of its own, to a malformed `unitId`, and to whoever the access model keeps out.
 */
describe('values and achievement of each unit (PGlite)', () => {
  let api: Api;
  let e: Ente;
  let other: Ente;
  let tributi: AuthorisedClient;
  let objectiveId: string;

  const shared = () => ({
    ...definition(),
    contributingUnitIds: ['cultura'],
    indicators: [
      {
        id: 'i1',
        description: 'Famiglie raggiunte',
        unitTargets: [
          { unitId: 'welfare', target: { text: 'almeno 10' }, dueDate: '2025-06-30' },
          { unitId: 'cultura', target: { text: 'almeno 4' }, dueDate: '2025-09-30' },
        ],
      },
      { id: 'i2', description: 'Eventi', target: { text: 'almeno 2' } },
    ],
  });
  const record = (client: AuthorisedClient, body: object) => client.post(`/objectives/${objectiveId}/indicator-values`, body);

  beforeAll(async () => {
    api = await startApi('pglite');
    e = await seedEnte(api, 'comune-quote');
    other = await seedEnte(api, 'comune-estraneo');
    // A third unit and its head, who has no part in the objective.
    await e.as.admin.post('/organisation/units', { unitId: 'tributi', name: 'Settore Tributi', kind: 'settore' }).expect(201);
    const head = { sub: 'comune-quote:dir3', name: 'Dirigente Tributi', ente: 'comune-quote', roles: ['dirigente' as const] };
    await e.as.admin.post('/organisation/people', { personId: head.sub, name: head.name }).expect(201);
    await e.as.admin.post('/organisation/headships', { unitId: 'tributi', personId: head.sub, from: '2025-01-01' }).expect(201);
    tributi = await api.as(head);

    const drafted = await e.as.dirigente.post(`/plans/${e.planId}/objectives`, { code: 'S08_20', definition: shared() });
    expect(drafted.status).toBe(201);
    objectiveId = drafted.body.objectiveId;
    await e.as.dirigente.post(`/objectives/${objectiveId}/propose`).expect(200);
    await e.as.segretario.post(`/objectives/${objectiveId}/approve`, { act: { number: '12', date: '2025-04-01' } }).expect(200);
  });
  afterAll(() => api.close());

  it('records the values of two units of one indicator, read back apart from the overall values', async () => {
    // Each unit's head records its own share; the Segretario may record any.
    expect((await record(e.as.dirigente, { indicatorId: 'i1', unitId: 'welfare', value: '6', asOf: '2025-06-30' })).status).toBe(200);
    expect((await record(e.as.otherDirigente, { indicatorId: 'i1', unitId: 'cultura', value: '4', asOf: '2025-07-31' })).status).toBe(200);
    const last = await record(e.as.segretario, { indicatorId: 'i1', unitId: 'welfare', value: '8', asOf: '2025-07-31', note: 'Dato del gestionale' });
    expect(last.status).toBe(200);
    const overall = await record(e.as.dirigente, { indicatorId: 'i2', value: '2', asOf: '2025-07-31' });
    expect(overall.status).toBe(200);
    expect(overall.body.indicatorValues).toEqual({ i2: [{ value: '2', asOf: '2025-07-31' }] });

    const read = await e.as.nucleo.get(`/objectives/${objectiveId}`);
    expect(read.status).toBe(200);
    expect(read.body.indicatorValues).toEqual({ i2: [{ value: '2', asOf: '2025-07-31' }] });
    expect(read.body.unitIndicatorValues).toEqual({
      i1: {
        welfare: [
          { value: '6', asOf: '2025-06-30' },
          { value: '8', asOf: '2025-07-31' },
        ],
        cultura: [{ value: '4', asOf: '2025-07-31' }],
      },
    });
    const events = (await allEvents(api.store)).filter((ev) => ev.streamId.includes(objectiveId) && ev.type === 'IndicatorValueRecorded');
    expect(events.map((ev) => ev.data)).toEqual([
      { indicatorId: 'i1', unitId: 'welfare', value: '6', asOf: '2025-06-30' },
      { indicatorId: 'i1', unitId: 'cultura', value: '4', asOf: '2025-07-31' },
      { indicatorId: 'i1', unitId: 'welfare', value: '8', asOf: '2025-07-31', note: 'Dato del gestionale' },
      { indicatorId: 'i2', value: '2', asOf: '2025-07-31' },
    ]);

    // An objective without unit values shows none.
    expect((await e.as.nucleo.get(`/objectives/${e.objectiveId}`)).body.unitIndicatorValues).toEqual({});

    const timeline = await e.as.nucleo.get(`/objectives/${objectiveId}/timeline?after=${overall.body.position}`);
    const changes = timeline.body.events.filter((ev: { type: string }) => ev.type === 'IndicatorValueRecorded').map((ev: { changes: unknown[] }) => ev.changes);
    expect(changes).toEqual([
      [{ path: 'unitIndicatorValues[i1][welfare]', from: null, to: '6' }],
      [{ path: 'unitIndicatorValues[i1][cultura]', from: null, to: '4' }],
      [{ path: 'unitIndicatorValues[i1][welfare]', from: '6', to: '8' }],
      [{ path: 'indicatorValues[i2]', from: null, to: '2' }],
    ]);

    const evaluation = await e.as.segretario.get(`/objectives/${objectiveId}/evaluation?after=${overall.body.position}`);
    expect(evaluation.status).toBe(200);
    const [i1, i2] = evaluation.body.proposal.indicators;
    expect(i1).toMatchObject({
      indicatorId: 'i1',
      scoredFrom: 'units',
      percent: 90, // the mean of welfare 8 of 10 (80) and cultura 4 of 4 (100)
      units: [
        { unitId: 'welfare', actual: { value: '8', asOf: '2025-07-31' }, percent: 80, reading: { status: 'read' } },
        { unitId: 'cultura', actual: { value: '4', asOf: '2025-07-31' }, percent: 100, reading: { status: 'read' } },
      ],
    });
    expect(i1.actual).toBeUndefined(); // unit values never stand for the overall value
    expect(i2).toMatchObject({ indicatorId: 'i2', percent: 100 });
    expect(i2).not.toHaveProperty('units');
    expect(evaluation.body.proposal.indicatorsPercent).toBe(95);
  });

  it('refuses a unit without a target of its own on the indicator, with a problem naming unitId, and records nothing', async () => {
    const before = (await allEvents(api.store)).length;
    const notTargeted = await record(e.as.dirigente, { indicatorId: 'i2', unitId: 'welfare', value: '1', asOf: '2025-07-31' });
    expect([notTargeted.status, notTargeted.body.rule, notTargeted.body.type]).toEqual([422, 'unit-not-targeted', '/problems/lifecycle/unit-not-targeted']);
    expect(notTargeted.body.detail).toMatch(/^unitId: indicator i2 has no target for unit welfare/);
    const stranger = await record(e.as.segretario, { indicatorId: 'i1', unitId: 'tributi', value: '1', asOf: '2025-07-31' });
    expect([stranger.status, stranger.body.rule]).toEqual([422, 'unit-not-targeted']);
    expect(stranger.body.detail).toContain('units with a target of their own: welfare, cultura');
    for (const unitId of ['', 'x'.repeat(65), 7, ['welfare']]) {
      const bad = await record(e.as.dirigente, { indicatorId: 'i1', unitId, value: '1', asOf: '2025-07-31' });
      const fields = new Set(bad.body.errors?.map((x: { field: string }) => x.field));
      expect([bad.status, bad.body.type, [...fields]]).toEqual([400, '/problems/validation', ['unitId']]);
    }
    expect((await allEvents(api.store)).length).toBe(before);
  });

  it('keeps out a dirigente heading none of the objective’s units, and every person of another ente', async () => {
    const before = (await allEvents(api.store)).length;
    const outsider = await record(tributi, { indicatorId: 'i1', unitId: 'welfare', value: '1', asOf: '2025-07-31' });
    expect([outsider.status, outsider.body.rule]).toEqual([403, 'not-head-of-unit']);
    const ownUnitNamed = await record(tributi, { indicatorId: 'i1', unitId: 'tributi', value: '1', asOf: '2025-07-31' });
    expect([ownUnitNamed.status, ownUnitNamed.body.rule]).toEqual([403, 'not-head-of-unit']);
    for (const client of [other.as.dirigente, other.as.otherDirigente, other.as.segretario]) {
      const crossing = await record(client, { indicatorId: 'i1', unitId: 'welfare', value: '1', asOf: '2025-07-31' });
      expect([crossing.status, crossing.body.type]).toEqual([404, '/problems/not-found']);
    }
    // Nor do the NdV and the RPCT record values.
    for (const client of [e.as.nucleo, e.as.rpct]) {
      const refused = await record(client, { indicatorId: 'i1', unitId: 'cultura', value: '1', asOf: '2025-07-31' });
      expect([refused.status, refused.body.rule]).toEqual([403, 'role-not-allowed']);
    }
    expect((await allEvents(api.store)).length).toBe(before);
  });
});
