import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { canonicalJson } from '@piao/lifecycle';
import { type DossierContent, type DossierEvent, type DossierObjective } from '../../libs/audit/src/dossier/dossier-content';
import { CSV_RECORD_EVENT, CSV_RECORD_RED_FLAG, renderDossierCsv } from '../../libs/audit/src/dossier/dossier-csv';
import { renderDossierPdf } from '../../libs/audit/src/dossier/dossier-pdf';

// The PDF is read back with poppler (pdftotext, pdffonts, pdfinfo), which .ci/run installs: tools that are not ours
// and read the file as any viewer would.

const ORIGIN = 'piao.example/ente/c_c637';
/** A real signed note (C2SP checkpoint, Ed25519) by a throwaway key, so that its text has the true shape. */
const CHECKPOINT =
  `${ORIGIN}\n1204\nSBNJTRN+FjG7owHVrKtue7eqdM4RhdRWVl71HXN2d7I=\n\n` +
  `— ${ORIGIN} 0EB5YYtthPsCubNbrRBaAk6Cu5pNByr16JtrvOUZccRGG9rM2rj+YmrWreRAOTm5ir9Sj8mQw7uvrsJ1hH8B/DF8PAk=\n`;
const ROOT_HASH = '4813494d137e1631bba301d5acab6e7bb7aa74ce1185d456565ef51d737677b2';

const TARGET_CHANGE = 'definition.indicators[i1].target.text: ≥ 80% → ≥ 60%';
const RED_FLAG_TEXT = 'Indicatore i1 «Certificati anagrafici rilasciati online» con target ≥ 80% ridotto a ≥ 60% dopo il monitoraggio al 30/06/2025.';
/** à è é ì ò ù, as Italian writes them. */
const ACCENTED_REASON = 'Attività già avviata: è più lunga perché l’ufficio è sottodimensionato; ciò comporterà, da lunedì, un ritardo di due mesi.';

const dirigente = { id: 'p-rossi', name: 'Maria Rossi', role: 'dirigente' };
const segretario = { id: 'p-bianchi', name: 'Luigi Bianchi', role: 'segretario' };

function eventId(n: number): string {
  return `0195a1b2-0000-7000-8000-${String(n).padStart(12, '0')}`;
}

function leafHash(index: number): string {
  return createHash('sha256').update(`leaf ${index}`).digest('hex');
}

let leafCounter = 0;

function event(revision: number, type: string, label: string, extra: Partial<DossierEvent> = {}): DossierEvent {
  const index = leafCounter++;
  return {
    eventId: eventId(index),
    revision,
    type,
    label,
    actor: dirigente,
    occurredAt: '2025-02-03',
    recordedAt: '2025-02-03T10:15:00.000Z',
    reason: null,
    act: null,
    changes: [],
    leafIndex: index,
    leafHash: leafHash(index),
    ...extra,
  };
}

