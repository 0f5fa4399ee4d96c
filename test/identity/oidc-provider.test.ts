import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { decodeProtectedHeader, SignJWT, type JWK } from 'jose';
import { startApi, type Api } from '../support/api-harness';
import { OidcProviderProcess, signingKey, type ClientSettings } from './provider-harness';

/**
 * The API as a resource server of a real OpenID provider (panva's oidc-provider, in a process of its own), with RS256
 * and ES256 keys that are added, removed, and whose provider goes down: docs/identity.md.
 */

const AUDIENCE = 'https://piao.example/api';
const SEGRETARIO = { name: 'Maria Bianchi', ente: 'comune-demo', roles: ['segretario'] };
const NUCLEO = { name: 'Nucleo di Valutazione', ente: 'comune-demo', roles: ['nucleo', 'rpct'] };
/** The key-set bound of the main API under test: a removed key is refused within it. */
const MAX_AGE_S = 2;
/** The cooldown of the second API, whose key set is kept a minute: only unknown key ids make it fetch. */
const COOLDOWN_S = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns true; the time it took, or a failure after timeoutMs. */
async function within(timeoutMs: number, probe: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`still not so after ${timeoutMs} ms`);
    await sleep(100);
  }
}

let rsa1: JWK, rsa2: JWK, ec1: JWK;
let provider: OidcProviderProcess;
/** The main API: the key set is kept OIDC_JWKS_MAX_AGE_SECONDS=2 at most, cooldown 1 s, clock tolerance 1 s. */
let api: Api;
/** Another API on the same provider whose key set is kept 60 s: only an unknown key id makes it fetch earlier. */
let patient: Api;
let rsOld: string;

const CLIENTS: Record<string, ClientSettings> = {
  'seg-rs': { alg: 'RS256', kid: 'rsa1', claims: SEGRETARIO },
  'ndv-es': { alg: 'ES256', kid: 'ec1', claims: NUCLEO },
  'seg-rs-new': { alg: 'RS256', kid: 'rsa2', claims: SEGRETARIO },
  'short-lived': { alg: 'RS256', kid: 'rsa1', ttl: 2, claims: SEGRETARIO },
  'no-exp': { alg: 'RS256', kid: 'rsa1', claims: SEGRETARIO, tamper: { deleteExp: true } },
  'not-yet': { alg: 'ES256', kid: 'ec1', claims: SEGRETARIO, tamper: { nbfIn: 600 } },
  'other-issuer': { alg: 'RS256', kid: 'rsa1', claims: SEGRETARIO, tamper: { iss: 'https://evil.example' } },
  'unknown-kid': { alg: 'RS256', kid: 'rsa1', claims: SEGRETARIO, tamper: { randomKid: true } },
  'nul-ente': { alg: 'RS256', kid: 'rsa1', claims: { ...SEGRETARIO, ente: 'comune-demo\u0000' } },
  'long-ente': { alg: 'RS256', kid: 'rsa1', claims: { ...SEGRETARIO, ente: 'c'.repeat(101) } },
  'lone-surrogate': { alg: 'ES256', kid: 'ec1', claims: { ...SEGRETARIO, name: 'Maria \ud800Bianchi' } },
  'escape-in-name': { alg: 'ES256', kid: 'ec1', claims: { ...SEGRETARIO, name: 'Maria \u001b[2JBianchi' } },
  'bidi-override': { alg: 'ES256', kid: 'ec1', claims: { ...SEGRETARIO, name: 'Maria \u202eihcnaiB' } },
};

function apiEnv(overrides: Record<string, string>): Record<string, string> {
  return {
    NODE_ENV: 'production',
    JWT_SECRET: '',
    RUN_PROCESSORS: 'false',
    OIDC_JWKS_URL: provider.jwksUrl,
    OIDC_ISSUER: provider.issuer,
    OIDC_AUDIENCE: AUDIENCE,
    ...overrides,
  };
}

const organisation = (on: Api, token: string) => on.anonymous().get('/organisation').set('Authorization', `Bearer ${token}`);
const status = async (on: Api, token: string) => (await organisation(on, token)).status;

beforeAll(async () => {
  [rsa1, rsa2, ec1] = await Promise.all([signingKey('RS256', 'rsa1'), signingKey('RS256', 'rsa2'), signingKey('ES256', 'ec1')]);
  provider = await OidcProviderProcess.start({ audience: AUDIENCE, keys: [rsa1, ec1], clients: CLIENTS });
  api = await startApi('pglite', apiEnv({ OIDC_JWKS_MAX_AGE_SECONDS: String(MAX_AGE_S), OIDC_JWKS_COOLDOWN_SECONDS: '1', OIDC_CLOCK_TOLERANCE_SECONDS: '1' }));
  patient = await startApi('pglite', apiEnv({ OIDC_JWKS_MAX_AGE_SECONDS: '60', OIDC_JWKS_COOLDOWN_SECONDS: String(COOLDOWN_S) }));
  rsOld = await provider.token('seg-rs');
});

afterAll(async () => {
  await provider?.kill();
  await api?.close();
  await patient?.close();
});

