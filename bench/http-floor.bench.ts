/**
 * The floor under `bench:http`: what this machine answers when a command costs only what the stack itself costs
 * (bench/http-floor-server.ts: Node's HTTP server with one INSERT; NestJS on Express with pino-http and the
 * ValidationPipe, with and without the INSERT). The same load as bench:http's phase progress without a key: wrk, two
 * threads, 32 connections, 128 objectives in turn. Each server is measured BENCH_ROUNDS times (3 by default), the
 * order rotated from round to round, after a warm-up; the summary gives the median of the rounds. It says how far the
 * issue's 1,500 commands/s with p99 under 50 ms is from what the framework and the database leave on this machine.
 * Usage: npm run bench:floor [-- seconds]   (default 20 s per measurement)
 */
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import ts from 'typescript';
import { createTestDatabase } from '../test/support/postgres';
import { fmt, machine, median, postgresPids, processTree, rssMb, watchJiffies, watchOthers } from './measure';
import { wrkFigures } from './wrk-output';

const SECONDS = Number(process.argv[2] ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PORT = 3918;
const BASE = `http://127.0.0.1:${PORT}`;
const SERVERS = [
  { mode: 'node-pg', label: "Node's HTTP server, one INSERT" },
  { mode: 'nest-pg', label: 'NestJS + Express + pino-http + ValidationPipe, one INSERT' },
  { mode: 'nest', label: 'NestJS + Express + pino-http + ValidationPipe, no database' },
] as const;

interface Measurement {
  mode: string;
  round: number;
  perSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  serverCpu: number;
  postgresCpu: number;
  rssMax: number;
  others: number;
}

/**
 * The server compiled to JavaScript beside the build (dist/, where node_modules is found and where it finds the API's
 * compiled request log and validation pipe), so that it runs as the API does: under ts-node its resident size would
 * carry the TypeScript compiler. Needs `npm run build` (bench:floor runs it).
 */
function compiledServer(): string {
  const source = readFileSync(join(__dirname, 'http-floor-server.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      esModuleInterop: true,
    },
  });
  const file = join(__dirname, '..', 'dist', 'bench', 'http-floor-server.js');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, outputText);
  return file;
}

async function startServer(script: string, mode: string, databaseUrl: string) {
  const server = spawn(process.execPath, [script, mode, String(PORT), databaseUrl], {
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => server.once('exit', resolve));
  for (let i = 0; ; i++) {
    const up = await fetch(`${BASE}/objectives/probe/phase-progress`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"phaseId":"f1","progressPercent":1}',
    }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (up) break;
    if (i > 150) throw new Error(`the ${mode} server did not start`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    pid: server.pid!,
    stop: () => {
      server.kill('SIGTERM');
      return exited;
    },
  };
}

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const scratch = mkdtempSync(join(tmpdir(), 'piao-floor-'));
  const client = new Client({ connectionString: db.url });
  client.on('error', () => undefined);
  try {
    await client.connect();
    // The log's shape without its constraints on streams and revisions: a position, a unique id, the event.
    await client.query(`CREATE TABLE floor_events (
      position bigserial PRIMARY KEY, event_id uuid NOT NULL UNIQUE, stream_id text NOT NULL, type text NOT NULL,
      data jsonb NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now())`);
    const ids = Array.from({ length: 128 }, () => randomUUID());
    const script = join(scratch, 'floor.lua');
    writeFileSync(
      script,
      `local ids = { ${ids.map((id) => `"${id}"`).join(', ')} }
local n = 0
local headers = { ["Content-Type"] = "application/json" }
request = function()
  n = n + 1
  return wrk.format("POST", "/objectives/" .. ids[(n % #ids) + 1] .. "/phase-progress", headers, '{"phaseId":"f1","progressPercent":' .. (n % 101) .. '}')
end
`,
    );
    const load = async (seconds: number) => {
      const { stdout } = await promisify(execFile)('wrk', ['-t2', '-c32', `-d${seconds}s`, '--latency', '-s', script, BASE], { encoding: 'utf8' });
      return wrkFigures(stdout);
    };
    const serverScript = compiledServer();
    const measurements: Measurement[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const { mode } of SERVERS.map((_, k) => SERVERS[(k + round - 1) % SERVERS.length])) {
        const server = await startServer(serverScript, mode, db.url);
        try {
          await load(3); // warm-up: the JIT, the pool's connections
          const rss: number[] = [];
          const sampler = setInterval(() => rss.push(rssMb([server.pid])), 250);
          const pgPids = () => postgresPids((text) => client.query(text));
          const others = await watchOthers(async () => [...processTree(process.pid), server.pid, ...(await pgPids())]);
          const serverUsed = await watchJiffies(() => [server.pid]);
          const postgresUsed = await watchJiffies(pgPids);
          const t0 = performance.now();
          const result = await load(SECONDS);
          const elapsed = (performance.now() - t0) / 1000;
          clearInterval(sampler);
          const m: Measurement = {
            mode,
            round,
            ...result,
            serverCpu: (await serverUsed()) / elapsed,
            postgresCpu: (await postgresUsed()) / elapsed,
            rssMax: Math.max(...rss),
            others: (await others()).others,
          };
          measurements.push(m);
          console.error(
            `  round ${round}, ${mode}: ${fmt(m.perSecond, 0)} commands/s, p50 ${fmt(m.p50)} ms, p99 ${fmt(m.p99)} ms, server CPU ${fmt(m.serverCpu, 0)} %`,
          );
        } finally {
          await server.stop();
        }
      }
    }

    console.log(
      `\nThe floor: one route, phase progress without a key, 32 connections, ${SECONDS} s per measurement, ${ROUNDS} rounds in rotated order, ` +
        `load from wrk, PostgreSQL on the same machine; ${machine()}\n`,
    );
    console.log(
      '| round | server | commands/s | p50 ms | p99 ms | non-2xx | socket errors | server CPU (% of one core) | PostgreSQL CPU (% of one core) | RSS max MB | other processes (both cores) |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const m of measurements) {
      const cells = [
        m.round,
        m.mode,
        fmt(m.perSecond, 0),
        fmt(m.p50),
        fmt(m.p99),
        m.non2xx,
        m.errors,
        `${fmt(m.serverCpu, 0)} %`,
        `${fmt(m.postgresCpu, 0)} %`,
      ];
      console.log(`| ${[...cells, fmt(m.rssMax, 0), `${fmt(m.others, 0)} %`].join(' | ')} |`);
    }
    console.log(`\nMedian of the ${ROUNDS} rounds:\n`);
    console.log('| server | commands/s | p50 ms | p99 ms | server CPU (% of one core) | CPU per command, server / PostgreSQL (ms) | RSS max MB |');
    console.log('|---|---|---|---|---|---|---|');
    for (const s of SERVERS) {
      const of = (f: (m: Measurement) => number, digits = 0) => fmt(median(measurements.filter((m) => m.mode === s.mode).map(f)), digits);
      const perCommand = `${of((m) => (10 * m.serverCpu) / m.perSecond, 2)} / ${of((m) => (10 * m.postgresCpu) / m.perSecond, 2)}`;
      console.log(
        `| ${s.label} | ${of((m) => m.perSecond)} | ${of((m) => m.p50, 1)} | ${of((m) => m.p99, 1)} | ${of((m) => m.serverCpu)} % | ${perCommand} | ${of((m) => m.rssMax)} |`,
      );
    }
  } finally {
    await client.end().catch(() => undefined);
    await db.drop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