/** Two objectives as a small ente's PIAO has them: one reprogrammed after the monitoring, one still a draft. */
function realisticDossier(): DossierContent {
  leafCounter = 100;
  const digital: DossierObjective = {
    objectiveId: 'obj-1-2',
    code: '1.2',
    title: 'Digitalizzazione dei servizi demografici: più certificati rilasciati online',
    status: 'approved',
    responsibleUnitId: 'u-servizi-cittadino',
    responsibleUnitName: 'Settore Servizi al cittadino',
    approvalAct: { number: '31', date: '2025-03-10' },
    versions: [
      { path: 'indicators[i1].target.text', from: '≥ 80%', to: '≥ 60%' },
      { path: 'phases[f2].end', from: '2025-10-31', to: '2025-12-31' },
    ],
    timeline: [
      event(0, 'ObjectiveDrafted', 'Bozza dell’obiettivo', {
        changes: [{ path: 'status', from: null, to: 'draft' }],
      }),
      event(1, 'ObjectiveProposed', 'Proposta alla Giunta', {
        occurredAt: '2025-02-20',
        recordedAt: '2025-02-20T08:00:00.000Z',
        changes: [{ path: 'status', from: 'draft', to: 'proposed' }],
      }),
      event(2, 'ObjectiveApprovedByGiunta', 'Approvazione della Giunta', {
        actor: segretario,
        occurredAt: '2025-03-10',
        recordedAt: '2025-03-11T09:00:00.000Z',
        act: { number: '31', date: '2025-03-10' },
        changes: [{ path: 'status', from: 'proposed', to: 'approved' }],
      }),
      event(3, 'MonitoringReportSubmitted', 'Monitoraggio intermedio presentato', {
        occurredAt: '2025-06-30',
        recordedAt: '2025-07-02T14:32:00.000Z',
        changes: [{ path: 'monitoringReports[2025-06-30].status', from: null, to: 'submitted' }],
      }),
      event(4, 'ReprogrammingProposed', 'Riprogrammazione proposta', {
        occurredAt: '2025-07-03',
        recordedAt: '2025-07-03T07:45:00.000Z',
        reason: 'Ritardo nella fornitura della piattaforma ANPR: si propone di ridurre il target e spostare la fine della fase 2.',
        changes: [
          { path: 'proposed.definition.indicators[i1].target.text', from: '≥ 80%', to: '≥ 60%' },
          { path: 'proposed.definition.phases[f2].end', from: '2025-10-31', to: '2025-12-31' },
        ],
      }),
      event(5, 'ReprogrammingApprovedByGiunta', 'Riprogrammazione approvata dalla Giunta', {
        actor: segretario,
        occurredAt: '2025-07-10',
        recordedAt: '2025-07-10T16:05:00.000Z',
        act: { number: '58', date: '2025-07-10' },
        changes: [
          { path: 'definition.indicators[i1].target.text', from: '≥ 80%', to: '≥ 60%' },
          { path: 'definition.phases[f2].end', from: '2025-10-31', to: '2025-12-31' },
        ],
      }),
    ],
  };
  const school: DossierObjective = {
    objectiveId: 'obj-2-1',
    code: '2.1',
    title: 'Riqualificazione energetica della scuola primaria «Papa Giovanni XXIII» e verifica dei consumi',
    status: 'draft',
    responsibleUnitId: 'u-lavori-pubblici',
    responsibleUnitName: null,
    approvalAct: null,
    versions: [],
    timeline: [
      event(0, 'ObjectiveDrafted', 'Bozza dell’obiettivo', {
        occurredAt: '2025-02-05',
        recordedAt: '2025-02-05T11:00:00.000Z',
        // DejaVu has no emoji: PDF/A forbids showing .notdef, so it becomes U+FFFD in the PDF (and stays in the CSV).
        reason: 'Prima stesura condivisa con l’assessore 👍',
        changes: [{ path: 'status', from: null, to: 'draft' }],
      }),
      event(1, 'ObjectiveDraftUpdated', 'Bozza modificata', {
        occurredAt: '2025-02-12',
        recordedAt: '2025-02-12T15:20:00.000Z',
        reason: ACCENTED_REASON,
        changes: [
          { path: 'definition.phases[f1].weight', from: 40, to: 50 },
          { path: 'definition.indicators[i3]', from: null, to: { id: 'i3', description: 'Riduzione dei consumi (kWh)', target: { text: '-15%' } } },
          { path: 'definition.description', from: '', to: 'Sostituzione degli infissi e della caldaia; verifica dei consumi dopo un anno.' },
          { path: 'definition.implementation', from: null, to: 'x'.repeat(900) },
        ],
      }),
      // Just recorded: the hashing has not reached it yet.
      event(2, 'ObjectiveProposed', 'Proposta alla Giunta', {
        occurredAt: '2025-07-10',
        recordedAt: '2025-07-10T15:59:00.000Z',
        changes: [{ path: 'status', from: 'draft', to: 'proposed' }],
        leafIndex: null,
        leafHash: null,
      }),
    ],
  };
  const objectives = [digital, school];
  return {
    v: 1,
    ente: 'Comune di Cesano Boscone',
    scope: { kind: 'plan', id: 'plan-2025', label: 'PIAO 2025-2027' },
    upTo: '48213/48213',
    asOf: '2025-07-10T16:05:00.000Z',
    summary: { objectives: 2, events: 9, acts: 2, redFlags: { high: 1, medium: 0, low: 0 } },
    objectives,
    acts: [
      {
        number: '31',
        date: '2025-03-10',
        subject: 'approvazione dell’obiettivo',
        objectiveId: 'obj-1-2',
        objectiveCode: '1.2',
        eventId: digital.timeline[2].eventId,
      },
      { number: '58', date: '2025-07-10', subject: 'riprogrammazione', objectiveId: 'obj-1-2', objectiveCode: '1.2', eventId: digital.timeline[5].eventId },
    ],
    redFlags: [
      {
        kind: 'target-lowered-after-monitoring',
        severity: 'high',
        objectiveId: 'obj-1-2',
        code: '1.2',
        description: RED_FLAG_TEXT,
        eventIds: [digital.timeline[3].eventId, digital.timeline[5].eventId],
      },
    ],
    verification: {
      checkpoint: CHECKPOINT,
      treeSize: 1204,
      rootHash: ROOT_HASH,
      origin: ORIGIN,
      howToCheck: [
        'Ricalcolare l’hash della foglia di ogni evento: SHA-256 del byte 0x00 seguito dal JSON canonico dell’evento (RFC 8785).',
        'Chiedere al sistema la prova di inclusione della foglia nell’albero di dimensione 1204 e ricalcolarne la radice.',
        `Verificare la firma del checkpoint con la chiave pubblica dell’ente (${ORIGIN}) e confrontare la radice firmata con quella ricalcolata.`,
      ],
    },
  };
}

