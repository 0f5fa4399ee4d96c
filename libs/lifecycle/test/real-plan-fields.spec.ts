import { personRoleKind, resolvePersonRoles } from '../src/objective/person-roles';
import { objectiveDefinitionProblems } from '../src/objective/definition-invariants';
import { objectiveDeadlines, phasePeriodEnd } from '../src/read-side/deadlines';
import { pinnedPeriod } from '../src/calendar/period-text';
import { type ObjectiveState } from '../src/objective/objective-state';

/** Periods as the fixture plans write them: read into dates only where the words leave no doubt. */
describe('a phase period as written', () => {
  it.each([
    ['1 trim', '2025-01-01', '2025-03-31'],
    ['II trim', '2025-04-01', '2025-06-30'],
    ['3° trimestre', '2025-07-01', '2025-09-30'],
    ['IV trim.', '2025-10-01', '2025-12-31'],
    ['entro il II trimestre 2026', '2026-04-01', '2026-06-30'],
    ['1 sem', '2025-01-01', '2025-06-30'],
    ['secondo semestre', '2025-07-01', '2025-12-31'],
    ['annuale', '2025-01-01', '2025-12-31'],
    ['Annuale', '2025-01-01', '2025-12-31'],
    ["entro l'anno", '2025-01-01', '2025-12-31'],
    ['entro giugno', '2025-06-01', '2025-06-30'],
    ['febbraio 2024', '2024-02-01', '2024-02-29'],
    ['gennaio-marzo', '2025-01-01', '2025-03-31'],
    ['da settembre a dicembre', '2025-09-01', '2025-12-31'],
  ])('"%s" runs from %s to %s', (text, start, end) => {
    expect(pinnedPeriod(text, 2025)).toEqual({ start, end });
  });

  it.each(['luglio e gennaio', 'gennaio-marzo e settembre-ottobre', 'in corso', 'estate', '5 trim', '3 sem', 'marzo-gennaio', '2025-2026', ''])(
    '"%s" pins nothing down: kept as written',
    (text) => {
      expect(pinnedPeriod(text, 2025)).toBeUndefined();
    },
  );

  it('in a horizon of several years, a period without its year pins nothing; with its year it does', () => {
    expect(phasePeriodEnd({ id: 'f1', description: 'x', plannedPeriodText: 'II trim' }, 2025, 2026)).toBeUndefined();
    expect(phasePeriodEnd({ id: 'f1', description: 'x', plannedPeriodText: 'II trim 2026' }, 2025, 2026)).toBe('2026-06-30');
    expect(phasePeriodEnd({ id: 'f1', description: 'x', plannedPeriodText: 'II trim', plannedEnd: '2025-05-31' }, 2025, 2025)).toBeUndefined();
    expect(phasePeriodEnd({ id: 'f1', description: 'x', plannedPeriodText: 'giugno', plannedStart: '2025-10-01' }, 2025, 2025)).toBeUndefined();
    expect(phasePeriodEnd({ id: 'f1', description: 'x', plannedPeriodText: 'dicembre', plannedStart: '2025-10-01' }, 2025, 2025)).toBe('2025-12-31');
  });

  it('an approved objective owes the end of a phase its words pin down, and its own deadline', () => {
    const state = {
      status: 'approved',
      definition: {
        title: 'Videosorveglianza',
        responsibleUnitId: 'pl',
        deadline: '2025-11-30',
        horizon: { fromYear: 2025, toYear: 2025 },
        phases: [
          { id: 'f1', description: 'Bando', plannedPeriodText: '1 trim' },
          { id: 'f2', description: 'Collaudo', plannedPeriodText: 'luglio e gennaio' },
        ],
        indicators: [],
      },
      progress: { f1: { progressPercent: 100 } },
      indicatorValues: {},
      monitoringReports: {},
    } as unknown as ObjectiveState;
    const owed = objectiveDeadlines(state, {}).filter((d) => d.kind !== 'year-end-report');
    expect(owed).toEqual([
      { kind: 'phase-end', ref: 'f1', description: 'Bando', dueOn: '2025-03-31', met: true, periodText: '1 trim' },
      { kind: 'objective-deadline', ref: 'objective', description: 'Videosorveglianza', dueOn: '2025-11-30', met: false },
    ]);
  });
});

