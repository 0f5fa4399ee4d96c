import { type AddressInfo } from 'node:net';
import { type Browser, type Page } from 'playwright-core';
import { allEvents, startApi, type Api } from '../support/api-harness';
import {
  buildWebInterface,
  focused,
  launchChromium,
  signInThroughPage,
  tabUntil,
  expectAccessible as expectPageAccessible,
  watchedPage,
} from '../support/browser';
import { definition, seedEnte, type Ente } from '../support/scenario';

/** A day as the page writes it, from YYYY-MM-DD. */
const italian = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
/** Today and tomorrow as days in Italy (the API's business dates). */
const romeDay = (offsetDays = 0) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(Date.now() + offsetDays * 86_400_000),
  );

/**
 * The Segretario's work in a real browser (Chromium, PGlite): the queue of what awaits them across the plans (and not
 * a dirigente's), editing a draft with the drafting form (targets as the API read them, a field refused, a concurrent
 * change), a reprogramming compared side by side and approved, and the plan as it stood on a date. Each page checked
 * by axe at WCAG 2.1 AA; the edit form worked with the keyboard alone.
 */
describe('the Segretario’s work: queue, editing a draft, reprogramming, time travel (Chromium, PGlite)', () => {
  let webDir: string;
  let api: Api;
  let base: string;
  let demo: Ente;
  let browser: Browser;
  let page: Page;
  let blocked: string[];
  let proposedId: string;
  let timePlanId: string;
  const today = romeDay();

  beforeAll(async () => {
    webDir = buildWebInterface();
    api = await startApi('pglite', { WEB_DIST_DIR: webDir });
    await api.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    demo = await seedEnte(api, 'comune-demo');

    // In the queue: a proposal dated 20/11/2026 (the oldest), and the 31/07 monitoring of S08_01 submitted today.
    const proposed = await demo.as.dirigente.post(`/plans/${demo.planId}/objectives`, {
      code: 'S20_01',
      definition: { ...definition(), title: 'Sportello unico per le famiglie' },
      occurredOn: '2026-11-20',
    });
    expect(proposed.status).toBe(201);
    proposedId = proposed.body.objectiveId;
    expect((await demo.as.dirigente.post(`/objectives/${proposedId}/propose`, { occurredOn: '2026-11-20' })).status).toBe(200);
    const monitoring = await demo.as.dirigente.post(`/objectives/${demo.objectiveId}/monitoring-reports`, { asOf: '2025-07-31', phases: [], indicators: [] });
    expect(monitoring.status).toBe(200);

    // The draft S08_02 gets a second indicator whose target cannot be read: the edit page flags it.
    const draft = (await demo.as.dirigente.get(`/objectives/${demo.draftId}`)).body;
    const withVague = {
      ...draft.definition,
      indicators: [...draft.definition.indicators, { id: 'i2', description: 'Qualità percepita', target: { text: 'miglioramento del servizio' } }],
    };
    expect((await demo.as.dirigente.post(`/objectives/${demo.draftId}/draft`, { definition: withVague })).status).toBe(200);

    // A plan opened on 10/01/2026 with one objective drafted on 15/01/2026 and one drafted today.
    const timePlan = await demo.as.segretario.post('/plans', { kind: 'PEG', title: 'PEG 2026', fromYear: 2026, toYear: 2026, occurredOn: '2026-01-10' });
    expect(timePlan.status).toBe(201);
    timePlanId = timePlan.body.planId;
    const horizon = { fromYear: 2026, toYear: 2026 };
    const early = await demo.as.dirigente.post(`/plans/${timePlanId}/objectives`, {
      code: 'T01',
      definition: { ...definition(), title: 'Biblioteca diffusa', horizon },
      occurredOn: '2026-01-15',
    });
    expect(early.status).toBe(201);
    const late = await demo.as.dirigente.post(`/plans/${timePlanId}/objectives`, {
      code: 'T02',
      definition: { ...definition(), title: 'Orti sociali', horizon },
    });
    expect(late.status).toBe(201);

    browser = await launchChromium();
    ({ page, blocked } = await watchedPage(browser));
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  // Nothing blocked by the page's policy either (this suite did not check it before the shared helper).
  const expectAccessible = () => expectPageAccessible(page, blocked);
  const status = (text: string) => page.getByRole('status').getByText(text).waitFor();
  const nav = () => page.getByRole('navigation', { name: 'Navigazione principale' });
  const describedError = async (label: string) => {
    const field = page.getByLabel(label, { exact: true });
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    return page.locator(`[id="${await field.getAttribute('aria-describedby')}"]`).textContent();
  };
  const asDirigente = () => signInThroughPage(page, base, { personId: demo.people.dirigente.sub, name: demo.people.dirigente.name, role: 'dirigente' });
  const asSegretario = () => signInThroughPage(page, base, { personId: 'seg', name: 'Maria Bianchi', role: 'segretario' });

  it('a dirigente has no queue: no entry in the navigation, the page says so and shows nothing of it; the API refuses their approval', async () => {
    await asDirigente();
    await nav().getByRole('link', { name: 'Piani' }).waitFor();
    expect(await nav().getByRole('link', { name: 'Da esaminare' }).count()).toBe(0);
    await page.goto(`${base}/app/queue`);
    await page.getByText('Questa pagina è riservata al Segretario Generale.').waitFor();
    expect(await page.getByText('S20_01').count()).toBe(0);
    expect(await page.getByRole('table').count()).toBe(0);
    await expectAccessible();
    const refused = await demo.as.dirigente.post(`/objectives/${proposedId}/approve`, { act: { number: '1', date: '2026-12-01' } });
    expect(refused.status).toBe(403);
  });

  it('the Segretario’s queue lists the proposal and the monitoring oldest first, with plan, code, title, unit and date; they approve and validate from it', async () => {
    await asSegretario();
    await nav().getByRole('link', { name: 'Da esaminare' }).click();
    await page.getByRole('heading', { name: 'Da esaminare', level: 1 }).waitFor();
    await page.getByText('2 elementi in attesa').waitFor();
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(2);
    const cells = async (i: number) => (await rows.nth(i).locator('td').allTextContents()).slice(0, 6);
    expect(await cells(0)).toEqual([
      '20/11/2026',
      'Proposta di obiettivo da approvare',
      'PEG 2025',
      'S20_01',
      'Sportello unico per le famiglie',
      'Settore Welfare',
    ]);
    expect(await cells(1)).toEqual([
      italian(today),
      'Monitoraggio al 31/07/2025 da validare',
      'PEG 2025',
      'S08_01',
      'Sostegno alle famiglie',
      'Settore Welfare',
    ]);
    expect(await rows.nth(0).getByRole('link', { name: 'Sportello unico per le famiglie' }).getAttribute('href')).toBe(`/app/objectives/${proposedId}`);
    await expectAccessible();

    // The Giunta's act: a date that does not exist is named under its field, nothing approved.
    await page.getByLabel('Numero dell’atto di Giunta per S20_01').fill('52');
    await page.getByLabel('Data dell’atto per S20_01 (gg/mm/aaaa)').fill('31/02/2026');
    await page.getByRole('button', { name: 'Approva S20_01' }).click();
    await page.locator('input[aria-invalid="true"]').waitFor();
    expect(await describedError('Data dell’atto per S20_01 (gg/mm/aaaa)')).toBe('Data non valida: scrivila come gg/mm/aaaa (una data che esiste).');
    expect((await demo.as.segretario.get(`/objectives/${proposedId}`)).body.status).toBe('proposed');
    await expectAccessible();

    await page.getByLabel('Data dell’atto per S20_01 (gg/mm/aaaa)').fill('01/12/2026');
    await page.getByRole('button', { name: 'Approva S20_01' }).click();
    await status('Obiettivo S20_01 approvato.');
    await page.getByText('1 elemento in attesa').waitFor();
    expect((await demo.as.segretario.get(`/objectives/${proposedId}`)).body).toMatchObject({
      status: 'approved',
      approvalAct: { number: '52', date: '2026-12-01' },
    });

    await page.getByRole('button', { name: 'Valida il monitoraggio di S08_01 al 31/07/2025' }).click();
    await status('Relazione di S08_01 validata.');
    await page.getByText('Nulla da esaminare: nessuna proposta, relazione o riprogrammazione in attesa.').waitFor();
    expect((await demo.as.segretario.get(`/objectives/${demo.objectiveId}`)).body.monitoringReports['2025-07-31'].status).toBe('validated');
    await expectAccessible();

    // A report the Segretario submitted himself: listed, but nothing is offered on it (the API would refuse him).
    const maria = await api.as({ sub: 'seg', name: 'Maria Bianchi', ente: 'comune-demo', roles: ['segretario'] });
    const own = await maria.post(`/objectives/${demo.objectiveId}/monitoring-reports`, { asOf: '2025-09-30', phases: [], indicators: [] });
    expect(own.status).toBe(200);
    // The page reads the queue from the read models: once they have the report (read-your-writes), it is reloaded.
    expect((await maria.get(`/review-queue?after=${encodeURIComponent(own.body.position as string)}`)).status).toBe(200);
    await page.reload();
    await page.getByText('1 elemento in attesa').waitFor();
    await rows.nth(0).getByText('Presentato da te: lo valida o lo restituisce un altro segretario, o il sostituto designato.').waitFor();
    expect(await rows.nth(0).getByRole('button').count()).toBe(0);
    expect(
      await rows
        .nth(0)
        .getByRole('link', { name: /per restituirlo/ })
        .count(),
    ).toBe(0);
    await expectAccessible();
    expect((await demo.as.vice.post(`/objectives/${demo.objectiveId}/monitoring-reports/validate`, { asOf: '2025-09-30' })).status).toBe(200);
  });

  it('a dirigente edits a draft with the keyboard alone: targets as the API read them, a date refused under its field, then saved; a concurrent change is a 409 and writes nothing', async () => {
    await asDirigente();
    await page.goto(`${base}/app/objectives/${demo.draftId}`);
    await page.getByRole('link', { name: 'Modifica la bozza' }).click();
    await page.getByRole('heading', { name: 'Modifica della bozza – S08_02', level: 1 }).waitFor();
    // Prefilled from the objective, dates in dd/mm/yyyy.
    expect(await page.getByLabel('Fase 2: fine prevista (gg/mm/aaaa)').inputValue()).toBe('31/12/2025');
    expect(await page.getByLabel('Fase 1: peso').inputValue()).toBe('50');
    // The targets as read: one read (its direction and value), one flagged and explained in Italian.
    const readings = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Come letto' }) });
    const read = readings.getByRole('row', { name: /Famiglie sostenute/ });
    expect(await read.locator('td').nth(1).textContent()).toBe('almeno n. 100');
    // "almeno n. 100": at least 100, the direction from the target's own words.
    expect(await read.locator('td').nth(2).textContent()).toBe('almeno 100Direzione dalle parole del target.');
    expect(await read.locator('td').nth(4).textContent()).toBe('nessuna');
    const flagged = readings.getByRole('row', { name: /Qualità percepita/ });
    await flagged.getByText('Da verificare').waitFor();
    await flagged.getByText('Nessun valore, data o «realizzato/non realizzato» nel testo.').waitFor();
    await expectAccessible();

    // Keyboard only: Tab to the fields, type, Enter submits.
    await tabUntil(page, (f) => f.label === 'Titolo', 60);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Sostegno alle famiglie fragili');
    await tabUntil(page, (f) => f.label === 'Fase 2: fine prevista (gg/mm/aaaa)', 60);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('31/02/2025');
    await page.keyboard.press('Enter');
    await page.locator('input[aria-invalid="true"]').waitFor();
    expect(await describedError('Fase 2: fine prevista (gg/mm/aaaa)')).toBe('Data non valida: scrivila come gg/mm/aaaa (una data che esiste).');
    expect((await focused(page)).label).toBe('Fase 2: fine prevista (gg/mm/aaaa)');
    expect((await demo.as.dirigente.get(`/objectives/${demo.draftId}`)).body.definition.title).toBe('Sostegno alle famiglie');
    await expectAccessible();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('30/11/2025');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'S08_02 – Sostegno alle famiglie fragili' }).waitFor();
    const saved = (await demo.as.dirigente.get(`/objectives/${demo.draftId}`)).body.definition;
    expect(saved.phases[1]).toMatchObject({ id: 'f2', plannedEnd: '2025-11-30', weight: 50 });
    // What the form does not show is sent back as it was (the indicators' ids, the second one's target).
    expect(saved.indicators.map((i: { id: string; target: { text: string } }) => [i.id, i.target.text])).toEqual([
      ['i1', 'almeno n. 100'],
      ['i2', 'miglioramento del servizio'],
    ]);

    // Someone else changes the draft while the form is open: the save is refused, explained, and writes nothing.
    await page.getByRole('link', { name: 'Modifica la bozza' }).click();
    await page.getByLabel('Titolo').waitFor();
    const meanwhile = await demo.as.segretario.post(`/objectives/${demo.draftId}/draft`, { definition: { ...saved, title: 'Titolo del Segretario' } });
    expect(meanwhile.status).toBe(200);
    const before = (await allEvents(api.store)).length;
    await page.getByLabel('Titolo').fill('Il mio titolo');
    await page.getByRole('button', { name: 'Salva le modifiche' }).click();
    await page.getByRole('alert').getByText('Qualcun altro ha modificato l’obiettivo: ricarica la pagina e riprova.').waitFor();
    expect((await allEvents(api.store)).length).toBe(before);
    expect((await demo.as.dirigente.get(`/objectives/${demo.draftId}`)).body.definition.title).toBe('Titolo del Segretario');
    await expectAccessible();
  });

  it('a reprogramming: the dirigente requests it (the reason is required), the Segretario compares old and new side by side and approves it with the Giunta act', async () => {
    // Still the dirigente.
    await page.goto(`${base}/app/objectives/${demo.objectiveId}`);
    await page.getByRole('link', { name: 'Riprogrammazione e versioni' }).click();
    await page.getByRole('heading', { name: 'Richiedi una riprogrammazione' }).waitFor();
    await page.getByLabel('Indicatore 1: target (es. «almeno n. 4», «entro il 30/06/2025»)').fill('almeno n. 80');
    await page.getByLabel('Fase 2: fine prevista (gg/mm/aaaa)').fill('30/11/2025');
    await page.getByRole('button', { name: 'Proponi la riprogrammazione' }).click();
    await page.locator('input[aria-invalid="true"]').waitFor();
    expect(await page.getByLabel('Motivazione della riprogrammazione').getAttribute('aria-invalid')).toBe('true');
    expect((await demo.as.dirigente.get(`/objectives/${demo.objectiveId}`)).body.pendingReprogramming).toBeNull();
    await expectAccessible();
    await page.getByLabel('Motivazione della riprogrammazione').fill('Il bando regionale è slittato');
    await page.getByRole('button', { name: 'Proponi la riprogrammazione' }).click();
    await status('Riprogrammazione proposta: attende la decisione della Giunta.');
    await page.getByText('La riprogrammazione attende la decisione del Segretario e della Giunta.').waitFor();
    // The dirigente is offered no decision; the API refuses theirs.
    expect(await page.getByRole('button', { name: 'Approva la riprogrammazione' }).count()).toBe(0);
    expect((await demo.as.dirigente.post(`/objectives/${demo.objectiveId}/reprogramming/approve`, { act: { number: '1', date: '2026-12-01' } })).status).toBe(
      403,
    );

    await asSegretario();
    await page.goto(`${base}/app/queue`);
    await page.getByRole('cell', { name: 'Riprogrammazione da decidere' }).waitFor();
    await page.getByRole('link', { name: 'Confronta e decidi (S08_01)' }).click();
    // Who proposed it, by name (the directory's), not by id.
    await page.getByText(`Motivazione: Il bando regionale è slittato (proposta da ${demo.people.dirigente.name})`).waitFor();
    const comparison = page.getByRole('table', { name: 'La definizione in vigore e quella proposta, campo per campo' });
    const row = (field: string) => comparison.getByRole('row', { name: new RegExp(`^${field}`) });
    const cellsOf = async (field: string) => [await row(field).locator('th').textContent(), ...(await row(field).locator('td').allTextContents())];
    expect(await cellsOf('Indicatore 1: target')).toEqual(['Indicatore 1: target modificato', 'almeno n. 100', 'almeno n. 80']);
    expect(await cellsOf('Fase 2: fine prevista')).toEqual(['Fase 2: fine prevista modificato', '31/12/2025', '30/11/2025']);
    expect(await cellsOf('Titolo')).toEqual(['Titolo', 'Sostegno alle famiglie', 'Sostegno alle famiglie']);
    expect(await comparison.getByText('modificato').count()).toBe(2);
    // Every change the API recorded, in Italian, none left out of the page (the table shows the usual fields only).
    const changes = await page.getByTestId('reprogramming-changes').getByRole('listitem').allTextContents();
    expect(changes).toHaveLength(2);
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Indicatore «.+»: target: .*100 → .*80$/),
        expect.stringMatching(/^Fase «.+»: fine prevista: 31\/12\/2025 → 30\/11\/2025$/),
      ]),
    );
    await expectAccessible();

    await page.getByLabel('Numero dell’atto').fill('60');
    await page.getByLabel('Data dell’atto (gg/mm/aaaa)').fill('02/12/2026');
    await page.getByRole('button', { name: 'Approva la riprogrammazione' }).click();
    await status('Riprogrammazione approvata: la nuova definizione è in vigore.');
    // The versions side by side: as first approved (act 31) and as it stands.
    const versions = page.getByRole('table', { name: 'La definizione approvata la prima volta e quella in vigore, campo per campo' });
    await versions.getByRole('columnheader', { name: 'Prima approvazione Atto n. 31 del 10/03/2025' }).waitFor();
    const target = versions.getByRole('row', { name: /^Indicatore 1: target/ });
    expect(await target.locator('td').allTextContents()).toEqual(['almeno n. 100', 'almeno n. 80']);
    await page.getByText('Atto n. 60 del 02/12/2026').waitFor();
    const objective = (await demo.as.segretario.get(`/objectives/${demo.objectiveId}`)).body;
    expect(objective.pendingReprogramming).toBeNull();
    expect(objective.definition.indicators[0].target.text).toBe('almeno n. 80');
    expect(objective.approvedDefinition.indicators[0].target.text).toBe('almeno n. 100');
    await expectAccessible();

    // Another one, rejected: the reason is required (named under its field), then the definition in force stays.
    const again = { ...objective.definition, title: 'Sostegno alle famiglie numerose' };
    expect((await demo.as.segretario.post(`/objectives/${demo.objectiveId}/reprogramming`, { definition: again, reason: 'Nuove priorità' })).status).toBe(200);
    await page.reload();
    expect(await cellsOf('Titolo')).toEqual(['Titolo modificato', 'Sostegno alle famiglie', 'Sostegno alle famiglie numerose']);
    await page.getByRole('button', { name: 'Respingi la riprogrammazione' }).click();
    await page.locator('input[aria-invalid="true"]').waitFor();
    expect(await describedError('Motivazione del rigetto')).toBe('Serve una motivazione.');
    await page.getByLabel('Motivazione del rigetto').fill('Priorità non condivise dalla Giunta');
    await page.getByRole('button', { name: 'Respingi la riprogrammazione' }).click();
    await status('Riprogrammazione respinta: resta in vigore la definizione precedente.');
    const rejected = (await demo.as.segretario.get(`/objectives/${demo.objectiveId}`)).body;
    expect([rejected.pendingReprogramming, rejected.definition.title]).toEqual([null, 'Sostegno alle famiglie']);
  });

  it('the plan as it stood on a date: a day that does not exist or is in the future is named; before an objective was drafted it is absent, today it is there', async () => {
    await page.goto(`${base}/app/plans/${timePlanId}`);
    await page.getByRole('row', { name: /T02/ }).waitFor();
    const field = 'Il piano al (gg/mm/aaaa)';
    await page.getByLabel(field).fill('31/02/2026');
    await page.getByRole('button', { name: 'Mostra' }).click();
    expect(await describedError(field)).toBe('Data non valida: scrivila come gg/mm/aaaa (una data che esiste).');
    await page.getByLabel(field).fill(italian(romeDay(2)));
    await page.getByRole('button', { name: 'Mostra' }).click();
    await page.getByText('La data è nel futuro: scegli oggi o un giorno passato.').waitFor();
    expect(page.url()).not.toContain('al=');
    await expectAccessible();

    await page.getByLabel(field).fill('20/01/2026');
    await page.getByRole('button', { name: 'Mostra' }).click();
    await page.waitForURL(/\?al=2026-01-20$/);
    await page.getByText('Vista al 20/01/2026').waitFor();
    await page.getByRole('row', { name: /T01/ }).getByText('Biblioteca diffusa').waitFor();
    expect(await page.getByText('T02').count()).toBe(0);
    // Read only: no action of today's page.
    expect(await page.getByRole('link', { name: 'Nuovo obiettivo' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Presenta il piano alla Giunta' }).count()).toBe(0);
    await expectAccessible();

    // The objective as it stood that day, read only too.
    await page.getByRole('link', { name: 'Biblioteca diffusa' }).click();
    await page.getByRole('heading', { name: 'T01 – Biblioteca diffusa' }).waitFor();
    await page.getByText('Vista al 20/01/2026').waitFor();
    expect(await page.getByRole('heading', { name: 'Azioni' }).count()).toBe(0);
    await expectAccessible();

    await page.getByRole('link', { name: 'Il piano alla stessa data' }).click();
    await page.getByRole('link', { name: 'Torna a oggi' }).click();
    await page.waitForURL(new RegExp(`/app/plans/${timePlanId}$`));
    await page.getByLabel(field).fill(italian(today));
    await page.getByRole('button', { name: 'Mostra' }).click();
    await page.getByText(`Vista al ${italian(today)}`).waitFor();
    await page.getByRole('row', { name: /T01/ }).waitFor();
    await page.getByRole('row', { name: /T02/ }).getByText('Orti sociali').waitFor();
    await expectAccessible();
  });
});