/** `count` objectives of `events` events each, with reasons, acts and changes of realistic length. */
function largeDossier(count: number, events: number): DossierContent {
  leafCounter = 0;
  const objectives: DossierObjective[] = Array.from({ length: count }, (_, o) => ({
    objectiveId: `obj-${o}`,
    code: `${Math.floor(o / 10) + 1}.${(o % 10) + 1}`,
    title: `Obiettivo operativo n. ${o}: miglioramento dei tempi di risposta ai cittadini e qualità dei servizi`,
    status: 'approved',
    responsibleUnitId: `u-${o % 12}`,
    responsibleUnitName: `Settore ${o % 12}`,
    approvalAct: { number: String(10 + (o % 40)), date: '2025-03-10' },
    versions: Array.from({ length: 1 + (o % 3) * 20 }, (_, v) => ({ path: `indicators[i${v}].target.text`, from: '≥ 80%', to: '≥ 70%' })),
    timeline: Array.from({ length: events }, (_, r) =>
      event(r, 'IndicatorValueRecorded', 'Valore dell’indicatore registrato', {
        occurredAt: '2025-05-15',
        recordedAt: `2025-05-${String(1 + (r % 28)).padStart(2, '0')}T10:00:00.000Z`,
        reason: r % 5 === 0 ? 'Dato rilevato dal gestionale del protocollo, verificato dall’ufficio controllo di gestione.' : null,
        act: r % 25 === 0 ? { number: String(r), date: '2025-04-01' } : null,
        changes: [{ path: 'indicatorValues[i1]', from: `${r}%`, to: `${r + 1}%` }],
      }),
    ),
  }));
  const acts = objectives.map((o) => ({
    ...o.approvalAct!,
    subject: 'approvazione dell’obiettivo',
    objectiveId: o.objectiveId,
    objectiveCode: o.code,
    eventId: o.timeline[0].eventId,
  }));
  return {
    ...realisticDossier(),
    summary: { objectives: count, events: count * events, acts: acts.length, redFlags: { high: 0, medium: 0, low: 0 } },
    objectives,
    acts,
    redFlags: [],
  };
}

/** Whitespace as one space: pdftotext -layout breaks and pads lines as the page has them. */
function flat(text: string): string {
  return text.replace(/\s+/g, ' ');
}

