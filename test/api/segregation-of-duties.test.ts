import { allEvents, startApi, type Api, type AuthorisedClient, type Person } from '../support/api-harness';
import { definition, seedEnte, type Ente } from '../support/scenario';

/*
 * The segregation of duties through the API (docs/segregation-of-duties.md): a refusal is a 403 naming the rule and
 * writes nothing; the substitute validator is designated by an organisation command; an approval recorded by its
 * proposer goes through, says so in its event, and shows among the red flags.
 */
describe('segregation of duties over HTTP (PostgreSQL)', () => {
  let api: Api;
  let e: Ente;
  /** A dirigente who sits in the Nucleo di Valutazione, head of the Tributi unit. */
  let rossi: AuthorisedClient;
  /** A dirigente by role, designated to validate in the Segretario's stead. */
  let bianchi: AuthorisedClient;
  const person = (sub: string, name: string, roles: Person['roles']): Person => ({ sub: `${e.ente}:${sub}`, name, ente: e.ente, roles });
  let ROSSI: Person;
  let BIANCHI: Person;
  /** Headed by rossi; the Segretario's unit. */
  let tributiObjective: string;
  let segreteriaObjective: string;

  type Response = { status: number; body: Record<string, unknown> };
  const expectStatus = async (call: PromiseLike<Response>, status: number): Promise<Record<string, unknown>> => {
    const response = await call;
    if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  };
  /** The call is refused with this status and rule, and the log holds exactly what it held before. */
  const refused = async (call: () => PromiseLike<Response>, status: number, rule: string): Promise<Response> => {
    const before = (await allEvents(api.store)).length;
    const response = await call();
    expect([response.status, response.body.rule]).toEqual([status, rule]);
    expect((await allEvents(api.store)).length).toBe(before);
    return response;
  };
  const lastEvent = async (objectiveId: string) => {
    const history = (await e.as.nucleo.get(`/objectives/${objectiveId}/history`)).body as {
      events: { type: string; data: Record<string, unknown>; actor: { id: string; role: string } }[];
    };
    return history.events.at(-1)!;
  };
  const reportBody = { phases: [{ phaseId: 'f1', progressPercent: 100 }], indicators: [{ indicatorId: 'i1', value: '120' }] };
  const act = (number: string, date = '2025-03-20') => ({ act: { number, date } });

  beforeAll(async () => {
    api = await startApi('postgres');
    e = await seedEnte(api, 'comune-segregazione');
    ROSSI = person('rossi', 'Mario Rossi', ['dirigente', 'nucleo']);
    BIANCHI = person('bianchi', 'Laura Bianchi', ['dirigente']);
    rossi = await api.as(ROSSI);
    bianchi = await api.as(BIANCHI);
    const admin = e.as.admin;
    await expectStatus(admin.post('/organisation/units', { unitId: 'tributi', name: 'Settore Tributi', kind: 'settore' }), 201);
    await expectStatus(admin.post('/organisation/units', { unitId: 'segreteria', name: 'Segreteria Generale', kind: 'ufficio' }), 201);
    for (const p of [ROSSI, BIANCHI, e.people.segretario, e.people.nucleo]) {
      await expectStatus(admin.post('/organisation/people', { personId: p.sub, name: p.name }), 201);
    }
    await expectStatus(admin.post('/organisation/headships', { unitId: 'tributi', personId: ROSSI.sub, from: '2025-01-01' }), 201);
    await expectStatus(admin.post('/organisation/headships', { unitId: 'segreteria', personId: e.people.segretario.sub, from: '2025-01-01' }), 201);

    // Tributi's objective, drafted and proposed by its head, approved by the Giunta with an act of its own.
    tributiObjective = (await expectStatus(rossi.post(`/plans/${e.planId}/objectives`, { code: 'TRIB_01', definition: definition('tributi') }), 201))
      .objectiveId as string;
    await expectStatus(rossi.post(`/objectives/${tributiObjective}/propose`), 200);
    await expectStatus(e.as.segretario.post(`/objectives/${tributiObjective}/approve`, act('40')), 200);
    // The Segretario's own objective: he drafts and proposes it, then records the Giunta's approval himself.
    segreteriaObjective = (
      await expectStatus(e.as.segretario.post(`/plans/${e.planId}/objectives`, { code: 'SEG_01', definition: definition('segreteria') }), 201)
    ).objectiveId as string;
    await expectStatus(e.as.segretario.post(`/objectives/${segreteriaObjective}/propose`), 200);
  });
  afterAll(() => api.close());

  describe('a dirigente who is also a member of the NdV', () => {
    it('may not evaluate the objective of the unit they head: 403 reviewer-heads-unit, nothing written', async () => {
      await expectStatus(rossi.post(`/objectives/${tributiObjective}/year-end-report`, reportBody), 200);
      await expectStatus(e.as.segretario.post(`/objectives/${tributiObjective}/year-end-report/validate`), 200);
      const response = await refused(
        () => rossi.post(`/objectives/${tributiObjective}/evaluation`, { achievementPercent: 100, reason: 'Obiettivo raggiunto' }),
        403,
        'reviewer-heads-unit',
      );
      expect(response.body.detail).toContain('tributi');
      expect((await e.as.nucleo.get(`/objectives/${tributiObjective}`)).body.status).toBe('reported');
    });

    it("evaluates another unit's objective, as the NdV", async () => {
      await expectStatus(e.as.dirigente.post(`/objectives/${e.objectiveId}/year-end-report`, reportBody), 200);
      await expectStatus(e.as.segretario.post(`/objectives/${e.objectiveId}/year-end-report/validate`), 200);
      await expectStatus(rossi.post(`/objectives/${e.objectiveId}/evaluation`, { achievementPercent: 90, reason: 'Raggiunto in larga parte' }), 200);
      expect(await lastEvent(e.objectiveId)).toMatchObject({ type: 'ObjectiveEvaluated', actor: { id: ROSSI.sub, role: 'nucleo' } });
    });

    it('refuses a member of the NdV who works in the unit, even for one day of the period; another member evaluates it', async () => {
      await expectStatus(e.as.admin.post('/organisation/unit-assignments', { unitId: 'tributi', personId: e.people.nucleo.sub, from: '2025-01-01' }), 201);
      await refused(
        () => e.as.nucleo.post(`/objectives/${tributiObjective}/evaluation`, { achievementPercent: 100, reason: 'Obiettivo raggiunto' }),
        403,
        'reviewer-belongs-to-unit',
      );
      // An assignment cannot end before it starts; ended on its first day, it still touches the period judged (2025).
      await expectStatus(
        e.as.admin.post('/organisation/unit-assignments/end', { unitId: 'tributi', personId: e.people.nucleo.sub, from: '2025-01-01', to: '2024-12-31' }),
        422,
      );
      await expectStatus(
        e.as.admin.post('/organisation/unit-assignments/end', { unitId: 'tributi', personId: e.people.nucleo.sub, from: '2025-01-01', to: '2025-01-01' }),
        200,
      );
      await refused(
        () => e.as.nucleo.post(`/objectives/${tributiObjective}/evaluation`, { achievementPercent: 100, reason: 'Obiettivo raggiunto' }),
        403,
        'reviewer-belongs-to-unit',
      );
      const organisation = (await e.as.rpct.get('/organisation')).body;
      expect(organisation.unitAssignments).toEqual([{ unitId: 'tributi', personId: e.people.nucleo.sub, from: '2025-01-01', to: '2025-01-01' }]);
      const otherMember = await api.as(person('ndv2', 'Componente del Nucleo', ['nucleo']));
      await expectStatus(otherMember.post(`/objectives/${tributiObjective}/evaluation`, { achievementPercent: 100, reason: 'Obiettivo raggiunto' }), 200);
    });
  });

  describe("the Segretario's own unit", () => {
    it('records the approval by whoever proposed the objective, and says so in the event', async () => {
      await expectStatus(e.as.segretario.post(`/objectives/${segreteriaObjective}/approve`, act('41')), 200);
      expect(await lastEvent(segreteriaObjective)).toMatchObject({
        type: 'ObjectiveApprovedByGiunta',
        data: { act: { number: '41', date: '2025-03-20' }, recordedByProposer: true },
        actor: { id: e.people.segretario.sub, role: 'segretario' },
      });
      // Proposed by the dirigente, approved by the Segretario: nothing to say.
      const tributi = (await e.as.nucleo.get(`/objectives/${tributiObjective}/history`)).body.events as { type: string; data: object }[];
      expect(tributi.find((ev) => ev.type === 'ObjectiveApprovedByGiunta')!.data).not.toHaveProperty('recordedByProposer');
    });

    it('refuses the Segretario heading the unit the validation of its report, and anyone not designated', async () => {
      await expectStatus(e.as.segretario.post(`/objectives/${segreteriaObjective}/monitoring-reports`, { asOf: '2025-07-31', ...reportBody }), 200);
      const own = await refused(
        () => e.as.segretario.post(`/objectives/${segreteriaObjective}/monitoring-reports/validate`, { asOf: '2025-07-31' }),
        403,
        'reviewer-heads-unit',
      );
      expect(own.body.detail).toContain('substitute validator');
      await refused(() => bianchi.post(`/objectives/${segreteriaObjective}/monitoring-reports/validate`, { asOf: '2025-07-31' }), 403, 'role-not-allowed');
      await refused(
        () => e.as.otherDirigente.post(`/objectives/${segreteriaObjective}/monitoring-reports/validate`, { asOf: '2025-07-31' }),
        403,
        'role-not-allowed',
      );
    });

    it('designates a substitute validator by an act, through the organisation', async () => {
      await refused(
        () => e.as.admin.post('/organisation/substitute-validators', { personId: BIANCHI.sub, from: '2025-01-10', ...act('3', '2025-01-10') }),
        403,
        'role-not-allowed',
      );
      await refused(
        () =>
          e.as.segretario.post('/organisation/substitute-validators', {
            personId: BIANCHI.sub,
            segretarioPersonId: e.people.dirigente.sub,
            from: '2025-01-10',
            ...act('3', '2025-01-10'),
          }),
        403,
        'designation-by-segretario',
      );
      await refused(
        () => e.as.dirigente.post('/organisation/substitute-validators', { personId: BIANCHI.sub, from: '2025-01-10', ...act('3') }),
        403,
        'role-not-allowed',
      );
      const missingAct = await e.as.segretario.post('/organisation/substitute-validators', { personId: BIANCHI.sub, from: '2025-01-10' });
      expect(missingAct.status).toBe(400);
      const designated = await expectStatus(
        e.as.segretario.post(
          '/organisation/substitute-validators',
          { personId: BIANCHI.sub, from: '2025-01-10', ...act('3', '2025-01-10'), reason: 'Decreto del Sindaco di nomina del validatore sostituto' },
          { 'Idempotency-Key': 'designazione-bianchi' },
        ),
        201,
      );
      expect(designated).toMatchObject({ personId: BIANCHI.sub, recorded: ['SubstituteValidatorDesignated'] });
      const replayed = await e.as.segretario.post(
        '/organisation/substitute-validators',
        { personId: BIANCHI.sub, from: '2025-01-10', ...act('3', '2025-01-10'), reason: 'Decreto del Sindaco di nomina del validatore sostituto' },
        { 'Idempotency-Key': 'designazione-bianchi' },
      );
      expect([replayed.status, replayed.headers['idempotency-replayed']]).toEqual([201, 'true']);
      await refused(
        () =>
          e.as.segretario.post('/organisation/substitute-validators', {
            personId: BIANCHI.sub,
            from: '2025-06-01',
            ...act('4', '2025-05-30'),
            expectedRevision: designated.revision,
          }),
        422,
        'designation-overlap',
      );
      const organisation = (await e.as.nucleo.get('/organisation')).body;
      expect(organisation.substituteValidators).toEqual([
        { personId: BIANCHI.sub, segretarioPersonId: e.people.segretario.sub, from: '2025-01-10', act: { number: '3', date: '2025-01-10' } },
      ]);
    });

    it("lets the designated substitute validate the report, in the Segretario's capacity and stead", async () => {
      await expectStatus(bianchi.post(`/objectives/${segreteriaObjective}/monitoring-reports/validate`, { asOf: '2025-07-31' }), 200);
      expect(await lastEvent(segreteriaObjective)).toMatchObject({
        type: 'MonitoringReportValidated',
        data: { asOf: '2025-07-31', substituteFor: e.people.segretario.sub },
        actor: { id: BIANCHI.sub, role: 'segretario' },
      });
      // Not on another unit's reports, which the Segretario validates himself.
      await refused(() => bianchi.post(`/objectives/${e.objectiveId}/year-end-report/return`, { reason: 'x' }), 403, 'role-not-allowed');
    });

    it('flags the approval of a reprogramming by its proposer, beside the objective approved by its proposer', async () => {
      const proposed = { ...definition('segreteria'), title: 'Trasparenza della Segreteria' };
      await expectStatus(
        e.as.segretario.post(`/objectives/${segreteriaObjective}/reprogramming`, { definition: proposed, reason: 'Nuovo obbligo di legge' }),
        200,
      );
      await expectStatus(e.as.segretario.post(`/objectives/${segreteriaObjective}/reprogramming/approve`, act('77', '2025-09-10')), 200);
      expect(await lastEvent(segreteriaObjective)).toMatchObject({ type: 'ReprogrammingApprovedByGiunta', data: { recordedByProposer: true } });

      const flags = (await expectStatus(e.as.rpct.get(`/audit/red-flags?planId=${e.planId}&kind=approval-by-proposer`), 200)).items as {
        objectiveId: string;
        severity: string;
        description: string;
      }[];
      expect(flags).toEqual([
        expect.objectContaining({
          objectiveId: segreteriaObjective,
          severity: 'medium',
          description:
            "Segretaria Generale ha registrato sia la proposta dell'obiettivo sia la sua approvazione da parte della Giunta (DGC n. 41 del 20/03/2025).",
        }),
        expect.objectContaining({
          objectiveId: segreteriaObjective,
          description:
            'Segretaria Generale ha registrato sia la proposta di riprogrammazione sia la sua approvazione da parte della Giunta (DGC n. 77 del 10/09/2025).',
        }),
      ]);
    });
  });
});
