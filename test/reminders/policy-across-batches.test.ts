import { CommandBus } from '@nestjs/cqrs';
import { ManualClock, ProcessorsHost, RunOrganisationCommand } from '@piao/application';
import { DEFAULT_REMINDER_POLICY, type ReminderPolicy } from '@piao/lifecycle';
import { READ_MODEL_SQL } from '@piao/read-models';
import { DEADLINES } from '@piao/reminders';
import { type SqlClient } from '@piao/event-store';
import { startApi, type Api, type Person } from '../support/api-harness';

/**
 * The ente's reminder policy governs every deadline, whatever batch of the log its events fall in. The deadlines
 * processor is made to catch up after every command, so that the policy's adoption, the plan's opening and each
 * objective's drafting are batches of their own: a plan or objective new in its batch is not in the processor's
 * tables yet, and its ente's policy must still be the one used (it was the default's, and the outbox got steps the
 * ente never asked for). After each batch, every pending reminder carries the policy's revision and one of its steps.
 */
describe('the reminder policy across batches of the log (PGlite)', () => {
  const ENTE = 'comune-lotti';
  const clock = new ManualClock('2025-01-08T09:00:00Z');
  const person = (sub: string, name: string, roles: Person['roles']): Person => ({ sub, name, ente: ENTE, roles });
  const POLICY: ReminderPolicy = {
    ...DEFAULT_REMINDER_POLICY,
    daysBefore: [2],
    onTheDay: false,
    overdueEveryDays: null,
    escalateAfterDaysOverdue: null,
    segretarioPersonId: 'seg',
  };
  let api: Api;
  let sql: SqlClient;

  beforeAll(async () => {
    api = await startApi('pglite', {}, clock);
    sql = api.app.get<SqlClient>(READ_MODEL_SQL);
  });
  afterAll(async () => {
    await api?.close();
  });

  async function caughtUp(): Promise<void> {
    const host = api.app.get(ProcessorsHost);
    for (;;) {
      host.poke();
      if ((await host.lag()).find((p) => p.name === DEADLINES)!.lagEvents === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** The pending reminders that do not follow the adopted policy (its revision, its only step: two days before). */
  async function offPolicy(): Promise<{ step: string; policy_revision: number }[]> {
    const [{ revision }] = await sql.query<{ revision: number }>(`SELECT policy_revision AS revision FROM rem_organisations WHERE ente = $1`, [ENTE]);
    const rows = await sql.query<{ step: string; policy_revision: number }>(
      `SELECT step, policy_revision FROM rem_outbox WHERE ente = $1 AND status = 'pending'`,
      [ENTE],
    );
    return rows.filter((r) => r.policy_revision !== revision || !r.step.startsWith('before-2@'));
  }

  it('plans every deadline under the ente’s policy, batch after batch', async () => {
    const admin = await api.as(person('admin', 'Amministratore', ['admin']));
    const seg = await api.as(person('seg', 'Segretaria Generale', ['segretario']));
    const dirigente = await api.as(person('verdi', 'Luca Verdi', ['dirigente']));
    const expect2xx = async (call: Promise<{ status: number; body: Record<string, unknown> }>) => {
      const response = await call;
      if (response.status >= 300) throw new Error(`${response.status}: ${JSON.stringify(response.body)}`);
      await caughtUp();
      return response.body;
    };
    await expect2xx(admin.post('/organisation/people', { personId: 'seg', name: 'Segretaria Generale', email: 'seg@comune-lotti.it' }));
    await expect2xx(admin.post('/organisation/units', { unitId: 'tributi', name: 'Settore Tributi', kind: 'settore' }));
    await expect2xx(admin.post('/organisation/people', { personId: 'verdi', name: 'Luca Verdi', email: 'verdi@comune-lotti.it' }));
    await expect2xx(admin.post('/organisation/headships', { unitId: 'tributi', personId: 'verdi', from: '2025-01-01' }));
    const actor = { id: 'seg', name: 'Segretaria Generale', ente: ENTE, roles: ['segretario' as const] };
    await api.app
      .get(CommandBus)
      .execute(new RunOrganisationCommand({ type: 'AdoptReminderPolicy', policy: POLICY }, { actor, correlationId: 'test', causationId: 'test' }));
    await caughtUp();

    const plan = await expect2xx(seg.post('/plans', { kind: 'PEG', title: 'PEG 2025', fromYear: 2025, toYear: 2025 }));
    expect(await offPolicy()).toEqual([]);
    const pending = async () => (await sql.query(`SELECT 1 FROM rem_outbox WHERE ente = $1 AND status = 'pending'`, [ENTE])).length;
    expect(await pending()).toBeGreaterThan(0); // the plan's own approval deadline, at least
    const phases = [
      { id: 'f1', description: 'Ricognizione', weight: 50, plannedEnd: '2025-04-30' },
      { id: 'f2', description: 'Avvisi', weight: 50, plannedEnd: '2025-09-30' },
    ];
    const definition = {
      title: 'Recupero evasione',
      responsibleUnitId: 'tributi',
      horizon: { fromYear: 2025, toYear: 2025 },
      phases,
      indicators: [{ id: 'i1', description: 'Avvisi emessi', target: { text: 'almeno 100' }, dueDate: '2025-12-31' }],
    };
    const objective = await expect2xx(dirigente.post(`/plans/${plan.planId}/objectives`, { code: 'TRI_1', definition }));
    expect(await offPolicy()).toEqual([]);
    await expect2xx(dirigente.post(`/objectives/${objective.objectiveId}/propose`));
    await expect2xx(seg.post(`/plans/${plan.planId}/submit`));
    await expect2xx(seg.post(`/plans/${plan.planId}/approve`, { act: { number: '12', date: '2025-01-08' } }));
    expect(await offPolicy()).toEqual([]);
    expect(await pending()).toBeGreaterThan(2); // the phases' ends, the indicator, the monitoring, the report…
  });
});
