import {
  evolveObjective,
  indicatorAchievement,
  objectiveAchievement,
  objectiveDecider,
  objectiveDeadlines,
  objectiveRedFlags,
  timelineChanges,
  valuesReached,
  yearEndReportDue,
  DEFAULT_BACK_DATING_DAYS,
  DEFAULT_EVALUATION_TOLERANCE_POINTS,
  DEFAULT_SCORING_SYSTEM,
  type Actor,
  type DecisionContext,
  type Indicator,
  type ObjectiveDefinition,
  type ObjectiveEvent,
  type ObjectiveState,
  type RecordedObjectiveEvent,
  type RedFlagContext,
} from '@piao/lifecycle';
import { DeciderSpecification } from './decider-specification';

/**
 * Values and achievement of each unit on an indicator with a target for each unit (`unitTargets`): recorded with a
 * `unitId`, kept apart from the overall values, meeting that unit's own deadline, scored against that unit's target.
 */
const TODAY = '2025-12-31';
const segretario: Actor = { id: 'seg', name: 'Segretaria', ente: 'c1', roles: ['segretario'] };
const dirigente: Actor = { id: 'dir', name: 'Dirigente Polizia Locale', ente: 'c1', roles: ['dirigente'] };
const tecnico: Actor = { id: 'tec', name: 'Dirigente Area Tecnica', ente: 'c1', roles: ['dirigente'] };
const stranger: Actor = { id: 'cul', name: 'Dirigente Cultura', ente: 'c1', roles: ['dirigente'] };
const HEADS: Record<string, string[]> = { dir: ['pl'], tec: ['tecnica'], cul: ['cultura'] };
const as = (actor: Actor): DecisionContext => ({ actor, unitsHeaded: new Set(HEADS[actor.id] ?? []), today: TODAY });

/** i1: a target for each unit and none of its own; i2: a target of its own and one for a unit; i3: no unit target. */
const definition: ObjectiveDefinition = {
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
    {
      id: 'i2',
      description: 'Verbali',
      target: { text: 'almeno 10' },
      dueDate: '2025-12-31',
      unitTargets: [{ unitId: 'tecnica', target: { text: 'almeno 2' } }],
    },
    { id: 'i3', description: 'Regolamento approvato', target: { text: 'Fatto' } },
  ],
};
const act = { number: '31', date: '2025-03-10' };

const by = (actor: Actor, event: ObjectiveEvent): RecordedObjectiveEvent => ({ ...event, metadata: { actor: { id: actor.id } } }) as RecordedObjectiveEvent;
const approved = [
  by(dirigente, { type: 'ObjectiveDrafted', data: { objectiveId: 'o1', planId: 'p1', ente: 'c1', code: 'PL_01', definition, warnings: [] } }),
  by(dirigente, { type: 'ObjectiveProposed', data: {} }),
  by(segretario, { type: 'ObjectiveApprovedByGiunta', data: { act } }),
];
const valueOf = (indicatorId: string, value: string, asOf: string, unitId?: string): ObjectiveEvent => ({
  type: 'IndicatorValueRecorded',
  data: { indicatorId, value, asOf, ...(unitId !== undefined ? { unitId } : {}) },
});
const fold = (events: ObjectiveEvent[]): ObjectiveState =>
  events.reduce<ObjectiveState | undefined>((s, e) => evolveObjective(s, e, { actorId: 'dir' }), undefined) as ObjectiveState;
const approvedState = () => fold(approved);

