/**
 * The ente's SMVP (sistema di misurazione e valutazione della performance): how an achievement percentage
 * becomes a score. Every ente picks its own; the default is linear over 0–100.
 */
export interface ScoringSystem {
  /** What an objective's achievement rests on: its phases (weighted), its indicators, or the mean of the two. */
  basis: 'phases' | 'indicators' | 'mean';
  scale: ScoreScale;
}

export type ScoreScale =
  | { kind: 'linear' }
  /** Each band starts at `fromPercent` (inclusive) and gives `score`; e.g. 0/50/75/100, or 1–5. */
  | { kind: 'bands'; bands: { fromPercent: number; score: number }[] };

export const DEFAULT_SCORING_SYSTEM: ScoringSystem = Object.freeze({ basis: 'mean', scale: Object.freeze({ kind: 'linear' as const }) });

export const SCORING_BASES = ['phases', 'indicators', 'mean'] as const;

/** The problems that make a scoring system unusable, in words an administrator can act on; empty when fine. */
export function scoringSystemProblems(system: ScoringSystem): string[] {
  if (system.scale.kind === 'linear') return [];
  const bands = system.scale.bands;
  const problems: string[] = [];
  if (bands.length === 0) problems.push('bands: at least one band is needed');
  else if (bands[0].fromPercent !== 0) problems.push('bands: the first band must start at 0%');
  for (let i = 1; i < bands.length; i++) {
    if (bands[i].fromPercent <= bands[i - 1].fromPercent) problems.push('bands: each band must start above the previous one');
    if (bands[i].score < bands[i - 1].score) problems.push('bands: a higher band may not give a lower score');
  }
  return [...new Set(problems)];
}

/** The score an achievement percentage earns on the ente's scale. */
export function scoreOnScale(achievementPercent: number, scale: ScoreScale): number {
  if (scale.kind === 'linear') return Math.min(100, Math.max(0, achievementPercent));
  let score = scale.bands[0]?.score ?? 0;
  for (const band of scale.bands) if (achievementPercent >= band.fromPercent) score = band.score;
  return score;
}
