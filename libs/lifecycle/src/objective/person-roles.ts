import { foldedName } from '../invariants/folded-text';
import { PERSON_ROLE_KINDS, type ObjectiveDefinition, type PersonRoleKind } from './objective-definition';

/** How plans write each role, folded (lower case, no accents, punctuation as spaces): whole words only. */
const WRITTEN: Record<PersonRoleKind, RegExp> = {
  rup: /^(rup|r u p|responsabile unico( del procedimento)?|responsabile del procedimento)$/,
  responsabile: /^(responsabile|resp|responsabile (dell )?obiettivo|titolare|p ?o responsabile|dirigente responsabile)$/,
  referente: /^(referente|referenti|referente (tecnico|amministrativo|operativo))$/,
  collaboratore: /^(collaboratore|collaboratrice|collaboratori|collaborazione|supporto|componente|componente (del )?gruppo( di lavoro)?|gruppo di lavoro)$/,
};

/** The kind of a role as written, when the words are one of the known ones; undefined otherwise (kept as written). */
export function personRoleKind(role: string): PersonRoleKind | undefined {
  const folded = foldedName(role);
  return PERSON_ROLE_KINDS.find((kind) => WRITTEN[kind].test(folded));
}

/** Each person's `roleKind` read from the role as written where it is absent and the words name a known one. */
export function resolvePersonRoles<D extends ObjectiveDefinition>(definition: D): D {
  if (!definition.people?.some((p) => p.role !== undefined && p.roleKind === undefined)) return definition;
  return {
    ...definition,
    people: definition.people.map((person) => {
      const kind = person.roleKind === undefined && person.role !== undefined ? personRoleKind(person.role) : undefined;
      return kind ? { ...person, roleKind: kind } : person;
    }),
  };
}
