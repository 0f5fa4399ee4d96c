import request from 'supertest';
import { type Browser, type Page } from 'playwright-core';
import { startApi, type Api } from '../support/api-harness';
import { freePort } from '../support/api-process';
import { accessibilityViolations, buildWebInterface, launchChromium } from '../support/browser';
import { CLIENT_SECRET, OidcProviderProcess, signingKey } from '../identity/provider-harness';

const AUDIENCE = 'https://api.piao.example';
const WEB_CLIENT = 'piao-web';

/**
 * The browser sign-in through the ente's identity provider: a real OpenID provider (panva's oidc-provider, in a
 * process of its own) with its development login page, the API on PGlite serving the interface, and Chromium going
 * from the sign-in page to the provider and back, signed in. Then what can go wrong, from outside the browser: an
 * answer without the sign-in under way, another sign-in's state, a refusal at the provider, a code used twice, a
 * person the provider names without an ente, a provider that does not answer, and a `returnTo` to another site.
 */
describe('sign-in through the identity provider (authorization code with PKCE, Chromium)', () => {
  let provider: OidcProviderProcess;
  let webDir: string;
  let api: Api;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    webDir = buildWebInterface();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    provider = await OidcProviderProcess.start({
      audience: AUDIENCE,
      keys: [await signingKey('RS256', 'k1')],
      clients: { seeder: { alg: 'RS256', claims: { name: 'Ufficio Personale', ente: 'comune-demo', roles: ['segretario'] } } },
      webClients: { [WEB_CLIENT]: { alg: 'RS256', redirectUri: `${base}/session/oidc/callback`, postLogoutRedirectUri: `${base}/app/sign-in` } },
      accounts: {
        bianchi: { name: 'Maria Bianchi', ente: 'comune-demo', roles: ['segretario'] },
        // The provider knows this person but says nothing of their ente: no session can speak for them.
        esterno: { name: 'Consulente Esterno', ente: '', roles: ['dirigente'] },
      },
    });
    api = await startApi('pglite', {
      WEB_DIST_DIR: webDir,
      PUBLIC_BASE_URL: base,
      JWT_SECRET: '',
      OIDC_JWKS_URL: provider.jwksUrl,
      OIDC_ISSUER: provider.issuer,
      OIDC_AUDIENCE: AUDIENCE,
      OIDC_CLIENT_ID: WEB_CLIENT,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
      OIDC_SCOPES: 'openid profile piao',
    });
    await api.app.listen(port, '127.0.0.1');
    // A plan of the ente, so that the page signed in has something of the ente's to show.
    const created = await api
      .anonymous()
      .post('/plans')
      .set('Authorization', `Bearer ${await provider.token('seeder')}`)
      .send({ kind: 'PEG', title: 'PEG 2026 del Comune', fromYear: 2026, toYear: 2026 });
    expect(created.status).toBe(201);
    browser = await launchChromium();
    page = await (await browser.newContext({ locale: 'it-IT' })).newPage();
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await provider?.kill();
  });

  /** Signs in at the provider's development login page (any password) and consents. */
  const signInAtProvider = async (login: string) => {
    await page.waitForURL(`${provider.issuer}/**`);
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('una-password-qualsiasi');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
  };

  let callbackUrl: string | undefined;
  let callbackCookie: string | undefined;

  it('sends a visitor of a page to the provider and back to that page, signed in as the person the provider names; the session is the HttpOnly cookie', async () => {
    // What the provider sent the browser back with, kept to try it a second time below.
    // (A request event: the callback is reached by the provider's redirect, which page.route does not see.)
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/session/oidc/callback') callbackUrl = r.url();
    });
    await page.goto(`${base}/app/plans`);
    await page.waitForURL(`${base}/app/sign-in`);
    // Beside a provider, the development sign-in is closed: only the provider's way in is offered.
    await page.getByRole('link', { name: 'Accedi con l’identità dell’ente' }).waitFor();
    expect(await page.getByLabel('Identificativo').count()).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);

    const [leaving] = await Promise.all([
      page.waitForRequest((r) => r.url().startsWith(`${provider.issuer}/auth`)),
      page.getByRole('link', { name: 'Accedi con l’identità dell’ente' }).click(),
    ]);
    const authorization = new URL(leaving.url());
    await page.waitForURL(`${provider.issuer}/**`);
    const pending = (await page.context().cookies(base)).find((c) => c.name === 'piao_sign_in');
    callbackCookie = `piao_sign_in=${pending!.value}`;
    await signInAtProvider('bianchi');
    // PKCE with S256, state and nonce on the way out.
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorization.searchParams.get('client_id')).toBe(WEB_CLIENT);
    expect(authorization.searchParams.get('redirect_uri')).toBe(`${base}/session/oidc/callback`);
    expect(authorization.searchParams.get('state')).toBeTruthy();
    expect(authorization.searchParams.get('nonce')).toBeTruthy();

    // Back on the page asked for at first, as the provider's person, with the ente's plan.
    await page.waitForURL(`${base}/app/plans`);
    expect(await page.getByTestId('signed-in-as').textContent()).toBe('Accesso come Maria Bianchi (Segretario Generale)');
    await page.getByRole('link', { name: /PEG 2026 del Comune/ }).waitFor();
    const cookies = await page.context().cookies(base);
    const session = cookies.find((c) => c.name === 'piao_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    // The sign-in under way is forgotten once used, and the page's scripts see no token.
    expect(cookies.find((c) => c.name === 'piao_sign_in')).toBeUndefined();
    expect(await page.evaluate('document.cookie')).toBe('');
    // The cookie lasts as long as the provider's access token (600 s here), not the development sign-in's 8 hours.
    expect(session!.expires * 1000 - Date.now()).toBeLessThanOrEqual(600_000);
    expect(session!.expires * 1000 - Date.now()).toBeGreaterThan(500_000);
  });

  it('the session speaks for the person, ente and role the provider signed; sign-out ends it here and at the provider', async () => {
    const who = await page.evaluate(`fetch('/session').then((r) => r.json())`);
    expect(who).toEqual({ personId: 'bianchi', name: 'Maria Bianchi', ente: 'comune-demo', roles: ['segretario'] });
    expect((await page.context().cookies(base)).find((c) => c.name === 'piao_id_token')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await page.getByRole('button', { name: 'Esci' }).click();
    // The provider's own sign-out page (RP-initiated logout, with the ID token as hint), then back to the sign-in.
    await page.waitForURL(`${provider.issuer}/**`);
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL(`${base}/app/sign-in`);
    const cookies = await page.context().cookies(base);
    expect(cookies.find((c) => c.name === 'piao_session')).toBeUndefined();
    expect(cookies.find((c) => c.name === 'piao_id_token')).toBeUndefined();
    expect((await page.evaluate(`fetch('/session').then((r) => r.status)`)) as number).toBe(401);
    // Signing in again asks for the person's credentials: the provider's session ended too.
    await page.getByRole('link', { name: 'Accedi con l’identità dell’ente' }).click();
    await page.locator('input[name="login"]').waitFor();
  });

  it('the provider’s answer used a second time opens no session: the code is spent', async () => {
    expect(callbackUrl).toContain('code=');
    const replay = await request(base)
      .get(new URL(callbackUrl!).pathname + new URL(callbackUrl!).search)
      .set('Cookie', callbackCookie!);
    expect(replay.status).toBe(303);
    expect(replay.headers.location).toBe('/app/sign-in?error=refused');
    expect(String(replay.headers['set-cookie'])).not.toMatch(/piao_session=[^;]/);
  });

  it('an answer without the sign-in under way, or with another sign-in’s state, is sent back to the sign-in as expired', async () => {
    const bare = await request(base).get('/session/oidc/callback?code=abc&state=xyz');
    expect(bare.status).toBe(303);
    expect(bare.headers.location).toBe('/app/sign-in?error=expired');
    // A sign-in under way in this browser, and an answer that belongs to another one.
    const begun = await request(base).get('/session/oidc/sign-in');
    expect(begun.status).toBe(303);
    const pending = String(begun.headers['set-cookie']).split(';')[0];
    expect(pending).toMatch(/^piao_sign_in=/);
    expect(String(begun.headers['set-cookie'])).toMatch(/HttpOnly/);
    expect(String(begun.headers['set-cookie'])).toMatch(/SameSite=Lax/);
    const other = await request(base).get('/session/oidc/callback?code=abc&state=another-sign-in-state').set('Cookie', pending);
    expect(other.headers.location).toBe('/app/sign-in?error=expired');
    // A cookie that is not one the server set (tampered) counts as none.
    const forged = await request(base).get('/session/oidc/callback?code=abc&state=xyz').set('Cookie', 'piao_sign_in=eyJzdGF0ZSI6Inh5eiJ9');
    expect(forged.headers.location).toBe('/app/sign-in?error=expired');
  });

  it('a refusal at the provider is said in Italian on the sign-in page', async () => {
    const begun = await request(base).get('/session/oidc/sign-in');
    const pending = String(begun.headers['set-cookie']).split(';')[0];
    const state = new URL(begun.headers.location).searchParams.get('state')!;
    const denied = await request(base).get(`/session/oidc/callback?error=access_denied&state=${state}`).set('Cookie', pending);
    expect(denied.status).toBe(303);
    expect(denied.headers.location).toBe('/app/sign-in?error=denied');
    await page.goto(`${base}${denied.headers.location}`);
    expect(await page.getByRole('alert').textContent()).toBe('Accesso annullato: il sistema di identità non ha autorizzato l’accesso.');
    // An error code the page does not know reads as a refusal, never as the raw code.
    await page.goto(`${base}/app/sign-in?error=%3Cscript%3E`);
    expect(await page.getByRole('alert').textContent()).toBe(
      'Il sistema di identità ha rifiutato l’accesso: riprova, e se si ripete rivolgiti all’amministratore.',
    );
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('a person the provider names without an ente gets no session, and is told why', async () => {
    // Another browser: the provider would otherwise remember the person signed in before.
    page = await (await browser.newContext({ locale: 'it-IT' })).newPage();
    await page.goto(`${base}/app/sign-in`);
    await page.getByRole('link', { name: 'Accedi con l’identità dell’ente' }).click();
    await signInAtProvider('esterno');
    await page.waitForURL(`${base}/app/sign-in?error=token-refused`);
    expect(await page.getByRole('alert').textContent()).toMatch(/non indica l’ente o il ruolo/);
    expect((await page.context().cookies(base)).find((c) => c.name === 'piao_session')).toBeUndefined();
  });

  it('returnTo must be a page of the interface: another site or an API path is a 400 naming the field', async () => {
    for (const returnTo of [
      '//evil.example/app',
      'https://evil.example/app',
      '/plans',
      '/app/../session',
      '/app/%2e%2e/session',
      '/app/%2E%2e/audit',
      '/app\\evil',
    ]) {
      const answer = await request(base).get('/session/oidc/sign-in').query({ returnTo });
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toEqual([expect.objectContaining({ field: 'returnTo', rule: 'interface-path' })]);
      expect(answer.headers['set-cookie']).toBeUndefined();
    }
    const fine = await request(base).get('/session/oidc/sign-in').query({ returnTo: '/app/objectives/abc?tab=1' });
    expect(fine.status).toBe(303);
  });
});

describe('sign-in through the identity provider: the installation’s settings', () => {
  it('on an HTTPS installation the sign-in under way is __Host-piao_sign_in, Secure; a provider that does not answer sends back to the sign-in page', async () => {
    const provider = await OidcProviderProcess.start({
      audience: AUDIENCE,
      keys: [await signingKey('RS256', 'k1')],
      clients: {},
      webClients: { [WEB_CLIENT]: { alg: 'RS256', redirectUri: 'https://piao.example/session/oidc/callback' } },
    });
    const settings = {
      PUBLIC_BASE_URL: 'https://piao.example',
      JWT_SECRET: '',
      OIDC_JWKS_URL: provider.jwksUrl,
      OIDC_ISSUER: provider.issuer,
      OIDC_AUDIENCE: AUDIENCE,
      OIDC_CLIENT_ID: WEB_CLIENT,
    };
    const api = await startApi('pglite', settings);
    try {
      expect((await api.anonymous().get('/session/options')).body).toMatchObject({ development: false, identityProvider: true });
      const begun = await api.anonymous().get('/session/oidc/sign-in');
      expect(begun.status).toBe(303);
      expect(new URL(begun.headers.location).searchParams.get('redirect_uri')).toBe('https://piao.example/session/oidc/callback');
      const cookie = String(begun.headers['set-cookie']);
      expect(cookie).toMatch(/^__Host-piao_sign_in=[^;]+; Max-Age=600; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Lax$/);
      // The provider gone: a new installation (nothing remembered of it) sends the person back, told to retry later.
      await provider.kill();
      const fresh = await startApi('pglite', settings);
      try {
        const unavailable = await fresh.anonymous().get('/session/oidc/sign-in');
        expect(unavailable.status).toBe(303);
        expect(unavailable.headers.location).toBe('/app/sign-in?error=provider-unavailable');
        expect(unavailable.headers['set-cookie']).toBeUndefined();
      } finally {
        await fresh.close();
      }
    } finally {
      await api.close();
      await provider.kill();
    }
  });
});
