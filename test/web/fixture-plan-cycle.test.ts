import { type AddressInfo } from 'node:net';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { stringify } from 'csv-stringify/sync';
import { allEvents, startApi, type Api, type AuthorisedClient, type Person } from '../support/api-harness';
import {
  buildWebInterface,
  evaluateAndShare,
  focused,
  launchChromium,
  presentPlanAndRecordAct,
  requestObjectiveDossierPdf,
  signInThroughPage,
  tabUntil,
  validateMonitoringAndYearEnd,
  expectAccessible as expectPageAccessible,
  watchedPage,
} from '../support/browser';
import { asTable, fixtureObjectives, unitsNamed, type TemplateRow } from '../support/fixture-import-rows';
import { xlsxOf } from '../support/xlsx-files';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ENTE = 'comune-demo';
const FILE_LABEL = 'File da importare (XLSX, CSV o JSON, al massimo 10 MB)';

interface ReportLine {
  code: string;
  title?: string;
  rows: number[];
  objectiveId: string;
  action: string;
  warnings: { code: string }[];
  targets: { text: string; reading: { status: string } }[];
}

/**
 * The fixture plans' 40 objectives (hand transcriptions of three real municipal plans, test/fixtures/plans) through
 * the pages, on the embedded default (PGlite), in Debian's Chromium: the Segretario imports them from a workbook
 * through the import page (the dry run's report row by row, then the real run with its progress bar), presents the
 * plan to the Giunta and records the act; the dirigente who heads the first objective's unit proposes it, records
 * progress, the 31/07 monitoring and the year-end report; the Segretario validates both; the NdV evaluates,
 * communicates the evaluation and downloads the objective's dossier as a PDF. The organisation (the units the plans
 * name, each with a head) and the plan's opening are set up through the API: a file names units, never creates them.
 */
