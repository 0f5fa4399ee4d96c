import { useEffect, useState } from 'react';
import { type components } from '@piao/api-client';
import { answerOf, api } from '../api/api';

export type Unit = components['schemas']['OrganisationUnitView'];
export type Person = components['schemas']['OrganisationPersonView'];

/** The ente's units and people (`GET /organisation`), read once by the page; empty until they arrive or if they cannot be read. */
export function useOrganisationDirectory(): { units: Unit[]; people: Person[] } {
  const [directory, setDirectory] = useState<{ units: Unit[]; people: Person[] }>({ units: [], people: [] });
  useEffect(() => {
    void answerOf(api.GET('/organisation')).then((a) => {
      if (a.data) setDirectory({ units: a.data.units, people: a.data.people });
    });
  }, []);
  return directory;
}

/** The ente's units, as useOrganisationDirectory reads them. */
export function useOrganisationUnits(): Unit[] {
  return useOrganisationDirectory().units;
}

/** A unit's name as people know it; its id while the names are not there (or for a unit no longer in the directory). */
export function unitNameIn(units: readonly Unit[]): (unitId: string) => string {
  return (unitId) => units.find((u) => u.unitId === unitId)?.name ?? unitId;
}

/** A person's name; their id while the names are not there (or for someone the directory does not hold). */
export function personNameIn(people: readonly Person[]): (personId: string) => string {
  return (personId) => people.find((p) => p.personId === personId)?.name ?? personId;
}
