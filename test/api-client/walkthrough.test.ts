import { createApiClient, type ApiClient, type Problem } from '@piao/api-client';
import { mintDevelopmentToken } from '../../apps/api/src/auth/development-token';
import { startApi, TEST_SECRET, type Api, type Person } from '../support/api-harness';

/**
 * docs/walkthrough.sh, through the typed client of libs/api-client (openapi-fetch over the generated types), as the
 * web interface and a municipality's integrations will call the API. Checked by tsc --strict and lint with no type
 * assertion and no `any` (eslint.config.mjs): if the document said something the server does not do, the types
 * here would be wrong and the contract test of the harness, or these expectations, would fail.
 */

const ENTE = 'comune-demo';
const person = (sub: string, name: string, roles: Person['roles']): Person => ({ sub, name, ente: ENTE, roles });
const ADMIN = person('admin', 'Ufficio Personale', ['admin']);
const SEGRETARIA = person('seg', 'Maria Bianchi', ['segretario']);
const DIRIGENTE = person('rossi', 'Mario Rossi', ['dirigente']);
const NUCLEO = person('ndv', 'Nucleo di Valutazione', ['nucleo']);

/** The answer's data, or a failure naming the problem the API gave. */
function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) throw new Error(`${result.response.status}: ${JSON.stringify(result.error)}`);
  return result.data;
}

/** The problem the API answered with, or a failure if it did not refuse. */
function refused(result: { data?: unknown; error?: Problem; response: Response }): Problem {
  if (result.error === undefined) throw new Error(`expected a refusal, got ${result.response.status}`);
  return result.error;
}

