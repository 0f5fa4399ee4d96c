import { type Indicator, type ObjectiveDefinition, type Person, type Phase, type Resource } from '@piao/lifecycle';

/**
 * An objective's definition as read from an import file: the domain's shape, as plain JSON, with the units as written
 * (a code or a name, resolved to ids by the import against the organisation), each indicator's type as written only
 * (`typeAsWritten`, resolved against the ente's catalogue; `type` is never set here), and targets as their text (the
 * server reads them).
 */
export type ImportedDefinition = Omit<ObjectiveDefinition, 'phases' | 'indicators' | 'people' | 'resources'> & {
  phases: ImportedPhase[];
  indicators: ImportedIndicator[];
  people?: ImportedPerson[];
  resources?: ImportedResource[];
};

/** A weight left blank is null: never 0. */
export type ImportedPhase = Omit<Phase, 'weight' | 'cancelled'> & { weight: number | null };

export type ImportedIndicator = Omit<Indicator, 'type' | 'measure'>;

export type ImportedPerson = Omit<Person, 'personId'>;

export type ImportedResource = Resource;
