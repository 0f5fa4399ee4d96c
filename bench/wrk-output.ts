/** What wrk (`--latency`) printed, as figures: the rate, the median and 99th percentile latencies, the failures. */
export interface WrkFigures {
  perSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  /** Connect, read, write and timeout errors, summed. */
  errors: number;
}

export function wrkFigures(output: string): WrkFigures {
  return {
    perSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1]),
    p50: milliseconds(/^\s+50%\s+(\S+)/m.exec(output)?.[1]),
    p99: milliseconds(/^\s+99%\s+(\S+)/m.exec(output)?.[1]),
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(output)?.[1] ?? 0),
    errors: [...output.matchAll(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/g)]
      .flatMap((m) => m.slice(1).map(Number))
      .reduce((a, b) => a + b, 0),
  };
}

/** wrk's "812.34us", "4.51ms", "1.02s" in milliseconds. */
function milliseconds(text: string | undefined): number {
  const match = /([\d.]+)(us|ms|s)/.exec(text ?? '');
  if (!match) return NaN;
  return Number(match[1]) * (match[2] === 'us' ? 0.001 : match[2] === 's' ? 1000 : 1);
}