describe('the walk-through through the typed API client (libs/api-client)', () => {
  let api: Api;
  let admin: ApiClient;
  let seg: ApiClient;
  let dir: ApiClient;
  let ndv: ApiClient;

  beforeAll(async () => {
    api = await startApi('pglite');
    const server = api.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('the API is not listening on a TCP port');
    const { port } = address;
    const client = async (who: Person) => {
      const token = await mintDevelopmentToken({ sub: who.sub, name: who.name, ente: who.ente, roles: who.roles }, TEST_SECRET);
      return createApiClient({ baseUrl: `http://127.0.0.1:${port}`, token: () => token });
    };
    [admin, seg, dir, ndv] = await Promise.all([ADMIN, SEGRETARIA, DIRIGENTE, NUCLEO].map(client));
  });
  afterAll(() => api.close());

  it('runs the lifecycle of one objective and reads it back, every call and answer typed', async () => {
    // 1. The organisation.
    ok(await admin.POST('/organisation/units', { body: { unitId: 'welfare', name: 'Settore Welfare', kind: 'settore' } }));
    ok(await admin.POST('/organisation/people', { body: { personId: 'rossi', name: 'Mario Rossi' } }));
    ok(await admin.POST('/organisation/headships', { body: { unitId: 'welfare', personId: 'rossi', from: '01/01/2025' } }));

    // 2. The plan and a draft objective (phase weights total 80: a warning, not an error).
    const plan = ok(await seg.POST('/plans', { body: { kind: 'PIAO', title: 'PIAO 2025-2027', fromYear: 2025, toYear: 2027 } }));
    const planId = plan.planId;
    const drafted = ok(
      await dir.POST('/plans/{planId}/objectives', {
        params: { path: { planId } },
        body: {
          code: '2025_S08_04',
          definition: {
            title: 'Sviluppo di progetti a sostegno delle famiglie',
            responsibleUnitId: 'welfare',
            horizon: { fromYear: 2025, toYear: 2025 },
            phases: [
              { description: 'Sportello legale per le famiglie', plannedEnd: '31/12/2025', weight: 40 },
              { description: 'CB Family Point', plannedEnd: '31/12/2025', weight: 40 },
            ],
            indicators: [{ description: 'Attività avviate', target: { text: 'almeno n. 2' } }],
          },
        },
      }),
    );
    const objectiveId = drafted.objectiveId;
    const path = { params: { path: { objectiveId } } };
    const draft = ok(await seg.GET('/objectives/{objectiveId}', path));
    expect(draft.status).toBe('draft');
    expect(draft.warnings.length).toBeGreaterThan(0);

    // 3. Proposed, submitted with the plan, approved by the Giunta with one act.
    ok(await dir.POST('/objectives/{objectiveId}/propose', { ...path, body: {} }));
    ok(await seg.POST('/plans/{planId}/submit', { params: { path: { planId } }, body: {} }));
    const approvedPlan = ok(await seg.POST('/plans/{planId}/approve', { params: { path: { planId } }, body: { act: { number: '31', date: '10/03/2025' } } }));
    expect(approvedPlan.status).toBe('approved');

    // 4. Progress, the 31/07 monitoring, validated by the Segretaria.
    ok(await dir.POST('/objectives/{objectiveId}/phase-progress', { ...path, body: { phaseId: 'f1', progressPercent: 50 } }));
    ok(
      await dir.POST('/objectives/{objectiveId}/monitoring-reports', {
        ...path,
        body: { asOf: '31/07/2025', phases: [{ phaseId: 'f1', progressPercent: 50 }], indicators: [{ indicatorId: 'i1', value: '1' }] },
      }),
    );
    ok(await seg.POST('/objectives/{objectiveId}/monitoring-reports/validate', { ...path, body: { asOf: '31/07/2025' } }));

    // 5. Reprogramming: the definition read back is the definition sent (one type for both), the target lowered.
    const current = ok(await dir.GET('/objectives/{objectiveId}', path));
    const definition = {
      ...current.definition,
      indicators: current.definition.indicators.map((indicator, i) => (i === 0 ? { ...indicator, target: { text: 'almeno n. 1' } } : indicator)),
    };
    ok(await dir.POST('/objectives/{objectiveId}/reprogramming', { ...path, body: { definition, reason: 'Il bando regionale è slittato' } }));
    const reprogrammed = ok(
      await seg.POST('/objectives/{objectiveId}/reprogramming/approve', { ...path, body: { act: { number: '120', date: '15/09/2025' } } }),
    );
    expect(reprogrammed.reprogrammings).toHaveLength(1);

    // 6. Year-end report, the NdV's evaluation, shared, closed.
    ok(
      await dir.POST('/objectives/{objectiveId}/year-end-report', {
        ...path,
        body: { phases: [{ phaseId: 'f1', progressPercent: 100 }], indicators: [{ indicatorId: 'i1', value: '2' }] },
      }),
    );
    ok(await seg.POST('/objectives/{objectiveId}/year-end-report/validate', { ...path, body: {} }));
    ok(await ndv.POST('/objectives/{objectiveId}/evaluation', { ...path, body: { achievementPercent: 100, reason: 'Target raggiunto' } }));
    ok(await ndv.POST('/objectives/{objectiveId}/evaluation/share', { ...path, body: {} }));
    const closed = ok(await seg.POST('/objectives/{objectiveId}/close', { ...path, body: {} }));
    expect(closed.status).toBe('closed');
    const after = closed.position ?? undefined;
    expect(after).toMatch(/^\d+\/\d+$/);

    // 7. The history: who, in which role, when, why, on which act.
    const history = ok(await ndv.GET('/objectives/{objectiveId}/history', path));
    expect(history.events.map((e) => e.type)).toContain('ObjectiveApprovedByGiunta');
    expect(history.events.find((e) => e.type === 'ObjectiveEvaluated')?.actor.role).toBe('nucleo');

    // 8. The read side, kept up to date from the log; `after` waits until it includes the last command.
    const dashboard = ok(await seg.GET('/plans/{planId}/dashboard', { params: { path: { planId }, query: { after } } }));
    expect(dashboard.byStatus.closed).toBe(1);
    const versions = ok(await ndv.GET('/objectives/{objectiveId}/versions', { params: { path: { objectiveId }, query: { after } } }));
    expect(versions.changes.length).toBeGreaterThan(0);
    const timeline = ok(await ndv.GET('/objectives/{objectiveId}/timeline', { params: { path: { objectiveId }, query: { after } } }));
    expect(timeline.events.at(-1)?.type).toBe('ObjectiveClosed');
    const asOf = ok(await ndv.GET('/objectives/{objectiveId}/as-of', { params: { path: { objectiveId }, query: { revision: 2 } } }));
    if (!('definition' in asOf)) throw new Error('the objective existed at revision 2');
    expect(asOf.definition.indicators[0].target?.text).toBe('almeno n. 2');
    const deadlines = ok(await dir.GET('/people/{personId}/deadlines', { params: { path: { personId: 'me' }, query: { after } } }));
    expect(deadlines.unitsHeaded).toEqual(['welfare']);

    // A broken rule is a 422 naming it, typed as a Problem.
    const problem = refused(await dir.POST('/objectives/{objectiveId}/propose', { ...path, body: {} }));
    expect([problem.status, problem.rule]).toEqual([422, 'objective-terminated']);
  });
});
