import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessorsHost } from '@piao/application';
import { AuditModule, buildDossierContent, renderDossierPdf, type DossierContent } from '@piao/audit';
import { EVENT_STORE, LOG_START, type EventStore } from '@piao/event-store';
import { canonicalJson } from '@piao/lifecycle';
import { STORAGE, type Storage } from '@piao/storage';
import { startApi, type Api } from '../support/api-harness';
import { until } from '../support/processor-harness';
import { definition, seedEnte, type Ente } from '../support/scenario';

interface Summary {
  dossierId: string;
  status: string;
  progress: number;
  note?: string | null;
  contentHash?: string | null;
  upTo?: string;
  requestedAt?: string;
  links: { self: string; pdf: string; json: string; csv: string };
}

const binary = (response: { on(event: string, cb: (chunk?: Buffer) => void): void }, callback: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  response.on('data', (chunk) => chunks.push(chunk!));
  response.on('end', () => callback(null, Buffer.concat(chunks)));
};

/**
 * The fascicolo di audit end to end on the embedded default (PGlite, built in process): the fixture objective's
 * cycle with a monitoring report, then a lowered target approved by the Giunta; a dossier of the plan requested over
 * HTTP, followed to ready, downloaded as PDF/A, JSON and CSV. The PDF read back as text (pdftotext) holds the acts,
 * the reprogramming old → new, the red flag for the lowered target and the verification appendix; the JSON and the
 * CSV hold the same facts; building it again from the log gives the same content hash and the same PDF bytes.
 */