describe('recording the value of a unit’s share', () => {
  const given = DeciderSpecification.for(objectiveDecider, as(dirigente));
  const record = (indicatorId: string, unitId?: string) =>
    ({ type: 'RecordIndicatorValue', indicatorId, value: '5', asOf: '2025-07-31', ...(unitId !== undefined ? { unitId } : {}) }) as const;

  it('records the unit with the value, when the unit has a target of its own on the indicator', () => {
    given(approved)
      .when(record('i1', 'tecnica'))
      .then([by(dirigente, valueOf('i1', '5', '2025-07-31', 'tecnica'))]);
  });

  it('records an overall value without a unit, as before', () => {
    given(approved)
      .when(record('i1'))
      .then([by(dirigente, valueOf('i1', '5', '2025-07-31'))]);
  });

  it('refuses a unit without a target of its own on the indicator, naming unitId', () => {
    given(approved)
      .when(record('i2', 'pl'))
      .thenThrows('unit-not-targeted', /^unitId: indicator i2 has no target for unit pl \(units with a target of their own: tecnica\)/);
  });

  it('refuses a unit on an indicator without unit targets, and a unit that is not the objective’s', () => {
    given(approved)
      .when(record('i3', 'pl'))
      .thenThrows('unit-not-targeted', /^unitId: .*it has no target for any unit/);
    given(approved)
      .when(record('i1', 'cultura'))
      .thenThrows('unit-not-targeted', /unitId/);
    // An id that is also the name of an Object property is just an id.
    given(approved).when(record('i1', 'constructor')).thenThrows('unit-not-targeted');
  });

  it('refuses a unitId that is not an id, before anything else', () => {
    given(approved)
      .when(record('i1', ''))
      .thenThrows('value-invalid', /unitId/);
    given(approved)
      .when({ ...record('i1'), unitId: 7 as unknown as string })
      .thenThrows('value-invalid', /unitId/);
  });

  it('checks the indicator before the unit, and the objective’s status before both', () => {
    given(approved).when(record('i9', 'pl')).thenThrows('unknown-indicator');
    given(approved.slice(0, 2)).when(record('i1', 'pl')).thenThrows('objective-not-approved');
  });

  it('is open to whom any value is: the segretario and the heads of the units involved, the unit’s own head among them', () => {
    given(approved)
      .when(record('i1', 'tecnica'), as(tecnico))
      .then([by(tecnico, valueOf('i1', '5', '2025-07-31', 'tecnica'))]);
    given(approved)
      .when(record('i1', 'pl'), as(segretario))
      .then([by(segretario, valueOf('i1', '5', '2025-07-31', 'pl'))]);
  });

  it('stays closed to a dirigente heading none of the objective’s units, whatever the unit named', () => {
    given(approved).when(record('i1', 'tecnica'), as(stranger)).thenThrows('not-head-of-unit');
    given(approved).when(record('i1', 'cultura'), as(stranger)).thenThrows('not-head-of-unit');
  });
});

describe('the state: unit values beside the overall ones', () => {
  it('keeps each unit’s values apart, in the order recorded, and never among the overall values', () => {
    const state = fold([
      ...approved,
      valueOf('i1', '3', '2025-03-31', 'pl'),
      valueOf('i1', '2', '2025-03-31', 'tecnica'),
      valueOf('i1', '10', '2025-06-30', 'pl'),
      valueOf('i2', '8', '2025-06-30'),
    ]);
    expect(state.indicatorValues).toEqual({ i2: [{ value: '8', asOf: '2025-06-30' }] });
    expect(state.unitIndicatorValues).toEqual({
      i1: {
        pl: [
          { value: '3', asOf: '2025-03-31' },
          { value: '10', asOf: '2025-06-30' },
        ],
        tecnica: [{ value: '2', asOf: '2025-03-31' }],
      },
    });
  });

  it('reads events without a unit as before: no unit values at all', () => {
    const state = fold([...approved, valueOf('i1', '7', '2025-06-30')]);
    expect(state.indicatorValues).toEqual({ i1: [{ value: '7', asOf: '2025-06-30' }] });
    expect(state).not.toHaveProperty('unitIndicatorValues');
  });

  it('shows a unit’s value in the timeline as that unit’s field', () => {
    const before = fold([...approved, valueOf('i1', '3', '2025-03-31', 'pl')]);
    const event = valueOf('i1', '10', '2025-06-30', 'pl');
    expect(timelineChanges(before, evolveObjective(before, event, { actorId: 'dir' }), event)).toEqual([
      { path: 'unitIndicatorValues[i1][pl]', from: '3', to: '10' },
    ]);
    const overall = valueOf('i1', '7', '2025-06-30');
    expect(timelineChanges(before, evolveObjective(before, overall, { actorId: 'dir' }), overall)).toEqual([
      { path: 'indicatorValues[i1]', from: null, to: '7' },
    ]);
  });

  it('leaves unit values out of the value an indicator reached, which a continued plan takes as baseline', () => {
    expect(valuesReached([valueOf('i1', '10', '2025-06-30', 'pl'), valueOf('i2', '8', '2025-05-31')], 2025)).toEqual({
      i2: { value: '8', from: 'indicator-value', asOf: '2025-05-31' },
    });
  });
});

