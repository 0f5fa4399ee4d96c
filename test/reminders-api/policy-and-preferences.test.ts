import { DEFAULT_REMINDER_POLICY } from '@piao/lifecycle';
import { allEvents, startApi, type Api } from '../support/api-harness';
import { seedEnte, type Ente } from '../support/scenario';
import { POLICY, putAs, rawAs } from './support';

/**
 * The ente's reminder policy and each person's reminder preferences through the API (PostgreSQL): round trips,
 * versions, who may set what, and every refusal naming the field and the rule, with nothing written.
 */
describe('the reminder policy and the reminder preferences through the API (PostgreSQL)', () => {
  let api: Api;
  let e: Ente;
  let other: Ente;

  beforeAll(async () => {
    api = await startApi('postgres');
    e = await seedEnte(api, 'comune-politica');
    other = await seedEnte(api, 'comune-altro');
    for (const p of [e.people.segretario, e.people.nucleo]) {
      expect((await e.as.admin.post('/organisation/people', { personId: p.sub, name: p.name })).status).toBe(201);
    }
  });
  afterAll(() => api.close());

  /** Runs a refused request and proves it wrote nothing. */
  async function refused<R extends { status: number; body: Record<string, unknown> }>(call: () => PromiseLike<R>): Promise<R> {
    const before = (await allEvents(api.store)).length;
    const response = await call();
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect((await allEvents(api.store)).length).toBe(before);
    return response;
  }
  const fieldsOf = (body: Record<string, unknown>) => (body.errors as { field: string; rule: string }[]).map((x) => [x.field, x.rule]);

  describe('the reminder policy', () => {
    it('is the default, unversioned, until one is adopted; any role of the ente reads it', async () => {
      for (const client of [e.as.dirigente, e.as.nucleo, e.as.rpct]) {
        const read = await client.get('/organisation/reminder-policy');
        expect(read.status).toBe(200);
        expect(read.body).toMatchObject({ policy: JSON.parse(JSON.stringify(DEFAULT_REMINDER_POLICY)), version: null, default: true });
      }
    });

    it('round-trips: the Segretario adopts it, it is read back with the revision that adopted it as its version', async () => {
      const policy = { ...POLICY, segretarioPersonId: e.people.segretario.sub, nucleoPersonIds: [e.people.nucleo.sub] };
      const put = await putAs(api, e.people.segretario, '/organisation/reminder-policy', {
        policy,
        act: { number: '12', date: '2025-02-01' },
        reason: 'SMVP 2025',
      });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ policy, default: false, recorded: ['ReminderPolicyAdopted'] });
      expect(put.body.version).toBe(put.body.revision);
      const read = await e.as.rpct.get('/organisation/reminder-policy');
      expect(read.body).toEqual({
        policy,
        version: put.body.version,
        default: false,
        adoptedOn: '2025-02-01',
        act: { number: '12', date: '2025-02-01' },
        revision: put.body.revision,
      });
      // What GET answers can be sent back as it is; the administrator may adopt it too: a new version.
      const again = await putAs(api, e.people.admin, '/organisation/reminder-policy', { policy: read.body.policy });
      expect([again.status, again.body.version > read.body.version]).toEqual([200, true]);
      expect((await e.as.dirigente.get('/organisation/reminder-policy')).body.version).toBe(again.body.version);
      // The deadlines follow the policy: the year-end report is now due on 28 February.
      const deadlines = await e.as.segretario.get(`/deadlines?after=${again.body.position}&kind=year-end-report`);
      expect(deadlines.body.items).toEqual([expect.objectContaining({ deadlineId: `${e.objectiveId}/year-end-report/2025`, dueOn: '2026-02-28' })]);
      // Another ente still has the default.
      expect((await other.as.segretario.get('/organisation/reminder-policy')).body).toMatchObject({ default: true, version: null });
    });

    it('is the Segretario’s and the administrator’s to adopt: anybody else is refused (403) with nothing written', async () => {
      for (const who of ['dirigente', 'nucleo', 'rpct'] as const) {
        const response = await refused(() => putAs(api, e.people[who], '/organisation/reminder-policy', { policy: POLICY }));
        expect([response.status, response.body.rule]).toEqual([403, 'role-not-allowed']);
      }
    });

    it('is refused with each bad field named (400) and each broken rule named (422), with nothing written', async () => {
      const bad = async (patch: Record<string, unknown>, field: string, rule: string) => {
        const response = await refused(() => putAs(api, e.people.segretario, '/organisation/reminder-policy', { policy: { ...POLICY, ...patch } }));
        if (response.status !== 400) throw new Error(`${JSON.stringify(patch)}: ${JSON.stringify(response.body)}`);
        expect(response.body.type).toBe('/problems/validation');
        expect(fieldsOf(response.body)).toContainEqual([field, rule]);
      };
      await bad({ daysBefore: [30, 0] }, 'policy.daysBefore', 'min');
      await bad({ daysBefore: [7, 7] }, 'policy.daysBefore', 'arrayUnique');
      await bad({ daysBefore: Array.from({ length: 11 }, (_, i) => i + 1) }, 'policy.daysBefore', 'arrayMaxSize');
      await bad({ daysBefore: ['7'] }, 'policy.daysBefore', 'isInt');
      await bad({ daysBefore: { a: 1 } }, 'policy.daysBefore', 'isArray');
      await bad({ onTheDay: 'yes' }, 'policy.onTheDay', 'isBoolean');
      await bad({ overdueEveryDays: undefined }, 'policy.overdueEveryDays', 'isInt');
      await bad({ escalateAfterDaysOverdue: 367 }, 'policy.escalateAfterDaysOverdue', 'max');
      await bad({ sendHour: 24 }, 'policy.sendHour', 'max');
      await bad({ sendHour: 8.5 }, 'policy.sendHour', 'isInt');
      await bad({ patronSaintDay: '02-30' }, 'policy.patronSaintDay', 'isMonthDay');
      await bad({ patronSaintDay: null }, 'policy.patronSaintDay', 'isMonthDay');
      await bad({ patronSaintDay: '06-24\u0000' }, 'policy.patronSaintDay', 'storable-text'); // refused at the edge, before the DTO
      await bad({ planApprovalDue: '31/01' }, 'policy.planApprovalDue', 'isMonthDay');
      await bad({ monitoringCampaigns: [{ asOf: '07-31', dueOn: '06-30' }] }, 'policy.monitoringCampaigns.0.dueOn', 'notBefore');
      await bad({ monitoringCampaigns: [{ asOf: '06-30', dueOn: '07-31', extra: 1 }] }, 'policy.monitoringCampaigns.0.extra', 'unknown-field');
      await bad(
        {
          monitoringCampaigns: [
            { asOf: '06-30', dueOn: '07-31' },
            { asOf: '06-30', dueOn: '08-31' },
          ],
        },
        'policy.monitoringCampaigns',
        'uniqueValues',
      );
      await bad({ monitoringCampaigns: [[]] }, 'policy.monitoringCampaigns', 'isObject');
      await bad({ monitoringCampaigns: [null] }, 'policy.monitoringCampaigns', 'isObject');
      await bad({ segretarioPersonId: 'x'.repeat(201) }, 'policy.segretarioPersonId', 'matches');
      await bad({ nucleoPersonIds: 'ndv' }, 'policy.nucleoPersonIds', 'isArray');
      await bad({ colour: 'red' }, 'policy.colour', 'unknown-field');

      const shapes: [unknown, string][] = [
        [{}, 'policy'],
        [{ policy: null }, 'policy'],
        [{ policy: [] }, 'policy'],
        [{ policy: 'default' }, 'policy'],
        [{ policy: POLICY, priority: 'high' }, 'priority'],
        [{ policy: POLICY, reason: 'x'.repeat(4001) }, 'reason'],
      ];
      for (const [body, field] of shapes) {
        const response = await refused(() => putAs(api, e.people.segretario, '/organisation/reminder-policy', body));
        expect([response.status, fieldsOf(response.body).map(([f]) => f)]).toEqual([400, expect.arrayContaining([field])]);
      }
      for (const body of ['[]', '"policy"', '{"policy": ', 'null']) {
        const response = await refused(() => rawAs(api, e.people.segretario, 'put', '/organisation/reminder-policy', body));
        expect(response.status).toBe(400);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
      // A person the ente has not registered cannot be written to: the domain's rule.
      const unknown = await refused(() =>
        putAs(api, e.people.segretario, '/organisation/reminder-policy', { policy: { ...POLICY, nucleoPersonIds: ['nessuno'] } }),
      );
      expect([unknown.status, unknown.body.rule, unknown.body.type]).toEqual([422, 'unknown-person', '/problems/lifecycle/unknown-person']);
      // A stale expectedRevision: 409 with where the organisation stream is.
      const stale = await refused(() => putAs(api, e.people.segretario, '/organisation/reminder-policy', { policy: POLICY, expectedRevision: 0 }));
      expect([stale.status, typeof stale.body.currentRevision]).toEqual([409, 'number']);
    });
  });

  describe('the reminder preferences', () => {
    const url = (personId: string) => `/people/${encodeURIComponent(personId)}/reminder-preferences`;

    it('are e-mail and in-app with no copies until set; a person sets their own (`me`) and reads them back', async () => {
      expect((await e.as.dirigente.get(url('me'))).body).toEqual({
        personId: e.people.dirigente.sub,
        channels: ['email', 'in-app'],
        copyTo: [],
        default: true,
      });
      const put = await putAs(api, e.people.dirigente, url('me'), { channels: ['in-app'], copyTo: [e.people.otherDirigente.sub] });
      expect([put.status, put.body.recorded]).toEqual([200, ['ReminderPreferencesSet']]);
      expect(put.body).toMatchObject({ personId: e.people.dirigente.sub, channels: ['in-app'], copyTo: [e.people.otherDirigente.sub], default: false });
      const read = await e.as.dirigente.get(url(e.people.dirigente.sub));
      expect(read.body).toEqual({ personId: e.people.dirigente.sub, channels: ['in-app'], copyTo: [e.people.otherDirigente.sub], default: false });
    });

    it('of another person are the administrator’s to read and set, nobody else’s', async () => {
      const target = e.people.otherDirigente.sub;
      for (const who of ['dirigente', 'segretario', 'nucleo', 'rpct'] as const) {
        const put = await refused(() => putAs(api, e.people[who], url(target), { channels: ['email'] }));
        expect([put.status, put.body.rule]).toEqual([403, 'role-not-allowed']);
        const get = await e.as[who].get(url(target));
        expect([get.status, get.body.rule]).toEqual([403, 'role-not-allowed']);
      }
      const put = await putAs(api, e.people.admin, url(target), { channels: ['email'], copyTo: [] });
      expect(put.status).toBe(200);
      expect((await e.as.admin.get(url(target))).body).toEqual({ personId: target, channels: ['email'], copyTo: [], default: false });
      expect((await e.as.otherDirigente.get(url('me'))).body).toMatchObject({ channels: ['email'], default: false });
    });

    it('belong to people of the ente: another ente’s person or an unregistered one is unknown', async () => {
      // Another ente's administrator does not see, nor set, this ente's people.
      expect((await other.as.admin.get(url(e.people.dirigente.sub))).status).toBe(404);
      const foreign = await refused(() => putAs(api, other.people.admin, url(e.people.dirigente.sub), { channels: ['email'] }));
      expect([foreign.status, foreign.body.rule]).toEqual([422, 'unknown-person']);
      // The RPCT holds a token but was never registered as a person of the ente.
      expect((await e.as.rpct.get(url('me'))).status).toBe(404);
      const unregistered = await refused(() => putAs(api, e.people.rpct, url('me'), { channels: ['email'] }));
      expect([unregistered.status, unregistered.body.rule]).toEqual([422, 'unknown-person']);
      const copy = await refused(() => putAs(api, e.people.dirigente, url('me'), { channels: ['email'], copyTo: [other.people.dirigente.sub] }));
      expect([copy.status, copy.body.rule]).toEqual([422, 'unknown-person']);
      const self = await refused(() => putAs(api, e.people.dirigente, url('me'), { channels: ['email'], copyTo: [e.people.dirigente.sub] }));
      expect([self.status, self.body.rule]).toEqual([422, 'value-invalid']);
    });

    it('are refused with each bad field named, with nothing written', async () => {
      const bad = async (body: unknown, field: string, rule: string) => {
        const response = await refused(() => putAs(api, e.people.dirigente, url('me'), body));
        expect(response.status).toBe(400);
        expect(fieldsOf(response.body)).toContainEqual([field, rule]);
      };
      await bad({}, 'channels', 'isArray');
      await bad({ channels: [] }, 'channels', 'arrayMinSize');
      await bad({ channels: ['sms'] }, 'channels', 'isIn');
      await bad({ channels: ['email', 'email'] }, 'channels', 'arrayUnique');
      await bad({ channels: 'email' }, 'channels', 'isArray');
      await bad({ channels: { email: true } }, 'channels', 'isArray');
      await bad({ channels: ['email'], copyTo: null }, 'copyTo', 'isArray');
      await bad({ channels: ['email'], copyTo: ['a\u0000b'] }, 'copyTo.0', 'storable-text'); // refused at the edge, before the DTO
      await bad({ channels: ['email'], copyTo: ['x'.repeat(100_000)] }, 'copyTo', 'matches');
      await bad({ channels: ['email'], copyTo: Array.from({ length: 11 }, (_, i) => `p${i}`) }, 'copyTo', 'arrayMaxSize');
      await bad({ channels: ['email'], copyTo: [['nested']] }, 'copyTo', 'isString');
      await bad({ channels: ['email'], sms: true }, 'sms', 'unknown-field');
      for (const personId of ['a%00b', 'x'.repeat(300)]) {
        const response = await refused(() => putAs(api, e.people.admin, `/people/${personId}/reminder-preferences`, { channels: ['email'] }));
        expect([response.status, fieldsOf(response.body)]).toEqual([400, [['personId', 'personId']]]);
        expect((await e.as.admin.get(`/people/${personId}/reminder-preferences`)).status).toBe(400);
      }
      const raw = await refused(() => rawAs(api, e.people.dirigente, 'put', url('me'), '[{"channels":["email"]}]'));
      expect(raw.status).toBe(400);
    });
  });
});