describe('the fixture plan’s whole cycle through the pages (Chromium, PGlite)', () => {
  let webDir: string;
  let api: Api;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let planId: string;
  let segretario: AuthorisedClient;
  let blocked: string[];
  const fixtures = fixtureObjectives();
  const workbook = async () => ({ name: 'piano-2025.xlsx', mimeType: XLSX, buffer: await xlsxOf(asTable(fixtures.flatMap((o) => o.rows))) });
  // The first objective (Cinisello's 2025_S07_01) is the one taken through the cycle, by the head of its unit.
  const chosen = fixtures[0];
  const head: Person = { sub: 'veronese', name: 'Moreno Giuseppe Veronese', ente: ENTE, roles: ['dirigente'] };
  const otherHead: Person = { sub: 'dir-1', name: 'Dirigente 1', ente: ENTE, roles: ['dirigente'] };
  /** The dry run's report as the API answers it to a client of its own: what the page must show, row by row. */
  let expected: { summary: Record<string, number>; objectives: ReportLine[] };
  const importRequests: { accept?: string; idempotencyKey?: string; url: string }[] = [];

  beforeAll(async () => {
    webDir = buildWebInterface();
    api = await startApi('pglite', { WEB_DIST_DIR: webDir });
    await api.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    const admin = await api.as({ sub: 'admin', name: 'Ufficio Organizzazione', ente: ENTE, roles: ['admin'] });
    segretario = await api.as({ sub: 'seg', name: 'Maria Bianchi', ente: ENTE, roles: ['segretario'] });
    const ok = async (call: Promise<{ status: number; body: unknown }>, status = 201) => {
      const answer = await call;
      if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
      return answer.body as Record<string, unknown>;
    };
    // The units as the plans name them, each with a head; the chosen objective's unit headed by `head`.
    for (const [i, name] of unitsNamed(fixtures).entries()) {
      const person = name === chosen.rows[0].responsibleUnit ? head : { sub: `dir-${i}`, name: `Dirigente ${i}` };
      await ok(admin.post('/organisation/units', { unitId: `u${i}`, name, kind: 'settore' }));
      await ok(admin.post('/organisation/people', { personId: person.sub, name: person.name }));
      await ok(admin.post('/organisation/headships', { unitId: `u${i}`, personId: person.sub, from: '2025-01-01' }));
    }
    planId = (await ok(segretario.post('/plans', { kind: 'PEG', title: 'PEG 2025', fromYear: 2025, toYear: 2025 }))).planId as string;
    const file = await workbook();
    expected = (await ok(segretario.postFile(`/plans/${planId}/imports?dryRun=true`, file.buffer, XLSX), 200)) as unknown as typeof expected;
    expect(expected.summary).toMatchObject({ objectives: 40, create: 40, refused: 0 });

    browser = await launchChromium();
    ({ context, page, blocked } = await watchedPage(browser, 15_000));
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().includes('/imports')) {
        const headers = request.headers();
        importRequests.push({ url: request.url(), accept: headers.accept, idempotencyKey: headers['idempotency-key'] });
      }
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  const expectAccessible = () => expectPageAccessible(page, blocked);
  /** A command's notice; a problem the page shows instead fails the test with its words. */
  const status = async (text: string) => {
    const notice = page.getByRole('status').getByText(text);
    const problem = page.locator('.alert-danger[role="alert"], .text-danger');
    await notice.or(problem).first().waitFor();
    if (!(await notice.isVisible())) throw new Error(`the page says: ${(await problem.allTextContents()).join(' | ')}`);
  };
  const fileField = () => page.getByLabel(FILE_LABEL);
  /** The message under the file field, tied to it by aria-describedby. */
  const fileError = async () => {
    await page.locator('input[type="file"][aria-invalid="true"]').waitFor();
    return page.locator(`[id="${await fileField().getAttribute('aria-describedby')}"]`).textContent();
  };
  const eventCount = async () => (await allEvents(api.store)).length;

  it('the Segretario signs in, opens the open plan and finds the import; the form works with the keyboard alone; bad files are named under the field and write nothing', async () => {
    await signInThroughPage(page, base, { personId: 'seg', name: 'Maria Bianchi', role: 'segretario' });
    await page.getByRole('link', { name: 'Apri il piano PEG 2025' }).click();
    await page.waitForURL(new RegExp(`/app/plans/${planId}$`));
    await page.getByText('Il piano non ha ancora obiettivi.').waitFor();
    await page.getByRole('link', { name: 'Importa da foglio di calcolo' }).click();
    await page.waitForURL(new RegExp(`/app/plans/${planId}/import$`));
    await page.getByRole('heading', { level: 1, name: 'Importa da foglio di calcolo: PEG 2025' }).waitFor();
    // The templates, offered as downloads the session cookie opens.
    for (const [name, type] of [
      ['modello Excel (.xlsx)', XLSX],
      ['modello CSV (.csv)', 'text/csv'],
    ]) {
      const template = await context.request.get(`${base}${await page.getByRole('link', { name }).getAttribute('href')}`);
      expect([template.status(), template.headers()['content-type']]).toEqual([200, expect.stringContaining(type)]);
    }
    await expectAccessible();

    // Keyboard only: Tab to the file input, then to the button; no file chosen is named under the field.
    expect((await tabUntil(page, (f) => f.label === FILE_LABEL)).label).toBe(FILE_LABEL);
    const before = await eventCount();
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ tag: 'BUTTON', text: 'Verifica il file' });
    await page.keyboard.press('Enter');
    expect(await fileError()).toBe('Scegli prima un file.');
    await page.keyboard.press('Shift+Tab');
    expect((await focused(page)).label).toBe(FILE_LABEL);
    // The system's file dialog is out of the page's reach: the file is given to the focused input.
    await page.locator('input[type="file"]:focus').setInputFiles({ name: 'appunti.txt', mimeType: 'text/plain', buffer: Buffer.from('non è un piano') });
    expect((await focused(page)).label).toBe(FILE_LABEL);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    // 415: the kind of file, in Italian, under the field.
    expect(await fileError()).toBe(
      'Tipo di file non ammesso: serve un foglio Excel (.xlsx), una tabella CSV (UTF-8) o un documento JSON. Nulla è stato scritto.',
    );
    await expectAccessible();

    // A CSV without the template's required columns: each named, in Italian.
    await fileField().setInputFiles({ name: 'piano.csv', mimeType: 'text/csv', buffer: Buffer.from('Titolo;Note\nBiblioteca;aperta\n') });
    await page.getByRole('button', { name: 'Verifica il file' }).click();
    const missing = await fileError();
    expect(missing).toContain('Codice obiettivo: Manca una colonna obbligatoria del modello.');
    expect(missing).toContain('Unità responsabile: Manca una colonna obbligatoria del modello.');

    // 413: more than 10 MB.
    await fileField().setInputFiles({ name: 'enorme.csv', mimeType: 'text/csv', buffer: Buffer.alloc(10 * 1024 * 1024 + 1024, 'a') });
    await page.getByRole('button', { name: 'Verifica il file' }).click();
    expect(await fileError()).toBe('Il file supera i 10 MB: dividilo in più file. Nulla è stato scritto.');
    expect(await eventCount()).toBe(before);
  });

  it('the dry run shows the report row by row (40 objectives, the rows, the targets as read, the warnings); nothing is written', async () => {
    const before = await eventCount();
    await fileField().setInputFiles(await workbook());
    await page.getByRole('button', { name: 'Verifica il file' }).click();
    await page.getByRole('heading', { name: 'Esito della verifica (nulla è stato scritto)' }).waitFor();
    // The focus goes to the report: a screen reader reads it next.
    expect((await focused(page)).text).toBe('Esito della verifica (nulla è stato scritto)');

    const warned = expected.objectives.filter((l) => l.warnings.length > 0).length;
    const flagged = expected.objectives.reduce((n, l) => n + l.targets.filter((t) => t.reading.status === 'unread').length, 0);
    expect(await page.getByTestId('import-summary').getByRole('listitem').allTextContents()).toEqual([
      '40 obiettivi',
      'nessun obiettivo con errori',
      `${warned} obiettivi con avvisi`,
      `${flagged} target da leggere a mano`,
    ]);
    const rows = page.locator('table tbody tr');
    expect(await rows.count()).toBe(40);
    // Each line: the sheet rows, the code, what the import would do, in the file's order.
    // (Asked in the page's own words: the test's code has no DOM types.)
    const shown: string[][] = await page.evaluate(
      `Array.from(document.querySelectorAll('table tbody tr'), (tr) => Array.from(tr.children, (cell) => cell.textContent))`,
    );
    expect(shown.map((cells) => cells[1])).toEqual(expected.objectives.map((l) => l.code));
    // Each objective's title as read from the file.
    expect(shown.map((cells) => cells[2])).toEqual(expected.objectives.map((l) => l.title));
    expect(shown.map((cells) => cells[3])).toEqual(Array(40).fill('Da creare'));
    const first = expected.objectives[0];
    expect(shown[0][0]).toBe(`${Math.min(...first.rows)}–${Math.max(...first.rows)}`);
    // Cinisello's "4,00" read as "at least 4"; its phase weights warned of (one of two is blank, never invented).
    const s0701 = page.getByRole('row', { name: /2025_S07_01/ });
    await s0701.getByText('«4,00»: almeno 4').waitFor();
    await s0701.getByText('Avviso: Il peso di una fase manca: non viene inventato.').waitFor();
    // A target the API could not read is flagged with its reason, in Italian.
    const unread = expected.objectives.find((l) => l.targets.some((t) => t.reading.status === 'unread'))!;
    await page
      .getByRole('row', { name: new RegExp(unread.code) })
      .getByText(/non letto con certezza/)
      .first()
      .waitFor();
    await page.getByText('Nessun errore bloccante: puoi importare.', { exact: false }).waitFor();
    expect(await page.getByRole('button', { name: 'Importa', exact: true }).isEnabled()).toBe(true);
    expect(await eventCount()).toBe(before);
    await expectAccessible();
  });

  it('imports with the keyboard: the progress bar, fed by the streamed progress, reaches 100 %; all 40 drafted in one batch; a link to the tree', async () => {
    const before = await eventCount();
    // Every value the bar takes, as the page renders it.
    await page.evaluate(`(() => {
      window.barValues = [];
      new MutationObserver(() => {
        const bar = document.querySelector('[role="progressbar"][aria-label^="Avanzamento dell"]');
        const value = bar && Number(bar.getAttribute('aria-valuenow'));
        if (bar && window.barValues[window.barValues.length - 1] !== value) window.barValues.push(value);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    })()`);
    expect((await tabUntil(page, (f) => f.tag === 'BUTTON' && f.text === 'Importa')).text).toBe('Importa');
    const streamed = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/plans/${planId}/imports`));
    await page.keyboard.press('Enter');
    await page.getByRole('progressbar', { name: 'Avanzamento dell’importazione: 100 %' }).waitFor();
    // The answer came as NDJSON (its lines, progress then report, are read by the page as they arrive: the unit test
    // import-report.spec.ts reads them; the browser keeps no copy of a streamed body to check here).
    expect((await streamed).headers()['content-type']).toContain('application/x-ndjson');
    const values = (await page.evaluate('window.barValues')) as number[];
    expect(values[values.length - 1]).toBe(100);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    await status('Importazione completata: 40 obiettivi in bozza, 0 già presenti.');
    await page.getByRole('heading', { name: 'Esito dell’importazione' }).waitFor();
    expect(await page.locator('table tbody tr').getByText('Creato in bozza').count()).toBe(40);
    // The real run was streamed (NDJSON) under a key of its own; the dry runs were not.
    const runs = importRequests.filter((r) => !r.url.includes('dryRun=true'));
    expect(runs).toHaveLength(1);
    expect(runs[0].accept).toContain('application/x-ndjson');
    expect(runs[0].idempotencyKey).toMatch(/^import-[0-9a-f]{32}$/);
    // 40 drafts and 40 attachments, in one append.
    const appended = (await allEvents(api.store)).slice(before);
    expect(appended).toHaveLength(80);
    expect(new Set(appended.map((e) => e.position.commit)).size).toBe(1);
    await expectAccessible();

    await page.getByRole('link', { name: 'Apri l’albero del piano' }).click();
    await page.waitForURL(new RegExp(`/app/plans/${planId}$`));
    // The URL changes before the tree replaces the import page, whose summary says "40 obiettivi" as well.
    await page.getByTestId('import-summary').waitFor({ state: 'detached' });
    await page.getByText('40 obiettivi').waitFor();
    await page
      .getByRole('row', { name: /2025_S07_01/ })
      .getByText('Bozza')
      .waitFor();
  });

  it('a dirigente gets no import link, and opening the page shows the API’s refusal, with no form; the API refuses their file', async () => {
    await signInThroughPage(page, base, { personId: otherHead.sub, name: otherHead.name, role: 'dirigente' });
    await page.goto(`${base}/app/plans/${planId}`);
    await page.getByText('40 obiettivi').waitFor();
    expect(await page.getByRole('link', { name: 'Importa da foglio di calcolo' }).count()).toBe(0);
    await page.goto(`${base}/app/plans/${planId}/import`);
    const refusal = page.getByRole('alert');
    await refusal.getByText('Il tuo ruolo non consente questa operazione.').waitFor();
    await refusal.getByText('Solo il Segretario Generale importa gli obiettivi di un piano', { exact: false }).waitFor();
    expect(await page.locator('input[type="file"]').count()).toBe(0);
    await expectAccessible();
    const dirigente = await api.as(otherHead);
    const before = await eventCount();
    const refused = await dirigente.postFile(`/plans/${planId}/imports`, (await workbook()).buffer, XLSX);
    expect([refused.status, refused.body.rule]).toEqual([403, 'role-not-allowed']);
    expect(await eventCount()).toBe(before);
  });

  let objectiveId: string;

  it('the head of the first objective’s unit proposes it; the Segretario presents the plan and records the act; the import is closed then', async () => {
    objectiveId = expected.objectives[0].objectiveId;
    await signInThroughPage(page, base, { personId: head.sub, name: head.name, role: 'dirigente' });
    await page.goto(`${base}/app/plans/${planId}`);
    await page.getByRole('link', { name: chosen.rows[0].title! }).click();
    await page.waitForURL(new RegExp(`/app/objectives/${objectiveId}$`));
    await page.getByRole('button', { name: 'Proponi l’obiettivo' }).click();
    await status('Obiettivo proposto.');

    await signInThroughPage(page, base, { personId: 'seg', name: 'Maria Bianchi', role: 'segretario' });
    await page.goto(`${base}/app/plans/${planId}`);
    await presentPlanAndRecordAct(page, { number: '12', date: '20/03/2025' });
    await expectAccessible();
    const plan = await segretario.get(`/plans/${planId}`);
    expect(plan.body).toMatchObject({ status: 'approved', approvalAct: { number: '12', date: '2025-03-20' } });
    expect((await segretario.get(`/objectives/${objectiveId}`)).body.status).toBe('approved');
    // The plan is no longer open: no link, and the page says why instead of offering a form.
    expect(await page.getByRole('link', { name: 'Importa da foglio di calcolo' }).count()).toBe(0);
    await page.goto(`${base}/app/plans/${planId}/import`);
    await page.getByRole('alert').getByText('Si importano obiettivi solo in un piano in redazione: questo piano è «Approvato».').waitFor();
    expect(await page.locator('input[type="file"]').count()).toBe(0);
  });

  it('the dirigente records progress, the 31/07 monitoring and the year-end report; the Segretario validates both', async () => {
    await signInThroughPage(page, base, { personId: head.sub, name: head.name, role: 'dirigente' });
    await page.goto(`${base}/app/objectives/${objectiveId}`);
    await page.getByLabel('Fase', { exact: true }).selectOption({ index: 0 });
    await page.getByLabel('Avanzamento (%)').fill('60');
    await page.getByRole('button', { name: 'Registra' }).click();
    await status('Avanzamento registrato.');
    const firstPhase = chosen.rows[0].phaseDescription!;
    await page.getByRole('progressbar', { name: `Avanzamento di ${firstPhase}: 60 %` }).waitFor();

    // The report forms are filled from the objective as the page loaded it (the progress just recorded shows after a reload).
    await page.reload();
    const monitoring = page.locator('form', { has: page.getByRole('heading', { name: 'Monitoraggio intermedio' }) });
    expect(await monitoring.getByLabel('Data di riferimento (gg/mm/aaaa)').inputValue()).toBe('31/07/2025');
    // Prefilled with what is recorded (60 % of the first phase); the second phase, never recorded, is stated.
    const monitored = monitoring.getByLabel(/^Avanzamento di «/);
    expect(await monitored.first().inputValue()).toBe('60');
    await monitored.nth(1).fill('20');
    await monitoring.getByRole('button', { name: 'Presenta' }).click();
    await status('Monitoraggio presentato.');
    const yearEnd = page.locator('form', { has: page.getByRole('heading', { name: 'Relazione finale' }) });
    const phases = yearEnd.getByLabel(/^Avanzamento di «/);
    const values = yearEnd.getByLabel(/^Valore di «/);
    expect([await phases.count(), await values.count()]).toEqual([2, chosen.indicators]);
    for (const input of await phases.all()) await input.fill('100');
    // Cinisello's targets: at least 4 initiatives, at least 12, and one done.
    for (const [i, input] of (await values.all()).entries()) await input.fill(['5', '14', 'Fatto'][i]);
    await yearEnd.getByRole('button', { name: 'Presenta' }).click();
    await status('Relazione finale presentata.');
    await expectAccessible();

    await signInThroughPage(page, base, { personId: 'seg', name: 'Maria Bianchi', role: 'segretario' });
    await page.goto(`${base}/app/objectives/${objectiveId}`);
    await validateMonitoringAndYearEnd(page);
    await expectAccessible();
    expect((await segretario.get(`/objectives/${objectiveId}`)).body.status).toBe('reported');
  });

  it('the NdV evaluates, communicates the evaluation, asks for the dossier and downloads its PDF', async () => {
    await signInThroughPage(page, base, { personId: 'ndv', name: 'Nucleo di Valutazione', role: 'nucleo' });
    await page.goto(`${base}/app/objectives/${objectiveId}`);
    await evaluateAndShare(page, '100', 'Iniziative realizzate oltre il target: 5 su 4 e 14 su 12');
    await expectAccessible();
    const pdf = await requestObjectiveDossierPdf(page, base, objectiveId);
    expect([pdf.status, pdf.type]).toEqual([200, expect.stringContaining('application/pdf')]);
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
    await expectAccessible();
    const evaluated = await segretario.get(`/objectives/${objectiveId}`);
    expect(evaluated.body).toMatchObject({ status: 'evaluated', evaluation: { status: 'shared', achievementPercent: 100 } });
  });
  it('a refused objective blocks the import at the dry run; a real run refused meanwhile shows its report and writes nothing', async () => {
    const next = (await segretario.post('/plans', { kind: 'PDO', title: 'PDO 2025', fromYear: 2025, toYear: 2025 })).body.planId as string;
    const csv = (rows: TemplateRow[]) => ({
      name: 'pdo-2025.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`\uFEFF${stringify(asTable(rows), { delimiter: ';' })}`),
    });
    const [one, two] = [fixtures[1], fixtures[2]];
    await signInThroughPage(page, base, { personId: 'seg', name: 'Maria Bianchi', role: 'segretario' });
    await page.goto(`${base}/app/plans/${next}/import`);

    // A unit no one created: that objective is refused, named on its line; the import cannot start.
    const misnamed = two.rows.map((r, i) => (i === 0 ? { ...r, responsibleUnit: 'Settore Inesistente' } : r));
    await fileField().setInputFiles(csv([...one.rows, ...misnamed]));
    await page.getByRole('button', { name: 'Verifica il file' }).click();
    await page.getByRole('heading', { name: 'Esito della verifica (nulla è stato scritto)' }).waitFor();
    expect(await page.getByTestId('import-summary').getByRole('listitem').nth(1).textContent()).toBe('1 obiettivo con errori');
    const line = page.getByRole('row', { name: new RegExp(two.code) });
    await line.getByText('Rifiutato').waitFor();
    // The field named as the file's reader knows it, not as the API's path (definition.responsibleUnitId).
    await line.getByText(/^Errore \(Struttura responsabile\): Struttura sconosciuta/).waitFor();
    await page.getByText('Ci sono errori bloccanti', { exact: false }).waitFor();
    expect(await page.getByRole('button', { name: 'Importa', exact: true }).isDisabled()).toBe(true);
    await expectAccessible();

    // The file fixed, the dry run clean; meanwhile someone drafts an objective under the first code with another definition.
    await fileField().setInputFiles(csv([...one.rows, ...two.rows]));
    await page.getByRole('button', { name: 'Verifica il file' }).click();
    await page.getByText('Nessun errore bloccante: puoi importare.', { exact: false }).waitFor();
    const taken = await segretario.post(`/plans/${next}/objectives`, {
      code: one.code,
      definition: {
        title: 'Un altro obiettivo',
        responsibleUnitId: 'u0',
        horizon: { fromYear: 2025, toYear: 2025 },
        phases: [{ id: 'f1', description: 'Unica fase', weight: 100, plannedEnd: '2025-12-31' }],
        indicators: [],
      },
    });
    expect(taken.status).toBe(201);
    const before = await eventCount();
    await page.getByRole('button', { name: 'Importa', exact: true }).click();
    await page.getByRole('heading', { name: 'Importazione rifiutata' }).waitFor();
    await page.getByRole('alert').getByText('L’importazione è stata rifiutata: nessun obiettivo è stato scritto.', { exact: false }).waitFor();
    const refusedLine = page.getByRole('row', { name: new RegExp(one.code) });
    await refusedLine.getByText('Rifiutato').waitFor();
    await refusedLine.getByText('Il piano ha già un obiettivo con questo codice', { exact: false }).waitFor();
    expect(await eventCount()).toBe(before);
    await expectAccessible();
  });
});