describe('deadlines of unit targets', () => {
  const due = (state: ObjectiveState) =>
    objectiveDeadlines(state, {})
      .filter((d) => d.kind === 'indicator-due')
      .map((d) => [d.ref, d.met]);

  it('are met by a value of that unit’s own share, not by another unit’s nor (once a unit has one) by an overall value', () => {
    expect(due(approvedState())).toEqual([
      ['i1/pl', false],
      ['i1/tecnica', false],
      ['i2', false],
    ]);
    expect(due(fold([...approved, valueOf('i1', '12', '2025-06-30'), valueOf('i1', '4', '2025-06-30', 'tecnica')]))).toEqual([
      ['i1/pl', false],
      ['i1/tecnica', true],
      ['i2', false],
    ]);
    expect(due(fold([...approved, valueOf('i1', '12', '2025-06-30', 'pl')]))).toEqual([
      ['i1/pl', true],
      ['i1/tecnica', false],
      ['i2', false],
    ]);
  });

  it('are met by an overall value while the indicator has no unit value at all (as before units had values of their own)', () => {
    expect(due(fold([...approved, valueOf('i1', '12', '2025-06-30')]))).toEqual([
      ['i1/pl', true],
      ['i1/tecnica', true],
      ['i2', false],
    ]);
  });

  it('leave the indicator’s own deadline to its overall value, as before', () => {
    expect(due(fold([...approved, valueOf('i2', '1', '2025-06-30', 'tecnica')]))).toContainEqual(['i2', false]);
    expect(due(fold([...approved, valueOf('i2', '1', '2025-06-30')]))).toContainEqual(['i2', true]);
  });
});

describe('achievement of each unit, and of an indicator scored from its units', () => {
  const [i1, i2, i3] = definition.indicators as [Indicator, Indicator, Indicator];
  const on = (value: string, asOf = '2025-12-31') => ({ value, asOf });

  it('scores each unit’s own target, read by the same reader, against that unit’s latest value', () => {
    const a = indicatorAchievement(i1, [], undefined, { pl: [on('6', '2025-06-30'), on('9', '2025-11-30')], tecnica: [on('5')] });
    expect(a.units).toEqual([
      expect.objectContaining({ unitId: 'pl', actual: { value: '9', asOf: '2025-11-30' }, percent: 75 }),
      expect.objectContaining({ unitId: 'tecnica', actual: { value: '5', asOf: '2025-12-31' }, percent: 100 }),
    ]);
    expect(a.units?.[0].reading).toMatchObject({ status: 'read', target: { sense: 'at-least', value: 12 } });
  });

  it('scores an indicator with no target of its own as the mean of its units', () => {
    const a = indicatorAchievement(i1, [], undefined, { pl: [on('9')], tecnica: [on('4')] });
    expect(a).toMatchObject({ indicatorId: 'i1', scoredFrom: 'units', percent: 87.5 });
    expect(a.flag).toBeUndefined();
  });

  it('leaves it unscored while a unit cannot be scored, saying which and why', () => {
    const a = indicatorAchievement(i1, [on('20')], undefined, { pl: [on('12')] });
    expect(a.percent).toBeUndefined();
    expect(a.scoredFrom).toBe('units');
    expect(a.actual).toEqual(on('20')); // the overall value is shown, and scores nothing: there is no overall target
    expect(a.flag).toEqual({
      code: 'unit-not-scored',
      message: "indicator i1 is scored from its units' targets, and 1 of 2 cannot be scored: indicator i1, unit tecnica: no value recorded",
    });
  });

  it('scores at a monitoring date with the values recorded by then', () => {
    const values = { pl: [on('6', '2025-06-30'), on('12', '2025-11-30')], tecnica: [on('2', '2025-07-15'), on('4', '2025-11-30')] };
    expect(indicatorAchievement(i1, [], '2025-07-31', values).percent).toBe(50);
    expect(indicatorAchievement(i1, [], undefined, values).percent).toBe(100);
  });

  it('keeps an indicator with a target of its own scored on its overall value: its units are shown beside it', () => {
    const a = indicatorAchievement(i2, [on('5')], undefined, { tecnica: [on('2')] });
    expect(a).toMatchObject({ percent: 50, units: [{ unitId: 'tecnica', percent: 100 }] });
    expect(a.scoredFrom).toBeUndefined();
    // A unit's value is never the overall one.
    expect(indicatorAchievement(i2, [], undefined, { tecnica: [on('20')] })).toMatchObject({ flag: { code: 'no-value' } });
  });

  it('asks a person about a unit target written as a change: a unit’s share has no baseline of its own', () => {
    const change: Indicator = { ...i1, baseline: '40', unitTargets: [{ unitId: 'pl', target: { text: 'riduzione del 10%' } }] };
    const a = indicatorAchievement(change, [], undefined, { pl: [on('30')] });
    expect(a.units?.[0].flag).toEqual({
      code: 'baseline-needed',
      message: `indicator i1, unit pl: target "riduzione del 10%" is a change from a baseline, and a unit's share has no baseline of its own`,
    });
    expect(a.flag?.code).toBe('unit-not-scored');
  });

  it('counts the derived indicator in the objective’s achievement like any other', () => {
    const state = fold([
      ...approved,
      valueOf('i1', '6', '2025-11-30', 'pl'),
      valueOf('i1', '4', '2025-11-30', 'tecnica'),
      valueOf('i2', '10', '2025-11-30'),
      valueOf('i3', 'Fatto', '2025-11-30'),
    ]);
    const achievement = objectiveAchievement(state, DEFAULT_SCORING_SYSTEM);
    expect(achievement.indicators.map((i) => i.percent)).toEqual([75, 100, 100]);
    expect(achievement.indicatorsPercent).toBe(91.67);
    expect(achievement.flags.map((f) => f.code)).toEqual(['partial-basis']); // no phases: nothing about the indicators
    expect(i3.unitTargets).toBeUndefined();
    expect(achievement.indicators[2]).not.toHaveProperty('units');
  });
});

