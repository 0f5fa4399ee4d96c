import { connect, createServer, type Socket } from 'node:net';
import { Client } from 'pg';
import { mintDevelopmentToken } from '../../apps/api/src/auth/development-token';
import { clientOf, type Api, type AuthorisedClient } from './api-harness';
import { API_PROCESS_SECRET, type ApiProcess, type TokenHolder } from './api-process';
import { POSTGRES_ADMIN_URL, withApplicationName } from './postgres';
import { seedEnte, type Ente } from './scenario';

/**
 * Tools of the fault tests (test/faults): a seeded ente on an API child process, the events of one request counted
 * by its correlation id straight from PostgreSQL, backends of a database terminated on a timer, and a client that
 * resends a command with the same Idempotency-Key until it gets an answer.
 */

/** A line of figures in the test output (the lint keeps console.log out of the code). */
export function report(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** The object without the named members. */
export function omit<T extends object>(value: T, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k)));
}

/** The database a PostgreSQL URL names. */
export const databaseOf = (url: string): string => decodeURIComponent(new URL(url).pathname.slice(1));

export { withApplicationName };

/** A command a fault test sends: who sends it, where, with what, and what its answer stands for. */
export interface FaultOp {
  label: string;
  who: 'dirigente' | 'segretario';
  path: string;
  body: object;
  /** The events a 2xx answer stands for, in log order. */
  events: string[];
  /** A command the domain refuses whatever happens: its answer must be a 4xx. */
  refused?: boolean;
}

/**
 * seedEnte (scenario.ts) run against an API child process over HTTP: organisation, a plan approved by the Giunta with
 * one approved objective, and a draft. The clients it returns are bound to this process's URL.
 */
export async function seedEnteOnProcess(api: ApiProcess, ente: string): Promise<Ente> {
  const client = async (person: TokenHolder): Promise<AuthorisedClient> => {
    const token = await mintDevelopmentToken(person, API_PROCESS_SECRET);
    return clientOf(api.url, token);
  };
  return seedEnte({ as: client } as unknown as Api, ente);
}

/** One stored event of a request, as the fault tests compare them. */
export interface CorrelatedEvent {
  correlationId: string;
  type: string;
  streamId: string;
  revision: number;
  /** `commit/prepare`, the format of the API's `position`. */
  position: string;
}

/** Every stored event whose metadata carries one of the correlation ids, in log order. */
export async function eventsByCorrelation(db: Client, correlationIds: readonly string[]): Promise<Map<string, CorrelatedEvent[]>> {
  const { rows } = await db.query<CorrelatedEvent>(
    `SELECT metadata->>'correlationId' AS "correlationId", type, stream_id AS "streamId", revision::integer AS revision,
            transaction_id::text || '/' || global_position::text AS position
       FROM es_events WHERE metadata->>'correlationId' = ANY($1::text[])
      ORDER BY transaction_id, global_position`,
    [correlationIds],
  );
  const byId = new Map<string, CorrelatedEvent[]>(correlationIds.map((id) => [id, []]));
  for (const row of rows) byId.get(row.correlationId)!.push(row);
  return byId;
}

