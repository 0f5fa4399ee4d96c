import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { freePort } from '../support/api-process';

const SCRIPT = join(__dirname, 'oidc-provider-process.mjs');
/** The secret of every client of the test provider (oidc-provider-process.mjs). */
export const CLIENT_SECRET = 'piao-test-client-secret-piao-test-client-secret';

/** A private signing key in the provider's key set. */
export async function signingKey(alg: 'RS256' | 'ES256', kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
}

/** What the provider itself signs wrong for a client (see oidc-provider-process.mjs). */
export interface Tamper {
  deleteExp?: boolean;
  /** nbf this many seconds from now. */
  nbfIn?: number;
  iss?: string;
  /** A key id the provider does not publish, new for every token. */
  randomKid?: boolean;
}

export interface ClientSettings {
  alg: 'RS256' | 'ES256';
  /** The key that signs its tokens; the first of its alg otherwise. */
  kid?: string;
  /** Seconds its tokens are good for (600 otherwise). */
  ttl?: number;
  claims: Record<string, unknown>;
  tamper?: Tamper;
}

export interface ProviderSettings {
  /** The resource (aud) a token is for when the request names none. */
  audience: string;
  keys: JWK[];
  clients: Record<string, ClientSettings>;
  /** Clients that sign people in in a browser (authorization code with PKCE), and where they are sent back. */
  webClients?: Record<string, { alg: 'RS256' | 'ES256'; ttl?: number; redirectUri: string; postLogoutRedirectUri?: string }>;
  /** The people who can sign in at the provider's login page (any password), with their token's claims. */
  accounts?: Record<string, { name: string; ente: string; roles: string[] }>;
}

export type JwksMode = 'ok' | 'error' | 'hang';

const running = new Set<ChildProcess>();
// No provider outlives the test run, even when a test fails before its afterAll.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** panva's oidc-provider in a child process, on a port it keeps across restarts (its issuer does not change). */
export class OidcProviderProcess {
  private child?: ChildProcess;
  private stderr = '';

  private constructor(
    readonly port: number,
    private settings: ProviderSettings,
  ) {}

  static async start(settings: ProviderSettings): Promise<OidcProviderProcess> {
    const provider = new OidcProviderProcess(await freePort(), settings);
    await provider.launch();
    return provider;
  }

  get issuer(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get jwksUrl(): string {
    return `${this.issuer}/jwks`;
  }

  /** An access token for the client (client_credentials), for `resource` or the default audience. */
  async token(clientId: string, resource?: string): Promise<string> {
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: CLIENT_SECRET });
    if (resource) body.set('resource', resource);
    const response = await fetch(`${this.issuer}/token`, { method: 'POST', body });
    const answer = (await response.json()) as { access_token?: string };
    if (response.status !== 200 || !answer.access_token)
      throw new Error(`the provider gave no token to ${clientId}: ${response.status} ${JSON.stringify(answer)}`);
    return answer.access_token;
  }

  /** Requests its key set (/jwks) has received since it started. */
  async jwksFetches(): Promise<number> {
    const response = await fetch(`${this.issuer}/__test/jwks-fetches`);
    return ((await response.json()) as { fetches: number }).fetches;
  }

  /** /jwks answers normally, 503, or never. */
  async setJwksMode(mode: JwksMode): Promise<void> {
    const response = await fetch(`${this.issuer}/__test/jwks-mode?mode=${mode}`, { method: 'POST' });
    if (response.status !== 204) throw new Error(`jwks-mode answered ${response.status}`);
  }

  /** Kills it (SIGKILL: an outage, not a shutdown) and waits until the port is closed. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('close', () => resolve());
      child.kill('SIGKILL');
    });
  }

  /** Starts it again on the same port, with other settings (keys rotated or removed) if given. */
  async restart(settings: Partial<ProviderSettings> = {}): Promise<void> {
    await this.kill();
    this.settings = { ...this.settings, ...settings };
    await this.launch();
  }

  private async launch(): Promise<void> {
    this.stderr = '';
    const child = spawn(process.execPath, [SCRIPT], {
      env: { ...process.env, OIDC_TEST_PROVIDER: JSON.stringify({ ...this.settings, port: this.port, issuer: this.issuer }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    running.add(child);
    child.once('close', () => running.delete(child));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    await new Promise<void>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(() => reject(new Error(`the provider did not start within 20 s; its stderr:\n${this.stderr}`)), 20_000);
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('"listening"')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the provider ended (${signal ?? code}) before listening; its stderr:\n${this.stderr}`));
      });
    });
  }
}
