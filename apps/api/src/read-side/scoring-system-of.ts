import { DEFAULT_SCORING_SYSTEM, onBasis, type OrganisationState, type ScoringSystem } from '@piao/lifecycle';

/** The ente's adopted SMVP, or the default until it adopts one. */
export function scoringSystemOf(organisation: OrganisationState): ScoringSystem {
  return organisation.scoringSystem ?? DEFAULT_SCORING_SYSTEM;
}

/** An objective's achievement on the ente's basis, from the two parts the read model keeps. */
export function achievementOnBasis(system: ScoringSystem, phasesPercent: number | null, indicatorsPercent: number | null): number | undefined {
  return onBasis(system.basis, phasesPercent ?? undefined, indicatorsPercent ?? undefined).percent;
}
