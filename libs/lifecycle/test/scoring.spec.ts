import {
  achievementAgainst,
  objectiveAchievement,
  personAchievement,
  scoreOnScale,
  scoringSystemProblems,
  unitAchievement,
  DEFAULT_SCORING_SYSTEM,
  type ObjectiveDefinition,
  type ScoringSystem,
  type Target,
} from '@piao/lifecycle';

const on = (value: string, asOf = '2025-12-31') => ({ value, asOf });

describe('indicator achievement honours the sense of the target', () => {
  const t = (target: Omit<Target, 'text'>): Target => ({ text: 'x', ...target });
  it.each([
    [t({ sense: 'at-least', value: 4 }), '4', 100],
    [t({ sense: 'at-least', value: 4 }), '3', 75],
    [t({ sense: 'at-least', value: 4 }), '6', 100],
    [t({ sense: 'at-least', value: 3, strict: true }), '3', 100],
    [t({ sense: 'at-most', value: 800, unit: '€' }), '750 €', 100],
    [t({ sense: 'at-most', value: 800 }), '1.000', 80],
    [t({ sense: 'at-most', value: 10, strict: true }), '10', 100],
    [t({ sense: 'exactly', value: 12 }), '12', 100],
    [t({ sense: 'exactly', value: 12 }), '9', 75],
    [t({ sense: 'at-least', value: 100, unit: '%' }), '91%', 91],
    [t({ sense: 'at-least', value: 150000 }), '150.000,00', 100],
    [t({ sense: 'done' }), 'Fatto', 100],
    [t({ sense: 'done' }), 'no', 0],
    [t({ sense: 'by-date', date: '2025-06-30' }), '15/06/2025', 100],
    [t({ sense: 'by-date', date: '2025-06-30' }), '01/07/2025', 0],
  ])('%j reached with %j gives %d%%', (target, value, percent) => {
    expect(achievementAgainst(target, on(value))).toBe(percent);
  });

  it('scores a strict target not met by its own value below 100', () => {
    expect(achievementAgainst(t({ sense: 'at-least', value: 3, strict: true }), on('3'))).toBe(100);
    expect(achievementAgainst(t({ sense: 'at-least', value: 3, strict: true }), on('2'))).toBeCloseTo(66.67, 1);
    expect(achievementAgainst(t({ sense: 'at-most', value: 10, strict: true }), on('10'))).toBe(100);
  });

  it('counts "done" on the date it was recorded against a deadline', () => {
    const target = t({ sense: 'by-date', date: '2025-06-30' });
    expect(achievementAgainst(target, on('Fatto', '2025-06-30'))).toBe(100);
    expect(achievementAgainst(target, on('Fatto', '2025-07-01'))).toBe(0);
  });

  it('cannot compare a value that is not a number with a numeric target', () => {
    expect(achievementAgainst(t({ sense: 'at-least', value: 4 }), on('quasi'))).toBeUndefined();
  });
});

const definition = (phases: ObjectiveDefinition['phases'], indicators: ObjectiveDefinition['indicators'] = []): ObjectiveDefinition => ({
  title: 'x',
  responsibleUnitId: 'u',
  horizon: { fromYear: 2025, toYear: 2025 },
  phases,
  indicators,
});

