/**
 * HTTP command throughput and latency at 32 connections, against a real API process on PostgreSQL, with the
 * API's resident memory and CPU sampled throughout. Commands go to 128 approved objectives in turn (phase
 * progress, no expected revision), so that they exercise load → decide → append on distinct streams.
 * Three variants, measured in the same run against the same API: phase progress without an Idempotency-Key; phase
 * progress with a unique Idempotency-Key on every command (so every command is looked up, and appended with its
 * record); and a realistic mix, every command keyed: of every ten, four phase progress and three indicator values on
 * the approved objectives, two drafts of new objectives into draft plans (one plan per wrk connection's turn, so
 * that drafts contend on a plan's stream no more than a few people drafting at once do), and one proposal of an
 * objective that connection drafted. They run
 * BENCH_ROUNDS times each (3 by default), the order rotated from round to round, after a warm-up of each; the summary gives
 * the median of the rounds. Every answer's status is counted (2xx, 4xx, 5xx).
 * The load comes from wrk when it is installed (Debian package `wrk`: a C program, light on the shared CPU),
 * from autocannon otherwise (`BENCH_LOAD=autocannon` forces it).
 * With RUN_PROCESSORS=false the API runs without its processors, and each processor is then timed catching up over
 * the log the load wrote (processors-catch-up.ts): what it costs per event. With BENCH_PROJECTOR=true the API runs
 * without them and a projector process runs them beside it during the load (the production layout): its CPU, and how
 * far behind the log it was when each load stopped and how long it took to catch up.
 * Usage: npm run bench:http [-- seconds]   (default 20 s per measurement, after a 3 s warm-up of each variant)
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual, promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { mintDevelopmentToken } from '../apps/api/src/auth/development-token';
import { createTestDatabase } from '../test/support/postgres';
import { measureProcessors } from './processors-catch-up';
import { fmt, machine, machineJiffies, median, postgresPids, processTree, rssMb, watchJiffies, watchOthers } from './measure';
import { wrkFigures } from './wrk-output';

const SECONDS = Number(process.argv[2] ?? 20);
const PORT = 3917;
const BASE = `http://127.0.0.1:${PORT}`;
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';
const ENTE = 'comune-bench';
const OBJECTIVES = 128;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Tells this run's Idempotency-Keys apart from any other run's. */
const RUN = randomUUID().slice(0, 8);
const VARIANTS = [
  { label: 'none', keyed: false, mix: false },
  { label: 'unique on every command', keyed: true, mix: false },
  { label: 'mix, unique on every command', keyed: true, mix: true },
] as const;
/** Draft plans the mix drafts into, in turn. */
const DRAFT_PLANS = 16;