describe('red flags on unit values', () => {
  type AuditedEvent = Parameters<typeof objectiveRedFlags>[1][number];
  const CONTEXT: RedFlagContext = {
    unitsHeadedBy: () => new Set(),
    campaigns: {},
    yearEndDue: yearEndReportDue,
    backDatingDays: DEFAULT_BACK_DATING_DAYS,
    evaluationTolerancePoints: DEFAULT_EVALUATION_TOLERANCE_POINTS,
  };
  const log = (entries: [ObjectiveEvent, string, string?][]): AuditedEvent[] =>
    entries.map(([event, on, recorded], revision) => ({
      id: `e${revision}`,
      revision,
      type: event.type,
      data: event.data,
      metadata: { actor: { id: 'dir', name: 'Dirigente', role: 'dirigente' }, occurredAt: on, recordedAt: `${recorded ?? on}T09:00:00.000Z` },
    }));
  const start: [ObjectiveEvent, string][] = approved.map((e, i) => [
    { type: e.type, data: e.data } as ObjectiveEvent,
    ['2025-01-10', '2025-01-15', '2025-03-10'][i],
  ]);

  it('finds a unit’s value recorded after that unit’s own deadline, naming the unit', () => {
    const flags = objectiveRedFlags('o1', log([...start, [valueOf('i1', '12', '2025-06-30', 'pl'), '2025-06-30', '2025-07-20']]), CONTEXT);
    expect(flags.filter((f) => f.kind === 'recorded-after-deadline').map((f) => f.description)).toEqual([
      "Valore «12» della quota dell'unità pl sull'indicatore i1 al 30/06/2025, entro la scadenza del 30/06/2025, ma la registrazione è del 20/07/2025, a scadenza passata.",
    ]);
  });

  it('compares an evaluation with what the units show', () => {
    const evaluatedAt = (percent: number) =>
      log([
        ...start,
        [valueOf('i1', '3', '2025-11-30', 'pl'), '2025-11-30'],
        [valueOf('i1', '1', '2025-11-30', 'tecnica'), '2025-11-30'],
        [{ type: 'YearEndReportSubmitted', data: { phases: [], indicators: [] } }, '2026-01-10'],
        [{ type: 'YearEndReportValidated', data: {} }, '2026-01-20'],
        [{ type: 'ObjectiveEvaluated', data: { achievementPercent: percent, motivation: 'Raggiunto' } }, '2026-03-01'],
      ]);
    // i1 from its units: 25 (3 of 12, 1 of 4); i2 and i3 have no value and are not scored.
    expect(objectiveRedFlags('o1', evaluatedAt(90), CONTEXT).filter((f) => f.kind === 'evaluation-above-indicators')).toHaveLength(1);
    expect(objectiveRedFlags('o1', evaluatedAt(25), CONTEXT).filter((f) => f.kind === 'evaluation-above-indicators')).toHaveLength(0);
  });
});
