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
  return { perSecond: samples.count / elapsed, p50: samples.percentile(50), p99: samples.percentile(99), count: samples.count };
}

export function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