describe('the audit dossier', () => {
  let api: Api;
  let a: Ente;
  let b: Ente;
  let ready: Summary;
  let pdf: Buffer;
  let json: DossierContent;
  let csv: string;

  const poke = () => {
    api.app.get(ProcessorsHost).poke();
    api.app.get(AuditModule).dossierWorker()?.poke();
  };

  async function untilReady(dossierId: string): Promise<Summary> {
    let last: Summary | undefined;
    await until(
      async () => {
        poke();
        last = (await a.as.rpct.get(`/audit/dossiers/${dossierId}`)).body as Summary;
        if (last.status === 'failed') throw new Error(`the dossier failed: ${last.note}`);
        return last.status === 'ready';
      },
      'the dossier to be ready',
      90_000,
      200,
    );
    return last!;
  }

  beforeAll(async () => {
    api = await startApi('pglite', { AUDIT_CHECKPOINT_SECONDS: '3600' });
    a = await seedEnte(api, 'comune-alfa');
    b = await seedEnte(api, 'comune-beta');
    const expectOk = async (call: Promise<{ status: number; body: unknown }>) => {
      const response = await call;
      if (response.status >= 300) throw new Error(`${response.status}: ${JSON.stringify(response.body)}`);
    };
    await expectOk(a.as.segretario.post(`/plans/${a.planId}/monitoring-campaigns`, { asOf: '2025-07-31', dueOn: '2025-08-31' }));
    await expectOk(
      a.as.dirigente.post(`/objectives/${a.objectiveId}/monitoring-reports`, {
        asOf: '2025-07-31',
        phases: [{ phaseId: 'f1', progressPercent: 40 }],
        indicators: [{ indicatorId: 'i1', value: '50' }],
        occurredOn: '2025-08-20',
      }),
    );
    const lowered = { ...definition(), indicators: [{ id: 'i1', description: 'Famiglie sostenute', target: { text: 'almeno n. 80' } }] };
    await expectOk(a.as.dirigente.post(`/objectives/${a.objectiveId}/reprogramming`, { definition: lowered, reason: 'Risorse ridotte' }));
    await expectOk(a.as.segretario.post(`/objectives/${a.objectiveId}/reprogramming/approve`, { act: { number: '45', date: '2025-09-10' } }));

    const requested = await a.as.rpct.post('/audit/dossiers', { scope: { kind: 'plan', id: a.planId } });
    expect(requested.status).toBe(202);
    const { dossierId } = requested.body as { dossierId: string };
    ready = await untilReady(dossierId);
    const download = async (url: string) => {
      const response = await a.as.nucleo.get(url).buffer(true).parse(binary);
      expect(response.status).toBe(200);
      return { body: response.body as Buffer, headers: response.headers as Record<string, string> };
    };
    const pdfFile = await download(ready.links.pdf);
    expect(pdfFile.headers['content-type']).toBe('application/pdf');
    pdf = pdfFile.body;
    const jsonFile = await download(ready.links.json);
    json = JSON.parse(jsonFile.body.toString('utf8')) as DossierContent;
    expect(createHash('sha256').update(jsonFile.body).digest('hex')).toBe(ready.contentHash);
    expect(jsonFile.headers['x-content-hash']).toBe(`sha-256=${ready.contentHash}`);
    csv = (await download(ready.links.csv)).body.toString('utf8');
  }, 180_000);
  afterAll(async () => {
    await api?.close();
  });

  it('the PDF, read back as text, holds the acts, the reprogramming old → new, the red flag and the verification appendix', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dossier-'));
    const file = join(dir, 'fascicolo.pdf');
    writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain('Fascicolo di audit');
    expect(text).toMatch(/DGC n\. 31 del 10\/03\/2025/);
    expect(text).toMatch(/DGC n\. 45 del 10\/09\/2025/);
    expect(text).toContain('almeno n. 100');
    expect(text).toContain('almeno n. 80');
    const lowered = json.redFlags.find((f) => f.kind === 'target-lowered-after-monitoring');
    expect(lowered).toBeDefined();
    expect(text).toContain(lowered!.description.replace(/\s+/g, ' ').slice(0, 40));
    expect(text).toMatch(/verifica/i);
    for (const event of json.objectives.flatMap((o) => o.timeline)) expect(text).toContain(event.leafHash!);
    // PDF/A: the document says so in its own metadata, with an output intent and every font embedded.
    const raw = pdf.toString('latin1');
    expect(raw).toMatch(/pdfaid:part[>="]+2/);
    expect(raw).toContain('/OutputIntents');
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' }).trim().split('\n').slice(2);
    expect(fonts.length).toBeGreaterThan(0);
    for (const line of fonts) expect(line).toMatch(/\byes\b.*\byes\b/);
  });

  it('the JSON and the CSV hold the same facts', () => {
    const objective = json.objectives.find((o) => o.objectiveId === a.objectiveId)!;
    expect(objective.approvalAct).toEqual({ number: '31', date: '2025-03-10' });
    expect(json.acts.map((act) => act.number)).toEqual(expect.arrayContaining(['31', '45']));
    const reprogramming = objective.timeline.find((e) => e.type === 'ReprogrammingApprovedByGiunta')!;
    expect(reprogramming.changes).toContainEqual({ path: 'definition.indicators[i1].target.text', from: 'almeno n. 100', to: 'almeno n. 80' });
    expect(objective.versions).toContainEqual({ path: 'indicators[i1].target.text', from: 'almeno n. 100', to: 'almeno n. 80' });
    expect(json.verification.checkpoint).toMatch(/^.+\n\d+\n.+\n\n\u2014 /);
    expect(json.verification.treeSize).toBeGreaterThanOrEqual(Math.max(...json.objectives.flatMap((o) => o.timeline.map((e) => e.leafIndex!))) + 1);
    expect(json.upTo).toBe(ready.upTo);
    // The draft objective of the plan is in it; nothing of another ente is.
    expect(json.objectives.map((o) => o.objectiveId).sort()).toEqual([a.objectiveId, a.draftId].sort());
    expect(JSON.stringify(json)).not.toContain(b.objectiveId);
    for (const event of json.objectives.flatMap((o) => o.timeline)) {
      expect(csv).toContain(event.eventId);
      expect(csv).toContain(event.leafHash!);
    }
    expect(csv).toContain('almeno n. 100');
    expect(csv).toContain('almeno n. 80');
    expect(csv).toContain(json.redFlags[0].description.slice(0, 30));
  });

  it('built again from the same log, it has the same content hash and the same PDF', async () => {
    const storage = api.app.get<Storage>(STORAGE);
    const [commit, prepare] = ready.upTo!.split('/').map(BigInt);
    const again = await buildDossierContent(
      { store: api.app.get<EventStore>(EVENT_STORE), sql: storage.sql },
      { dossierId: ready.dossierId, ente: 'comune-alfa', scope: { kind: 'plan', id: a.planId }, upTo: { commit, prepare }, requestedAt: ready.requestedAt! },
    );
    expect(createHash('sha256').update(canonicalJson(again)).digest('hex')).toBe(ready.contentHash);
    // Events recorded after the request change nothing in it.
    await a.as.dirigente.post(`/objectives/${a.objectiveId}/phase-progress`, { phaseId: 'f2', progressPercent: 10 });
    const later = await buildDossierContent(
      { store: api.app.get<EventStore>(EVENT_STORE), sql: storage.sql },
      { dossierId: ready.dossierId, ente: 'comune-alfa', scope: { kind: 'plan', id: a.planId }, upTo: { commit, prepare }, requestedAt: ready.requestedAt! },
    );
    expect(canonicalJson(later)).toBe(canonicalJson(again));
    expect((await renderDossierPdf(again)).equals(pdf)).toBe(true);
  });

  it('the red flags API names the same flags, with the events that prove them', async () => {
    const response = await a.as.rpct.get(`/audit/red-flags?planId=${a.planId.toUpperCase()}`);
    expect(response.status).toBe(200);
    const { items } = response.body as { items: DossierContent['redFlags'] };
    const lowered = items.find((f) => f.kind === 'target-lowered-after-monitoring')!;
    expect(lowered).toMatchObject({ severity: 'high', objectiveId: a.objectiveId });
    const timeline = json.objectives.find((o) => o.objectiveId === a.objectiveId)!.timeline;
    const proving = lowered.eventIds.map((id) => timeline.find((e) => e.eventId === id)?.type);
    expect(proving).toEqual(expect.arrayContaining(['MonitoringReportSubmitted', 'ReprogrammingApprovedByGiunta']));
    expect(json.redFlags).toContainEqual(lowered);
    const high = (await a.as.nucleo.get(`/audit/red-flags?planId=${a.planId}&severity=high&kind=target-lowered-after-monitoring`)).body as {
      items: unknown[];
    };
    expect(high.items).toEqual([lowered]);
    expect((await b.as.nucleo.get(`/audit/red-flags?planId=${a.planId}`)).status).toBe(404);
    expect((await a.as.dirigente.get(`/audit/red-flags?planId=${a.planId}`)).status).toBe(403);
    for (const [query, field] of [
      ['', 'planId'],
      ['planId=x', 'planId'],
      [`planId=${a.planId}&severity=grave`, 'severity'],
      [`planId=${a.planId}&kind=x`, 'kind'],
      [`planId=${a.planId}&objectiveId=1`, 'objectiveId'],
    ]) {
      const bad = await a.as.nucleo.get(`/audit/red-flags?${query}`);
      expect([query, bad.status]).toEqual([query, 400]);
      expect(JSON.stringify(bad.body)).toContain(field);
    }
  });

  it('is listed, and is requested and read by the controls of its ente only', async () => {
    const list = (await a.as.segretario.get('/audit/dossiers')).body as { items: Summary[] };
    expect(list.items.map((d) => d.dossierId)).toContain(ready.dossierId);
    expect(((await b.as.nucleo.get('/audit/dossiers')).body as { items: Summary[] }).items).toEqual([]);
    expect((await b.as.nucleo.get(`/audit/dossiers/${ready.dossierId}`)).status).toBe(404);
    expect((await b.as.nucleo.get(ready.links.pdf)).status).toBe(404);
    expect((await b.as.rpct.post('/audit/dossiers', { scope: { kind: 'plan', id: a.planId } })).status).toBe(404);
    expect((await b.as.rpct.post('/audit/dossiers', { scope: { kind: 'objective', id: a.objectiveId } })).status).toBe(404);
    expect((await a.as.dirigente.post('/audit/dossiers', { scope: { kind: 'unit', id: 'welfare' } })).status).toBe(403);
    expect((await a.as.dirigente.get('/audit/dossiers')).status).toBe(403);
    expect((await a.as.dirigente.get(ready.links.pdf)).status).toBe(403);
  });

  it('refuses a malformed request with a 400 that names the field, and an unknown scope with a 404, recording nothing', async () => {
    const before = (await api.store.readAll(LOG_START, 100_000)).length;
    for (const [body, field] of [
      [{}, 'scope'],
      [{ scope: { kind: 'ente', id: 'x' } }, 'kind'],
      [{ scope: { kind: 'plan', id: 'not-a-uuid' } }, 'scope.id'],
      [{ scope: { kind: 'unit', id: '' } }, 'id'],
      [{ scope: { kind: 'unit', id: 'a\u0000b' } }, 'id'],
      [{ scope: { kind: 'unit', id: 'welfare' }, extra: 1 }, 'extra'],
      [{ scope: [] }, 'scope'],
      [{ scope: 'plan' }, 'scope'],
    ] as const) {
      const response = await a.as.nucleo.post('/audit/dossiers', body);
      expect([JSON.stringify(body), response.status]).toEqual([JSON.stringify(body), 400]);
      expect(JSON.stringify(response.body)).toContain(field);
    }
    expect((await a.as.nucleo.post('/audit/dossiers', { scope: { kind: 'unit', id: 'nessuna' } })).status).toBe(404);
    expect((await a.as.nucleo.get('/audit/dossiers/not-a-uuid')).status).toBe(400);
    expect((await a.as.nucleo.get(`/audit/dossiers/${ready.dossierId}/fascicolo.docx`)).status).toBe(404);
    expect((await api.store.readAll(LOG_START, 100_000)).length).toBe(before);
  });

  it('answers 409 for a dossier not built yet, then builds one of a unit', async () => {
    const requested = await a.as.nucleo.post('/audit/dossiers', { scope: { kind: 'unit', id: 'welfare' } });
    expect(requested.status).toBe(202);
    const { dossierId, links } = requested.body as Summary;
    const early = await a.as.nucleo.get(links.pdf);
    if (early.status !== 200) {
      expect(early.status).toBe(409);
      expect(early.body).toMatchObject({ type: '/problems/dossier-not-ready' });
    }
    const unit = await untilReady(dossierId);
    const content = JSON.parse((await a.as.nucleo.get(unit.links.json).buffer(true).parse(binary)).body.toString('utf8')) as DossierContent;
    expect(content.scope).toMatchObject({ kind: 'unit', id: 'welfare', label: 'Settore Welfare' });
    expect(content.objectives.map((o) => o.objectiveId).sort()).toEqual([a.objectiveId, a.draftId].sort());
  });

  it('an event hashed after the latest signed checkpoint: 409 not-yet-signed, provable meanwhile against the tree as it is', async () => {
    // The dossiers above had a checkpoint signed (here one an hour otherwise): what is recorded now comes after it.
    const signed = await a.as.nucleo.get('/audit/checkpoint');
    expect(signed.status).toBe(200);
    const signedSize = Number(signed.text.split('\n')[1]);
    const progress = await a.as.dirigente.post(`/objectives/${a.objectiveId}/phase-progress`, { phaseId: 'f1', progressPercent: 55 });
    expect(progress.status).toBeLessThan(300);
    let recorded: { eventId: string; leafIndex: number | null } | undefined;
    await until(async () => {
      poke();
      const trail = await a.as.nucleo.get(`/audit/trail?objectiveId=${a.objectiveId}&type=PhaseProgressRecorded`);
      recorded = (trail.body as { items: { eventId: string; leafIndex: number | null }[] }).items.at(-1);
      return recorded?.leafIndex !== null && recorded?.leafIndex !== undefined;
    }, 'the phase progress hashed');
    expect(recorded!.leafIndex).toBeGreaterThanOrEqual(signedSize);

    const early = await a.as.nucleo.get(`/audit/events/${recorded!.eventId}/inclusion`);
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ type: '/problems/not-yet-signed', rule: 'not-yet-signed', status: 409 });
    expect(early.body.detail).toContain(`${signedSize} leaves`);
    // Named, a tree that holds it (not signed yet) proves it; a tree that ends before it is still a 404.
    const unsigned = await a.as.nucleo.get(`/audit/events/${recorded!.eventId}/inclusion?treeSize=${recorded!.leafIndex! + 1}`);
    expect(unsigned.status).toBe(200);
    expect(unsigned.body).toMatchObject({ eventId: recorded!.eventId, leafIndex: recorded!.leafIndex, treeSize: recorded!.leafIndex! + 1 });
    expect(unsigned.body.checkpoint).toBeUndefined();
    expect((await a.as.nucleo.get(`/audit/events/${recorded!.eventId}/inclusion?treeSize=${signedSize}`)).status).toBe(404);
    // Another ente's auditor does not learn that the event exists.
    expect((await b.as.nucleo.get(`/audit/events/${recorded!.eventId}/inclusion`)).status).toBe(404);
  });
});
