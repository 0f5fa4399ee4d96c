import { type DecisionContext, type Role } from './actor';
import { NotPermitted } from './rule-violation';

/**
 * A grant names a role, or for dirigenti the units they must head today:
 * `dirigente:responsible` the objective's responsible unit, `dirigente:involved` it or a contributing unit.
 */
export type Grant = Exclude<Role, 'dirigente'> | 'dirigente:responsible' | 'dirigente:involved';

export interface UnitsInvolved {
  responsibleUnitId: string;
  contributingUnitIds?: readonly string[];
}

/**
 * Picks the role under which the actor may act, trying the grants in order, or throws NotPermitted.
 * The role is recorded in the event's metadata: the audit trail says in which capacity someone acted.
 */
export function actingRole(grants: readonly Grant[], context: DecisionContext, units: UnitsInvolved | undefined, what: string): Role {
  const { actor, unitsHeaded } = context;
  for (const grant of grants) {
    if (grant === 'dirigente:responsible' || grant === 'dirigente:involved') {
      if (!actor.roles.includes('dirigente') || !units) continue;
      const unitIds = grant === 'dirigente:responsible' ? [units.responsibleUnitId] : [units.responsibleUnitId, ...(units.contributingUnitIds ?? [])];
      if (unitIds.some((id) => unitsHeaded.has(id))) return 'dirigente';
    } else if (actor.roles.includes(grant)) {
      return grant;
    }
  }
  const needsUnit = grants.some((g) => g.startsWith('dirigente:')) && actor.roles.includes('dirigente');
  throw new NotPermitted(
    needsUnit ? 'not-head-of-unit' : 'role-not-allowed',
    needsUnit
      ? `${what}: a dirigente may act only on objectives of the units they head today`
      : `${what} is reserved to: ${grants.map((g) => g.replace(/:.*/, '')).join(', ')}`,
  );
}
