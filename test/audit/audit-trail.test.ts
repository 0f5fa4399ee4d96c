import { parse } from 'csv-parse/sync';
import { ProcessorsHost } from '@piao/application';
import { LOG_START } from '@piao/event-store';
import { startApi, type Api } from '../support/api-harness';
import { until } from '../support/processor-harness';
import { definition, seedEnte, type Ente } from '../support/scenario';

interface Entry {
  position: string;
  eventId: string;
  objectiveId: string;
  objectiveCode: string;
  revision: number;
  type: string;
  actor: { id: string; name: string; role: string };
  occurredAt: string;
  recordedAt: string;
  reason: string | null;
  act: { number: string; date: string } | null;
  changes: { path: string; from: unknown; to: unknown }[];
  leafIndex: number | null;
  leafHash: string | null;
}

/**
 * The audit trail over HTTP (PGlite, the embedded default): the ente's objective events in log order with who, when,
 * why, the act, old → new and the leaf hash of each; filters, pages that add up to the whole, exports that hold the
 * same entries; the controls read everything of their ente, a dirigente only a unit they head, nobody another ente's.
 */
describe('the audit trail', () => {
  let api: Api;
  let a: Ente;
  let b: Ente;
  let all: Entry[];

  beforeAll(async () => {
    api = await startApi('pglite');
    a = await seedEnte(api, 'comune-alfa');
    b = await seedEnte(api, 'comune-beta');
    const lowered = { ...definition(), indicators: [{ id: 'i1', description: 'Famiglie sostenute', target: { text: 'almeno n. 80' } }] };
    const ok = (r: { status: number; body: unknown }) => expect([r.status, r.body]).toEqual([expect.any(Number), expect.anything()]);
    ok(await a.as.dirigente.post(`/objectives/${a.objectiveId}/phase-progress`, { phaseId: 'f1', progressPercent: 40, occurredOn: '2025-07-15' }));
    const proposed = await a.as.dirigente.post(`/objectives/${a.objectiveId}/reprogramming`, {
      definition: lowered,
      reason: 'Risorse ridotte dopo il monitoraggio',
    });
    expect(proposed.status).toBe(200);
    const approved = await a.as.segretario.post(`/objectives/${a.objectiveId}/reprogramming/approve`, { act: { number: '45', date: '2025-09-10' } });
    expect(approved.status).toBe(200);
    // Everything the log holds is in the read models and hashed.
    const events = (await api.store.readAll(LOG_START, 100_000)).filter((e) => e.metadata.ente === 'comune-alfa' && e.streamId.startsWith('objective-'));
    await until(async () => {
      api.app.get(ProcessorsHost).poke();
      const body = (await a.as.nucleo.get('/audit/trail?limit=500')).body as { items: Entry[] };
      all = body.items;
      return all.length === events.length && all.every((e) => e.leafHash !== null);
    }, 'the trail to hold every objective event of the ente, hashed');
  }, 120_000);
  afterAll(async () => {
    await api?.close();
  });

  it('tells each event: who, role, when, why, the act, old → new, and its leaf in the tree', async () => {
    const types = all.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['ObjectiveDrafted', 'ObjectiveApprovedByGiunta', 'ReprogrammingProposed', 'ReprogrammingApprovedByGiunta']));
    const approval = all.find((e) => e.type === 'ObjectiveApprovedByGiunta' && e.objectiveId === a.objectiveId)!;
    expect(approval.act).toEqual({ number: '31', date: '2025-03-10' });
    const reprogramming = all.find((e) => e.type === 'ReprogrammingApprovedByGiunta')!;
    expect(reprogramming.act).toEqual({ number: '45', date: '2025-09-10' });
    expect(reprogramming.actor).toEqual({ id: a.people.segretario.sub, name: a.people.segretario.name, role: 'segretario' });
    expect(reprogramming.changes).toContainEqual({ path: 'definition.indicators[i1].target.text', from: 'almeno n. 100', to: 'almeno n. 80' });
    const proposal = all.find((e) => e.type === 'ReprogrammingProposed')!;
    expect(proposal.reason ?? '').toContain('Risorse ridotte');
    const progress = all.find((e) => e.type === 'PhaseProgressRecorded')!;
    expect(progress.occurredAt.slice(0, 10)).toBe('2025-07-15');
    expect(progress.recordedAt > progress.occurredAt).toBe(true);
    // Log order, each event once, and each leaf the one the proofs prove.
    const positions = all.map((e) => e.position.split('/').map(BigInt));
    for (let i = 1; i < positions.length; i++) {
      const [c0, p0] = positions[i - 1];
      const [c1, p1] = positions[i];
      expect(c1 > c0 || (c1 === c0 && p1 > p0)).toBe(true);
    }
    expect(new Set(all.map((e) => e.eventId)).size).toBe(all.length);
    const inclusion = await a.as.nucleo.get(`/audit/events/${reprogramming.eventId}/inclusion?treeSize=${reprogramming.leafIndex! + 1}`);
    expect(inclusion.status).toBe(200);
    expect(inclusion.body).toMatchObject({ leafIndex: reprogramming.leafIndex, leafHash: reprogramming.leafHash });
  });

  it('filters by objective, unit, person, event type and period, together', async () => {
    const get = async (query: string) => {
      const response = await a.as.rpct.get(`/audit/trail?limit=500&${query}`);
      expect([query, response.status, response.status === 200 ? '' : response.body]).toEqual([query, 200, '']);
      return (response.body as { items: Entry[] }).items;
    };
    expect(await get(`objectiveId=${a.objectiveId.toUpperCase()}`)).toEqual(all.filter((e) => e.objectiveId === a.objectiveId));
    expect(await get('unitId=welfare')).toEqual(all);
    expect(await get('unitId=cultura')).toEqual([]);
    expect(await get(`personId=${encodeURIComponent(a.people.segretario.sub)}`)).toEqual(all.filter((e) => e.actor.id === a.people.segretario.sub));
    expect(await get('type=ReprogrammingProposed,ReprogrammingApprovedByGiunta')).toEqual(all.filter((e) => e.type.startsWith('Reprogramming')));
    expect(await get('type=ReprogrammingProposed&type=ReprogrammingApprovedByGiunta')).toEqual(all.filter((e) => e.type.startsWith('Reprogramming')));
    expect(await get('from=2025-07-01&to=15/07/2025')).toEqual(
      all.filter((e) => e.occurredAt.slice(0, 10) >= '2025-07-01' && e.occurredAt.slice(0, 10) <= '2025-07-15'),
    );
    expect((await get('from=2025-07-01&to=2025-07-15')).map((e) => e.type)).toEqual(['PhaseProgressRecorded']);
    expect(await get('recordedFrom=2099-01-01')).toEqual([]);
    expect(await get(`personId=${encodeURIComponent(a.people.dirigente.sub)}&type=ReprogrammingApprovedByGiunta`)).toEqual([]);
  });

  it('pages that add up to the whole trail, in order', async () => {
    const pages: Entry[] = [];
    let cursor: string | null = null;
    let count = 0;
    do {
      const response = await a.as.nucleo.get(`/audit/trail?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      const body = response.body as { items: Entry[]; next: string | null };
      expect(body.items.length).toBeLessThanOrEqual(2);
      pages.push(...body.items);
      cursor = body.next;
      count += 1;
    } while (cursor && count < 100);
    expect(pages).toEqual(all);
    expect(count).toBe(Math.ceil(all.length / 2));
  });

  it('exports the same entries as CSV (UTF-8 with BOM) and as JSON', async () => {
    const csv = await a.as.nucleo.get('/audit/trail/export?format=csv&type=ReprogrammingApprovedByGiunta,ObjectiveApprovedByGiunta').buffer(true);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="traccia-audit-comune-alfa-\d{4}-\d{2}-\d{2}\.csv"$/);
    const text = csv.text;
    expect(text.startsWith('\uFEFFPosizione nel registro;ID evento;')).toBe(true);
    const rows = parse(text, { bom: true, delimiter: ';', columns: true }) as Record<string, string>[];
    const selected = all.filter((e) => e.type === 'ReprogrammingApprovedByGiunta' || e.type === 'ObjectiveApprovedByGiunta');
    expect(rows.map((r) => r['ID evento'])).toEqual(selected.map((e) => e.eventId));
    // A base64 hash may start with "+", which a spreadsheet would run as a formula: such a cell is written with a
    // leading apostrophe (SPREADSHEET_CSV's escape_formulas), which Excel hides and a CSV reader keeps.
    const asCell = (hash: string | null) => (hash?.startsWith('+') ? `'${hash}` : hash);
    expect(rows.map((r) => r['Hash foglia (SHA-256, base64)'])).toEqual(selected.map((e) => asCell(e.leafHash)));
    const reprogrammed = rows.find((r) => r['Tipo evento'] === 'ReprogrammingApprovedByGiunta')!;
    expect([reprogrammed['Atto n.'], reprogrammed['Data atto'], reprogrammed['Ruolo']]).toEqual(['45', '2025-09-10', 'Segretario generale']);
    expect(reprogrammed['Modifiche (campo: prima → dopo)']).toContain('definition.indicators[i1].target.text: almeno n. 100 → almeno n. 80');

    const json = await a.as.nucleo.get('/audit/trail/export?format=json');
    expect(json.status).toBe(200);
    expect(JSON.parse(json.text)).toEqual({ ente: 'comune-alfa', items: all });
  });

  it('is read by the controls of the ente, by a dirigente for a unit they head, and by nobody else', async () => {
    expect((await a.as.segretario.get('/audit/trail')).status).toBe(200);
    expect((await a.as.admin.get('/audit/trail')).status).toBe(200);
    expect((await a.as.dirigente.get('/audit/trail')).body).toMatchObject({ status: 403, type: '/problems/access/unit-required' });
    const own = await a.as.dirigente.get('/audit/trail?unitId=welfare&limit=500');
    expect(own.status).toBe(200);
    expect((own.body as { items: Entry[] }).items).toEqual(all);
    expect((await a.as.dirigente.get('/audit/trail?unitId=cultura')).body).toMatchObject({ status: 403, type: '/problems/access/unit-not-headed' });
    expect((await a.as.otherDirigente.get('/audit/trail?unitId=welfare')).status).toBe(403);
    expect((await a.as.otherDirigente.get('/audit/trail/export?unitId=welfare')).status).toBe(403);
    // Another ente's controls see their own ente only, whatever they ask for.
    const other = (await b.as.nucleo.get(`/audit/trail?limit=500`)).body as { items: Entry[] };
    expect(other.items.length).toBeGreaterThan(0);
    expect(other.items.some((e) => all.some((mine) => mine.eventId === e.eventId))).toBe(false);
    expect(((await b.as.nucleo.get(`/audit/trail?objectiveId=${a.objectiveId}`)).body as { items: Entry[] }).items).toEqual([]);
    expect(JSON.parse((await b.as.rpct.get(`/audit/trail/export?format=json&objectiveId=${a.objectiveId}`)).text)).toEqual({ ente: 'comune-beta', items: [] });
  });

  it('refuses a malformed filter with a 400 that names it', async () => {
    for (const [query, field] of [
      ['type=Nope', 'type'],
      ['type=ObjectiveDrafted,%00', 'type'],
      ['cursor=abc', 'cursor'],
      ['cursor=99999999999999999999/1', 'cursor'],
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['objectiveId=not-a-uuid', 'objectiveId'],
      ['from=2025-02-30', 'from'],
      ['recordedTo=ieri', 'recordedTo'],
      ['unitId=a%00b', 'unitId'],
      [`personId=${'x'.repeat(65)}`, 'personId'],
      ['format=xlsx', 'format'],
    ]) {
      const path = field === 'format' ? `/audit/trail/export?${query}` : `/audit/trail?${query}`;
      const response = await a.as.nucleo.get(path);
      expect([query, response.status]).toEqual([query, 400]);
      expect(JSON.stringify(response.body)).toContain(field);
    }
  });
});
