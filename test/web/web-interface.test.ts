import { rmSync } from 'node:fs';
import { type AddressInfo } from 'node:net';
import request from 'supertest';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { allEvents, startApi, type Api } from '../support/api-harness';
import { accessibilityViolations, buildWebInterface, focused, launchChromium, tabUntil } from '../support/browser';
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
    context = await browser.newContext({ locale: 'it-IT' });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  const expectAccessible = async () => expect(await accessibilityViolations(page)).toEqual([]);

  it('sends a visitor to the sign-in, signs the Segretario in with the keyboard alone, and keeps the token out of the page', async () => {
    await page.goto(`${base}/`);
    await page.waitForURL(`${base}/app/sign-in`);
    await page.getByRole('heading', { name: 'Accesso di sviluppo' }).waitFor();
    await expectAccessible();

    // On a page just loaded, the first Tab reaches the skip link, which leads to the content.
    await page.goto(`${base}/app/sign-in`);
    await page.getByRole('heading', { name: 'Accesso di sviluppo' }).waitFor();
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

  it('a dirigente proposes a draft, records progress, sees an overdue deadline first, and is told when someone else changed the objective', async () => {
    await page.goto(`${base}/app/sign-in`);
    await page.getByLabel('Identificativo').fill(demo.people.dirigente.sub);
    await page.getByLabel('Nome e cognome').fill(demo.people.dirigente.name);
    await page.getByLabel('Ruolo').selectOption('dirigente');
    await page.getByRole('button', { name: 'Accedi' }).click();
    await page.getByTestId('signed-in-as').getByText(`Accesso come ${demo.people.dirigente.name} (Dirigente)`).waitFor();

    await page.getByRole('navigation', { name: 'Navigazione principale' }).getByRole('link', { name: 'I miei obiettivi' }).click();
    await page.getByRole('heading', { name: 'I miei obiettivi', level: 1 }).waitFor();
    // Phase f1 of S08_01 ended on 30/06/2025 at 60 %: overdue, listed first.
    const firstDeadline = page.getByRole('row').nth(1);
    await firstDeadline.getByText('Fine fase: Analisi dei bisogni').waitFor();
    expect(await firstDeadline.textContent()).toMatch(/30\/06\/2025 \(scaduta da \d+ giorni\)/);
    await expectAccessible();

    // The draft: proposed from its page.
    await page.getByRole('link', { name: /S08_02/ }).click();
    await page.getByRole('button', { name: 'Proponi l’obiettivo' }).click();
    await page.getByRole('status').getByText('Obiettivo proposto.').waitFor();
    await page.getByRole('listitem').getByText('Obiettivo proposto', { exact: true }).waitFor();
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
    await page.getByRole('button', { name: 'Esci' }).click();
    await page.getByTestId('signed-in-as').waitFor({ state: 'detached' });
  });

  describe('the session cookie, crossed from outside the browser', () => {
    const signIn = (body: object, headers: Record<string, string> = { 'X-Piao-Client': 'web' }) =>
      request(base).post('/session/development').set(headers).send(body);
    const cookieOf = (response: request.Response) => String(response.headers['set-cookie']).split(';')[0];

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
    });
  });
});

describe('the development sign-in, closed', () => {
  it('is a 404 when DEVELOPMENT_SIGN_IN=false, and the sign-in options say so', async () => {
    const api = await startApi('pglite', { DEVELOPMENT_SIGN_IN: 'false' });
    try {
      const http = api.app.getHttpServer();
      expect((await request(http).get('/session/options')).body).toEqual({ development: false, demoEnte: 'comune-demo' });
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
