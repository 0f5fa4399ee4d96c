/**
 * HTTP command throughput and latency at 32 connections, against a real API process on PostgreSQL, with the
 * API's resident memory sampled throughout. Commands go to 128 approved objectives in turn (indicator values,
 * no expected revision), so that they exercise load → decide → append on distinct streams.
 * Usage: npm run bench:http [-- seconds]   (default 20 s, after a 3 s warm-up)
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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

    let next = 0;
    const options = (duration: number): autocannon.Options => ({
      url: BASE,
      connections: 32,
      duration,
      requests: [
        {
          method: 'POST',
          headers: { Authorization: `Bearer ${seg}`, 'Content-Type': 'application/json' },
          setupRequest: (request) => ({
            ...request,
            path: `/objectives/${ids[next++ % ids.length]}/indicator-values`,
            body: JSON.stringify({ indicatorId: 'i1', value: String(next), asOf: '2025-07-31' }),
          }),
        },
      ],
    });
    await autocannon(options(3)); // warm-up
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(rssMb(api.pid!)), 250);
    const [cpuBefore, machineBefore, t0] = [cpuSeconds(api.pid!), machineJiffies(), performance.now()];
    const result = await autocannon(options(SECONDS));
    const [cpuAfter, machineAfter, elapsed] = [cpuSeconds(api.pid!), machineJiffies(), (performance.now() - t0) / 1000];
    clearInterval(sampler);
    const apiCpu = (100 * (cpuAfter - cpuBefore)) / elapsed;
    const machineBusy = (100 * (machineAfter.busy - machineBefore.busy)) / (machineAfter.total - machineBefore.total);

    console.log(`\nHTTP commands, 32 connections, ${SECONDS} s, API on PostgreSQL (LOG_LEVEL=info); ${machine()}\n`);
    console.log(
      '| API workers | commands/s | p50 ms | p99 ms | non-2xx | errors | API RSS max MB (all workers) | API CPU (% of one core) | machine busy (both cores) |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|');
    console.log(
      `| ${process.env.API_WORKERS ?? '1'} | ${fmt(result.requests.average, 0)} | ${result.latency.p50} | ${result.latency.p99} | ${result.non2xx} | ${result.errors} | ${fmt(Math.max(...rss), 0)} | ${fmt(apiCpu, 0)} % | ${fmt(machineBusy, 0)} % |`,
    );
  } finally {
    api.kill('SIGTERM');
    await new Promise((r) => api.once('exit', r));
    await db.drop();
  }
}

void main();
