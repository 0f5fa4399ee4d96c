import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Role } from '@piao/lifecycle';
import { mintDevelopmentToken } from '../../apps/api/src/auth/development-token';

const ROOT = join(__dirname, '../..');

/** The secret the API processes sign and check development tokens with, unless a test gives another. */
export const API_PROCESS_SECRET = 'api-process-secret-api-process-secret-0123456789';

export interface ApiProcessOptions {
  /**
   * The API's environment, over the defaults: NODE_ENV=test, a free PORT, JWT_SECRET, LOG_LEVEL=silent,
   * EVENT_STORE=pglite and PGLITE_DATA_DIR=memory:// (never the developer's ./data). E.g. { PGLITE_DATA_DIR: dir },
   * or { EVENT_STORE: 'postgres', DATABASE_URL: url }.
   */
  env?: Record<string, string>;
  /** Pino's level for the API's own log (on stdout, see stdout()); silent by default. */
  logLevel?: string;
  /** How long start waits for GET /health to answer 200. */
  readyTimeoutMs?: number;
}

/** How a process ended: its exit code, or the signal that ended it. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface TokenHolder {
  sub: string;
  name: string;
  ente: string;
  roles: Role[];
}

export interface ApiProcess {
  readonly pid: number;
  /** The API's base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** Settles when the process has ended (never rejects). */
  readonly exited: Promise<ProcessExit>;
  /** Everything the process wrote on stderr so far. */
  stderr(): string;
  /** Everything the process wrote on stdout so far (the API's log, when logLevel is given). */
  stdout(): string;
  /** Resolves once GET /health answers 200; rejects, with stderr, if the process ends first or timeoutMs passes. */
  ready(timeoutMs?: number): Promise<void>;
  /** The exit, if the process ends within timeoutMs; rejects, with stderr, otherwise (the process is left running). */
  exitedWithin(timeoutMs: number): Promise<ProcessExit>;
  /** Sends the signal (SIGTERM by default) and waits for the process to end. */
  kill(signal?: NodeJS.Signals): Promise<ProcessExit>;
  /** A request to the API, with the person's bearer token when given. */
  fetch(path: string, init?: { method?: string; body?: unknown; as?: TokenHolder; headers?: Record<string, string> }): Promise<Response>;
}

const running = new Set<ChildProcess>();
let cleanupInstalled = false;

/**
 * Ports handed out to child processes come from outside the OS's ephemeral range (32768–60999 on Linux, 49152–65535
 * elsewhere), each jest worker from a block of its own: a port the OS picked (listen(0)) and this helper then freed
 * was handed out again before the child bound it, to another suite's listen(0) or to a second child — which then
 * died of EADDRINUSE while the first answered its health check in its stead (a crash test saw "exit code 1" for a
 * process it had never reached). The OS never gives these ports to listen(0) or to an outgoing connection, and the
 * workers' blocks do not overlap, so only a port in use by something else is met, and it is skipped.
 */
const PORT_BLOCKS_FROM = 20_000;
const PORT_BLOCK = 1_000;
let portsHandedOut: number | undefined;

/** A TCP port free right now on 127.0.0.1, for a server another process will start. */
export async function freePort(): Promise<number> {
  const worker = Number(process.env.JEST_WORKER_ID ?? 1);
  const block = PORT_BLOCKS_FROM + ((worker - 1) % 10) * PORT_BLOCK;
  // A random start in the block: two runs of the suites side by side (same worker ids) rarely meet.
  portsHandedOut ??= Math.floor(Math.random() * PORT_BLOCK);
  for (let tried = 0; tried < PORT_BLOCK; tried++) {
    const port = block + (portsHandedOut++ % PORT_BLOCK);
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port in ${block}–${block + PORT_BLOCK - 1}`);
}

async function bindable(port: number): Promise<boolean> {
  const server = createServer();
  const bound = await new Promise<boolean>((resolve) => server.once('error', () => resolve(false)).listen(port, '127.0.0.1', () => resolve(true)));
  if (bound) await new Promise<void>((resolve) => server.close(() => resolve()));
  return bound;
}

/**
 * The real API as a child process, run from the sources (no build needed): `node -r ts-node/register/transpile-only
 * -r tsconfig-paths/register apps/api/src/main.ts`. It is not waited for: see ready(), or startApiProcess.
 */
/** The audit signing key of the tests' API processes: outside the working tree (created on first use). */
export const TEST_AUDIT_SIGNER_KEY_FILE = join(tmpdir(), 'piao-test-audit-signer.key');

export async function spawnApiProcess(options: ApiProcessOptions = {}): Promise<ApiProcess> {
  const port = await freePort();
  const secret = options.env?.JWT_SECRET ?? API_PROCESS_SECRET;
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/api/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      EVENT_STORE: 'pglite',
      PGLITE_DATA_DIR: 'memory://',
      LOG_LEVEL: options.logLevel ?? 'silent',
      AUDIT_SIGNER_KEY_FILE: TEST_AUDIT_SIGNER_KEY_FILE,
      ...options.env,
      NODE_ENV: 'test',
      PORT: String(port),
      JWT_SECRET: secret,
      TS_NODE_TRANSPILE_ONLY: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  installCleanup();
  let stderr = '';
  let stdout = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('error', (error) => {
      stderr += `${error.message}\n`;
      running.delete(child);
      resolve({ code: null, signal: null });
    });
    child.once('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const api: ApiProcess = {
    pid: child.pid ?? -1,
    url,
    exited,
    stderr: () => stderr,
    stdout: () => stdout,
    async ready(timeoutMs = options.readyTimeoutMs ?? 60_000) {
      const deadline = Date.now() + timeoutMs;
      let ended: ProcessExit | undefined;
      void exited.then((exit) => (ended = exit));
      for (;;) {
        if (ended) throw new Error(`the API process ended (${describeExit(ended)}) before GET /health answered 200; its stderr:\n${stderr}`);
        const status = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) }).then(
          (response) => response.status,
          () => undefined,
        );
        if (status === 200) return;
        if (Date.now() > deadline) {
          await api.kill('SIGKILL');
          throw new Error(
            `the API process did not answer GET /health with 200 within ${timeoutMs} ms (last: ${status ?? 'no answer'}); its stderr:\n${stderr}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async exitedWithin(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the API process was still running after ${timeoutMs} ms; its stderr:\n${stderr}`)), timeoutMs);
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    async fetch(path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      if (init.as) headers.authorization = `Bearer ${await mintDevelopmentToken(init.as, secret)}`;
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      return fetch(`${url}${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    },
  };
  return api;
}

/** Starts the API as a child process and waits until GET /health answers 200. */
export async function startApiProcess(options: ApiProcessOptions = {}): Promise<ApiProcess> {
  const api = await spawnApiProcess(options);
  await api.ready();
  return api;
}

/** Ends every API process still running (for afterAll/afterEach): SIGKILL, since a test that left one has failed anyway. */
export async function killApiProcesses(): Promise<void> {
  const children = [...running];
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('close', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

export const describeExit = (exit: ProcessExit) => (exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`);

/** No API process outlives the test run, even when a test forgets to stop its own. */
function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}
