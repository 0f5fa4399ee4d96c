import { DEFAULT_SCORING_SYSTEM, type OrganisationState, type ScoringSystem } from '@piao/lifecycle';

/** The ente's adopted SMVP, or the default until it adopts one. */
export function scoringSystemOf(organisation: OrganisationState): ScoringSystem {
  return organisation.scoringSystem ?? DEFAULT_SCORING_SYSTEM;
}

/** An objective's achievement on the ente's basis, from the two parts the read model keeps. */
export function achievementOnBasis(system: ScoringSystem, phasesPercent: number | null, indicatorsPercent: number | null): number | undefined {
  const parts = system.basis === 'phases' ? [phasesPercent] : system.basis === 'indicators' ? [indicatorsPercent] : [phasesPercent, indicatorsPercent];
  const present = parts.filter((p): p is number => p !== null && p !== undefined);
  return present.length ? Math.round((present.reduce((a, b) => a + b, 0) / present.length) * 100) / 100 : undefined;
}
