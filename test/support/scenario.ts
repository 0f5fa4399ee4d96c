import { type Api, type AuthorisedClient, type Person } from './api-harness';

export interface Ente {
  ente: string;
  people: Record<'admin' | 'segretario' | 'vice' | 'dirigente' | 'otherDirigente' | 'nucleo' | 'rpct', Person>;
  as: Record<keyof Ente['people'], AuthorisedClient>;
  planId: string;
  /** Approved by the Giunta; responsible unit `welfare`, headed by `dirigente`. */
  objectiveId: string;
  /** Still a draft, in unit `welfare`. */
  draftId: string;
}

export const definition = (unitId = 'welfare') => ({
  title: 'Sostegno alle famiglie',
  responsibleUnitId: unitId,
  horizon: { fromYear: 2025, toYear: 2025 },
  phases: [
    { id: 'f1', description: 'Analisi dei bisogni', weight: 50, plannedEnd: '2025-06-30' },
    { id: 'f2', description: 'Erogazione', weight: 50, plannedEnd: '2025-12-31' },
  ],
  indicators: [{ id: 'i1', description: 'Famiglie sostenute', target: { text: 'almeno n. 100' } }],
});

async function expectStatus(call: Promise<{ status: number; body: unknown }>, status: number): Promise<Record<string, unknown>> {
  const response = await call;
  if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body as Record<string, unknown>;
}

/** An ente with its organisation, a plan approved by the Giunta, one approved and one draft objective. */
export async function seedEnte(api: Api, ente: string): Promise<Ente> {
  const person = (sub: string, name: string, roles: Person['roles']): Person => ({ sub: `${ente}:${sub}`, name, ente, roles });
  const people: Ente['people'] = {
    admin: person('admin', 'Amministratore', ['admin']),
    segretario: person('seg', 'Segretaria Generale', ['segretario']),
    vice: person('vice', 'Vicesegretario', ['segretario']),
    dirigente: person('dir', 'Dirigente Welfare', ['dirigente']),
    otherDirigente: person('dir2', 'Dirigente Cultura', ['dirigente']),
    nucleo: person('ndv', 'Nucleo di Valutazione', ['nucleo']),
    rpct: person('rpct', 'RPCT', ['rpct']),
  };
  const as = Object.fromEntries(await Promise.all(Object.entries(people).map(async ([k, p]) => [k, await api.as(p)]))) as Ente['as'];
  await expectStatus(as.admin.post('/organisation/units', { unitId: 'welfare', name: 'Settore Welfare', kind: 'settore' }), 201);
  await expectStatus(as.admin.post('/organisation/units', { unitId: 'cultura', name: 'Settore Cultura', kind: 'settore' }), 201);
  for (const p of [people.dirigente, people.otherDirigente]) await expectStatus(as.admin.post('/organisation/people', { personId: p.sub, name: p.name }), 201);
  await expectStatus(as.admin.post('/organisation/headships', { unitId: 'welfare', personId: people.dirigente.sub, from: '2025-01-01' }), 201);
  await expectStatus(as.admin.post('/organisation/headships', { unitId: 'cultura', personId: people.otherDirigente.sub, from: '2025-01-01' }), 201);
  const plan = await expectStatus(as.segretario.post('/plans', { kind: 'PEG', title: 'PEG 2025', fromYear: 2025, toYear: 2025 }), 201);
  const planId = plan.planId as string;
  const objective = await expectStatus(as.dirigente.post(`/plans/${planId}/objectives`, { code: 'S08_01', definition: definition() }), 201);
  await expectStatus(as.dirigente.post(`/objectives/${objective.objectiveId}/propose`), 200);
  await expectStatus(as.segretario.post(`/plans/${planId}/submit`), 200);
  await expectStatus(as.segretario.post(`/plans/${planId}/approve`, { act: { number: '31', date: '2025-03-10' } }), 200);
  const draft = await expectStatus(as.dirigente.post(`/plans/${planId}/objectives`, { code: 'S08_02', definition: definition() }), 201);
  return { ente, people, as, planId, objectiveId: objective.objectiveId as string, draftId: draft.objectiveId as string };
}
