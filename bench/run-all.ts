/**
 * `npm run bench`: every benchmark, one after the other (they need a quiet machine, never two at once), each one's
 * tables written into bench/README.md between the markers of its section under "Last full run", and the chart of
 * append throughput against log size drawn as bench/log-growth.svg. A benchmark that fails leaves its section as
 * it was and is named at the end (the exit code is then 1); the others still run.
 * Usage: npm run bench [-- name …]   (all by default: store growth followers http floor read reminders audit import web)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machine } from './measure';
import { throughputChart, type Series } from './throughput-chart';

const ROOT = join(__dirname, '..');
const README = join(ROOT, 'bench', 'README.md');
const CHART = join(ROOT, 'bench', 'log-growth.svg');
const START = '<!-- npm run bench: start -->';
const END = '<!-- npm run bench: end -->';

const BENCHMARKS: { name: string; title: string }[] = [
  { name: 'store', title: 'Event store: append against raw INSERT (`npm run bench:store`)' },
  { name: 'growth', title: 'Append as the log grows, 10,000 to 1,000,000 events (`npm run bench:growth`)' },
  { name: 'followers', title: 'Followers catching up against the raw read (`npm run bench:followers`)' },
  { name: 'http', title: 'HTTP commands, 32 connections (`npm run bench:http`)' },
  { name: 'floor', title: 'HTTP floor: one route with the stack and nothing of the product (`npm run bench:floor`)' },
  { name: 'read', title: 'Read side (`npm run bench:read`)' },
  { name: 'reminders', title: 'Reminders (`npm run bench:reminders`)' },
  { name: 'audit', title: 'Audit: hashing, verification, proofs, dossier (`npm run bench:audit`)' },
  { name: 'import', title: 'Plan import (`npm run bench:import`)' },
  { name: 'web', title: 'Web interface: first load of a 300-objective plan (`npm run bench:web`)' },
];

/** Runs `npm run -s bench:<name>`, its progress on our stderr; resolves with what it printed on stdout. */
function run(name: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '-s', `bench:${name}`], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve(output) : reject(new Error(`bench:${name} ended with ${signal ?? `exit code ${code}`}`))));
  });
}

/** The README with `body` as the section of `name` inside the markers (created when missing). */
function withSection(readme: string, name: string, body: string): string {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const section = `${open}\n${body.trim()}\n${close}`;
  if (!readme.includes(START)) {
    const at = readme.indexOf('## Latest figures');
    const block = `## Last full run (\`npm run bench\`)\n\n${START}\n${END}\n\n`;
    readme = at >= 0 ? readme.slice(0, at) + block + readme.slice(at) : `${readme.trimEnd()}\n\n${block}`;
  }
  if (readme.includes(open)) return readme.slice(0, readme.indexOf(open)) + section + readme.slice(readme.indexOf(close) + close.length);
  return readme.replace(END, `${section}\n\n${END}`);
}

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((a) => !BENCHMARKS.some((b) => b.name === a));
  if (unknown.length > 0) throw new Error(`no benchmark ${unknown.join(', ')}: choose among ${BENCHMARKS.map((b) => b.name).join(', ')}`);
  const chosen = asked.length > 0 ? BENCHMARKS.filter((b) => asked.includes(b.name)) : BENCHMARKS;
  const scratch = mkdtempSync(join(tmpdir(), 'piao-bench-all-'));
  const failed: string[] = [];
  try {
    for (const bench of chosen) {
      const json = join(scratch, `${bench.name}.json`);
      const started = new Date();
      console.error(`\n=== ${bench.title}`);
      let output: string;
      try {
        output = await run(bench.name, { ...process.env, BENCH_JSON: json });
      } catch (error) {
        console.error((error as Error).message);
        failed.push(bench.name);
        continue;
      }
      const seconds = Math.round((Date.now() - started.getTime()) / 1000);
      let body = `### ${bench.title}\n\nRun ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${seconds} s; ${machine()}.\n\n${output.trim()}\n`;
      if (bench.name === 'growth') {
        const figures = JSON.parse(readFileSync(json, 'utf8')) as { series: Series[]; writers: number };
        writeFileSync(CHART, throughputChart(figures.series, `Append at ${figures.writers} writers against events in the log`));
        body += `\n![Append throughput against log size](log-growth.svg)\n`;
      }
      // Written after each benchmark: a run stopped half-way keeps what it measured.
      writeFileSync(README, withSection(readFileSync(README, 'utf8'), bench.name, body));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (failed.length > 0) {
    console.error(`\nfailed: ${failed.join(', ')} (their sections in bench/README.md are unchanged)`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
