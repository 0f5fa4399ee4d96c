/**
 * Self time of a V8 CPU profile (`node --cpu-prof`, e.g. the API's under `bench:http` with
 * BENCH_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=…"), by where the code comes from: each npm package, each of our libs
 * and apps, node's internals, the socket writes (writev: one per SQL statement sent and per HTTP answer), garbage
 * collection, idle. Then the functions of our own code that take the most. The tables of bench/README.md's profiles
 * come from it.
 * Usage: npm run bench:profile -- <file.cpuprofile | file.cpuprofile.gz> [rows]
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const SOCKET_WRITES = new Set(['writev', 'writeBuffer', 'writeUtf8String', 'writeLatin1String']);

function origin(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)') return 'V8 and native, unattributed';
  if (SOCKET_WRITES.has(functionName)) return 'socket writes';
  const npm = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (npm) return npm[1];
  const ours = /\/(libs\/[^/]+|apps\/[^/]+)\//.exec(url);
  if (ours) return ours[1];
  if (url.startsWith('node:')) return 'node internals';
  return url ? 'other' : `native ${functionName}`;
}

function main(): void {
  const [file, rowsArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: npm run bench:profile -- <file.cpuprofile[.gz]> [rows]');
  const raw = readFileSync(file);
  const profile = JSON.parse((file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8')) as CpuProfile;
  const rows = Number(rowsArg ?? 25);
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byOrigin = new Map<string, number>();
  const ownFunctions = new Map<string, number>();
  for (const [id, micros] of self) {
    const node = nodes.get(id)!;
    const where = origin(node);
    byOrigin.set(where, (byOrigin.get(where) ?? 0) + micros);
    if (where.startsWith('libs/') || where.startsWith('apps/')) {
      const key = `${node.callFrame.functionName || '(anonymous)'} (${node.callFrame.url.split('/').slice(-1)[0]})`;
      ownFunctions.set(key, (ownFunctions.get(key) ?? 0) + micros);
    }
  }
  const share = (micros: number) => `${((100 * micros) / total).toFixed(1)} %`;
  const table = (title: string, entries: Map<string, number>) =>
    [
      `| ${title} | self time |`,
      '|---|---|',
      ...[...entries]
        .sort((a, b) => b[1] - a[1])
        .slice(0, rows)
        .map(([k, v]) => `| ${k} | ${share(v)} |`),
    ].join('\n');
  console.log(`${(total / 1e6).toFixed(1)} s of samples\n`);
  console.log(table('where', byOrigin));
  console.log();
  console.log(table('our functions', ownFunctions));
}

main();
