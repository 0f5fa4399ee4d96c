import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Client } from 'pg';
import { AppConfig, ConfigError, loadConfig } from '@piao/config';
import { ManualClock } from '@piao/application';
import { POSTGRES_ADMIN_URL } from '../support/postgres';
import { startApi, TEST_SECRET, type Api } from '../support/api-harness';
import { mintDevelopmentToken } from '../../apps/api/src/auth/development-token';

describe('tokens from an OIDC provider, verified against its JWKS', () => {
  let jwks: Server;
  let api: Api;
  let sign: (claims: Record<string, unknown>, options?: { issuer?: string; audience?: string; expires?: boolean }) => Promise<string>;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
    api = await startApi('pglite', {
      NODE_ENV: 'production',
      JWT_SECRET: '',
      OIDC_JWKS_URL: url,
      OIDC_ISSUER: 'https://idp.example',
      OIDC_AUDIENCE: 'piao-cycle',
    });
    sign = (claims, { issuer = 'https://idp.example', audience = 'piao-cycle', expires = true } = {}) => {
      const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('rossi').setIssuer(issuer).setAudience(audience);
      return (expires ? jwt.setExpirationTime('5m') : jwt).sign(privateKey);
    };
  });
  afterAll(async () => {
    await api.close();
    jwks.close();
  });

  const organisation = (token: string) => api.anonymous().get('/organisation').set('Authorization', `Bearer ${token}`);

  it('accepts a token signed by the provider with the expected issuer and audience', async () => {
    const response = await organisation(await sign({ name: 'Mario Rossi', ente: 'comune-oidc', roles: ['dirigente'] }));
    expect(response.status).toBe(200);
    expect(response.body.ente).toBe('comune-oidc');
  });

  it.each([
    ['another issuer', { issuer: 'https://evil.example' }, {}],
    ['another audience', { audience: 'other-app' }, {}],
    ['no ente claim', {}, { ente: undefined }],
    ['an unknown role', {}, { roles: ['sindaco'] }],
    ['no expiry', { expires: false }, {}],
  ])('refuses %s with 401', async (_, options, claims) => {
    const token = await sign({ name: 'Mario Rossi', ente: 'comune-oidc', roles: ['dirigente'], ...claims }, options);
    expect((await organisation(token)).status).toBe(401);
  });

  it('refuses a development token signed with a shared secret', async () => {
    const hs = await new SignJWT({ name: 'X', ente: 'comune-oidc', roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setIssuer('https://idp.example')
      .setAudience('piao-cycle')
      .sign(new TextEncoder().encode('piao-cycle-development-secret-do-not-use-in-production'));
    expect((await organisation(hs)).status).toBe(401);
  });
});

/** A production configuration with a shared secret (a gateway that signs HS256 tokens). */
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'a-production-secret-a-production-secret',
  OIDC_ISSUER: 'https://idp.example',
  OIDC_AUDIENCE: 'piao-cycle',
};

