import { isRecord, Problems, scanJson, show } from '../invariants/json-values';

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

/**
 * The problems that make a scoring system unusable, in words an administrator can act on; empty when fine.
 * The system is looked at as `unknown`: whatever the caller passes, this answers and never throws.
 */
export function scoringSystemProblems(system: ScoringSystem): string[] {
  const input: unknown = system;
  if (!isRecord(input)) return [`system: must be an object with basis and scale, not ${show(input)}`];
  const found = new Problems();
  scanJson(input, '', found); // no prototype keys, no NUL or lone surrogates, no NaN anywhere
  const problems = found.messages();
  const bases: readonly unknown[] = SCORING_BASES;
  if (!bases.includes(input.basis)) problems.push(`basis: must be one of ${SCORING_BASES.join(', ')}, not ${show(input.basis)}`);
  const scale = input.scale;
  if (!isRecord(scale) || (scale.kind !== 'linear' && scale.kind !== 'bands')) {
    return [...problems, `scale: must be an object of kind linear or bands, not ${show(scale)}`];
  }
  if (scale.kind === 'linear') return problems;
  if (!Array.isArray(scale.bands)) return [...problems, `bands: must be a list of { fromPercent, score }, not ${show(scale.bands)}`];
  if (!scale.bands.every((b: unknown) => isRecord(b) && Number.isFinite(b.fromPercent) && Number.isFinite(b.score))) {
    return [...problems, 'bands: each band needs a finite fromPercent and score'];
  }
  const bands = scale.bands as { fromPercent: number; score: number }[];
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