describe("a unit's own target on a shared indicator", () => {
  const definition = {
    title: 'Controlli edilizi',
    responsibleUnitId: 'pl',
    contributingUnitIds: ['tecnica'],
    horizon: { fromYear: 2025, toYear: 2025 },
    phases: [],
    indicators: [
      {
        id: 'i1',
        description: 'Sopralluoghi',
        unitTargets: [
          { unitId: 'pl', target: { text: 'almeno 12 sopralluoghi' }, dueDate: '2025-06-30' },
          { unitId: 'tecnica', target: { text: 'almeno 4 sopralluoghi' }, dueDate: '2025-09-30' },
        ],
      },
    ],
  };

  it('is kept for the responsible or a contributing unit, once each', () => {
    expect(objectiveDefinitionProblems(definition)).toEqual([]);
    const stranger = { ...definition, indicators: [{ ...definition.indicators[0], unitTargets: [{ unitId: 'cultura', target: { text: '3' } }] }] };
    expect(objectiveDefinitionProblems(stranger)).toEqual([
      'indicators[0].unitTargets[0].unitId: "cultura" is neither the responsible unit nor a contributing one',
    ]);
    const twice = {
      ...definition,
      indicators: [{ ...definition.indicators[0], unitTargets: [...definition.indicators[0].unitTargets, { unitId: 'pl', target: { text: '1' } }] }],
    };
    expect(objectiveDefinitionProblems(twice)).toEqual(['indicators[0].unitTargets[2].unitId: "pl" has a target already']);
  });

  it('is owed by that unit, by its own date', () => {
    const state = { status: 'approved', definition, progress: {}, indicatorValues: {}, monitoringReports: {} } as unknown as ObjectiveState;
    expect(objectiveDeadlines(state, {}).filter((d) => d.kind === 'indicator-due')).toEqual([
      { kind: 'indicator-due', ref: 'i1/pl', description: 'Sopralluoghi', dueOn: '2025-06-30', met: false, unitId: 'pl' },
      { kind: 'indicator-due', ref: 'i1/tecnica', description: 'Sopralluoghi', dueOn: '2025-09-30', met: false, unitId: 'tecnica' },
    ]);
  });
});

describe("a person's part in an objective", () => {
  it.each([
    ['RUP', 'rup'],
    ['R.U.P.', 'rup'],
    ['Responsabile unico del procedimento', 'rup'],
    ['Responsabile', 'responsabile'],
    ['P.O. responsabile', 'responsabile'],
    ['Referente tecnico', 'referente'],
    ['collaboratrice', 'collaboratore'],
    ['Componente del gruppo di lavoro', 'collaboratore'],
  ])('"%s" is %s', (role, kind) => {
    expect(personRoleKind(role)).toBe(kind);
  });

  it.each(['Sindaco', 'responsabile del servizio tributi e referente', 'supervisione', ''])('"%s" names no known part: kept as written only', (role) => {
    expect(personRoleKind(role)).toBeUndefined();
  });

  it('is read from the role as written where not given, and never replaces one given', () => {
    const definition = {
      title: 'x',
      responsibleUnitId: 'u',
      horizon: { fromYear: 2025, toYear: 2025 },
      phases: [],
      indicators: [],
      people: [{ name: 'A', role: 'RUP' }, { name: 'B', role: 'RUP', roleKind: 'referente' as const }, { name: 'C', role: 'Sindaco' }, { name: 'D' }],
    };
    expect(resolvePersonRoles(definition).people).toEqual([
      { name: 'A', role: 'RUP', roleKind: 'rup' },
      { name: 'B', role: 'RUP', roleKind: 'referente' },
      { name: 'C', role: 'Sindaco' },
      { name: 'D' },
    ]);
  });
});
