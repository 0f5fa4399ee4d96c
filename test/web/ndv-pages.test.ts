import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AddressInfo } from 'node:net';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ProcessorsHost } from '@piao/application';
import { loadOrCreateSignerKey } from '@piao/audit';
import { LOG_START, type SqlClient } from '@piao/event-store';
import { READ_MODEL_SQL } from '@piao/read-models';
import { logHead, startApi, type Api } from '../support/api-harness';
import { TEST_AUDIT_SIGNER_KEY_FILE } from '../support/api-process';
import { buildWebInterface, launchChromium, signInThroughPage, expectAccessible as expectPageAccessible, watchedPage } from '../support/browser';
import { seedEnte, type Ente } from '../support/scenario';

/**
 * The NdV's and the RPCT's pages in a real browser (Chromium, the API on PGlite): the red flags explained (and not
 * the dirigente's), the scores with the SMVP bands, a shared evaluation contested by the dirigente and decided by the
 * NdV, an event's inclusion in the signed log verified in the browser (and a tampered root refused), the transparency
 * export, the charts with their tables, and the dirigente's calendar. Every page checked by axe at WCAG 2.1 AA.
 */
describe('the NdV and RPCT pages (Chromium, PGlite)', () => {
  let webDir: string;
  let api: Api;
  let base: string;
  let demo: Ente;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let blocked: string[];

  beforeAll(async () => {
    webDir = buildWebInterface();
    api = await startApi('pglite', { WEB_DIST_DIR: webDir, AUDIT_CHECKPOINT_SECONDS: '1' });
    await api.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    demo = await seedEnte(api, 'comune-demo');
    // The ente's SMVP: four bands, 0/50/75/100.
    const bands = [0, 50, 75, 100].map((p) => ({ fromPercent: p, score: p }));
    expect((await demo.as.segretario.post('/organisation/scoring-system', { basis: 'phases', scale: { kind: 'bands', bands } })).status).toBe(200);
    // Phase f1 (weight 50) done, f2 not: 50 % on phases. Two values of the indicator, for its chart.
    expect((await demo.as.dirigente.post(`/objectives/${demo.objectiveId}/phase-progress`, { phaseId: 'f1', progressPercent: 100 })).status).toBe(200);
    for (const [value, asOf] of [
      ['40', '2025-07-31'],
      ['80', '2025-12-31'],
    ]) {
      const recorded = await demo.as.dirigente.post(`/objectives/${demo.objectiveId}/indicator-values`, { indicatorId: 'i1', value, asOf });
      expect(recorded.status).toBe(200);
    }
    browser = await launchChromium();
    ({ context, page, blocked } = await watchedPage(browser));
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  const expectAccessible = () => expectPageAccessible(page, blocked);
  const signInAs = (who: keyof Ente['people'], role: string) =>
    signInThroughPage(page, base, { personId: demo.people[who].sub, name: demo.people[who].name, role });
  const status = (text: string) => page.getByRole('status').getByText(text).waitFor();
  const nav = () => page.getByRole('navigation', { name: 'Navigazione principale' });

  it('the dirigente sees an overdue deadline on its day in the calendar, beside the list, and changes month with the keyboard', async () => {
    await signInAs('dirigente', 'dirigente');
    await nav().getByRole('link', { name: 'I miei obiettivi' }).click();
    // The list stays the default.
    await page.getByRole('columnheader', { name: 'Scadenza' }).waitFor();
    expect(await page.getByRole('button', { name: 'Elenco' }).getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('button', { name: 'Calendario' }).click();
    await page.waitForURL(/view=calendar/);
    await page.getByTestId('deadline-calendar').waitFor();
    await expectAccessible();

    // Phase f2 of S08_01 was to end on 31/12/2025 and is not done: on that day, marked overdue in words.
    await page.goto(`${base}/app/mine?view=calendar&month=2025-12`);
    await page.getByRole('table', { name: /Scadenze di dicembre 2025/ }).waitFor();
    const day = page.locator('td[data-date="2025-12-31"]');
    expect((await day.textContent())?.replace(/\s+/g, ' ')).toMatch(/^31Scaduta S08_01 Fine fase: Erogazione/);
    expect(await page.locator('td[data-date="2025-12-30"]').textContent()).toBe('30');
    // f1, done at 100 %, is no deadline any more.
    await page.goto(`${base}/app/mine?view=calendar&month=2025-06`);
    await page.getByRole('table', { name: /Scadenze di giugno 2025/ }).waitFor();
    expect(await page.locator('td[data-date="2025-06-30"]').textContent()).toBe('30');
    await expectAccessible();

    // Keyboard alone: the grid takes Page Down / Page Up, the buttons Enter.
    await page.getByRole('table', { name: /Scadenze di giugno 2025/ }).focus();
    await page.keyboard.press('PageDown');
    await page.getByRole('table', { name: /Scadenze di luglio 2025/ }).waitFor();
    expect(page.url()).toContain('month=2025-07');
    // The focus stays on the grid: the next key goes on from there.
    await page.keyboard.press('PageDown');
    await page.getByRole('table', { name: /Scadenze di agosto 2025/ }).waitFor();
    await page.keyboard.press('PageUp');
    await page.keyboard.press('PageUp');
    await page.getByRole('table', { name: /Scadenze di giugno 2025/ }).waitFor();
    await page.getByRole('button', { name: 'Mese precedente' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('table', { name: /Scadenze di maggio 2025/ }).waitFor();
  });

  it('the red flags are not the dirigente’s: no entry in the navigation, the page shows the refusal, the API refuses', async () => {
    expect(await nav().getByRole('link', { name: 'Segnalazioni' }).count()).toBe(0);
    expect(await nav().getByRole('link', { name: 'Verifica' }).count()).toBe(0);
    expect((await demo.as.dirigente.get(`/audit/red-flags?planId=${demo.planId}`)).status).toBe(403);
    await page.goto(`${base}/app/red-flags`);
    await page.getByRole('alert').getByText('Il tuo ruolo non consente questa operazione.').waitFor();
    // Nor the transparency export on the plan's page (the API's publishers only).
    await page.goto(`${base}/app/plans/${demo.planId}`);
    await page.getByRole('link', { name: 'Valutazioni e fasce SMVP' }).waitFor();
    expect(await page.getByRole('link', { name: 'Obiettivi in CSV' }).count()).toBe(0);
    expect((await demo.as.dirigente.get(`/transparency/plans/${demo.planId}/obiettivi.csv`)).status).toBe(403);
  });

  it('the NdV reads the red flags of the plan, each explained in Italian, with the objective and the proving events', async () => {
    // The cycle through the API: the year-end report (f1 done, f2 not: 50 % on phases), validated, evaluated at 95 %
    // (more than 10 points above what phases and indicators say: a red flag) and shared.
    const path = `/objectives/${demo.objectiveId}`;
    const report = await demo.as.dirigente.post(`${path}/year-end-report`, {
      phases: [
        { phaseId: 'f1', progressPercent: 100 },
        { phaseId: 'f2', progressPercent: 0 },
      ],
      indicators: [{ indicatorId: 'i1', value: '80' }],
    });
    expect(report.status).toBe(200);
    expect((await demo.as.segretario.post(`${path}/year-end-report/validate`)).status).toBe(200);
    expect((await demo.as.nucleo.post(`${path}/evaluation`, { achievementPercent: 95, reason: 'Impegno straordinario del settore' })).status).toBe(200);
    // The scores say where the evaluation stands; not yet shared, to the NdV only.
    const statusIn = async (as: typeof demo.as.nucleo) =>
      (
        (await as.get(`/plans/${demo.planId}/scores?after=${await logHead(api.store)}`)).body.objectives as { code: string; evaluationStatus: string | null }[]
      ).find((o) => o.code === 'S08_01')?.evaluationStatus;
    expect(await statusIn(demo.as.nucleo)).toBe('evaluated');
    expect(await statusIn(demo.as.segretario)).toBeNull();
    expect(await statusIn(demo.as.dirigente)).toBeNull();
    expect((await demo.as.nucleo.post(`${path}/evaluation/share`)).status).toBe(200);
    expect(await statusIn(demo.as.dirigente)).toBe('shared');
    const flags = (await demo.as.nucleo.get(`/audit/red-flags?planId=${demo.planId}`)).body.items as { kind: string; description: string }[];
    const above = flags.find((f) => f.kind === 'evaluation-above-indicators');
    expect(above).toBeDefined();
    // The RPCT and the Segretario read them too (the page's navigation entry is theirs as well).
    expect((await demo.as.rpct.get(`/audit/red-flags?planId=${demo.planId}`)).status).toBe(200);
    expect((await demo.as.segretario.get(`/audit/red-flags?planId=${demo.planId}`)).status).toBe(200);

    await signInAs('nucleo', 'nucleo');
    await nav().getByRole('link', { name: 'Segnalazioni' }).click();
    await page.getByRole('heading', { name: 'Segnalazioni di anomalia', level: 1 }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Valutazione superiore agli indicatori' });
    await row.getByText('Media', { exact: true }).waitFor();
    await row.getByRole('link', { name: 'S08_01' }).waitFor();
    await row.getByText('La valutazione del Nucleo supera di oltre 10 punti il raggiungimento calcolato da fasi e indicatori: va motivata.').waitFor();
    await row.getByText(`Rilevato: ${above!.description}`).waitFor();
    await row.getByRole('link', { name: 'Verifica il fatto 1' }).waitFor();
    expect(await page.getByText(`${flags.length === 1 ? '1 segnalazione' : `${flags.length} segnalazioni`}`, { exact: true }).count()).toBe(1);
    await expectAccessible();
    // Narrowed by severity: no flag is high here.
    await page.getByLabel('Gravità').selectOption('high');
    await page.getByRole('button', { name: 'Mostra' }).click();
    await page.getByText('Nessuna segnalazione per questo piano.').waitFor();
    expect(page.url()).toContain('severity=high');
  });

  it('the scores page shows the SMVP bands, each objective’s score with its band, and the distribution as a chart with its table', async () => {
    await page.goto(`${base}/app/plans/${demo.planId}`);
    await page.getByRole('link', { name: 'Valutazioni e fasce SMVP' }).click();
    await page.getByRole('heading', { name: 'Valutazioni: PEG 2025', level: 1 }).waitFor();
    await page.getByText('Base del calcolo: fasi pesate.').waitFor();
    const bands = page.getByRole('table', { name: 'Fasce di punteggio' });
    expect(await bands.getByRole('row').allTextContents()).toEqual([
      'FasciaRaggiungimentoPunteggio',
      'Fascia 1da 0 % a meno di 50 %0',
      'Fascia 2da 50 % a meno di 75 %50',
      'Fascia 3da 75 % a meno di 100 %75',
      'Fascia 4da 100 %100',
    ]);
    // S08_01: f1 (weight 50) done, f2 not: 50 % → 50, Fascia 2.
    const s0801 = page.getByTestId('objective-scores').getByRole('row', { name: /S08_01/ });
    // The unit by its name, once the ente's directory has arrived.
    await s0801.getByRole('cell', { name: 'Settore Welfare' }).waitFor();
    expect(await s0801.getByRole('cell').allTextContents()).toEqual(['Settore Welfare', '50 %', '50', 'Fascia 2 (da 50 % a meno di 75 %)']);
    const chart = page.getByTestId('chart-distribution');
    await chart.locator('svg.recharts-surface').waitFor();
    expect(await chart.getByRole('table').getByRole('row').allTextContents()).toEqual(['FasciaObiettivi', 'Fascia 10', 'Fascia 21', 'Fascia 30', 'Fascia 40']);
    await expectAccessible();
  });

  it('the dashboard draws the progress of each unit against plan, with the same numbers in its table', async () => {
    const dashboard = (await demo.as.nucleo.get(`/plans/${demo.planId}/dashboard`)).body as {
      units: { unitId: string; objectives: number; weightedProgressPercent: number | null }[];
    };
    const welfare = dashboard.units.find((u) => u.unitId === 'welfare')!;
    expect(welfare.weightedProgressPercent).toBeGreaterThan(0);
    await page.goto(`${base}/app/plans/${demo.planId}`);
    await page.getByRole('link', { name: 'Cruscotto: avanzamento per struttura' }).click();
    const chart = page.getByTestId('chart-units');
    await chart.locator('svg.recharts-surface').waitFor();
    expect(await chart.locator('.recharts-bar-rectangle').count()).toBe(dashboard.units.length);
    // The API's numbers, as written here (a decimal comma where there is one).
    expect(
      await chart
        .getByRole('row', { name: /Settore Welfare/ })
        .getByRole('cell')
        .allTextContents(),
    ).toEqual([String(welfare.objectives), `${new Intl.NumberFormat('it-IT', { maximumFractionDigits: 1 }).format(welfare.weightedProgressPercent!)} %`]);
    await expectAccessible();
  });

  it('the dirigente contests the shared evaluation with a reason; the NdV sees it contested and decides', async () => {
    await signInAs('dirigente', 'dirigente');
    await page.goto(`${base}/app/objectives/${demo.objectiveId}`);
    await page.getByText('Valutazione: 95 % (comunicata)').waitFor();
    await page.getByText('Fascia SMVP della valutazione: Fascia 3 (punteggio 75)').waitFor();
    // Without a reason: refused, and said under the field.
    await page.getByRole('button', { name: 'Contesta la valutazione' }).click();
    const reason = page.getByLabel('Motivo della contestazione');
    await page.locator('input[aria-invalid="true"]').waitFor();
    expect(await page.locator(`[id="${await reason.getAttribute('aria-describedby')}"]`).textContent()).toBe('Indica il motivo: è obbligatorio.');
    await expectAccessible();
    await reason.fill('Il ritardo della fase 2 dipende dal bando regionale');
    await page.getByRole('button', { name: 'Contesta la valutazione' }).click();
    await status('Valutazione contestata.');
    await page.getByTestId('evaluation-contested').getByText('Valutazione contestata dal dirigente: in attesa della decisione del Nucleo.').waitFor();
    await page.getByText('Valutazione: 95 % (contestata)').waitFor();
    await expectAccessible();
    // The scores page marks it for the dirigente too (the scores carry where each evaluation stands).
    await page.goto(`${base}/app/plans/${demo.planId}/scores`);
    await page.getByTestId('objective-scores').getByRole('rowheader', { name: 'S08_01 Valutazione contestata' }).waitFor();
    await page.goto(`${base}/app/objectives/${demo.objectiveId}`);
    // The dirigente cannot decide on it: no such form, and the API refuses.
    expect(await page.getByRole('button', { name: 'Conferma o rivedi la valutazione' }).count()).toBe(0);
    expect((await demo.as.dirigente.post(`/objectives/${demo.objectiveId}/evaluation/confirm`, { achievementPercent: 100, reason: 'no' })).status).toBe(403);

    await signInAs('nucleo', 'nucleo');
    // Marked on the scores page too.
    await page.goto(`${base}/app/plans/${demo.planId}/scores`);
    await page.getByTestId('objective-scores').getByRole('rowheader', { name: 'S08_01 Valutazione contestata' }).waitFor();
    await expectAccessible();
    await page.goto(`${base}/app/objectives/${demo.objectiveId}`);
    await page.getByTestId('evaluation-contested').waitFor();
    expect(await page.getByLabel('Grado di raggiungimento (%)').inputValue()).toBe('95');
    await page.getByLabel('Grado di raggiungimento (%)').fill('80');
    await page.getByLabel('Motivazione').fill('Accolte in parte le osservazioni del dirigente');
    await page.getByRole('button', { name: 'Conferma o rivedi la valutazione' }).click();
    await status('Decisione registrata.');
    await page.getByText('Valutazione: 80 % (confermata)').waitFor();
    await page.getByText('Fascia SMVP della valutazione: Fascia 3 (punteggio 75)').waitFor();
    expect(await page.getByTestId('evaluation-contested').count()).toBe(0);
    const decided = await demo.as.segretario.get(`/objectives/${demo.objectiveId}`);
    expect(decided.body.evaluation).toMatchObject({ status: 'confirmed', achievementPercent: 80 });
    await page.goto(`${base}/app/plans/${demo.planId}/scores`);
    await page.getByTestId('objective-scores').getByRole('rowheader', { name: 'S08_01', exact: true }).waitFor();
    await page.goto(`${base}/app/objectives/${demo.objectiveId}`);

    // The indicator's values against its target: 40 at 31/07/2025, 80 at the year-end report.
    const chart = page.getByTestId('chart-indicator-0');
    await chart.locator('svg.recharts-surface').waitFor();
    await chart.getByText('Valori di «Famiglie sostenute» alle date di rilevazione (target: almeno n. 100)').waitFor();
    const rows = (await chart.getByRole('row').allTextContents()).slice(1);
    expect(rows[0]).toBe('31/07/2025' + '40' + 'almeno n. 100');
    expect(rows.map((r) => r.replace(/^\d{2}\/\d{2}\/\d{4}/, ''))).toEqual(['40almeno n. 100', '80almeno n. 100']);
    await expectAccessible();
  });

  /**
   * A signed checkpoint (the signer signs every second here). The event verified is the log's first, which every
   * checkpoint holds, so the test does not depend on which checkpoint is the latest when the page reads it.
   */
  async function aCheckpoint(): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      api.app.get(ProcessorsHost).poke();
      if ((await demo.as.nucleo.get('/audit/checkpoint')).status === 200) return;
      if (Date.now() > deadline) throw new Error('no checkpoint signed');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it('verifies an event in the browser against the signed checkpoint; a tampered root is not verified', async () => {
    await aCheckpoint();
    // The timeline links each event to its verification.
    await page.goto(`${base}/app/objectives/${demo.objectiveId}`);
    const drafted = (await demo.as.nucleo.get(`/objectives/${demo.objectiveId}/timeline`)).body.events[0] as { eventId: string; type: string };
    expect(drafted.type).toBe('ObjectiveDrafted');
    const link = page.getByRole('link', { name: /^Verifica l’inclusione del fatto «Obiettivo redatto» del \d{2}\/\d{2}\/\d{4}$/ });
    expect(await link.getAttribute('href')).toBe(`/app/verification?eventId=${drafted.eventId}`);

    const [first] = await api.store.readAll(LOG_START, 1);
    await page.goto(`${base}/app/verification?eventId=${first.id}`);
    const outcome = page.getByTestId('verification-outcome');
    // Without a key or a root of the reader's own, the proof is only coherent with the server's own answer.
    await outcome.getByRole('heading', { name: 'Coerente con la risposta del server', exact: true }).waitFor();
    const text = (await outcome.textContent()) ?? '';
    const told = /Il fatto è incluso nell’albero di (\d+) fatti con radice (\S+), firmato il (\d{2}\/\d{2}\/\d{4})\./.exec(text);
    expect(told).not.toBeNull();
    const checkpoints = (await demo.as.nucleo.get('/audit/checkpoints')).body.items as { treeSize: number; rootHash: string }[];
    expect(checkpoints).toContainEqual(expect.objectContaining({ treeSize: Number(told![1]), rootHash: told![2] }));
    const today = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date());
    expect(told![3]).toBe(today);
    expect(text).toContain('Posizione nel registro: 0;');
    // The event's content came with the proof and was hashed by the browser: the hash shown is its own.
    await outcome
      .getByText(/^Contenuto del fatto ricalcolato qui \(«.+», registrato da .+ il \d{2}\/\d{2}\/\d{4}\): il suo hash è quello della foglia/)
      .waitFor();
    await outcome.getByText(/^Firma non verificata: la prova porta alla radice indicata dal server stesso/).waitFor();
    await expectAccessible();

    // The installation's verifier key: the note's Ed25519 signature checked by the browser's Web Crypto.
    const { verifierKey } = await loadOrCreateSignerKey(TEST_AUDIT_SIGNER_KEY_FILE, 'unused');
    await page.getByLabel('Chiave di verifica della firma (facoltativa)').fill(verifierKey);
    await page.getByRole('button', { name: 'Verifica', exact: true }).click();
    await outcome.getByText('Firma del checkpoint verificata con la chiave indicata (Ed25519).').waitFor();
    await outcome.getByRole('heading', { name: 'Verificato', exact: true }).waitFor();

    // Another installation's key: the signature is not of that key, and the event is not verified.
    const other = await loadOrCreateSignerKey(join(mkdtempSync(join(tmpdir(), 'piao-other-key-')), 'signer.key'), 'unused');
    await page.getByLabel('Chiave di verifica della firma (facoltativa)').fill(other.verifierKey);
    await page.getByRole('button', { name: 'Verifica', exact: true }).click();
    await outcome.getByRole('heading', { name: 'Non verificato', exact: true }).waitFor();
    await outcome.getByText(/^(Il checkpoint non porta una firma della chiave indicata|Firma del checkpoint non valida)/).waitFor();
    await page.getByLabel('Chiave di verifica della firma (facoltativa)').fill('');

    // A root that is not the signed one: one character changed.
    const root = told![2];
    const tampered = (root.startsWith('A') ? 'B' : 'A') + root.slice(1);
    await page.getByLabel('Radice da confrontare (facoltativa, base64)').fill(tampered);
    await page.getByRole('button', { name: 'Verifica', exact: true }).click();
    await outcome.getByRole('heading', { name: 'Non verificato', exact: true }).waitFor();
    await outcome.getByText(`La prova di inclusione non porta alla radice ${tampered}: il fatto, la prova o la radice non corrispondono.`).waitFor();
    await expectAccessible();
    await page.getByLabel('Radice da confrontare (facoltativa, base64)').fill('');

    // The event changed in the log after it was hashed (its recorded time rewritten): the browser's hash of it is not
    // the leaf, and even with the right key the event is not verified.
    const sql = api.app.get<SqlClient>(READ_MODEL_SQL);
    const [{ metadata }] = await sql.query<{ metadata: string }>(`SELECT metadata::text AS metadata FROM es_events WHERE event_id = $1`, [first.id]);
    await sql.query(`UPDATE es_events SET metadata = jsonb_set(metadata, '{recordedAt}', '"2020-01-02T09:00:00.000Z"') WHERE event_id = $1`, [first.id]);
    try {
      await page.getByLabel('Chiave di verifica della firma (facoltativa)').fill(verifierKey);
      await page.getByRole('button', { name: 'Verifica', exact: true }).click();
      await outcome.getByText(/^Il contenuto del fatto \(«.+», registrato da .+ il 02\/01\/2020\) non dà l’hash della sua foglia/).waitFor();
      await outcome.getByRole('heading', { name: 'Non verificato', exact: true }).waitFor();
    } finally {
      await sql.query(`UPDATE es_events SET metadata = $2::jsonb WHERE event_id = $1`, [first.id, metadata]);
      await page.getByLabel('Chiave di verifica della firma (facoltativa)').fill('');
    }

    // An id that is not one: named under its field.
    const field = page.getByLabel('Identificativo del fatto');
    await field.fill('non-un-id');
    await page.getByRole('button', { name: 'Verifica', exact: true }).click();
    await page.locator('input[aria-invalid="true"]').waitFor();
    expect(await page.locator(`[id="${await field.getAttribute('aria-describedby')}"]`).textContent()).toBe('Identificativo non valido: serve un UUID.');
    expect(await outcome.count()).toBe(0);
    await expectAccessible();
    // The proofs are not the dirigente's.
    expect((await demo.as.dirigente.get('/audit/checkpoints')).status).toBe(403);
    expect((await demo.as.dirigente.get(`/audit/events/${first.id}/inclusion`)).status).toBe(403);
  });

  it('the plan page links the transparency export: the CSV holds the plan’s objectives', async () => {
    await page.goto(`${base}/app/plans/${demo.planId}`);
    await page.getByRole('heading', { name: 'Amministrazione trasparente' }).waitFor();
    await expectAccessible();
    const href = await page.getByRole('link', { name: 'Obiettivi in CSV' }).getAttribute('href');
    expect(href).toBe(`/transparency/plans/${demo.planId}/obiettivi.csv`);
    const csv = await context.request.get(`${base}${href}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    const text = await csv.text();
    expect(text).toMatch(/S08_01,Sostegno alle famiglie/);
    expect(text).not.toContain('S08_02');
    const json = await context.request.get(`${base}${await page.getByRole('link', { name: 'Obiettivi in JSON' }).getAttribute('href')}`);
    expect(json.status()).toBe(200);
    expect(JSON.stringify(await json.json())).toContain('S08_01');
    const dcat = await context.request.get(`${base}${await page.getByRole('link', { name: 'Metadati DCAT-AP_IT (JSON-LD)' }).getAttribute('href')}`);
    expect(dcat.status()).toBe(200);
  });
});
