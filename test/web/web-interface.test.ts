import { type AddressInfo } from 'node:net';
import request from 'supertest';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { SignJWT } from 'jose';
import { allEvents, startApi, TEST_SECRET, type Api } from '../support/api-harness';
import { mintDevelopmentToken } from '../../apps/api/src/auth/development-token';
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

/**
 * The web interface in a real browser (Debian's Chromium through playwright-core), served by the API on the embedded
 * default (PGlite): the development sign-in, the plans, the plan's tree, sign-out; every page checked by axe at WCAG
 * 2.1 AA and worked with the keyboard alone. Then the session cookie's rules, crossed from outside the browser.
 */
describe('the web interface (Chromium, PGlite)', () => {
  let webDir: string;
  let api: Api;
  let base: string;
  let demo: Ente;
  let nextPlanId: string;
  let browser: Browser;
  let blocked: string[];
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    webDir = buildWebInterface();
    api = await startApi('pglite', { WEB_DIST_DIR: webDir });
    await api.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    demo = await seedEnte(api, 'comune-demo');
    // An objective placed in the tree, with progress recorded.
    const placed = await demo.as.dirigente.post(`/plans/${demo.planId}/objectives`, {
      code: 'S09_01',
      definition: { ...definition(), title: 'Centro per le famiglie', place: { publicValueArea: 'Inclusione sociale', strategicLine: 'Una città che cura' } },
    });
    expect(placed.status).toBe(201);
    expect((await demo.as.dirigente.post(`/objectives/${demo.objectiveId}/phase-progress`, { phaseId: 'f1', progressPercent: 60 })).status).toBe(200);
    // A plan still open, with one objective proposed: the Segretario presents it and records the Giunta's act.
    const next = await demo.as.segretario.post('/plans', { kind: 'PEG', title: 'PEG 2026', fromYear: 2026, toYear: 2026 });
    nextPlanId = next.body.planId;
    const proposedNext = await demo.as.dirigente.post(`/plans/${nextPlanId}/objectives`, {
      code: 'S10_01',
      definition: { ...definition(), horizon: { fromYear: 2026, toYear: 2026 } },
    });
    expect((await demo.as.dirigente.post(`/objectives/${proposedNext.body.objectiveId}/propose`)).status).toBe(200);
    browser = await launchChromium();
    ({ context, page, blocked } = await watchedPage(browser));
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  const expectAccessible = () => expectPageAccessible(page, blocked);

  it('sends a visitor to the sign-in, signs the Segretario in with the keyboard alone, and keeps the token out of the page', async () => {
    await page.goto(`${base}/`);
    await page.waitForURL(`${base}/app/sign-in`);
    await page.getByRole('heading', { name: 'Accesso di sviluppo' }).waitFor();
    await expectAccessible();

    // Even after the redirects (/ → /app/ → the plans → the sign-in), the first Tab reaches the skip link.
    await page.keyboard.press('Tab');
    expect((await focused(page)).text).toBe('Vai al contenuto principale');
    await page.keyboard.press('Enter');
    expect((await focused(page)).id).toBe('main');
    // Keyboard only: the next stop is the person (Maria Bianchi, Segretario Generale, chosen first), then the button.
    await page.keyboard.press('Tab');
    expect((await focused(page)).label).toBe('Persona');
    expect(await page.getByLabel('Persona').inputValue()).toBe('0');
    expect((await tabUntil(page, (f) => f.tag === 'BUTTON')).text).toBe('Accedi');
    await page.keyboard.press('Enter');

    await page.waitForURL(`${base}/app/plans`);
    await page.getByTestId('signed-in-as').getByText('Accesso come Maria Bianchi (Segretario Generale)').waitFor();
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'piao_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(await page.evaluate('document.cookie')).not.toContain('piao_session');
  });

  it('lists the plans with the Giunta act in dd/mm/yyyy, and opens the tree by area and line with status and progress', async () => {
    await page.getByRole('link', { name: 'Apri il piano PEG 2025' }).waitFor();
    await page.getByText('Approvato con atto n. 31 del 10/03/2025').waitFor();
    await expectAccessible();

    // Keyboard: Tab to the plan's link and follow it.
    await tabUntil(page, (f) => f.ariaLabel === 'Apri il piano PEG 2025');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/app/plans/${demo.planId}$`));
    await page.getByRole('heading', { level: 2, name: 'Inclusione sociale' }).waitFor();
    await page.getByRole('heading', { level: 3, name: 'Una città che cura' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Area di Valore Pubblico non indicata' }).waitFor();
    const row = page.getByRole('row', { name: /S08_01/ });
    await row.getByText('Approvato').waitFor();
    // Phase f1 at 60 % of its weight 50: 30 % of the objective, with a decimal comma where there is one.
    await page.getByRole('progressbar', { name: 'Avanzamento di S08_01: 30 %' }).waitFor();
    await page
      .getByRole('row', { name: /S09_01/ })
      .getByText('Bozza')
      .waitFor();
    // A draft measures 0 %: its bar has no width, but it is there for a screen reader.
    await page.getByRole('progressbar', { name: 'Avanzamento di S09_01: 0 %' }).waitFor({ state: 'attached' });
    await expectAccessible();
  });

  it('the Segretario presents a plan to the Giunta and records its act; a date that does not exist is named under its field', async () => {
    await page.goto(`${base}/app/plans/${nextPlanId}`);
    await page.getByRole('button', { name: 'Presenta il piano alla Giunta' }).click();
    await page.getByRole('status').getByText('Piano presentato alla Giunta.').waitFor();
    await page.getByText('Presentato alla Giunta', { exact: true }).waitFor();
    await expectAccessible();

    await page.getByLabel('Numero dell’atto').fill('45');
    await page.getByLabel('Data dell’atto (gg/mm/aaaa)').fill('31/02/2026');
    await page.getByRole('button', { name: 'Registra' }).click();
    const dateField = page.getByLabel('Data dell’atto (gg/mm/aaaa)');
    await page.locator('input[aria-invalid="true"]').waitFor();
    expect(await dateField.getAttribute('aria-invalid')).toBe('true');
    const describedBy = await dateField.getAttribute('aria-describedby');
    // The API's rule, told in Italian.
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toBe('Data non valida: scrivila come gg/mm/aaaa (una data che esiste).');
    await expectAccessible();

    await dateField.fill('15/03/2026');
    await page.getByRole('button', { name: 'Registra' }).click();
    await page.getByText('Approvato con atto n. 45 del 15/03/2026').waitFor();
    const plan = await demo.as.segretario.get(`/plans/${nextPlanId}`);
    expect(plan.body).toMatchObject({ status: 'approved', approvalAct: { number: '45', date: '2026-03-15' } });
  });

  it('a page of the interface that does not exist says so, and an asset that does not exist is a 404', async () => {
    await page.goto(`${base}/app/nessuna-pagina`);
    await page.getByRole('heading', { name: 'Pagina non trovata' }).waitFor();
    await expectAccessible();
    expect((await request(base).get('/app/assets/nope.js')).status).toBe(404);
  });

  it('signs out: the cookie is gone and the plans send to the sign-in again', async () => {
    await page.goto(`${base}/app/plans`);
    await page.getByRole('button', { name: 'Esci' }).click();
    await page.getByTestId('signed-in-as').waitFor({ state: 'detached' });
    expect((await context.cookies()).find((c) => c.name === 'piao_session')).toBeUndefined();
    await page.goto(`${base}/app/plans`);
    await page.waitForURL(`${base}/app/sign-in`);
  });

  it('a dirigente drafts an objective through the form, subscribes to the calendar, proposes a draft, records progress, sees an overdue deadline first, and is told when someone else changed the objective', async () => {
    await signInThroughPage(page, base, { personId: demo.people.dirigente.sub, name: demo.people.dirigente.name, role: 'dirigente' });
    await page.getByTestId('signed-in-as').getByText(`Accesso come ${demo.people.dirigente.name} (Dirigente)`).waitFor();

    await page.getByRole('navigation', { name: 'Navigazione principale' }).getByRole('link', { name: 'I miei obiettivi' }).click();
    await page.getByRole('heading', { name: 'I miei obiettivi', level: 1 }).waitFor();
    // Phase f1 of S08_01 ended on 30/06/2025 at 60 %: overdue, listed first.
    const firstDeadline = page.getByRole('row').nth(1);
    await firstDeadline.getByText('Fine fase: Analisi dei bisogni').waitFor();
    expect(await firstDeadline.textContent()).toMatch(/30\/06\/2025 \(scaduta da \d+ giorni\)/);
    await expectAccessible();

    // A new objective drafted through the form: a code the API refuses is named under its field; phase weights
    // that do not total 100 are a warning on the objective, not a refusal.
    await page.goto(`${base}/app/plans/${demo.planId}`);
    await page.getByRole('link', { name: 'Nuovo obiettivo' }).click();
    await page.getByLabel('Codice (es. 2025_S08_04)').fill('non valido!');
    await page.getByLabel('Titolo').fill('Orti urbani condivisi');
    await page.getByLabel('Struttura responsabile').selectOption('welfare');
    await page.getByLabel('Area di Valore Pubblico').fill('Ambiente');
    await page.getByLabel('Linea strategica').fill('Una città verde');
    await page.getByLabel('Fase 1: descrizione').fill('Bando per le associazioni');
    await page.getByLabel('Fase 1: fine prevista (gg/mm/aaaa)').fill('30/04/2025');
    await page.getByLabel('Fase 1: peso').fill('40');
    await page.getByRole('button', { name: 'Aggiungi una fase' }).click();
    await page.getByLabel('Fase 2: descrizione').fill('Assegnazione degli orti');
    await page.getByLabel('Fase 2: fine prevista (gg/mm/aaaa)').fill('30/09/2025');
    await page.getByLabel('Fase 2: peso').fill('40');
    await page.getByLabel('Indicatore 1: descrizione').fill('Orti assegnati');
    await page.getByLabel(/Indicatore 1: target/).fill('almeno n. 20');
    await page.getByRole('button', { name: 'Salva la bozza' }).click();
    await page.locator('input[aria-invalid="true"]').waitFor();
    expect(await page.getByLabel('Codice (es. 2025_S08_04)').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible();
    await page.getByLabel('Codice (es. 2025_S08_04)').fill('S12_01');
    await page.getByRole('button', { name: 'Salva la bozza' }).click();
    await page.getByRole('heading', { name: 'S12_01 – Orti urbani condivisi' }).waitFor();
    await page.getByText('Avvisi sulla definizione').waitFor();
    await page.getByText('Bozza', { exact: true }).waitFor();
    await expectAccessible();

    // The inbox and the calendar feed: a secret address, shown once, that a calendar application reads as iCalendar.
    await page.getByRole('navigation', { name: 'Navigazione principale' }).getByRole('link', { name: 'Promemoria' }).click();
    await page.getByRole('button', { name: 'Crea l’indirizzo del calendario' }).click();
    await status('Indirizzo creato: copialo ora, non sarà più mostrato.');
    const feedUrl = new URL((await page.locator('code').textContent()) ?? '');
    const feed = await request(base).get(feedUrl.pathname);
    expect(feed.status).toBe(200);
    expect(feed.headers['content-type']).toContain('text/calendar');
    expect(feed.text).toContain('BEGIN:VCALENDAR');
    await expectAccessible();

    // The draft: proposed from its page.
    await page.goto(`${base}/app/mine`);
    await page.getByRole('link', { name: /S08_02/ }).click();
    await page.getByRole('button', { name: 'Proponi l’obiettivo' }).click();
    await page.getByRole('status').getByText('Obiettivo proposto.').waitFor();
    await page.getByRole('listitem').getByText('Obiettivo proposto', { exact: true }).waitFor();
    // The timeline in words: the status by its name, old → new.
    await page.getByText('Stato: Bozza → Proposto').waitFor();
    expect((await demo.as.dirigente.get(`/objectives/${demo.draftId}`)).body.status).toBe('proposed');
    await expectAccessible();

    // The approved objective: progress of phase f2, with a decimal comma.
    await page.goto(`${base}/app/objectives/${demo.objectiveId}`);
    await page.getByLabel('Fase', { exact: true }).selectOption('f2');
    await page.getByLabel('Avanzamento (%)').fill('150');
    await page.getByRole('button', { name: 'Registra' }).click();
    await page.locator('input[aria-invalid="true"]').waitFor();
    expect(await page.getByLabel('Avanzamento (%)').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Avanzamento (%)').fill('40,5');
    await page.getByRole('button', { name: 'Registra' }).click();
    await page.getByRole('status').getByText('Avanzamento registrato.').waitFor();
    await page.getByRole('progressbar', { name: 'Avanzamento di Erogazione: 40,5 %' }).waitFor();
    await expectAccessible();

    // Someone else records progress meanwhile: the page's revision is stale, the command is refused and explained.
    const before = (await allEvents(api.store)).length;
    expect((await demo.as.dirigente.post(`/objectives/${demo.objectiveId}/phase-progress`, { phaseId: 'f1', progressPercent: 70 })).status).toBe(200);
    await page.getByLabel('Avanzamento (%)').fill('45');
    await page.getByRole('button', { name: 'Registra' }).click();
    await page.getByRole('alert').getByText('Qualcun altro ha modificato l’obiettivo: ricarica la pagina e riprova.').waitFor();
    expect((await allEvents(api.store)).length).toBe(before + 1);
  });

  const signInAs = (personId: string, name: string, role: string) => signInThroughPage(page, base, { personId, name, role });
  const status = (text: string) => page.getByRole('status').getByText(text).waitFor();

  it('to the end of the cycle: the dirigente reports, the Segretario validates, the NdV evaluates and downloads the dossier', async () => {
    // The dirigente (still signed in): the 31/07 monitoring, then the year-end report, from the objective's page.
    await page.goto(`${base}/app/objectives/${demo.objectiveId}`);
    const monitoring = page.locator('form', { has: page.getByRole('heading', { name: 'Monitoraggio intermedio' }) });
    expect(await monitoring.getByLabel('Data di riferimento (gg/mm/aaaa)').inputValue()).toBe('31/07/2025');
    await monitoring.getByRole('button', { name: 'Presenta' }).click();
    await status('Monitoraggio presentato.');
    // The year-end report with the keyboard alone: Tab from the top of the page to its first field, type, Tab on, Enter.
    await page.reload();
    await tabUntil(page, (f) => f.form === 'Relazione finale' && f.label === 'Avanzamento di «Analisi dei bisogni» (%)', 300);
    const typeHere = async (label: string, text: string) => {
      expect(await focused(page)).toMatchObject({ form: 'Relazione finale', label });
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type(text);
      await page.keyboard.press('Tab');
    };
    await typeHere('Avanzamento di «Analisi dei bisogni» (%)', '100');
    await typeHere('Avanzamento di «Erogazione» (%)', '100');
    await typeHere('Valore di «Famiglie sostenute»', '120');
    expect(await focused(page)).toMatchObject({ form: 'Relazione finale', tag: 'BUTTON', text: 'Presenta' });
    await page.keyboard.press('Enter');
    await status('Relazione finale presentata.');
    await expectAccessible();

    // The Segretario validates both.
    await signInAs('seg', 'Maria Bianchi', 'segretario');
    await page.goto(`${base}/app/objectives/${demo.objectiveId}`);
    await page.getByRole('button', { name: 'Valida il monitoraggio al 31/07/2025' }).click();
    await status('Monitoraggio validato.');
    await page.getByRole('button', { name: 'Valida la relazione finale' }).click();
    await status('Relazione finale validata.');
    await page.getByText('Rendicontato', { exact: true }).waitFor();
    await expectAccessible();

    // The draft the dirigente proposed goes back to the unit with a reason, which the timeline keeps.
    await page.goto(`${base}/app/objectives/${demo.draftId}`);
    await page.getByText('La proposta di obiettivo').waitFor();
    await page.getByLabel('Motivazione (che cosa cambiare)').fill('Manca un indicatore di impatto');
    await page.getByRole('button', { name: 'Restituisci' }).click();
    await status('Restituito all’ufficio.');
    await page.getByText('Motivazione: Manca un indicatore di impatto').waitFor();
    await page.getByText('Stato: Proposto → Restituito').waitFor();
    expect((await demo.as.segretario.get(`/objectives/${demo.draftId}`)).body.status).toBe('returned');
    await expectAccessible();

    // The NdV evaluates, shares, and asks for the objective's dossier.
    await signInAs('ndv', 'Nucleo di Valutazione', 'nucleo');
    await page.goto(`${base}/app/objectives/${demo.objectiveId}`);
    // The evaluation with the keyboard alone too.
    await tabUntil(page, (f) => f.label === 'Grado di raggiungimento (%)', 300);
    await page.keyboard.type('95');
    await page.keyboard.press('Tab');
    expect((await focused(page)).label).toBe('Motivazione');
    await page.keyboard.type('Target superato: 120 famiglie sostenute');
    await page.keyboard.press('Enter');
    await status('Valutazione registrata.');
    await page.getByText('Valutazione: 95 % (registrata, non ancora comunicata)').waitFor();
    await page.getByRole('button', { name: 'Comunica la valutazione al dirigente' }).click();
    await status('Valutazione comunicata.');
    await expectAccessible();
    const timeline = page.getByRole('list').filter({ hasText: 'Valutazione del Nucleo' });
    await timeline.getByText('Motivazione: Target superato: 120 famiglie sostenute').waitFor();

    await page.getByRole('link', { name: 'Richiedi il fascicolo di questo obiettivo' }).click();
    await page.getByRole('button', { name: 'Richiedi il fascicolo (Obiettivo)' }).click();
    await status('Fascicolo richiesto: la costruzione è in corso.');
    const ready = page.getByRole('row', { name: new RegExp(demo.objectiveId) }).getByText('Pronto');
    await ready.waitFor({ timeout: 60_000 });
    await expectAccessible();
    const pdf = await page.getByRole('link', { name: 'PDF' }).first().getAttribute('href');
    // The download as the browser makes it: the session cookie, no token in the page.
    const download = await context.request.get(`${base}${pdf}`);
    expect(download.status()).toBe(200);
    expect(download.headers()['content-type']).toContain('application/pdf');
    expect((await download.body()).subarray(0, 5).toString()).toBe('%PDF-');
    const evaluated = await demo.as.segretario.get(`/objectives/${demo.objectiveId}`);
    expect(evaluated.body).toMatchObject({ status: 'evaluated', evaluation: { status: 'shared', achievementPercent: 95 } });

    // The audit trail: the whole ente's history, filtered by the kind of fact, exported with the same filter.
    await page.getByRole('navigation', { name: 'Navigazione principale' }).getByRole('link', { name: 'Registro' }).click();
    await page.getByRole('heading', { name: 'Registro delle modifiche', level: 1 }).waitFor();
    await page.getByRole('cell', { name: 'Valutazione del Nucleo' }).first().waitFor();
    await expectAccessible();
    await page.getByLabel('Tipo di fatto').selectOption('ObjectiveProposed');
    await page.getByRole('button', { name: 'Filtra' }).click();
    await page.getByRole('cell', { name: 'Valutazione del Nucleo' }).first().waitFor({ state: 'detached' });
    const kinds = await page.locator('tbody tr td:nth-child(3)').allTextContents();
    expect(kinds.length).toBeGreaterThan(0);
    expect(kinds.every((k) => k.startsWith('Obiettivo proposto'))).toBe(true);
    const csv = await context.request.get(`${base}${await page.getByRole('link', { name: 'CSV' }).getAttribute('href')}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect(await csv.text()).toContain('ObjectiveProposed');
    expect(await csv.text()).not.toContain('ObjectiveEvaluated');
    await page.getByLabel('Dal (gg/mm/aaaa)').fill('31/02/2025');
    await page.getByRole('button', { name: 'Filtra' }).click();
    await page.locator('input[aria-invalid="true"]').waitFor();
    await expectAccessible();

    await page.getByRole('button', { name: 'Esci' }).click();
    await page.getByTestId('signed-in-as').waitFor({ state: 'detached' });
  });

  describe('the session cookie, crossed from outside the browser', () => {
    const signIn = (body: object, headers: Record<string, string> = { 'X-Piao-Client': 'web' }) =>
      request(base).post('/session/development').set(headers).send(body);
    const cookieOf = (response: request.Response) => String(response.headers['set-cookie']).split(';')[0];

    it('has no sign-in through an identity provider without OIDC_CLIENT_ID: its routes are a 404', async () => {
      expect((await request(base).get('/session/oidc/sign-in')).status).toBe(404);
      expect((await request(base).get('/session/oidc/callback?code=a&state=b')).status).toBe(404);
      expect((await request(base).get('/session/options')).body).toMatchObject({ development: true, identityProvider: false });
    });

    it('refuses a sign-in without the web client header (another site’s form), and a bad role naming the field', async () => {
      const crossSite = await signIn({ personId: 'seg', name: 'Maria Bianchi', role: 'segretario' }, {});
      expect(crossSite.status).toBe(403);
      expect(crossSite.body.type).toBe('/problems/cross-site-request');
      expect(crossSite.headers['set-cookie']).toBeUndefined();
      const badRole = await signIn({ personId: 'seg', name: 'Maria Bianchi', role: 'sindaco' });
      expect(badRole.status).toBe(400);
      expect(badRole.body.errors.map((e: { field: string }) => e.field)).toEqual(['role']);
      const badId = await signIn({ personId: 'seg\n', name: '', role: 'segretario' });
      expect(badId.status).toBe(400);
      expect(badId.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['name', 'personId']);
    });

    it('a write on the cookie alone (no web client header) is refused and appends nothing; with it, it runs', async () => {
      const signedIn = await signIn({ personId: 'seg', name: 'Maria Bianchi', role: 'segretario' });
      expect(signedIn.status).toBe(200);
      const cookie = cookieOf(signedIn);
      const before = (await allEvents(api.store)).length;
      const plan = { kind: 'PDO', title: 'PDO 2026', fromYear: 2026, toYear: 2026 };
      const refused = await request(base).post('/plans').set('Cookie', cookie).send(plan);
      expect(refused.status).toBe(403);
      expect(refused.body.type).toBe('/problems/cross-site-request');
      expect((await allEvents(api.store)).length).toBe(before);
      // Reading needs no header: a GET changes nothing.
      expect((await request(base).get('/session').set('Cookie', cookie)).body).toMatchObject({ personId: 'seg', ente: 'comune-demo', roles: ['segretario'] });
      const opened = await request(base).post('/plans').set('Cookie', cookie).set('X-Piao-Client', 'web').send(plan);
      expect(opened.status).toBe(201);
    });

    it('the cookie is scoped like a token: its ente only, its role only', async () => {
      const other = await seedEnte(api, 'comune-altro');
      const cookie = cookieOf(await signIn({ personId: 'rossi', name: 'Mario Rossi', role: 'dirigente' }));
      expect((await request(base).get(`/plans/${other.planId}`).set('Cookie', cookie)).status).toBe(404);
      const listed = await request(base).get('/plans').set('Cookie', cookie);
      expect(listed.body.items.map((p: { planId: string }) => p.planId)).not.toContain(other.planId);
      // A dirigente cannot open a plan, whatever carries their identity.
      const refused = await request(base)
        .post('/plans')
        .set('Cookie', cookie)
        .set('X-Piao-Client', 'web')
        .send({ kind: 'PDO', title: 'PDO', fromYear: 2026, toYear: 2026 });
      expect(refused.status).toBe(403);
      expect(refused.body.type).not.toBe('/problems/cross-site-request');
    });

    it('an expired or forged cookie is a 401; a bearer token beside a cookie speaks for itself; a Basic header leaves the cookie in force', async () => {
      const expired = await new SignJWT({ name: 'X', ente: 'comune-demo', roles: ['segretario'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('x')
        .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
        .sign(new TextEncoder().encode(TEST_SECRET));
      for (const token of [expired, 'not-a-token', `${expired}x`]) {
        const answer = await request(base).get('/session').set('Cookie', `piao_session=${token}`);
        expect([answer.status, answer.body.type]).toEqual([401, '/problems/unauthenticated']);
      }
      const cookie = cookieOf(await signIn({ personId: 'seg', name: 'Maria Bianchi', role: 'segretario' }));
      const bearer = await mintDevelopmentToken({ sub: 'rossi', name: 'Mario Rossi', ente: 'comune-demo', roles: ['dirigente'] }, TEST_SECRET);
      const both = await request(base).get('/session').set('Cookie', cookie).set('Authorization', `Bearer ${bearer}`);
      expect(both.body).toMatchObject({ personId: 'rossi', roles: ['dirigente'] });
      const basic = await request(base).get('/session').set('Cookie', cookie).set('Authorization', 'Basic dXNlcjpwYXNz');
      expect(basic.body).toMatchObject({ personId: 'seg', roles: ['segretario'] });
    });

    it('every kind of write on the cookie alone is refused (PUT, a file upload, sign-out); the page and its file name carry the policy; unknown paths stay the API’s 404', async () => {
      const cookie = cookieOf(await signIn({ personId: 'admin', name: 'Ufficio Personale', role: 'admin' }));
      const before = (await allEvents(api.store)).length;
      const put = await request(base).put('/organisation/reminder-policy').set('Cookie', cookie).send({ policy: {} });
      expect([put.status, put.body.type]).toEqual([403, '/problems/cross-site-request']);
      const upload = await request(base).post(`/plans/${demo.planId}/imports`).set('Cookie', cookie).type('text/csv').send('codice;titolo\n');
      expect([upload.status, upload.body.type]).toEqual([403, '/problems/cross-site-request']);
      const signOut = await request(base).post('/session/sign-out').set('Cookie', cookie);
      expect([signOut.status, signOut.body.type]).toEqual([403, '/problems/cross-site-request']);
      expect(signOut.headers['set-cookie']).toBeUndefined();
      expect((await allEvents(api.store)).length).toBe(before);

      for (const path of ['/app/plans', '/app/index.html']) {
        const answer = await request(base).get(path);
        expect(answer.status).toBe(200);
        expect(answer.headers['content-security-policy']).toContain("default-src 'self'");
        expect(answer.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      }
      for (const path of ['/nope', '/app/assets/nope.js', '/app/%2e%2e/package.json', '/app/..%2fpackage.json']) {
        const answer = await request(base).get(path);
        expect([path, answer.status, answer.headers['content-type']]).toEqual([path, 404, 'application/problem+json; charset=utf-8']);
      }
    });

    it('the cookie is Secure when the request came over HTTPS through the proxy; sign-out clears it', async () => {
      const signedIn = await signIn({ personId: 'seg', name: 'Maria Bianchi', role: 'segretario' }, { 'X-Piao-Client': 'web', 'X-Forwarded-Proto': 'https' });
      const set = String(signedIn.headers['set-cookie']);
      expect(set).toMatch(/^piao_session=/);
      expect(set).toMatch(/; HttpOnly/);
      expect(set).toMatch(/; Secure/);
      expect(set).toMatch(/; SameSite=Strict/);
      const plain = String((await signIn({ personId: 'seg', name: 'Maria Bianchi', role: 'segretario' })).headers['set-cookie']);
      expect(plain).not.toMatch(/; Secure/);
      const out = await request(base).post('/session/sign-out').set('Cookie', cookieOf(signedIn)).set('X-Piao-Client', 'web');
      expect(out.status).toBe(204);
      expect(String(out.headers['set-cookie'])).toMatch(/^piao_session=;.*Expires=Thu, 01 Jan 1970/);
    });
  });
});

describe('the development sign-in, closed, and the cookie on an HTTPS installation', () => {
  it('is closed with a secret of the installation’s own (NODE_ENV=development) and beside an identity provider', async () => {
    const closings: Record<string, string>[] = [
      { NODE_ENV: 'development', JWT_SECRET: 'a-gateway-secret-of-this-installation-0123456789' },
      { OIDC_JWKS_URL: 'http://127.0.0.1:9/jwks' },
    ];
    for (const env of closings) {
      const api = await startApi('pglite', env);
      try {
        const http = api.app.getHttpServer();
        expect((await request(http).get('/session/options')).body.development).toBe(false);
        const refused = await request(http).post('/session/development').set('X-Piao-Client', 'web').send({ personId: 'x', name: 'X', role: 'admin' });
        expect(refused.status).toBe(404);
      } finally {
        await api.close();
      }
    }
  });

  it('is __Host-piao_session, always Secure, when PUBLIC_BASE_URL is https; the other name is not read', async () => {
    const api = await startApi('pglite', { PUBLIC_BASE_URL: 'https://piao.comune.example' });
    try {
      const http = api.app.getHttpServer();
      const signedIn = await request(http)
        .post('/session/development')
        .set('X-Piao-Client', 'web')
        .send({ personId: 'seg', name: 'Maria Bianchi', role: 'segretario' });
      const set = String(signedIn.headers['set-cookie']);
      expect(set).toMatch(/^__Host-piao_session=.*; Path=\/;.*; Secure/);
      const token = set.split(';')[0].split('=').slice(1).join('=');
      expect((await request(http).get('/session').set('Cookie', `__Host-piao_session=${token}`)).status).toBe(200);
      // A cookie planted under the plain name (by a sibling subdomain) opens nothing.
      expect((await request(http).get('/session').set('Cookie', `piao_session=${token}`)).status).toBe(401);
    } finally {
      await api.close();
    }
  });

  it('is a 404 when DEVELOPMENT_SIGN_IN=false, and the sign-in options say so', async () => {
    const api = await startApi('pglite', { DEVELOPMENT_SIGN_IN: 'false' });
    try {
      const http = api.app.getHttpServer();
      expect((await request(http).get('/session/options')).body).toEqual({ development: false, demoEnte: 'comune-demo', identityProvider: false });
      const refused = await request(http)
        .post('/session/development')
        .set('X-Piao-Client', 'web')
        .send({ personId: 'seg', name: 'Maria Bianchi', role: 'segretario' });
      expect(refused.status).toBe(404);
      expect(refused.headers['set-cookie']).toBeUndefined();
    } finally {
      await api.close();
    }
  });
});