async function call(token: string, path: string, body?: object): Promise<Record<string, unknown>> {
  const response = await fetch(`${BASE}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

interface LoadResult {
  tool: string;
  perSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** Answers by status class, as the load generator counted them. */
  status: { '2xx': number; '4xx': number; '5xx': number; other: number };
}

/**
 * A load of `seconds`; with `keyPrefix`, every command carries the Idempotency-Key `${keyPrefix}-…`, unique; with
 * `mix`, the commands are the realistic mix (wrk only) instead of phase progress alone.
 */
type Load = (seconds: number, keyPrefix?: string, mix?: boolean) => Promise<LoadResult>;

const command = (n: number) => JSON.stringify({ phaseId: 'f1', progressPercent: n % 101 });

function hasWrk(): boolean {
  return spawnSync('wrk', ['--version']).error === undefined;
}

function autocannonLoad(token: string, ids: string[]): Load {
  let next = 0;
  return async (seconds, keyPrefix, mix) => {
    if (mix) throw new Error('the mix of commands needs wrk (apt-get install wrk)');
    let sent = 0;
    const result = await autocannon({
      url: BASE,
      connections: 32,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          setupRequest: (request) => ({
            ...request,
            path: `/objectives/${ids[next++ % ids.length]}/phase-progress`,
            body: command(next),
            headers: keyPrefix ? { ...request.headers, 'Idempotency-Key': `${keyPrefix}-${sent++}` } : request.headers,
          }),
        },
      ],
    });
    return {
      tool: 'autocannon',
      perSecond: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors,
      status: { '2xx': result['2xx'], '4xx': result['4xx'], '5xx': result['5xx'], other: result['1xx'] + result['3xx'] },
    };
  };
}

/**
 * wrk with a Lua script that walks the objectives; its latency distribution gives p50 and p99. Each wrk thread has
 * a Lua state of its own: the key is the invocation's prefix (wrk's script argument), the thread's number and the
 * thread's count of requests, so it is unique across threads and invocations. Every answer's status is counted
 * by thread and summed in `done`.
 */
function wrkLoad(token: string, ids: string[], draftPlans: string[], dir: string): Load {
  const script = join(dir, 'commands.lua');
  const definition = (title: string) =>
    JSON.stringify({
      definition: {
        title,
        responsibleUnitId: 'welfare',
        horizon: { fromYear: 2025, toYear: 2025 },
        phases: [{ id: 'f1', description: 'Fase unica', weight: 100 }],
        indicators: [{ id: 'i1', description: 'Pratiche evase', target: { text: 'almeno n. 40' } }],
      },
    });
  writeFileSync(
    script,
    `local ids = { ${ids.map((id) => `"${id}"`).join(', ')} }
local plans = { ${draftPlans.map((id) => `"${id}"`).join(', ')} }
local draftBody = '${definition('Obiettivo del carico')}'
local threads = {}
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end
init = function(args)
  prefix = args[1]
  if prefix == "-" then prefix = nil end
  mix = args[2] == "mix"
  drafted = {}
  n = 0
  s2, s4, s5, other = 0, 0, 0, 0
  headers = { ["Authorization"] = "Bearer ${token}", ["Content-Type"] = "application/json" }
end
request = function()
  n = n + 1
  if prefix then headers["Idempotency-Key"] = prefix .. "-" .. tid .. "-" .. n end
  local id = ids[(n % #ids) + 1]
  local kind = mix and (n % 10) or 0
  if kind == 9 and #drafted > 0 then
    return wrk.format("POST", "/objectives/" .. table.remove(drafted, 1) .. "/propose", headers, '{}')
  elseif kind == 7 or kind == 8 then
    return wrk.format("POST", "/plans/" .. plans[((tid * 7 + n) % #plans) + 1] .. "/objectives", headers, draftBody)
  elseif kind >= 4 and kind <= 6 then
    return wrk.format("POST", "/objectives/" .. id .. "/indicator-values", headers, '{"indicatorId":"i1","value":"' .. (n % 50) .. '","asOf":"2025-07-31"}')
  end
  return wrk.format("POST", "/objectives/" .. id .. "/phase-progress", headers, '{"phaseId":"f1","progressPercent":' .. (n % 101) .. '}')
end
response = function(status, headers, body)
  if mix and status == 201 then
    local drafted_id = string.match(body, '"objectiveId":"([0-9a-f-]+)"')
    if drafted_id then table.insert(drafted, drafted_id) end
  end
  if status >= 500 then s5 = s5 + 1 elseif status >= 400 then s4 = s4 + 1 elseif status >= 200 and status < 300 then s2 = s2 + 1 else other = other + 1 end
end
done = function(summary, latency, requests)
  local t2, t4, t5, t0 = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    t2 = t2 + thread:get("s2")
    t4 = t4 + thread:get("s4")
    t5 = t5 + thread:get("s5")
    t0 = t0 + thread:get("other")
  end
  io.write(string.format("status 2xx %d 4xx %d 5xx %d other %d\\n", t2, t4, t5, t0))
end
`,
  );
  return async (seconds, keyPrefix, mix) => {
    const args = ['-t2', '-c32', `-d${seconds}s`, '--latency', '-s', script, BASE, '--', keyPrefix ?? '-', mix ? 'mix' : 'one'];
    const { stdout: output } = await promisify(execFile)('wrk', args, { encoding: 'utf8' });
    const status = /status 2xx (\d+) 4xx (\d+) 5xx (\d+) other (\d+)/.exec(output);
    if (!status) throw new Error(`wrk printed no status counts:\n${output}`);
    return {
      tool: 'wrk',
      ...wrkFigures(output),
      status: { '2xx': Number(status[1]), '4xx': Number(status[2]), '5xx': Number(status[3]), other: Number(status[4]) },
    };
  };
}

/** The processors' lag behind the log, the worst of them, from the API's /metrics (events). */
async function worstLag(): Promise<number> {
  const text = await (await fetch(`${BASE}/metrics`)).text();
  return Math.max(0, ...[...text.matchAll(/^piao_processor_lag_events\{processor="[^"]+"\} (\S+)$/gm)].map((m) => Number(m[1])));
}

/** The seconds from `since` (performance.now()) until every processor has caught up (NaN after `limitSeconds`). */
async function caughtUpAfter(since: number, limitSeconds = 180): Promise<number> {
  while ((await worstLag()) > 0) {
    if (performance.now() - since > limitSeconds * 1000) return NaN;
    await new Promise((r) => setTimeout(r, 250));
  }
  return (performance.now() - since) / 1000;
}

interface Measurement extends LoadResult {
  variant: string;
  /** Rows of command_records written under this load's keys. */
  records: number;
  /** Share of both cores used by processes other than the benchmark's, the API's and its database's. */
  others: number;
  round: number;
  rssMax: number;
  apiCpu: number;
  /** PostgreSQL's processes for the benchmark's database (backends, writers), % of one core. */
  postgresCpu: number;
  machineBusy: number;
  /** Wall time each processor of the API's process spent on its batches during the load, per command answered (ms). */
  processorMs: Map<string, number>;
  /** With BENCH_PROJECTOR: the projector's CPU (% of one core), its worst lag when the load stopped, and the catch-up. */
  projector?: { cpu: number; lagAtEnd: number; drainedAfter: number };
}

/** Each processor's busy seconds so far in the API's process, from its /metrics. */
async function processorBusy(): Promise<Map<string, number>> {
  const text = await (await fetch(`${BASE}/metrics`)).text();
  return new Map([...text.matchAll(/^piao_processor_busy_seconds_total\{processor="([^"]+)"\} (\S+)$/gm)].map((m) => [m[1], Number(m[2])]));
}

const ISSUER = 'https://bench.example';
const AUDIENCE = 'piao-bench';

const PROJECTOR = process.env.BENCH_PROJECTOR === 'true';

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const scratch = mkdtempSync(join(tmpdir(), 'piao-wrk-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    EVENT_STORE: 'postgres',
    DATABASE_URL: db.url,
    PORT: String(PORT),
    JWT_SECRET: SECRET,
    // Production checks the issuer and the audience of every token, HS256 ones included (docs/identity.md).
    OIDC_ISSUER: ISSUER,
    OIDC_AUDIENCE: AUDIENCE,
    LOG_LEVEL: 'info',
    API_WORKERS: process.env.API_WORKERS ?? '1',
    ...(PROJECTOR ? { RUN_PROCESSORS: 'false' } : {}),
  };
  const nodeOptions = (process.env.BENCH_NODE_OPTIONS ?? '').split(' ').filter(Boolean);
  const api = spawn(process.execPath, [...nodeOptions, 'dist/apps/api/src/main.js'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise((resolve) => api.once('exit', resolve));
  let projector: ReturnType<typeof spawn> | undefined;
  const stopApi = async () => {
    projector?.kill('SIGTERM');
    api.kill('SIGTERM');
    return exited;
  };
  try {
    for (let i = 0; ; i++) {
      if (
        await fetch(`${BASE}/health`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 100) throw new Error('the API did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
    // Started once the API has migrated the database; it takes the processors' leases from there on.
    if (PROJECTOR) projector = spawn(process.execPath, [...nodeOptions, 'dist/apps/api/src/projector.js'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    const token = (sub: string, roles: ('admin' | 'segretario')[]) =>
      mintDevelopmentToken({ sub, name: sub, ente: ENTE, roles }, SECRET, { issuer: ISSUER, audience: AUDIENCE });
    const admin = await token('admin', ['admin']);
    const seg = await token('seg', ['segretario']);
    await call(admin, '/organisation/units', { unitId: 'welfare', name: 'Settore Welfare', kind: 'settore' });
    const plan = await call(seg, '/plans', { kind: 'PEG', title: 'PEG bench', fromYear: 2025, toYear: 2025 });
    const ids: string[] = [];
    for (let i = 0; i < OBJECTIVES; i++) {
      const o = await call(seg, `/plans/${plan.planId}/objectives`, {
        definition: {
          title: `Obiettivo ${i}`,
          responsibleUnitId: 'welfare',
          horizon: { fromYear: 2025, toYear: 2025 },
          phases: [{ id: 'f1', description: 'Fase', weight: 100 }],
          indicators: [{ id: 'i1', description: 'Indicatore', target: { text: 'almeno n. 4' } }],
        },
      });
      await call(seg, `/objectives/${o.objectiveId}/propose`, {});
      ids.push(o.objectiveId as string);
    }
    await call(seg, `/plans/${plan.planId}/submit`, {});
    await call(seg, `/plans/${plan.planId}/approve`, { act: { number: '1', date: '2025-01-15' } });
    const draftPlans: string[] = [];
    for (let i = 0; i < DRAFT_PLANS; i++) {
      draftPlans.push((await call(seg, '/plans', { kind: 'PDO', title: `PDO di prova ${i}`, fromYear: 2025, toYear: 2025 })).planId as string);
    }

    // The answer a keyed command gets, and the same answer replayed to its retry: the key is honoured.
    const probe = async () => {
      const response = await fetch(`${BASE}/objectives/${ids[0]}/phase-progress`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${seg}`, 'Content-Type': 'application/json', 'Idempotency-Key': `${RUN}-probe` },
        body: command(7),
      });
      return { status: response.status, replayed: response.headers.get('idempotency-replayed'), body: await response.text() };
    };
    const [first, retry] = [await probe(), await probe()];
    const sameJson = isDeepStrictEqual(JSON.parse(first.body), JSON.parse(retry.body));
    const replay = `status ${retry.status}, Idempotency-Replayed ${retry.replayed}, same JSON ${sameJson ? 'yes' : 'NO'}, same bytes ${retry.body === first.body ? 'yes' : 'no'}`;
    console.error(`keyed command: ${first.status}, answer ${Buffer.byteLength(first.body)} bytes; its retry: ${replay}`);

    const load = process.env.BENCH_LOAD !== 'autocannon' && hasWrk() ? wrkLoad(seg, ids, draftPlans, scratch) : autocannonLoad(seg, ids);
    let invocation = 0;
    const keyPrefix = (keyed: boolean) => (keyed ? `${RUN}-${++invocation}` : undefined);
    const records = new Client({ connectionString: db.url });
    records.on('error', () => undefined); // cut when the database is dropped after a failure
    await records.connect();
    /** The records the API wrote for the keys of one load (NaN without keys). */
    const recordedWith = async (prefix: string | undefined) =>
      prefix
        ? ((await records.query(`SELECT count(*)::integer AS n FROM command_records WHERE key LIKE $1`, [`${prefix}-%`])).rows as { n: number }[])[0].n
        : NaN;
    for (const v of VARIANTS) await load(3, keyPrefix(v.keyed), v.mix); // warm-up
    const measurements: Measurement[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      // Rotated from round to round: every variant goes first once in three rounds.
      for (const v of VARIANTS.map((_, k) => VARIANTS[(k + round - 1) % VARIANTS.length])) {
        const rss: number[] = [];
        const sampler = setInterval(() => rss.push(rssMb(processTree(api.pid!))), 250);
        const pgPids = () => postgresPids((text) => records.query(text));
        const projectorPids = () => (projector?.pid ? processTree(projector.pid) : []);
        const others = await watchOthers(async () => [...processTree(process.pid), ...projectorPids(), ...(await pgPids())]);
        const projectorUsed = await watchJiffies(projectorPids);
        const postgresUsed = await watchJiffies(pgPids);
        const busyBefore = await processorBusy();
        const apiUsed = await watchJiffies(() => processTree(api.pid!));
        const [machineBefore, t0] = [machineJiffies(), performance.now()];
        const prefix = keyPrefix(v.keyed);
        const result = await load(SECONDS, prefix, v.mix);
        const stopped = performance.now();
        // Read first, while the load has just stopped: the projector goes on catching up meanwhile.
        const lagAtEnd = PROJECTOR ? await worstLag() : 0;
        const [apiJiffies, machineAfter, elapsed] = [await apiUsed(), machineJiffies(), (stopped - t0) / 1000];
        clearInterval(sampler);
        const busyAfter = await processorBusy();
        const projectorCpu = (await projectorUsed()) / elapsed;
        const answered = Math.max(1, result.status['2xx'] + result.status['4xx']);
        const processorMs = new Map([...busyAfter].map(([name, seconds]) => [name, ((seconds - (busyBefore.get(name) ?? 0)) * 1000) / answered]));
        const m: Measurement = {
          processorMs,
          ...result,
          variant: v.label,
          round,
          rssMax: Math.max(...rss),
          // Jiffies (1/100 s) per second: % of one core.
          apiCpu: apiJiffies / elapsed,
          machineBusy: (100 * (machineAfter.busy - machineBefore.busy)) / (machineAfter.total - machineBefore.total),
          others: (await others()).others,
          postgresCpu: (await postgresUsed()) / elapsed,
          records: await recordedWith(prefix),
          // Last: waiting for the projector to catch up must not count in the load's own figures.
          projector: PROJECTOR ? { cpu: projectorCpu, lagAtEnd, drainedAfter: await caughtUpAfter(stopped) } : undefined,
        };
        measurements.push(m);
        console.error(`  round ${round}, ${v.label}: ${fmt(m.perSecond, 0)} commands/s, p50 ${fmt(m.p50)} ms, p99 ${fmt(m.p99)} ms, 5xx ${m.status['5xx']}`);
      }
    }
    await records.end();

    console.log(
      `\nHTTP commands, 32 connections, ${SECONDS} s per measurement, ${ROUNDS} rounds in rotated order, load from ${measurements[0].tool}, ` +
        `API on PostgreSQL (LOG_LEVEL=info), ${process.env.API_WORKERS ?? '1'} API worker(s)${PROJECTOR ? ', processors in a projector process' : ''}; ${machine()}\n`,
    );
    console.log(
      '| round | Idempotency-Key | commands/s | p50 ms | p99 ms | 2xx | 4xx | 5xx | socket errors | records written | API RSS max MB (all workers) | API CPU (% of one core) | PostgreSQL CPU (% of one core) | machine busy (both cores) | other processes (both cores) |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const m of measurements) {
      const cells = [
        m.round,
        m.variant,
        fmt(m.perSecond, 0),
        fmt(m.p50),
        fmt(m.p99),
        m.status['2xx'],
        m.status['4xx'],
        m.status['5xx'],
        m.errors,
        fmt(m.records, 0),
      ];
      console.log(
        `| ${[...cells, fmt(m.rssMax, 0), `${fmt(m.apiCpu, 0)} %`, `${fmt(m.postgresCpu, 0)} %`, `${fmt(m.machineBusy, 0)} %`, `${fmt(m.others, 0)} %`].join(' | ')} |`,
      );
    }
    console.log(`\nMedian of the ${ROUNDS} rounds:\n`);
    console.log(
      '| Idempotency-Key | commands/s | p50 ms | p99 ms | vs without keys | any 5xx | API RSS max MB | API CPU (% of one core) | CPU per command, API / PostgreSQL (ms) | other processes (both cores) |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    const plain = median(measurements.filter((m) => m.variant === VARIANTS[0].label).map((m) => m.perSecond));
    for (const v of VARIANTS) {
      const ms = measurements.filter((m) => m.variant === v.label);
      const of = (f: (m: Measurement) => number, digits = 0) => fmt(median(ms.map(f)), digits);
      const perSecond = median(ms.map((m) => m.perSecond));
      const fivexx = ms.reduce((sum, m) => sum + m.status['5xx'], 0);
      const cells = [v.label, fmt(perSecond, 0), of((m) => m.p50, 1), of((m) => m.p99, 1), `${fmt((100 * perSecond) / plain, 0)} %`];
      const perCommand = `${of((m) => (10 * m.apiCpu) / m.perSecond, 2)} / ${of((m) => (10 * m.postgresCpu) / m.perSecond, 2)}`;
      const tail = [fivexx ? `yes (${fivexx})` : 'none', of((m) => m.rssMax), `${of((m) => m.apiCpu)} %`, perCommand, `${of((m) => m.others)} %`];
      console.log(`| ${[...cells, ...tail].join(' | ')} |`);
    }
    const processorNames = [...measurements[0].processorMs.keys()];
    if (measurements.some((m) => [...m.processorMs.values()].some((ms) => ms > 0))) {
      // Wall time, not CPU: a batch waiting on PostgreSQL counts too. It shows which processor keeps the process busy.
      console.log(`\nThe processors in the API's process: wall time of their batches per command answered (ms), median of the rounds:\n`);
      console.log(`| Idempotency-Key | ${processorNames.join(' | ')} |`);
      console.log(`|---|${processorNames.map(() => '---|').join('')}`);
      for (const v of VARIANTS) {
        const ms = measurements.filter((m) => m.variant === v.label);
        console.log(`| ${v.label} | ${processorNames.map((name) => fmt(median(ms.map((m) => m.processorMs.get(name) ?? 0)), 3)).join(' | ')} |`);
      }
    }
    if (PROJECTOR) {
      console.log(`\nThe processors in a projector process of their own, beside the API (the production layout):\n`);
      console.log(
        '| round | Idempotency-Key | projector CPU (% of one core) | its CPU per command (ms) | lag when the load stopped (events, the worst processor) | caught up after (s) |',
      );
      console.log('|---|---|---|---|---|---|');
      for (const m of measurements) {
        const p = m.projector!;
        console.log(`| ${m.round} | ${m.variant} | ${fmt(p.cpu, 0)} % | ${fmt((10 * p.cpu) / m.perSecond, 2)} | ${p.lagAtEnd} | ${fmt(p.drainedAfter)} |`);
      }
    }
    console.log(
      `\nA keyed command's answer: ${Buffer.byteLength(first.body)} bytes; sent again with its key: ${replay}. ` +
        "Records written: the rows of command_records under the load's keys, read after it (commands still in flight when the load " +
        'generator stops counting are recorded, but not counted as answers).',
    );
    if (process.env.RUN_PROCESSORS === 'false' && !PROJECTOR) {
      // The API ran without processors: what each would have cost it, measured on the log it wrote.
      await stopApi();
      console.log(`\n${await measureProcessors(db.url)}`);
    }
  } finally {
    await stopApi();
    await db.drop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