/** `SELECT count(*) FROM es_events WHERE metadata->>'correlationId' = $1`, the claim's own measure. */
export async function countEvents(db: Client, correlationId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::integer AS n FROM es_events WHERE metadata->>'correlationId' = $1`, [correlationId]);
  return rows[0].n;
}

/** A pg client on the database (not pooled), for the tests' own reads; `application_name` keeps it apart. */
export async function observer(url: string, name = 'fault-test-observer'): Promise<Client> {
  const client = new Client({ connectionString: withApplicationName(url, name) });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

export interface ConnectionCutter {
  /** Backends terminated so far. */
  readonly terminated: number;
  /** Rounds run so far. */
  readonly rounds: number;
  /** Stops cutting; resolves once the last round has ended. */
  stop(): Promise<void>;
}

/**
 * Terminates every backend of `database` (except the cutter's own and those whose application_name is in `spare`)
 * every `everyMs()` milliseconds, from an admin session on the maintenance database.
 */
export async function cutConnections(database: string, everyMs: () => number, spare: string[] = ['fault-test-observer']): Promise<ConnectionCutter> {
  let admin: Client | undefined;
  let stopped = false;
  let terminated = 0;
  let rounds = 0;
  const connect = async () => {
    const client = new Client({ connectionString: POSTGRES_ADMIN_URL, application_name: 'fault-test-cutter' });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };
  admin = await connect();
  const loop = (async () => {
    while (!stopped) {
      await new Promise((resolve) => setTimeout(resolve, everyMs()));
      if (stopped) break;
      try {
        admin ??= await connect();
        // pg_terminate_backend in the select list: it runs only on the rows the WHERE clause kept (in the WHERE clause
        // the planner may call it before the other conditions, on every backend of the server).
        const { rows } = await admin.query<{ pid: number; terminated: boolean }>(
          `SELECT pid, pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
            WHERE datname = $1 AND pid <> pg_backend_pid() AND application_name <> ALL($2::text[])`,
          [database, spare],
        );
        terminated += rows.filter((r) => r.terminated).length;
        rounds += 1;
      } catch {
        // The cutter's own session was lost: open another one next round.
        await admin?.end().catch(() => undefined);
        admin = undefined;
      }
    }
  })();
  return {
    get terminated() {
      return terminated;
    },
    get rounds() {
      return rounds;
    },
    async stop() {
      stopped = true;
      await loop;
      await admin?.end().catch(() => undefined);
    },
  };
}

/** What one HTTP attempt gave: a status (0 for no answer at all: refused, reset, timed out), headers and body. */
export interface Attempt {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  /** Why there was no answer, when status is 0. */
  error?: string;
}

/** One logical command and every attempt at it, with the same Idempotency-Key and X-Correlation-Id each time. */
export interface CommandLog {
  label: string;
  correlationId: string;
  key: string;
  attempts: Attempt[];
  /** The last attempt, when it was an answer that ends the command (not a 503, not a lost connection). */
  final?: Attempt;
}

export interface Tally {
  commands: number;
  attempts: number;
  ok: number;
  clientErrors: number;
  unavailable: number;
  lost: number;
  serverErrors: number;
  replayed: number;
  unanswered: number;
}

/** Counts of a run: commands, attempts, final 2xx / 4xx, 503 answers, lost connections, other 5xx, replays. */
export function tally(logs: readonly CommandLog[]): Tally {
  const all = logs.flatMap((l) => l.attempts);
  return {
    commands: logs.length,
    attempts: all.length,
    ok: logs.filter((l) => l.final && l.final.status < 300).length,
    clientErrors: logs.filter((l) => l.final && l.final.status >= 400 && l.final.status < 500).length,
    unavailable: all.filter((a) => a.status === 503).length,
    lost: all.filter((a) => a.status === 0).length,
    serverErrors: all.filter((a) => a.status >= 500 && a.status !== 503).length,
    replayed: logs.filter((l) => l.final?.headers['idempotency-replayed'] === 'true').length,
    unanswered: logs.filter((l) => !l.final).length,
  };
}

/**
 * Sends `attempt` until it gets an answer that is not a 503 (2xx, 4xx, or a 5xx other than 503, which ends it too:
 * the tests count it as a failure) or `deadline` (performance.now()) passes. A 503 must carry Retry-After and a
 * problem body (recorded in `violations` otherwise); the pause before a retry is short, the tests' clocks are.
 * Lost connections (status 0) are retried only when `retryLost` is set.
 */
export async function untilAnswered(
  log: CommandLog,
  attempt: () => Promise<Attempt>,
  options: { deadline: number; retryLost: boolean; pauseMs: () => number; violations: string[] },
): Promise<void> {
  for (;;) {
    const answer = await attempt();
    log.attempts.push(answer);
    if (answer.status === 503) {
      if (!answer.headers['retry-after']) options.violations.push(`${log.label}: 503 without Retry-After`);
      if (!/^application\/problem\+json/.test(answer.headers['content-type'] ?? '')) options.violations.push(`${log.label}: 503 not a problem`);
      if ((answer.body as { status?: number } | undefined)?.status !== 503)
        options.violations.push(`${log.label}: 503 with body ${JSON.stringify(answer.body)}`);
    }
    const retry = answer.status === 503 || (answer.status === 0 && options.retryLost);
    if (!retry) {
      if (answer.status !== 0) log.final = answer;
      return;
    }
    if (performance.now() > options.deadline) return;
    await new Promise((resolve) => setTimeout(resolve, options.pauseMs()));
  }
}

/** One POST with fetch, as an Attempt: a lost connection or a timeout is status 0. */
export async function post(url: string, body: unknown, headers: Record<string, string>, timeoutMs = 20_000): Promise<Attempt> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: kept as text
    }
    return { status: response.status, headers: Object.fromEntries(response.headers.entries()), body: parsed };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { status: 0, headers: {}, body: undefined, error: cause?.code ?? cause?.message ?? (error as Error).message };
  }
}

/**
 * Checks every command against the log: a final 2xx has exactly the events `expected` says (types, in order), the
 * last at the answer's `position`; a final 4xx has none. Returns one line per discrepancy.
 */
export function checkAgainstLog(
  logs: readonly CommandLog[],
  stored: Map<string, CorrelatedEvent[]>,
  expected: (log: CommandLog) => string[],
): { lost: string[]; doubled: string[]; refusedButStored: string[]; other: string[] } {
  const lost: string[] = [];
  const doubled: string[] = [];
  const refusedButStored: string[] = [];
  const other: string[] = [];
  for (const log of logs) {
    const events = stored.get(log.correlationId) ?? [];
    const types = events.map((e) => e.type);
    const status = log.final?.status;
    if (status === undefined) continue;
    if (status >= 400) {
      if (events.length > 0) refusedButStored.push(`${log.label} answered ${status} but stored ${types.join(', ')}`);
      continue;
    }
    const want = expected(log);
    if (events.length < want.length) lost.push(`${log.label} answered ${status} but stored [${types.join(', ')}], expected [${want.join(', ')}]`);
    else if (events.length > want.length) doubled.push(`${log.label} answered ${status} and stored [${types.join(', ')}], expected [${want.join(', ')}]`);
    else if (types.join() !== want.join()) other.push(`${log.label} stored [${types.join(', ')}], expected [${want.join(', ')}]`);
    const position = (log.final!.body as { position?: string | null } | undefined)?.position;
    if (events.length > 0 && position !== events[events.length - 1].position) {
      other.push(`${log.label}: answer's position ${position} is not its last event's ${events[events.length - 1].position}`);
    }
  }
  return { lost, doubled, refusedButStored, other };
}

export interface TcpProxy {
  /** The port to connect to instead of the target's. */
  readonly port: number;
  /** Connections opened through the proxy so far. */
  readonly opened: number;
  /** Drops every open connection at once, both ways, whatever is in flight; returns how many. */
  cutAll(): number;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of PostgreSQL, to cut connections at the network rather than by pg_terminate_backend: a
 * statement already delivered to the server runs (and may commit) while its answer is lost, which is the "commit
 * unknown" case of a cut connection.
 */
export async function tcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  let opened = 0;
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    const pair = { client, upstream };
    pairs.add(pair);
    opened += 1;
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port');
  return {
    port: address.port,
    get opened() {
      return opened;
    },
    cutAll() {
      const n = pairs.size;
      for (const { client, upstream } of [...pairs]) {
        client.resetAndDestroy();
        upstream.resetAndDestroy();
      }
      pairs.clear();
      return n;
    },
    async close() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
