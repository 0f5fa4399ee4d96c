import { randomUUID } from 'node:crypto';
import { CommandRecordsRetention, ManualClock } from '@piao/application';
import { COMMAND_RECORDS, type CommandRecords } from '@piao/event-store';
import { allEvents, startApi, type Api } from '../support/api-harness';
import { definition, seedEnte, type Ente } from '../support/scenario';

/**
 * Time comes from the application's Clock: the API decides "today" (what is in the future, what is overdue) and
 * stamps `recordedAt` by it, so a test moves time forward instead of waiting for it.
 */
describe('the Clock port decides what time it is (PGlite)', () => {
  const clock = new ManualClock('2025-06-01T08:00:00Z');
  let api: Api;
  let e: Ente;
  beforeAll(async () => {
    api = await startApi('pglite', {}, clock);
    e = await seedEnte(api, 'comune-orologio');
  });
  afterAll(() => api.close());

  it('refuses a business date after the clock’s today, accepts it once the clock has moved past it, and records the clock’s time', async () => {
    const body = { phaseId: 'f1', progressPercent: 40, occurredOn: '2025-07-31' };
    const early = await e.as.dirigente.post(`/objectives/${e.objectiveId}/phase-progress`, body);
    expect(early.status).toBe(422);
    expect(early.body.rule).toBe('date-in-future');

    clock.advance(70 * 24 * 60 * 60 * 1000); // 10 August 2025
    const later = await e.as.dirigente.post(`/objectives/${e.objectiveId}/phase-progress`, body);
    expect(later.status).toBe(200);
    const recorded = (await allEvents(api.store)).at(-1)!;
    expect(recorded.type).toBe('PhaseProgressRecorded');
    expect(recorded.metadata.recordedAt).toBe('2025-08-10T08:00:00.000Z');
    expect(recorded.metadata.occurredAt).toBe('2025-07-31');
  });

  it('reads "my deadlines" as of the clock’s today', async () => {
    clock.set('2026-03-01T08:00:00Z');
    const deadlines = (await e.as.dirigente.get('/people/me/deadlines')).body;
    expect(deadlines.on).toBe('2026-03-01');
  });

  it('forgets the answers of Idempotency-Keys once their retention (7 days) is over, by the clock', async () => {
    clock.set('2026-04-01T08:00:00Z');
    const key = randomUUID();
    const first = await e.as.segretario.post('/plans', { kind: 'PDO', title: 'PDO 2026', fromYear: 2026, toYear: 2026 }, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    const records = api.app.get<CommandRecords>(COMMAND_RECORDS);
    const scope = { ente: e.ente, subject: e.people.segretario.sub };
    expect((await records.find(scope, key))?.recordedAt.toISOString()).toBe('2026-04-01T08:00:00.000Z');
    const retention = api.app.get(CommandRecordsRetention);
    clock.advance(6 * 24 * 60 * 60 * 1000);
    await retention.purge();
    expect(await records.find(scope, key)).toBeDefined();
    clock.advance(2 * 24 * 60 * 60 * 1000);
    expect(await retention.purge()).toBeGreaterThanOrEqual(1);
    expect(await records.find(scope, key)).toBeUndefined();

    // The same request sent again after its record was purged: the plan's id derives from the key, so the copy
    // finds its stream taken and opens no second plan.
    const plansBefore = (await allEvents(api.store)).filter((event) => event.type === 'PlanOpened').length;
    const again = await e.as.segretario.post('/plans', { kind: 'PDO', title: 'PDO 2026', fromYear: 2026, toYear: 2026 }, { 'Idempotency-Key': key });
    expect(again.status).not.toBe(201);
    expect(again.status).toBeLessThan(500);
    expect((await allEvents(api.store)).filter((event) => event.type === 'PlanOpened').length).toBe(plansBefore);
    // Without a key, each request opens a plan of its own.
    const [one, two] = [
      await e.as.segretario.post('/plans', { kind: 'PDO', title: 'PDO bis', fromYear: 2027, toYear: 2027 }),
      await e.as.segretario.post('/plans', { kind: 'PDO', title: 'PDO bis', fromYear: 2027, toYear: 2027 }),
    ];
    expect([one.status, two.status]).toEqual([201, 201]);
    expect(one.body.planId).not.toBe(two.body.planId);
  });

  it('an objective drafted without a code, sent again with its Idempotency-Key after the purge: no second objective', async () => {
    const key = randomUUID();
    const body = { definition: { ...definition(), title: 'Obiettivo senza codice' } };
    const first = await e.as.segretario.post(`/plans/${e.planId}/objectives`, body, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    clock.advance(8 * 24 * 60 * 60 * 1000);
    expect(await api.app.get(CommandRecordsRetention).purge()).toBeGreaterThanOrEqual(1);
    const again = await e.as.segretario.post(`/plans/${e.planId}/objectives`, body, { 'Idempotency-Key': key });
    expect(again.status).not.toBe(201);
    expect(again.status).toBeLessThan(500);
    const drafted = (await allEvents(api.store)).filter((event) => event.type === 'ObjectiveDrafted' && event.streamId.endsWith(first.body.objectiveId));
    expect(drafted).toHaveLength(1);
  });
});
