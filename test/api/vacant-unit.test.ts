import { allEvents, startApi, type Api } from '../support/api-harness';
import { seedEnte, type Ente } from '../support/scenario';

/**
 * A unit whose head left and was not replaced (issue 13): the Segretario acts for it, then a head appointed ad
 * interim does; the events and the history say in which capacity, and the organisation shows the headship as ad
 * interim.
 */
describe('a unit without its head (PGlite)', () => {
  let api: Api;
  let e: Ente;
  beforeAll(async () => {
    api = await startApi('pglite');
    e = await seedEnte(api, 'comune-vacante');
    const ended = await e.as.admin.post('/organisation/headships/end', {
      unitId: 'welfare',
      personId: e.people.dirigente.sub,
      from: '2025-01-01',
      to: '2026-06-30',
    });
    expect(ended.status).toBe(200);
  });
  afterAll(() => api.close());

  const lastActor = async () => (await allEvents(api.store)).filter((ev) => ev.streamId.includes(e.objectiveId)).at(-1)?.metadata.actor;

  it('refuses the former head, and lets the Segretario act for the unit, recorded as such', async () => {
    const former = await e.as.dirigente.post(`/objectives/${e.objectiveId}/phase-progress`, { phaseId: 'f1', progressPercent: 30 });
    expect([former.status, former.body.rule]).toEqual([403, 'not-head-of-unit']);
    const progress = await e.as.segretario.post(`/objectives/${e.objectiveId}/phase-progress`, { phaseId: 'f1', progressPercent: 30 });
    expect(progress.status).toBe(200);
    expect(await lastActor()).toEqual({ id: e.people.segretario.sub, name: e.people.segretario.name, role: 'segretario', capacity: 'vacant-unit' });
    const history = await e.as.nucleo.get(`/objectives/${e.objectiveId}/history`);
    expect(history.body.events.at(-1).actor).toMatchObject({ role: 'segretario', capacity: 'vacant-unit' });
  });

  it('records a head appointed ad interim, whose acts say so', async () => {
    const appointed = await e.as.admin.post('/organisation/headships', {
      unitId: 'welfare',
      personId: e.people.otherDirigente.sub,
      from: '2026-07-01',
      to: '2026-12-31',
      interim: true,
    });
    expect(appointed.status).toBe(201);
    const organisation = await e.as.admin.get('/organisation');
    expect(organisation.body.headships).toContainEqual({
      unitId: 'welfare',
      personId: e.people.otherDirigente.sub,
      from: '2026-07-01',
      to: '2026-12-31',
      interim: true,
    });
    const progress = await e.as.otherDirigente.post(`/objectives/${e.objectiveId}/phase-progress`, { phaseId: 'f1', progressPercent: 45 });
    expect(progress.status).toBe(200);
    expect(await lastActor()).toMatchObject({ id: e.people.otherDirigente.sub, role: 'dirigente', capacity: 'ad-interim' });
    // With a head in office again, the Segretario's acts are his own.
    await e.as.segretario.post(`/objectives/${e.objectiveId}/phase-progress`, { phaseId: 'f2', progressPercent: 10 }).expect(200);
    expect((await lastActor())?.capacity).toBeUndefined();
  });

  it('refuses an interim flag that is not a boolean', async () => {
    const bad = await e.as.admin.post('/organisation/headships', { unitId: 'cultura', personId: e.people.dirigente.sub, from: '2027-01-01', interim: 'sì' });
    expect([bad.status, bad.body.errors?.[0]?.field]).toEqual([400, 'interim']);
  });
});
