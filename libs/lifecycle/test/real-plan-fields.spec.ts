import { definitionWarnings, objectiveDefinitionProblems, type ObjectiveDefinition } from '@piao/lifecycle';

/*
 * Fields real plans use that the first definition had no place for (issue 13, item 1): a person's role in the
 * objective, a multi-year stage without its total, the coordinating unit, the objective's own deadline, notes.
 */

const definition: ObjectiveDefinition = {
  title: 'Riqualificazione dei giardini di quartiere',
  responsibleUnitId: 'lavori-pubblici',
  contributingUnitIds: ['ambiente'],
  coordinatingUnitId: 'lavori-pubblici',
  deadline: '2026-06-30',
  notes: 'Fase 1 del progetto pluriennale',
  kind: { multiYear: { stage: 1 } },
  people: [
    { name: 'Giulia Neri', role: 'RUP', participationPercent: 40 },
    { name: 'Paolo Sala', role: 'referente' },
  ],
  horizon: { fromYear: 2026, toYear: 2026 },
  phases: [{ id: 'f1', description: 'Progettazione', plannedEnd: '2026-03-31', weight: 100 }],
  indicators: [{ id: 'i1', description: 'Giardini riqualificati', target: { text: '4 giardini' } }],
};

describe('the fields real plans use', () => {
  it('accepts a role for each person, a stage without its total, a coordinating unit, a deadline and notes', () => {
    expect(objectiveDefinitionProblems(definition)).toEqual([]);
    expect(definitionWarnings(definition).map((w) => w.code)).not.toContain('coordinating-unit-not-involved');
  });

  it('refuses what cannot be used: an impossible deadline, a role that is not text, a stage past its total', () => {
    expect(objectiveDefinitionProblems({ ...definition, deadline: '2026-02-30' })).toEqual([expect.stringContaining('deadline')]);
    expect(objectiveDefinitionProblems({ ...definition, people: [{ name: 'Giulia Neri', role: 3 }] })).toEqual([expect.stringContaining('people[0].role')]);
    expect(objectiveDefinitionProblems({ ...definition, kind: { multiYear: { stage: 3, of: 2 } } })).toEqual([expect.stringContaining('stage')]);
  });

  it('warns, without refusing, of a coordinating unit that is not among the units of the objective', () => {
    expect(objectiveDefinitionProblems({ ...definition, coordinatingUnitId: 'cultura' })).toEqual([]);
    expect(definitionWarnings({ ...definition, coordinatingUnitId: 'cultura' }).map((w) => w.code)).toContain('coordinating-unit-not-involved');
  });
});
