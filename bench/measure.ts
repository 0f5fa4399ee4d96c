import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

/** Latency samples of one benchmark run, in milliseconds, and what they add up to. */
export class Samples {
  private readonly values: number[] = [];

  add(ms: number): void {
    this.values.push(ms);
  }

  get count(): number {
    return this.values.length;
  }

  percentile(p: number): number {
    if (this.values.length === 0) return NaN;
    const sorted = [...this.values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  }
}

/** Runs `writers` loops of `operation` side by side for `seconds`, timing each call. */
export async function runFor(seconds: number, writers: number, operation: (writer: number, iteration: number) => Promise<void>) {
  const samples = new Samples();
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const t0 = performance.now();
        await operation(writer, i);
        samples.add(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { perSecond: samples.count / elapsed, p50: samples.percentile(50), p99: samples.percentile(99), count: samples.count, elapsed };
}

export function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

/** The process and its descendants (cluster workers). */
export function processTree(pid: number): number[] {
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
export function procFile(pid: number, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
}

/** The resident memory of these processes together, in MB (0 for one that has exited). */
export function rssMb(pids: number[]): number {
  return pids.reduce((sum, pid) => {
    const line = procFile(pid, 'status')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    return sum + (line ? Number(line.replace(/\D+/g, '')) / 1024 : 0);
  }, 0);
}

/** Busy and total jiffies of the whole machine. */
export function machineJiffies(): { busy: number; total: number } {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const numbers = values.map(Number);
  const idle = numbers[3] + numbers[4];
  const total = numbers.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** CPU jiffies (user + system) a process has used, with those of its children it has reaped; 0 once it is gone. */
function jiffiesOf(pid: number): number {
  const fields = (procFile(pid, 'stat').split(') ')[1] ?? '').split(' ');
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0);
}

/**
 * Starts watching the machine while a measurement runs; the returned function gives how busy both cores were
 * meanwhile, and the share of them that processes other than `ours()` used (a test suite run by someone else, say).
 * `ours()` is asked at the start and at the end: processes that appear meanwhile count from zero; one of ours that
 * ends meanwhile (a reaped child counts in its parent) is counted as another's. Per-process and machine jiffies are
 * sampled at slightly different instants, so `others` is good to a few percent either way.
 */
export async function watchOthers(ours: () => Promise<number[]> | number[]): Promise<() => Promise<{ busy: number; others: number }>> {
  const oursUsed = await watchJiffies(ours);
  const machineBefore = machineJiffies();
  return async () => {
    const used = await oursUsed();
    const machineAfter = machineJiffies();
    const [busy, total] = [machineAfter.busy - machineBefore.busy, machineAfter.total - machineBefore.total];
    return { busy: (100 * busy) / total, others: (100 * (busy - used)) / total };
  };
}

/**
 * Starts counting the CPU of a changing set of processes; the returned function gives the jiffies (1/100 s) they used
 * since. `pids()` is asked at the start and at the end: a process that appears meanwhile counts from zero, one that
 * ends meanwhile is lost (unless reaped by a parent in the set).
 */
export async function watchJiffies(pids: () => Promise<number[]> | number[]): Promise<() => Promise<number>> {
  const start = new Map((await pids()).map((pid) => [pid, jiffiesOf(pid)]));
  return async () => {
    const all = new Set([...start.keys(), ...(await pids())]);
    return [...all].reduce((sum, pid) => sum + Math.max(0, jiffiesOf(pid) - (start.get(pid) ?? 0)), 0);
  };
}

/** The PostgreSQL processes that work for the database of `query`'s connection: its backends and the server's writers. */
export async function postgresPids(query: (text: string) => Promise<{ rows: unknown[] }>): Promise<number[]> {
  const { rows } = await query(
    `SELECT pid FROM pg_stat_activity
      WHERE datname = current_database() OR backend_type IN ('checkpointer', 'background writer', 'walwriter', 'autovacuum launcher')`,
  );
  return (rows as { pid: number }[]).map((r) => r.pid);
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** The kernel's peak RSS of this process since the last reset: it sees what a blocked event loop hides from a timer. */
export function peakRssKb(): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) : 0;
}

/** Starts a new peak (writes 5 to clear_refs); where that is not allowed, the peak stays the process's own. */
export function resetPeakRss(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // not allowed here: the peak is then the process's since it started, which the samples still bound from below
  }
}
