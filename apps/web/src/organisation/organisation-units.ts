import { useEffect, useState } from 'react';
import { type components } from '@piao/api-client';
import { answerOf, api } from '../api/api';

export type Unit = components['schemas']['OrganisationUnitView'];

/** The ente's units (`GET /organisation`), read once by the page; empty until they arrive or if they cannot be read. */
export function useOrganisationUnits(): Unit[] {
  const [units, setUnits] = useState<Unit[]>([]);
  useEffect(() => {
    void answerOf(api.GET('/organisation')).then((a) => {
      if (a.data) setUnits(a.data.units);
    });
  }, []);
  return units;
}

/** A unit's name as people know it; its id while the names are not there (or for a unit no longer in the directory). */
export function unitNameIn(units: readonly Unit[]): (unitId: string) => string {
  return (unitId) => units.find((u) => u.unitId === unitId)?.name ?? unitId;
}