describe('configuration is checked at boot, naming each bad variable', () => {
  it.each([
    [{ EVENT_STORE: 'mysql' }, 'EVENT_STORE'],
    [{ EVENT_STORE: 'postgres' }, 'DATABASE_URL'],
    [{ EVENT_STORE: 'eventstoredb' }, 'EVENTSTORE_CONNECTION_STRING'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ NODE_ENV: 'production' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'production' }, 'OIDC_ISSUER'],
    [{ NODE_ENV: 'production' }, 'OIDC_AUDIENCE'],
    [{ ...PRODUCTION, JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ ...PRODUCTION, JWT_SECRET: 'piao-cycle-development-secret-do-not-use-in-production' }, 'JWT_SECRET'],
    [{ ...PRODUCTION, OIDC_ISSUER: '' }, 'OIDC_ISSUER \\(not set\\): .*required in production'],
    [{ ...PRODUCTION, OIDC_AUDIENCE: '' }, 'OIDC_AUDIENCE \\(not set\\): .*required in production'],
    [{ ...PRODUCTION, OIDC_JWKS_URL: 'https://idp.example/jwks' }, 'JWT_SECRET, OIDC_JWKS_URL: set one of them, not both'],
    [{ OIDC_JWKS_URL: 'not a url' }, 'OIDC_JWKS_URL'],
    [{ OIDC_JWKS_URL: 'not-a-url' }, 'OIDC_JWKS_URL="not-a-url"'],
    [{ OIDC_JWKS_URL: 'ftp://idp.example/jwks' }, 'OIDC_JWKS_URL'],
    [{ OIDC_ISSUER: 'idp.example' }, 'OIDC_ISSUER'],
    [{ OIDC_AUDIENCE: 'piao cycle' }, 'OIDC_AUDIENCE'],
    [{ OIDC_CLIENT_ID: 'piao-web' }, 'OIDC_CLIENT_ID: the browser sign-in needs OIDC_ISSUER and OIDC_JWKS_URL too'],
    [{ OIDC_CLIENT_ID: 'piao web', OIDC_ISSUER: 'https://idp.example', OIDC_JWKS_URL: 'https://idp.example/jwks' }, 'OIDC_CLIENT_ID="piao web"'],
    [{ OIDC_CLIENT_SECRET: 'short' }, 'OIDC_CLIENT_SECRET \\(value not shown\\)'],
    [{ OIDC_SCOPES: 'profile email' }, 'OIDC_SCOPES="profile email": must include openid'],
    [{ ...PRODUCTION, OIDC_CLIENT_ID: 'piao-web', OIDC_JWKS_URL: 'https://idp.example/jwks', JWT_SECRET: '' }, 'PUBLIC_BASE_URL: must be https://'],
    [
      {
        ...PRODUCTION,
        OIDC_CLIENT_ID: 'piao-web',
        OIDC_JWKS_URL: 'https://idp.example/jwks',
        JWT_SECRET: '',
        OIDC_ISSUER: 'http://idp.example',
        PUBLIC_BASE_URL: 'https://piao.example',
      },
      'OIDC_ISSUER: must be https://',
    ],
    [{ OIDC_SCOPES: 'openid  profile' }, 'OIDC_SCOPES'],
    [{ OIDC_RESOURCE: 'two words' }, 'OIDC_RESOURCE'],
    [{ OIDC_CLOCK_TOLERANCE_SECONDS: '3600' }, 'OIDC_CLOCK_TOLERANCE_SECONDS'],
    [{ OIDC_JWKS_MAX_AGE_SECONDS: '0' }, 'OIDC_JWKS_MAX_AGE_SECONDS'],
    [{ OIDC_JWKS_COOLDOWN_SECONDS: 'ten' }, 'OIDC_JWKS_COOLDOWN_SECONDS'],
    [{ PUBLIC_BASE_URL: 'not-a-url' }, 'PUBLIC_BASE_URL'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
    [{ API_WORKERS: '4' }, 'API_WORKERS'],
    [{ RUN_PROJECTIONS: 'false' }, 'RUN_PROJECTIONS: no longer read; use RUN_PROCESSORS'],
    [{ FAIL_POINTS: 'true' }, 'FAIL_POINTS'],
    [{ PROCESSOR_LEASE_MS: '10' }, 'PROCESSOR_LEASE_MS'],
    [{ IDEMPOTENCY_RETENTION_DAYS: '0' }, 'IDEMPOTENCY_RETENTION_DAYS'],
  ])('%j → %s', (env, variable) => {
    expect(() => loadConfig(env as NodeJS.ProcessEnv)).toThrow(ConfigError);
    expect(() => loadConfig(env as NodeJS.ProcessEnv)).toThrow(new RegExp(variable));
  });

  it('says everything in one line, naming each setting, and never repeats a secret', () => {
    let message = '';
    try {
      loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'too-short-to-sign', REDIS_URL: 'localhost:6379', OIDC_JWKS_URL: 'not-a-url' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Invalid configuration: /);
    expect(message).not.toMatch(/\n/);
    for (const setting of ['OIDC_JWKS_URL', 'OIDC_ISSUER', 'OIDC_AUDIENCE', 'REDIS_URL']) expect(message).toContain(setting);
    expect(message).not.toMatch(/too-short-to-sign|localhost:6379/);
  });

  it('runs production with a provider, or with a shared secret, given the issuer and the audience', () => {
    expect(loadConfig({ ...PRODUCTION, JWT_SECRET: undefined, OIDC_JWKS_URL: 'https://idp.example/jwks' }).OIDC_JWKS_URL).toBe('https://idp.example/jwks');
    expect(loadConfig(PRODUCTION).JWT_SECRET).toBe(PRODUCTION.JWT_SECRET);
  });

  it('needs nothing to run on the embedded defaults', () => {
    const config = loadConfig({});
    expect(config.storage()).toEqual({ kind: 'pglite', dataDir: './data' });
    expect(config.PORT).toBe(3000);
  });
});

