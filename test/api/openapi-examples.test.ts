import { startApi, type Api, type AuthorisedClient, type Person } from '../support/api-harness';

/**
 * Swagger UI's "Try it out" pre-fills each command with the example of the document: taken as they are, one after
 * the other in the order of the cycle and with the ids the earlier answers gave, the examples must be accepted (as
 * a person trying the API with development tokens would find them).
 */

interface Operation {
  path: string;
  requestBody?: { content: Record<string, { examples?: Record<string, { value: unknown }>; example?: unknown }> };
}

const ENTE = 'comune-esempio';
const person = (sub: string, name: string, roles: Person['roles']): Person => ({ sub, name, ente: ENTE, roles });

describe('the request examples of the OpenAPI document, as Swagger UI pre-fills them', () => {
  let api: Api;
  let operations: Map<string, Operation>;
  let as: Record<'admin' | 'segretario' | 'dirigente' | 'nucleo', AuthorisedClient>;

  beforeAll(async () => {
    api = await startApi('pglite');
    const document = (await api.anonymous().get('/docs/openapi.json')).body as { paths: Record<string, Record<string, Operation & { operationId: string }>> };
    operations = new Map(
      Object.entries(document.paths).flatMap(([path, methods]) => Object.values(methods).map((o) => [o.operationId, { ...o, path }] as const)),
    );
    as = {
      admin: await api.as(person('admin', 'Ufficio Personale', ['admin'])),
      segretario: await api.as(person('seg', 'Maria Bianchi', ['segretario'])),
      // The person the examples name as head of the unit.
      dirigente: await api.as(person('mrossi', 'Mario Rossi', ['dirigente'])),
      nucleo: await api.as(person('ndv', 'Nucleo di Valutazione', ['nucleo'])),
    };
  });
  afterAll(() => api.close());

  /** Sends the operation's own example, with the path's ids filled in; expects a 2xx and returns the answer. */
  async function tryIt(who: keyof typeof as, operationId: string, ids: Record<string, string> = {}): Promise<Record<string, unknown>> {
    const operation = operations.get(operationId);
    if (!operation) throw new Error(`no operation ${operationId}`);
    const content = operation.requestBody?.content['application/json'];
    const example = content?.example ?? Object.values(content?.examples ?? {})[0]?.value;
    if (example === undefined) throw new Error(`${operationId} has no example`);
    const url = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? 'me');
    const response = await (url.startsWith('/organisation/reminder-policy') || url.includes('/reminder-preferences')
      ? as[who].put(url, example as object)
      : as[who].post(url, example as object));
    if (response.status >= 300) throw new Error(`${operationId} with its example: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as Record<string, unknown>;
  }

  it('accepts every example of the cycle, in order', async () => {
    await tryIt('admin', 'createUnit');
    await tryIt('admin', 'registerPerson');
    await tryIt('admin', 'assignUnitHead');
    const planId = String((await tryIt('segretario', 'openPlan')).planId);
    const objectiveId = String((await tryIt('dirigente', 'draftObjective', { planId })).objectiveId);
    await tryIt('dirigente', 'proposeObjective', { objectiveId });
    await tryIt('segretario', 'submitPlan', { planId });
    await tryIt('segretario', 'approvePlan', { planId });
    await tryIt('dirigente', 'recordPhaseProgress', { objectiveId });
    await tryIt('dirigente', 'recordIndicatorValue', { objectiveId });
    await tryIt('dirigente', 'submitMonitoringReport', { objectiveId });
    await tryIt('segretario', 'validateMonitoringReport', { objectiveId });
    await tryIt('dirigente', 'proposeReprogramming', { objectiveId });
    await tryIt('segretario', 'approveReprogramming', { objectiveId });
    await tryIt('dirigente', 'submitYearEndReport', { objectiveId });
    await tryIt('segretario', 'validateYearEndReport', { objectiveId });
    await tryIt('nucleo', 'evaluateObjective', { objectiveId });
    await tryIt('nucleo', 'shareEvaluation', { objectiveId });
    const closed = await tryIt('segretario', 'closeObjective', { objectiveId });
    expect(closed.status).toBe('closed');
    await tryIt('segretario', 'adoptReminderPolicy');
    await tryIt('dirigente', 'setReminderPreferences');
  });
});
