/**
 * The SMVP scale as people read it: each band with its name (Fascia 1, 2, … from the lowest), its range of
 * achievement and its score; which band an achievement falls in. The same rule as the API's `scoreOnScale`
 * (libs/lifecycle/src/scoring/scoring-system.ts): a band starts at its `fromPercent`, inclusive, and runs to the next.
 */

export interface ScoreScale {
  kind: 'linear' | 'bands';
  bands?: { fromPercent: number; score: number }[];
}

export interface NamedBand {
  /** 1 for the lowest band. */
  n: number;
  fromPercent: number;
  /** Where the next band starts (exclusive); undefined for the highest. */
  toPercent?: number;
  score: number;
}

export function namedBands(scale: ScoreScale): NamedBand[] {
  if (scale.kind !== 'bands') return [];
  const bands = [...(scale.bands ?? [])].sort((a, b) => a.fromPercent - b.fromPercent);
  return bands.map((band, i) => ({ n: i + 1, fromPercent: band.fromPercent, toPercent: bands[i + 1]?.fromPercent, score: band.score }));
}

/** The band an achievement falls in: below the first band's start, the first (as the API scores it). */
export function bandOf(percent: number, scale: ScoreScale): NamedBand | undefined {
  const bands = namedBands(scale);
  let found = bands[0];
  for (const band of bands) if (percent >= band.fromPercent) found = band;
  return found;
}

/** The score an achievement has on the scale (linear: the achievement, between 0 and 100). */
export function scoreOf(percent: number, scale: ScoreScale): number {
  if (scale.kind === 'linear') return Math.min(100, Math.max(0, percent));
  return bandOf(percent, scale)?.score ?? 0;
}

/**
 * How many objectives fall in each band (a linear scale: in tenths, 0–9 %, …, 90–100 %), for the distribution chart
 * and its table; objectives with nothing measurable are left out.
 */
export function distribution(percents: readonly (number | null)[], scale: ScoreScale): { name: NamedBand | { from: number; to: number }; count: number }[] {
  const measured = percents.filter((p): p is number => p !== null);
  if (scale.kind === 'bands') {
    return namedBands(scale).map((band) => ({ name: band, count: measured.filter((p) => bandOf(p, scale)?.n === band.n).length }));
  }
  return Array.from({ length: 10 }, (_, i) => ({
    name: { from: i * 10, to: i === 9 ? 100 : i * 10 + 9 },
    count: measured.filter((p) => Math.min(9, Math.floor(Math.max(0, Math.min(100, p)) / 10)) === i).length,
  }));
}
