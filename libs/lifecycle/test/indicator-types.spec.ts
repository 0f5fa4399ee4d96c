import {
  definitionWarnings,
  EMPTY_ORGANISATION,
  evolveOrganisation,
  indicatorTypeCatalogue,
  indicatorTypeKey,
  INDICATOR_TYPES,
  namesOf,
  objectiveDecider,
  objectiveDefinitionProblems,
  organisationDecider,
  resolveIndicatorType,
  resolveIndicatorTypes,
  RuleViolation,
  STANDARD_INDICATOR_TYPES,
  type Actor,
  type DecisionContext,
  type ObjectiveDefinition,
  type OrganisationEvent,
} from '@piao/lifecycle';
import { DeciderSpecification } from './decider-specification';

const segretario: Actor = { id: 'seg', name: 'Segretaria', ente: 'c1', roles: ['segretario'] };
const dirigente: Actor = { id: 'dir', name: 'Dirigente Welfare', ente: 'c1', roles: ['dirigente'] };
const admin: Actor = { id: 'adm', name: 'Amministratore', ente: 'c1', roles: ['admin'] };
const as = (actor: Actor): DecisionContext => ({ actor, unitsHeaded: new Set(actor === dirigente ? ['welfare'] : []), today: '2025-03-01' });

const digitale: OrganisationEvent = {
  type: 'IndicatorTypeDefined',
  data: { typeId: 'sviluppo-digitale', label: 'Sviluppo digitale', synonyms: ['digitalizzazione'] },
};
const withDigitale = indicatorTypeCatalogue(evolveOrganisation(EMPTY_ORGANISATION, digitale));

const definition = (indicator: Record<string, unknown>): ObjectiveDefinition => ({
  title: 'Sportello digitale',
  responsibleUnitId: 'welfare',
  horizon: { fromYear: 2025, toYear: 2025 },
  phases: [{ id: 'f1', description: 'Avvio', weight: 100 }],
  indicators: [{ id: 'i1', description: 'Pratiche online', target: { text: 'almeno n. 100' }, ...indicator }],
});

describe('the standard catalogue of indicator types', () => {
  it('holds every type an indicator could carry before the catalogue: events already recorded stay valid', () => {
    const ids = STANDARD_INDICATOR_TYPES.map((t) => t.typeId);
    for (const id of INDICATOR_TYPES) expect(ids).toContain(id);
    expect(ids).toEqual(expect.arrayContaining(['attivita-processo', 'impatto', 'output', 'outcome', 'costo']));
  });

  it('never has two types answering to one name', () => {
    const owners = new Map<string, string>();
    for (const type of STANDARD_INDICATOR_TYPES) {
      for (const name of namesOf(type)) {
        const owner = owners.get(indicatorTypeKey(name));
        if (owner !== undefined) expect([name, owner]).toEqual([name, type.typeId]);
        owners.set(indicatorTypeKey(name), type.typeId);
      }
    }
  });
});

describe('resolving a type as written', () => {
  it.each([
    ['EFFICIENZA', 'efficienza'],
    ['Efficacia ', 'efficacia'],
    ['economicità', 'economicita'],
    ["economicita'", 'economicita'],
    ['ECONOMICITÀ', 'economicita'],
    ['Quantità', 'quantita'],
    ['QUANTITATIVO', 'quantita'],
    ['QUALITA', 'qualita'],
    ['tempi', 'tempo'],
    ['Tempistica', 'tempo'],
    ['attività/processo', 'attivita-processo'],
    ['Attività - Processo', 'attivita-processo'],
    ['processo', 'attivita-processo'],
    ['impatto', 'impatto'],
    ['output', 'output'],
    ['Outcome', 'outcome'],
    ['Costo', 'costo'],
    ['Indicatore di efficacia', 'efficacia'],
  ])('%s → %s', (written, id) => expect(resolveIndicatorType(written, STANDARD_INDICATOR_TYPES)).toBe(id));

  it.each([['Incarico'], ['efficacia/efficienza'], ['—'], [''], ['sviluppo digitale']])('%s → nothing in the standard catalogue', (written) =>
    expect(resolveIndicatorType(written, STANDARD_INDICATOR_TYPES)).toBeUndefined(),
  );

  it("matches the ente's own types by id, label and synonym", () => {
    expect(resolveIndicatorType('SVILUPPO DIGITALE', withDigitale)).toBe('sviluppo-digitale');
    expect(resolveIndicatorType('sviluppo-digitale', withDigitale)).toBe('sviluppo-digitale');
    expect(resolveIndicatorType('Digitalizzazione', withDigitale)).toBe('sviluppo-digitale');
    expect(resolveIndicatorType('Efficienza', withDigitale)).toBe('efficienza');
  });
});