describe('objective achievement', () => {
  const phases = [
    { id: 'f1', description: 'a', weight: 50, plannedPercentAt: { '2025-07-31': 100 } },
    { id: 'f2', description: 'b', weight: 30, plannedPercentAt: { '2025-07-31': 50 } },
  ];
  const phasesOnly: ScoringSystem = { basis: 'phases', scale: { kind: 'linear' } };

  it('weights phases, and flags weights that do not total 100 instead of hiding them', () => {
    const result = objectiveAchievement(
      { definition: definition(phases), progress: { f1: { progressPercent: 100 }, f2: { progressPercent: 25 } }, indicatorValues: {} },
      phasesOnly,
      '2025-07-31',
    );
    // f1 at 100% of plan (weight 50), f2 at 50% of plan (weight 30): (100*50 + 50*30) / 80
    expect(result.percent).toBe(81.25);
    expect(result.phases.find((p) => p.phaseId === 'f2')).toMatchObject({ plannedPercent: 50, progressPercent: 25, behindBy: 25 });
    expect(result.flags.map((f) => f.code)).toEqual(expect.arrayContaining(['phase-weights-not-100', 'no-indicator']));
  });

  it('counts every phase the same when none has a weight, and says so', () => {
    const result = objectiveAchievement(
      {
        definition: definition([
          { id: 'f1', description: 'a' },
          { id: 'f2', description: 'b' },
        ]),
        progress: { f1: { progressPercent: 100 } },
        indicatorValues: {},
      },
      phasesOnly,
    );
    expect(result.percent).toBe(50);
    expect(result.flags.map((f) => f.code)).toContain('phase-weights-missing');
  });

  it('scores indicators from their Italian target text and flags the ones a person must read', () => {
    const result = objectiveAchievement(
      {
        definition: definition(
          [],
          [
            { id: 'i1', description: 'pratiche', target: { text: 'almeno n. 4' } },
            { id: 'i2', description: 'report', target: { text: 'Fatto' } },
            { id: 'i3', description: 'misto', target: { text: 'Approvazione Giunta/Consiglio' } },
          ],
        ),
        progress: {},
        indicatorValues: { i1: [on('2', '2025-06-30'), on('3', '2025-12-31')], i2: [on('Fatto')], i3: [on('approvato')] },
      },
      {
        basis: 'indicators',
        scale: {
          kind: 'bands',
          bands: [
            { fromPercent: 0, score: 0 },
            { fromPercent: 50, score: 50 },
            { fromPercent: 75, score: 75 },
            { fromPercent: 100, score: 100 },
          ],
        },
      },
    );
    expect(result.indicators.map((i) => i.percent)).toEqual([75, 100, undefined]);
    expect(result.percent).toBe(87.5);
    expect(result.score).toBe(75);
    expect(result.flags.map((f) => f.code)).toContain('target-unread');
  });

  it('scores at a monitoring date with the values known then', () => {
    const input = {
      definition: definition([], [{ id: 'i1', description: 'p', target: { text: 'almeno 4' } }]),
      progress: {},
      indicatorValues: { i1: [on('2', '2025-07-15'), on('4', '2025-11-30')] },
    };
    expect(objectiveAchievement(input, DEFAULT_SCORING_SYSTEM, '2025-07-31').indicatorsPercent).toBe(50);
    expect(objectiveAchievement(input, DEFAULT_SCORING_SYSTEM).indicatorsPercent).toBe(100);
  });
});

describe('units, people and the SMVP scale', () => {
  it('averages a unit and weights a person by participation', () => {
    expect(unitAchievement([80, 100, undefined])).toBe(90);
    expect(
      personAchievement([
        { participationPercent: 75, objectivePercent: 100 },
        { participationPercent: 25, objectivePercent: 60 },
      ]),
    ).toBe(90);
    expect(personAchievement([])).toBeUndefined();
  });

  it('maps achievement onto bands, a 1–5 scale or linearly', () => {
    const fiveSteps = { kind: 'bands' as const, bands: [1, 2, 3, 4, 5].map((score, i) => ({ fromPercent: i * 20, score })) };
    expect(scoreOnScale(59, fiveSteps)).toBe(3);
    expect(scoreOnScale(100, fiveSteps)).toBe(5);
    expect(scoreOnScale(120, { kind: 'linear' })).toBe(100);
    expect(scoringSystemProblems({ basis: 'mean', scale: { kind: 'bands', bands: [{ fromPercent: 10, score: 1 }] } })).toEqual([
      'bands: the first band must start at 0%',
    ]);
  });
});