describe('tokens of a real OpenID provider (oidc-provider, client_credentials, JWT access tokens)', () => {
  it('accepts RS256 and ES256 access tokens with its issuer, the API as audience, an expiry and the claims', async () => {
    const es = await provider.token('ndv-es');
    expect(decodeProtectedHeader(rsOld)).toMatchObject({ alg: 'RS256', kid: 'rsa1', typ: 'at+jwt' });
    expect(decodeProtectedHeader(es)).toMatchObject({ alg: 'ES256', kid: 'ec1' });
    for (const on of [api, patient]) {
      const rs = await organisation(on, rsOld);
      expect([rs.status, rs.body.ente]).toEqual([200, 'comune-demo']);
      expect((await organisation(on, es)).status).toBe(200);
    }
  });

  it.each([
    ['another issuer', 'other-issuer', /another issuer/],
    ['no expiry (exp)', 'no-exp', /no "exp" claim/],
    ['a not-before (nbf) ten minutes ahead', 'not-yet', /not valid yet/],
    ['a NUL character in ente', 'nul-ente', /ente claim holds control/],
    ['an ente of 101 characters', 'long-ente', /ente claim is longer than 100/],
    ['a lone surrogate in name', 'lone-surrogate', /name claim holds control/],
    ['a terminal escape in name', 'escape-in-name', /name claim holds control/],
    ['a right-to-left override in name', 'bidi-override', /name claim holds control/],
  ])('refuses a token with %s: 401, and the detail names no address', async (_, client, detail) => {
    const response = await organisation(api, await provider.token(client));
    expect([response.status, response.body.type]).toEqual([401, '/problems/unauthenticated']);
    expect(response.body.detail).toMatch(detail);
    expect(JSON.stringify(response.body)).not.toMatch(/127\.0\.0\.1|localhost/);
  });

  it('refuses a token issued for another resource (aud): 401', async () => {
    const response = await organisation(api, await provider.token('seg-rs', 'https://other.example/api'));
    expect([response.status, response.body.detail]).toEqual([401, expect.stringMatching(/another audience/)]);
  });

  it('refuses a token once it has expired, past the clock tolerance, though it was accepted (and remembered) before', async () => {
    const token = await provider.token('short-lived');
    expect(await status(api, token)).toBe(200);
    await sleep(2_000 + 1_000 + 300);
    const response = await organisation(api, token);
    expect([response.status, response.body.detail]).toEqual([401, expect.stringMatching(/expired/)]);
  });

  it('refuses HS256 tokens, even signed with a secret, when keys come from a provider', async () => {
    const hs = await new SignJWT({ ...SEGRETARIO })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setIssuer(provider.issuer)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('x'.repeat(40)));
    expect(await status(api, hs)).toBe(401);
  });
});

describe('key rotation', () => {
  it('a key added to the set: tokens signed with it are taken at once (an unknown kid fetches the set), older ones still are', async () => {
    await sleep(COOLDOWN_S * 1000 + 100); // the patient API's last fetch is older than its cooldown
    await provider.restart({ keys: [rsa2, rsa1, ec1] });
    const rsNew = await provider.token('seg-rs-new');
    expect(decodeProtectedHeader(rsNew).kid).toBe('rsa2');
    // The patient API's key set is fresh for a minute and does not hold rsa2: the unknown kid makes it fetch, once.
    expect(await status(patient, rsNew)).toBe(200);
    expect(await provider.jwksFetches()).toBe(1);
    expect(await status(patient, rsOld)).toBe(200);
    expect(await status(api, rsNew)).toBe(200);
    expect(await status(api, rsOld)).toBe(200);
  });

  it('a flood of unknown key ids fetches the set at most once per cooldown', async () => {
    const made = await Promise.all(Array.from({ length: 60 }, () => provider.token('unknown-kid')));
    expect(new Set(made.map((t) => decodeProtectedHeader(t).kid)).size).toBe(60);
    await sleep(COOLDOWN_S * 1000 + 100);
    const before = await provider.jwksFetches();
    const first = await Promise.all(made.slice(0, 30).map((token) => organisation(patient, token)));
    expect(first.every((r) => r.status === 401 && /does not publish/.test(r.body.detail))).toBe(true);
    const second = await Promise.all(made.slice(30).map((token) => status(patient, token)));
    expect(second.every((s) => s === 401)).toBe(true);
    expect((await provider.jwksFetches()) - before).toBe(1);
    // One cooldown later, an unknown kid may fetch again: once.
    await sleep(COOLDOWN_S * 1000 + 100);
    expect(await status(patient, made[0])).toBe(401);
    expect(await status(patient, made[1])).toBe(401);
    expect((await provider.jwksFetches()) - before).toBe(2);
  });

  it(`a key removed from the set: its unexpired tokens are refused within OIDC_JWKS_MAX_AGE_SECONDS (${MAX_AGE_S} s), remembered or not`, async () => {
    expect(await status(api, rsOld)).toBe(200); // verified and remembered
    // Counted from when the provider publishes the new set (its restart is a new process, whose start-up is not the
    // API's doing); until then the old key is still the provider's.
    await provider.restart({ keys: [rsa2, ec1] });
    const removedAt = Date.now();
    // Never accepted again later than the bound (plus one polling round): refused with 401 once the new set is in,
    // or 503 while the restarted provider is not listening yet.
    await within(MAX_AGE_S * 1000 + 500, async () => (await status(api, rsOld)) !== 200);
    expect(Date.now() - removedAt).toBeLessThanOrEqual(MAX_AGE_S * 1000 + 500);
    await within(3_000, async () => (await status(api, rsOld)) === 401);
    expect((await organisation(api, rsOld)).body.detail).toMatch(/does not publish/);
    expect(await status(api, await provider.token('seg-rs-new'))).toBe(200);
    expect(await status(api, await provider.token('ndv-es'))).toBe(200);
  });
});

