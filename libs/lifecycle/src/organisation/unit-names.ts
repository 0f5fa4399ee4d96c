import { foldedName } from '../invariants/folded-text';
import { type OrganisationState } from './organisation';

/**
 * A unit as a plan names it: by its id, or by its name written with other case, accents, spacing or punctuation
 * ("Settore Welfare e politiche abitative" for "SETTORE WELFARE E POLITICHE ABITATIVE"). A name two units share
 * after that folding names neither: undefined, as for a name no unit has. Never a guess on a partial match.
 */
export function unitNamed(organisation: OrganisationState, written: string): string | undefined {
  const text = written.trim();
  if (Object.hasOwn(organisation.units, text)) return text;
  const wanted = foldedName(text);
  if (wanted === '') return undefined;
  const matches = Object.values(organisation.units).filter((unit) => foldedName(unit.name) === wanted || foldedName(unit.unitId) === wanted);
  return matches.length === 1 ? matches[0].unitId : undefined;
}