describe('the types of a definition entering the objective', () => {
  it('sets the type a written one names, and keeps the text', () => {
    const resolved = resolveIndicatorTypes(definition({ typeAsWritten: 'EFFICIENZA' }), STANDARD_INDICATOR_TYPES);
    expect(resolved.indicators[0]).toMatchObject({ type: 'efficienza', typeAsWritten: 'EFFICIENZA' });
    expect(definitionWarnings(resolved).map((w) => w.code)).not.toContain('indicator-type-not-in-catalogue');
  });

  it('keeps a written type the catalogue does not know, without a type, and warns', () => {
    const resolved = resolveIndicatorTypes(definition({ typeAsWritten: 'Incarico' }), STANDARD_INDICATOR_TYPES);
    expect(resolved.indicators[0].type).toBeUndefined();
    expect(resolved.indicators[0].typeAsWritten).toBe('Incarico');
    expect(definitionWarnings(resolved)).toContainEqual({
      code: 'indicator-type-not-in-catalogue',
      message: expect.stringContaining('"Incarico"') as string,
    });
  });

  it('keeps both when both are given, even when they disagree', () => {
    const given = definition({ type: 'efficacia', typeAsWritten: 'Costo' });
    expect(resolveIndicatorTypes(given, STANDARD_INDICATOR_TYPES)).toBe(given);
    expect(definitionWarnings(given).map((w) => w.code)).not.toContain('indicator-type-not-in-catalogue');
  });

  it('refuses a type the catalogue does not have, naming the indicator and the known ids', () => {
    const call = () => resolveIndicatorTypes(definition({ type: 'sviluppo-digitale' }), STANDARD_INDICATOR_TYPES);
    expect(call).toThrow(RuleViolation);
    expect(call).toThrow(
      expect.objectContaining({ rule: 'unknown-indicator-type', message: expect.stringMatching(/indicators\[0\]\.type \(i1\).*efficacia, efficienza/) }),
    );
    expect(resolveIndicatorTypes(definition({ type: 'sviluppo-digitale' }), withDigitale).indicators[0].type).toBe('sviluppo-digitale');
  });

  it('leaves what is malformed to the definition’s own checks', () => {
    const odd = { ...definition({}), indicators: 'none' } as unknown as ObjectiveDefinition;
    expect(resolveIndicatorTypes(odd, STANDARD_INDICATOR_TYPES)).toBe(odd);
    expect(objectiveDefinitionProblems(definition({ type: 'Efficacia' }))).toEqual([expect.stringContaining('indicators[0].type')]);
    expect(objectiveDefinitionProblems(definition({ type: 'sviluppo-digitale', typeAsWritten: 'Sviluppo digitale' }))).toEqual([]);
    expect(objectiveDefinitionProblems(definition({ typeAsWritten: 3 }))).toEqual([expect.stringContaining('indicators[0].typeAsWritten')]);
  });

  it('records the warning with the draft', () => {
    DeciderSpecification.for(
      objectiveDecider,
      as(dirigente),
    )([])
      .when({ type: 'DraftObjective', objectiveId: 'o1', planId: 'p1', ente: 'c1', code: 'A', definition: definition({ typeAsWritten: 'Incarico' }) })
      .then([
        expect.objectContaining({
          type: 'ObjectiveDrafted',
          data: expect.objectContaining({ warnings: [expect.objectContaining({ code: 'indicator-type-not-in-catalogue' })] }) as unknown,
        }),
      ]);
  });
});