describe('HS256 tokens', () => {
  const person = { sub: 'rossi', name: 'Mario Rossi', ente: 'comune-hs', roles: ['dirigente' as const] };
  const organisation = (api: Api, token: string) => api.anonymous().get('/organisation').set('Authorization', `Bearer ${token}`);

  it('development tokens always carry an expiry, and one without is refused', async () => {
    const api = await startApi('pglite', { RUN_PROCESSORS: 'false' });
    try {
      const minted = await mintDevelopmentToken(person, TEST_SECRET);
      expect(decodeJwt(minted).exp).toBeGreaterThan(Date.now() / 1000);
      expect((await organisation(api, minted)).status).toBe(200);
      const forever = await new SignJWT({ name: person.name, ente: person.ente, roles: person.roles })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(person.sub)
        .sign(new TextEncoder().encode(TEST_SECRET));
      const refused = await organisation(api, forever);
      expect([refused.status, refused.body.detail]).toEqual([401, expect.stringMatching(/no "exp" claim/)]);
    } finally {
      await api.close();
    }
  });

  it('in production with a shared secret, are checked for the issuer and the audience too', async () => {
    const api = await startApi('pglite', { ...PRODUCTION, RUN_PROCESSORS: 'false' });
    try {
      const mint = (options: { issuer?: string; audience?: string }) => mintDevelopmentToken(person, PRODUCTION.JWT_SECRET, options);
      expect((await organisation(api, await mint({ issuer: 'https://idp.example', audience: 'piao-cycle' }))).status).toBe(200);
      expect((await organisation(api, await mint({ audience: 'piao-cycle' }))).status).toBe(401);
      expect((await organisation(api, await mint({ issuer: 'https://idp.example' }))).status).toBe(401);
      expect((await organisation(api, await mint({ issuer: 'https://idp.example', audience: 'another-app' }))).status).toBe(401);
    } finally {
      await api.close();
    }
  });
});

describe('/health', () => {
  /** Runs SQL as the server's administrator, outside the API's pool. */
  async function asAdmin(sql: string, params: unknown[] = []): Promise<void> {
    const admin = new Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    await admin.query(sql, params);
    await admin.end();
  }

  it('answers 200 while PostgreSQL is reachable and 503 once it is not, then 200 again', async () => {
    const api = await startApi('postgres');
    const database = new URL(api.app.get(AppConfig).DATABASE_URL!).pathname.slice(1);
    try {
      const up = (await api.anonymous().get('/health/ready')).body;
      expect(up).toMatchObject({ status: 'ok', details: { eventStore: { status: 'up', kind: 'postgres' }, processors: { status: 'up' } } });
      expect(up.details.processors['read-models']).toMatchObject({ state: 'active', lagEvents: expect.any(Number), lagSeconds: expect.any(Number) });
      await asAdmin(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS false`);
      await asAdmin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [database]);
      const down = await api.anonymous().get('/health');
      expect(down.status).toBe(503);
      expect(down.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(down.headers['retry-after']).toBeDefined();
      expect(down.body.detail).toMatch(/eventStore: unreachable/);
      // Liveness checks nothing but the process.
      expect((await api.anonymous().get('/health/live')).status).toBe(200);
      await asAdmin(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS true`);
      expect((await api.anonymous().get('/health')).status).toBe(200);
    } finally {
      await api.close();
    }
  });

  it('gives its last answer again for READINESS_CACHE_MS (by the clock), then checks anew', async () => {
    const clock = new ManualClock(new Date());
    const api = await startApi('postgres', { READINESS_CACHE_MS: '1000' }, clock);
    const database = new URL(api.app.get(AppConfig).DATABASE_URL!).pathname.slice(1);
    const status = async () => (await api.anonymous().get('/health/ready')).status;
    try {
      expect(await status()).toBe(200);
      await asAdmin(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS false`);
      await asAdmin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [database]);
      // Within the second: the answer already given, without asking the database.
      expect(await status()).toBe(200);
      clock.advance(1_000);
      expect(await status()).toBe(503);
      await asAdmin(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS true`);
      // The 503 too is given again until the second is over.
      expect(await status()).toBe(503);
      clock.advance(1_000);
      expect(await status()).toBe(200);
    } finally {
      await asAdmin(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS true`);
      await api.close();
    }
  });
});
