/**
 * HTTP command throughput and latency at 32 connections, against a real API process on PostgreSQL, with the
 * API's resident memory and CPU sampled throughout. Commands go to 128 approved objectives in turn (phase
 * progress, no expected revision), so that they exercise load → decide → append on distinct streams.
 * The load comes from wrk when it is installed (Debian package `wrk`: a C program, light on the shared CPU),
 * from autocannon otherwise.
 * Usage: npm run bench:http [-- seconds]   (default 20 s, after a 3 s warm-up)
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { mintDevelopmentToken } from '../apps/api/src/auth/development-token';
import { createTestDatabase } from '../test/support/postgres';
import { fmt, machine } from './measure';

const SECONDS = Number(process.argv[2] ?? 20);
const PORT = 3917;
const BASE = `http://127.0.0.1:${PORT}`;
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';
const ENTE = 'comune-bench';
const OBJECTIVES = 128;

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

/** The process and its descendants (cluster workers). */
function processTree(pid: number): number[] {
  const parents = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => {
      try {
        return [Number(d), Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ')[1])] as const;
      } catch {
        return [Number(d), -1] as const; // exited meanwhile
      }
    });
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  return tree;
}

/** A /proc file of a process that may have exited meanwhile. */
function procFile(pid: number, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
}

function rssMb(pid: number): number {
  return processTree(pid).reduce((sum, p) => {
    const line = procFile(p, 'status')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    return sum + (line ? Number(line.replace(/\D+/g, '')) / 1024 : 0);
  }, 0);
}

/** CPU seconds used by a process so far (user + system). */
function cpuSeconds(pid: number): number {
  return processTree(pid).reduce((sum, p) => {
    const fields = (procFile(p, 'stat').split(') ')[1] ?? '').split(' ');
    return sum + (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / 100;
  }, 0);
}

/** Busy and total jiffies of the whole machine. */
function machineJiffies(): { busy: number; total: number } {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const numbers = values.map(Number);
  const idle = numbers[3] + numbers[4];
  const total = numbers.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

interface LoadResult {
  tool: string;
  perSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

const command = (n: number) => JSON.stringify({ phaseId: 'f1', progressPercent: n % 101 });

function hasWrk(): boolean {
  return spawnSync('wrk', ['--version']).error === undefined;
}

function autocannonLoad(token: string, ids: string[]) {
  let next = 0;
  return async (seconds: number): Promise<LoadResult> => {
    const result = await autocannon({
      url: BASE,
      connections: 32,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          setupRequest: (request) => ({ ...request, path: `/objectives/${ids[next++ % ids.length]}/phase-progress`, body: command(next) }),
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
    };
  };
}

/** wrk with a Lua script that walks the objectives; its latency distribution gives p50 and p99. */
function wrkLoad(token: string, ids: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'piao-wrk-'));
  const script = join(dir, 'commands.lua');
  writeFileSync(
    script,
    `local ids = { ${ids.map((id) => `"${id}"`).join(', ')} }
local n = 0
local headers = { ["Authorization"] = "Bearer ${token}", ["Content-Type"] = "application/json" }
request = function()
  n = n + 1
  return wrk.format("POST", "/objectives/" .. ids[(n % #ids) + 1] .. "/phase-progress", headers, '{"phaseId":"f1","progressPercent":' .. (n % 101) .. '}')
end
`,
  );
  const ms = (text: string | undefined): number => {
    const match = /([\d.]+)(us|ms|s)/.exec(text ?? '');
    if (!match) return NaN;
    return Number(match[1]) * (match[2] === 'us' ? 0.001 : match[2] === 's' ? 1000 : 1);
  };
  return async (seconds: number): Promise<LoadResult> => {
    const { stdout: output } = await promisify(execFile)('wrk', ['-t2', '-c32', `-d${seconds}s`, '--latency', '-s', script, BASE], { encoding: 'utf8' });
    if (seconds === SECONDS) rmSync(dir, { recursive: true, force: true });
    return {
      tool: 'wrk',
      perSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1]),
      p50: ms(/^\s+50%\s+(\S+)/m.exec(output)?.[1]),
      p99: ms(/^\s+99%\s+(\S+)/m.exec(output)?.[1]),
      non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(output)?.[1] ?? 0),
      errors: [...output.matchAll(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/g)]
        .flatMap((m) => m.slice(1).map(Number))
        .reduce((a, b) => a + b, 0),
    };
  };
}

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const api = spawn(process.execPath, [...(process.env.BENCH_NODE_OPTIONS ?? '').split(' ').filter(Boolean), 'dist/apps/api/src/main.js'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      EVENT_STORE: 'postgres',
      DATABASE_URL: db.url,
      PORT: String(PORT),
      JWT_SECRET: SECRET,
      LOG_LEVEL: 'info',
      API_WORKERS: process.env.API_WORKERS ?? '1',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
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
    const token = (sub: string, roles: ('admin' | 'segretario')[]) => mintDevelopmentToken({ sub, name: sub, ente: ENTE, roles }, SECRET);
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

    const load = process.env.BENCH_LOAD !== 'autocannon' && hasWrk() ? wrkLoad(seg, ids) : autocannonLoad(seg, ids);
    await load(3); // warm-up
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(rssMb(api.pid!)), 250);
    const [cpuBefore, machineBefore, t0] = [cpuSeconds(api.pid!), machineJiffies(), performance.now()];
    const result = await load(SECONDS);
    const [cpuAfter, machineAfter, elapsed] = [cpuSeconds(api.pid!), machineJiffies(), (performance.now() - t0) / 1000];
    clearInterval(sampler);
    const apiCpu = (100 * (cpuAfter - cpuBefore)) / elapsed;
    const machineBusy = (100 * (machineAfter.busy - machineBefore.busy)) / (machineAfter.total - machineBefore.total);

    console.log(`\nHTTP commands, 32 connections, ${SECONDS} s, load from ${result.tool}, API on PostgreSQL (LOG_LEVEL=info); ${machine()}\n`);
    console.log(
      '| API workers | load | commands/s | p50 ms | p99 ms | non-2xx | errors | API RSS max MB (all workers) | API CPU (% of one core) | machine busy (both cores) |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    const cells = [process.env.API_WORKERS ?? '1', result.tool, fmt(result.perSecond, 0), fmt(result.p50), fmt(result.p99), result.non2xx, result.errors];
    console.log(`| ${[...cells, fmt(Math.max(...rss), 0), `${fmt(apiCpu, 0)} %`, `${fmt(machineBusy, 0)} %`].join(' | ')} |`);
  } finally {
    api.kill('SIGTERM');
    await new Promise((r) => api.once('exit', r));
    await db.drop();
  }
}

void main();