describe('fascicolo di audit: PDF/A and CSV', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dossier-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('renders an Italian PDF/A-2b with the acts, the old → new values, the red flags and every leaf hash', async () => {
    const content = realisticDossier();
    const pdf = await renderDossierPdf(content);
    const file = join(dir, 'fascicolo.pdf');
    writeFileSync(file, pdf);

    const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    const words = flat(text);
    expect(words).toContain('Fascicolo di audit');
    expect(words).toContain('Comune di Cesano Boscone');
    expect(words).toContain('Situazione al 10/07/2025');
    expect(words).toContain('DGC n. 31 del 10/03/2025');
    expect(words).toContain('DGC n. 58 del 10/07/2025');
    expect(words).toContain(flat(`• ${TARGET_CHANGE}`));
    expect(words).toContain(flat(RED_FLAG_TEXT));
    expect(words).toContain(flat(ACCENTED_REASON));
    expect(words).toContain('Appendice — Verifica dell’integrità');
    expect(text).toContain(ORIGIN);
    expect(text.split('\n').some((line) => line.trim() === ORIGIN)).toBe(true);
    const hashes = content.objectives.flatMap((o) => o.timeline.flatMap((e) => (e.leafHash ? [e.leafHash] : [])));
    expect(hashes).toHaveLength(8);
    for (const hash of hashes) expect(text).toContain(hash);
    expect(words).toContain('Un evento non è ancora coperto dal checkpoint firmato');
    expect(words).toContain('2.1, rev. 2 (non firmata) non ancora calcolato');
    expect(words).toContain('Prima stesura condivisa con l’assessore \ufffd');
    // Very long values are shortened in the PDF only.
    expect(words).toContain('[altri 600 caratteri nel CSV]');

    // pdfinfo reads the whole structure: any syntax error or broken xref shows on stderr.
    const pdfinfo = spawnSync('pdfinfo', [file], { encoding: 'utf8' });
    expect({ status: pdfinfo.status, stderr: pdfinfo.stderr }).toEqual({ status: 0, stderr: '' });
    const info = pdfinfo.stdout;
    const pages = Number(/^Pages:\s+(\d+)$/m.exec(info)?.[1]);
    expect(pages).toBeGreaterThan(3);
    expect(info).toMatch(/^Title:\s+Fascicolo di audit — PIAO 2025-2027$/m);
    expect(info).toMatch(/^Author:\s+Comune di Cesano Boscone$/m);
    expect(info).toMatch(/^Encrypted:\s+no$/m);
    expect(info).toMatch(/^PDF version:\s+1\.7$/m);
    const footers = [...text.matchAll(/Pagina (\d+) di (\d+)/g)];
    expect(footers.map((m) => Number(m[1]))).toEqual(Array.from({ length: pages }, (_, i) => i + 1));
    expect(footers.every((m) => Number(m[2]) === pages)).toBe(true);

    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' }).trim().split('\n').slice(2);
    expect(fonts.length).toBeGreaterThanOrEqual(3);
    for (const line of fonts) {
      // name, type (two words: "CID TrueType"), encoding, emb, sub, uni, object, id
      const columns = line.trim().split(/\s+/);
      expect({ line, emb: columns.at(-5) }).toEqual({ line, emb: 'yes' });
    }

    const raw = pdf.toString('latin1');
    expect(raw.startsWith('%PDF-1.7')).toBe(true);
    expect(raw).toContain('<pdfaid:part>2</pdfaid:part>');
    expect(raw).toContain('<pdfaid:conformance>B</pdfaid:conformance>');
    expect(raw).toMatch(/\/OutputIntents \[\d+ 0 R\]/);
    expect(raw).toContain('/S /GTS_PDFA1');
    expect(raw).toContain('/Lang (it-IT)');
    expect(raw).not.toContain('/Encrypt');
    expect(raw).toContain('<xmp:CreateDate>2025-07-10T16:05:00Z</xmp:CreateDate>');
    expect(raw).toContain('<xmp:ModifyDate>2025-07-10T16:05:00Z</xmp:ModifyDate>');
    expect(raw).toMatch(/\/CreationDate \d+ 0 R/);
    // The XMP (UTF-8) says what /Info says.
    expect(pdf.includes(Buffer.from('<rdf:li xml:lang="x-default">Fascicolo di audit — PIAO 2025-2027</rdf:li>'))).toBe(true);
    expect(pdf.includes(Buffer.from('<rdf:li>Comune di Cesano Boscone</rdf:li>'))).toBe(true);
    expect(raw).toContain('(D:20250710160500Z)');
    // The /ID names the content: the start of the SHA-256 of its canonical JSON, which anyone holding the JSON can check.
    const id = createHash('sha256').update(canonicalJson(content)).digest().subarray(0, 16).toString('hex');
    expect(raw).toContain(`/ID [<${id}> <${id}>]`);
  });

  it('gives the same bytes for the same content, and another /ID for other content', async () => {
    const first = await renderDossierPdf(realisticDossier());
    const second = await renderDossierPdf(realisticDossier());
    expect(first.equals(second)).toBe(true);

    const other = realisticDossier();
    other.objectives[0].timeline[4].reason = 'Un’altra motivazione.';
    const third = await renderDossierPdf(other);
    const trailerId = (pdf: Buffer) => /\/ID \[<([0-9a-f]+)>/.exec(pdf.toString('latin1'))?.[1];
    expect(trailerId(third)).not.toEqual(trailerId(first));
  });

  it('renders a CSV with a row per event, the red flags after them, and Excel-friendly UTF-8', async () => {
    const content = realisticDossier();
    const csv = await renderDossierCsv(content);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain('\r\n');

    const rows: Record<string, string>[] = parse(csv, { bom: true, delimiter: ';', columns: true });
    const events = rows.filter((r) => r['Riga'] === CSV_RECORD_EVENT);
    const flags = rows.filter((r) => r['Riga'] === CSV_RECORD_RED_FLAG);
    const timeline = content.objectives.flatMap((o) => o.timeline.map((e) => ({ code: o.code, e })));
    expect(events).toHaveLength(timeline.length);
    expect(rows).toHaveLength(timeline.length + content.redFlags.length);
    expect(events.map((r) => [r['Codice obiettivo'], r['ID evento'], r['Indice foglia'], r['Hash foglia (SHA-256)']])).toEqual(
      timeline.map(({ code, e }) => [code, e.eventId, e.leafIndex === null ? '' : String(e.leafIndex), e.leafHash ?? '']),
    );

    const approval = events.find((r) => r['Tipo evento'] === 'ObjectiveApprovedByGiunta')!;
    expect([approval['Atto n.'], approval['Data atto'], approval['Autore'], approval['Ruolo']]).toEqual([
      '31',
      '2025-03-10',
      'Luigi Bianchi',
      'Segretario generale',
    ]);
    const reprogramming = events.find((r) => r['Tipo evento'] === 'ReprogrammingApprovedByGiunta')!;
    expect(reprogramming['Atto n.']).toBe('58');
    expect(reprogramming['Modifiche (campo: prima → dopo)'].split(' | ')).toEqual([TARGET_CHANGE, 'definition.phases[f2].end: 2025-10-31 → 2025-12-31']);
    const update = events.find((r) => r['Tipo evento'] === 'ObjectiveDraftUpdated')!;
    expect(update['Motivazione']).toBe(ACCENTED_REASON);
    // Values are whole in the CSV, objects as compact JSON.
    expect(update['Modifiche (campo: prima → dopo)']).toContain(`definition.implementation: — → ${'x'.repeat(900)}`);
    expect(update['Modifiche (campo: prima → dopo)']).toContain(
      'definition.indicators[i3]: — → {"id":"i3","description":"Riduzione dei consumi (kWh)","target":{"text":"-15%"}}',
    );

    expect(flags).toHaveLength(1);
    expect(flags[0]['Descrizione']).toBe(RED_FLAG_TEXT);
    expect(flags[0]['Gravità']).toBe('Alta');
    expect(flags[0]['Eventi citati'].split(' | ')).toEqual(content.redFlags[0].eventIds);

    // A cell that a spreadsheet would run as a formula is defused, the text staying readable; a reason on two lines
    // stays in its cell.
    content.objectives[0].timeline[4].reason = '=HYPERLINK("http://example.invalid","apri")';
    content.objectives[0].timeline[5].reason = 'Prima riga\nseconda riga.';
    const trickyCsv = await renderDossierCsv(content);
    // Excel ends a row at a bare LF too: the cell must be quoted even though the file's rows end in CRLF.
    expect(trickyCsv).toContain(';"Prima riga\nseconda riga.";');
    const tricky: Record<string, string>[] = parse(trickyCsv, { bom: true, delimiter: ';', columns: true });
    expect(tricky).toHaveLength(rows.length);
    expect(tricky.find((r) => r['Tipo evento'] === 'ReprogrammingProposed')!['Motivazione']).toBe(`'=HYPERLINK("http://example.invalid","apri")`);
    expect(tricky.find((r) => r['Tipo evento'] === 'ReprogrammingApprovedByGiunta')!['Motivazione']).toBe('Prima riga\nseconda riga.');
  });

  it('paginates long content: every table header repeated, every page numbered, nothing lost at a page break', async () => {
    const content = largeDossier(20, 30);
    const file = join(dir, 'long.pdf');
    writeFileSync(file, await renderDossierPdf(content));
    const pages = Number(/^Pages:\s+(\d+)$/m.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))?.[1]);
    const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    const perPage = text.split('\f').slice(0, pages);
    expect(perPage.map((page) => /Pagina (\d+) di (\d+)/.exec(page)?.slice(1).map(Number))).toEqual(Array.from({ length: pages }, (_, i) => [i + 1, pages]));
    // The leaf table runs over several pages, each starting with its header.
    const leafPages = perPage.filter((page) => page.includes('Hash della foglia'));
    expect(leafPages.length).toBeGreaterThan(3);
    const leaves = content.objectives.flatMap((o) => o.timeline.map((e) => e.leafHash!));
    expect([...new Set(text.match(/\b[0-9a-f]{64}\b/g))].sort()).toEqual([...leaves, ROOT_HASH].sort());
    const timelines = perPage.filter((page) => page.includes('Valore dell’indicatore registrato')).join('');
    expect(timelines.match(/Foglia n\. \d+ · hash/g)).toHaveLength(leaves.length);
  });
});
