import { parse } from 'csv-parse/sync';
import { ProcessorsHost } from '@piao/application';
import { startApi, type Api } from '../support/api-harness';
import { until } from '../support/processor-harness';
import { seedEnte, type Ente } from '../support/scenario';

interface OpenData {
  ente: string;
  piano: { id: string; titolo: string; atto_approvazione: string | null };
  obiettivi: { codice: string; stato: string; grado_raggiungimento: number | null; indicatori: { target: string | null; valore_finale: string | null }[] }[];
}

/**
 * The transparency export on the embedded default: the approved plan and its results as open data (JSON and CSV
 * holding the same facts) with DCAT-AP_IT metadata naming both distributions; drafts are never published, an
 * achievement only once the NdV's evaluation is final; the export is the ente's own and refused to a dirigente.
 */
describe('the transparency export', () => {
  let api: Api;
  let a: Ente;
  let b: Ente;

  const ok = async (call: Promise<{ status: number; body: unknown }>) => {
    const response = await call;
    if (response.status >= 300) throw new Error(`${response.status}: ${JSON.stringify(response.body)}`);
  };
  const openData = async (): Promise<OpenData> => {
    api.app.get(ProcessorsHost).poke();
    const response = await a.as.rpct.get(`/transparency/plans/${a.planId}/obiettivi.json`);
    expect(response.status).toBe(200);
    return JSON.parse(response.text) as OpenData;
  };

  beforeAll(async () => {
    api = await startApi('pglite');
    a = await seedEnte(api, 'comune-alfa');
    b = await seedEnte(api, 'comune-beta');
    await ok(a.as.dirigente.post(`/objectives/${a.objectiveId}/indicator-values`, { indicatorId: 'i1', value: '120', asOf: '2025-12-31' }));
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  it('publishes the approved objectives with their indicators and values, never a draft', async () => {
    let data!: OpenData;
    await until(async () => {
      data = await openData();
      return data.obiettivi[0]?.indicatori[0]?.valore_finale === '120';
    }, 'the read models to hold the indicator value');
    expect(data.ente).toBe('comune-alfa');
    expect(data.piano).toMatchObject({ id: a.planId, titolo: 'PEG 2025', atto_approvazione: 'DGC n. 31 del 2025-03-10' });
    expect(data.obiettivi.map((o) => o.codice)).toEqual(['S08_01']);
    expect(data.obiettivi[0]).toMatchObject({
      stato: 'approvato',
      grado_raggiungimento: null,
      indicatori: [{ target: 'almeno n. 100', valore_finale: '120' }],
    });

    const csv = await a.as.segretario.get(`/transparency/plans/${a.planId}/obiettivi.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parse(csv.text, { columns: true }) as Record<string, string>[];
    expect(rows).toEqual([
      expect.objectContaining({
        codice_obiettivo: 'S08_01',
        indicatore: 'Famiglie sostenute',
        target: 'almeno n. 100',
        valore_finale: '120',
        stato: 'approvato',
      }),
    ]);
  });

  it('publishes the achievement once the evaluation is final', async () => {
    await ok(a.as.dirigente.post(`/objectives/${a.objectiveId}/year-end-report`, { phases: [], indicators: [{ indicatorId: 'i1', value: '120' }] }));
    await ok(a.as.segretario.post(`/objectives/${a.objectiveId}/year-end-report/validate`, {}));
    await ok(a.as.nucleo.post(`/objectives/${a.objectiveId}/evaluation`, { achievementPercent: 90, reason: 'Target superato' }));
    // Not shared, then shared but not final: nothing published yet.
    expect((await openData()).obiettivi[0].grado_raggiungimento).toBeNull();
    await ok(a.as.nucleo.post(`/objectives/${a.objectiveId}/evaluation/share`, {}));
    expect((await openData()).obiettivi[0].grado_raggiungimento).toBeNull();
    await ok(a.as.segretario.post(`/objectives/${a.objectiveId}/close`, {}));
    await until(async () => (await openData()).obiettivi[0].grado_raggiungimento === 90, 'the achievement to be published');
    expect((await openData()).obiettivi[0].stato).toBe('concluso');
  });

  it('describes the dataset in DCAT-AP_IT, with both distributions', async () => {
    const response = await a.as.nucleo.get(`/transparency/plans/${a.planId}/dcat.jsonld`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/ld\+json/);
    const dataset = JSON.parse(response.text) as Record<string, unknown> & { 'dcat:distribution': Record<string, { '@id': string }>[] };
    expect(dataset['@type']).toEqual(['dcat:Dataset', 'dcatapit:Dataset']);
    for (const property of [
      'dct:identifier',
      'dct:title',
      'dct:description',
      'dcat:theme',
      'dct:publisher',
      'dct:rightsHolder',
      'dct:modified',
      'dct:accrualPeriodicity',
    ]) {
      expect([property, dataset[property]]).toEqual([property, expect.anything()]);
    }
    expect((dataset['dct:modified'] as { '@value': string })['@value']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const urls = dataset['dcat:distribution'].map((d) => d['dcat:downloadURL']['@id']);
    expect(urls).toEqual([
      `http://localhost:3000/transparency/plans/${a.planId}/obiettivi.csv`,
      `http://localhost:3000/transparency/plans/${a.planId}/obiettivi.json`,
    ]);
    expect(dataset['dcat:distribution'].map((d) => d['dct:format']['@id'])).toEqual([
      'http://publications.europa.eu/resource/authority/file-type/CSV',
      'http://publications.europa.eu/resource/authority/file-type/JSON',
    ]);
    // The same log, the same metadata.
    expect((await a.as.nucleo.get(`/transparency/plans/${a.planId}/dcat.jsonld`)).text).toBe(response.text);
  });

  it('is the ente’s own, for the Segretario, the RPCT, the NdV and the administrator; a plan not approved is not published', async () => {
    expect((await a.as.dirigente.get(`/transparency/plans/${a.planId}/obiettivi.json`)).status).toBe(403);
    expect((await b.as.rpct.get(`/transparency/plans/${a.planId}/obiettivi.json`)).status).toBe(404);
    expect((await b.as.rpct.get(`/transparency/plans/${a.planId}/dcat.jsonld`)).status).toBe(404);
    expect((await a.as.rpct.get('/transparency/plans/not-a-uuid/obiettivi.csv')).status).toBe(400);
    const open = await a.as.segretario.post('/plans', { kind: 'PEG', title: 'PEG 2026', fromYear: 2026, toYear: 2026 });
    const planId = (open.body as { planId: string }).planId;
    await until(async () => {
      api.app.get(ProcessorsHost).poke();
      return (await a.as.rpct.get(`/transparency/plans/${planId}/obiettivi.json`)).status !== 404;
    }, 'the new plan to be projected');
    const refused = await a.as.rpct.get(`/transparency/plans/${planId}/obiettivi.json`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ type: '/problems/plan-not-approved' });
  });
});
