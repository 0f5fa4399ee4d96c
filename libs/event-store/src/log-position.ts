/** A point in the global log. Ordered by `commit`, then `prepare`; opaque outside the adapters. */
export interface LogPosition {
  commit: bigint;
  prepare: bigint;
}

/** Before the first event of the log. */
export const LOG_START: LogPosition = Object.freeze({ commit: -1n, prepare: -1n });

export function comparePositions(a: LogPosition, b: LogPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function formatPosition(p: LogPosition): string {
  return `${p.commit}/${p.prepare}`;
}