describe('defining an indicator type of the ente (organisation decider)', () => {
  const given = DeciderSpecification.for(organisationDecider, as(segretario));
  const define = { type: 'DefineIndicatorType', typeId: 'sviluppo-digitale', label: 'Sviluppo digitale', synonyms: ['digitalizzazione'] } as const;

  it('adds a type of its own, by the Segretario', () => {
    given([])
      .when({ ...define, synonyms: [...define.synonyms] })
      .then([digitale]);
    given([])
      .when({ type: 'DefineIndicatorType', typeId: 'contesto', label: ' Contesto ' })
      .then([{ type: 'IndicatorTypeDefined', data: { typeId: 'contesto', label: 'Contesto' } }]);
  });

  it('is the Segretario’s only', () => {
    given([])
      .when({ ...define, synonyms: [] }, as(dirigente))
      .thenThrows('role-not-allowed');
    given([])
      .when({ ...define, synonyms: [] }, as(admin))
      .thenThrows('role-not-allowed');
  });

  it('records nothing when the type is defined again as it is', () => {
    given([digitale])
      .when({ ...define, synonyms: [' digitalizzazione'] })
      .then([]);
  });

  it('refuses an id already taken, by a standard type or by another definition of its own', () => {
    given([])
      .when({ type: 'DefineIndicatorType', typeId: 'efficacia', label: 'Efficacia' })
      .thenThrows('indicator-type-already-exists', /standard/);
    given([digitale])
      .when({ type: 'DefineIndicatorType', typeId: 'sviluppo-digitale', label: 'Digitale' })
      .thenThrows('indicator-type-already-exists', /not redefined/);
  });

  it('refuses a label, a synonym or an id another type answers to', () => {
    given([])
      .when({ type: 'DefineIndicatorType', typeId: 'eff', label: 'EFFICIENZA' })
      .thenThrows('indicator-type-name-taken', /efficienza/);
    given([])
      .when({ type: 'DefineIndicatorType', typeId: 'fasi', label: 'Fasi', synonyms: ['Processo'] })
      .thenThrows('indicator-type-name-taken', /attivita-processo/);
    given([]).when({ type: 'DefineIndicatorType', typeId: 'tempi', label: 'Tempi di risposta' }).thenThrows('indicator-type-name-taken', /tempo/);
    given([digitale])
      .when({ type: 'DefineIndicatorType', typeId: 'pnrr', label: 'PNRR', synonyms: ['Digitalizzazione'] })
      .thenThrows('indicator-type-name-taken', /sviluppo-digitale/);
  });

  it('refuses an id of another shape and names with no letter', () => {
    given([])
      .when({ type: 'DefineIndicatorType', typeId: 'Sviluppo Digitale', label: 'Sviluppo digitale' })
      .thenThrows('value-invalid', /typeId/);
    given([])
      .when({ type: 'DefineIndicatorType', typeId: 'x'.repeat(41), label: 'X' })
      .thenThrows('value-invalid', /typeId/);
    given([]).when({ type: 'DefineIndicatorType', typeId: 'x', label: '—' }).thenThrows('value-invalid', /label/);
    given([])
      .when({ type: 'DefineIndicatorType', typeId: 'x', label: 'X', synonyms: [''] })
      .thenThrows('value-invalid', /synonyms/);
  });

  it('keeps the catalogue: standard types first, then its own; absent until the first definition', () => {
    expect(EMPTY_ORGANISATION.indicatorTypes).toBeUndefined();
    const catalogue = indicatorTypeCatalogue(evolveOrganisation(EMPTY_ORGANISATION, digitale));
    expect(catalogue.filter((t) => t.standard)).toHaveLength(STANDARD_INDICATOR_TYPES.length);
    expect(catalogue.at(-1)).toEqual({ typeId: 'sviluppo-digitale', label: 'Sviluppo digitale', synonyms: ['digitalizzazione'], standard: false });
  });
});