describe('the provider unavailable', () => {
  const expectUnavailable = async (token: string) => {
    const response = await organisation(api, token);
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBeDefined();
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: '/problems/identity-provider-unavailable', status: 503 });
    expect(JSON.stringify(response.body)).not.toMatch(new RegExp(`127\\.0\\.0\\.1|localhost|${provider.port}|ECONNREFUSED|jwks`, 'i'));
  };

  it('killed: 503 with Retry-After and no address once the key set is stale; a malformed or HS256 token stays 401; back: 200', async () => {
    const token = await provider.token('ndv-es');
    expect(await status(api, token)).toBe(200);
    await provider.kill();
    await within(MAX_AGE_S * 1000 + 1_000, async () => (await status(api, token)) === 503);
    await expectUnavailable(token);
    const hs = await new SignJWT({ ...SEGRETARIO }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setExpirationTime('5m').sign(new Uint8Array(32));
    for (const bad of ['not.a.token', 'abc', hs]) {
      const response = await organisation(api, bad);
      expect(response.status).toBe(401);
      expect(JSON.stringify(response.body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
    }
    await provider.restart();
    await within(3_000, async () => (await status(api, token)) === 200);
  });

  it('answering 5xx: 503, and a burst of requests does not hammer it', async () => {
    const token = await provider.token('ndv-es');
    await provider.setJwksMode('error');
    await within(MAX_AGE_S * 1000 + 1_000, async () => (await status(api, token)) === 503);
    await expectUnavailable(token);
    const before = await provider.jwksFetches();
    const started = Date.now();
    const burst = await Promise.all(Array.from({ length: 40 }, () => status(api, token)));
    const seconds = Math.floor((Date.now() - started) / 1000);
    expect(burst.every((s) => s === 503)).toBe(true);
    // After a failed fetch the verifier waits a second before the next attempt: 40 requests, one attempt per second.
    expect((await provider.jwksFetches()) - before).toBeLessThanOrEqual(1 + seconds);
    await provider.setJwksMode('ok');
    await within(3_000, async () => (await status(api, token)) === 200);
  });

  it('not answering: 503 once the fetch times out (5 s)', async () => {
    const token = await provider.token('ndv-es');
    expect(await status(api, token)).toBe(200);
    await provider.setJwksMode('hang');
    await sleep(MAX_AGE_S * 1000 + 100);
    const started = Date.now();
    await expectUnavailable(token);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_000);
    await provider.setJwksMode('ok');
    await within(3_000, async () => (await status(api, token)) === 200);
  });
});

describe('configuration refused at start: exit code 78 and one line on stderr, in every entry point', () => {
  const ROOT = join(__dirname, '../..');

  /** Runs an entry point from the sources, with nothing of this process's environment but PATH and HOME. */
  function run(entry: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', entry], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TS_NODE_TRANSPILE_ONLY: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
  }

  const production = { NODE_ENV: 'production', OIDC_JWKS_URL: 'https://idp.example/jwks', OIDC_ISSUER: 'https://idp.example', OIDC_AUDIENCE: 'piao-cycle' };

  it.each([
    [
      'apps/api/src/main.ts',
      'without OIDC_AUDIENCE',
      { ...production, OIDC_AUDIENCE: '' },
      /^Invalid configuration: OIDC_AUDIENCE \(not set\): .*required in production/,
    ],
    [
      'apps/api/src/main.ts',
      'with OIDC_JWKS_URL=not-a-url',
      { ...production, OIDC_JWKS_URL: 'not-a-url' },
      /^Invalid configuration: OIDC_JWKS_URL="not-a-url": /,
    ],
    ['apps/api/src/projector.ts', 'without OIDC_ISSUER', { ...production, OIDC_ISSUER: '' }, /^Invalid configuration: OIDC_ISSUER \(not set\): /],
    [
      'apps/worker/src/main.ts',
      'with OIDC_JWKS_URL=not-a-url',
      { ...production, OIDC_JWKS_URL: 'not-a-url' },
      /^Invalid configuration: OIDC_JWKS_URL="not-a-url": /,
    ],
  ])('%s %s', async (entry, _, env, message) => {
    const { code, stdout, stderr } = await run(entry, env);
    expect(code).toBe(78);
    expect(stdout).toBe('');
    expect(stderr.endsWith('\n')).toBe(true);
    expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(message)]);
  });
});
