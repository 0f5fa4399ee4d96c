import {
  continuationRole,
  continuationTitle,
  copiedObjective,
  evolveObjective,
  nextYearDate,
  objectiveDecider,
  planContinuation,
  planDecider,
  timelineChanges,
  valuesReached,
  type Actor,
  type DecisionContext,
  type ObjectiveDefinition,
  type ObjectiveEvent,
  type ObjectiveState,
  type PlanEvent,
  type PlanState,
  type RecordedObjectiveEvent,
} from '@piao/lifecycle';
import { DeciderSpecification } from './decider-specification';

/*
 * Year-to-year copy (issue 13, item 6): a plan the Giunta approved continues into the next year, with a copy of the
 * objectives chosen. Given an objective's history, when it is copied, then the copy's definition and warnings.
 */

const segretario: Actor = { id: 'seg', name: 'Segretaria', ente: 'c1', roles: ['segretario'] };
const dirigente: Actor = { id: 'dir', name: 'Dirigente Welfare', ente: 'c1', roles: ['dirigente'] };
const as = (actor: Actor, unitsHeaded: string[] = []): DecisionContext => ({ actor, unitsHeaded: new Set(unitsHeaded), today: '2026-01-20' });
const act = { number: '31', date: '2025-03-10' };

const definition: ObjectiveDefinition = {
  title: 'Sostegno alle famiglie',
  responsibleUnitId: 'welfare',
  deadline: '2025-12-31',
  horizon: { fromYear: 2025, toYear: 2025 },
  phases: [
    { id: 'f1', description: 'Bando', plannedStart: '2025-01-01', plannedEnd: '2025-02-28', weight: 40, plannedPercentAt: { '2025-07-31': 100 } },
    { id: 'f2', description: 'Fase annullata', plannedEnd: '2025-06-30', weight: 0, cancelled: true },
    { id: 'f3', description: 'Erogazione', plannedStart: '2025-03-01', plannedEnd: '2025-12-31', weight: 60, plannedPeriodText: 'annuale' },
  ],
  indicators: [
    {
      id: 'i1',
      description: 'Famiglie sostenute',
      target: { text: 'almeno n. 100', sense: 'at-least', value: 100 },
      baseline: '80',
      historicalValues: [{ year: 2024, value: '80' }],
    },
    { id: 'i2', description: 'Tempo medio di risposta', target: { text: 'max 30 giorni', sense: 'at-most', value: 30 }, baseline: '45', dueDate: '2025-10-31' },
    { id: 'i3', description: 'Regolamento approvato', target: { text: 'entro il 30/06/2025', sense: 'by-date', date: '2025-06-30' } },
  ],
};

const drafted: ObjectiveEvent = {
  type: 'ObjectiveDrafted',
  data: { objectiveId: 'o1', planId: 'p1', ente: 'c1', code: '2025_S08_04', definition, warnings: [] },
};
const approved: ObjectiveEvent[] = [drafted, { type: 'ObjectiveProposed', data: {} }, { type: 'ObjectiveApprovedByGiunta', data: { act } }];

const stateOf = (events: ObjectiveEvent[]): ObjectiveState =>
  events.reduce<ObjectiveState | undefined>((s, e) => evolveObjective(s, e, { actorId: 'dir' }), undefined)!;
const withDefinition = (changes: Partial<ObjectiveDefinition>): ObjectiveEvent[] => [
  { ...drafted, data: { ...(drafted.data as object), definition: { ...definition, ...changes } } } as ObjectiveEvent,
  ...approved.slice(1),
];
const refusal = (copy: () => unknown): { rule: string; message: string } => {
  try {
    copy();
  } catch (error) {
    return { rule: (error as { rule: string }).rule, message: (error as Error).message };
  }
  throw new Error('expected the copy to be refused');
};

describe('continuing a plan into the next year', () => {
  describe('the new plan', () => {
    const plan = (status: PlanState['status']): PlanState => ({
      planId: 'p1',
      ente: 'c1',
      kind: 'PIAO',
      title: 'PIAO 2025-2027 – sezione 2.2 Performance',
      fromYear: 2025,
      toYear: 2027,
      status,
      objectives: [],
      campaigns: {},
    });

    it('opens the next years, with the title’s years moved on by one', () => {
      expect(planContinuation(plan('approved'))).toEqual({ fromYear: 2026, toYear: 2028, title: 'PIAO 2026-2028 – sezione 2.2 Performance' });
      expect(planContinuation(plan('closed'), 'Piano integrato 2026')).toEqual({ fromYear: 2026, toYear: 2028, title: 'Piano integrato 2026' });
    });

    it('refuses a plan the Giunta has not approved', () => {
      expect(refusal(() => planContinuation(plan('open'))).rule).toBe('plan-not-approved');
      expect(refusal(() => planContinuation(plan('submitted'))).rule).toBe('plan-not-approved');
    });

    it('moves the plan’s years in a title, leaves other years alone, and adds the years to a title without any', () => {
      expect(continuationTitle('PEG 2025', 2025, 2025)).toBe('PEG 2026');
      expect(continuationTitle('PEG 2025/27', 2025, 2027)).toBe('PEG 2026/28');
      expect(continuationTitle('Piano 2025 (DUP 2024-2026)', 2025, 2025)).toBe('Piano 2026 (DUP 2024-2026)');
      expect(continuationTitle('Piano della performance', 2025, 2025)).toBe('Piano della performance (2026)');
      expect(continuationTitle('PIAO', 2025, 2027)).toBe('PIAO (2026-2028)');
    });

    it('is for the Segretario only', () => {
      expect(continuationRole(as(segretario))).toBe('segretario');
      expect(refusal(() => continuationRole(as(dirigente, ['welfare']))).rule).toBe('role-not-allowed');
    });
  });

  describe('the plan’s events', () => {
    const given = DeciderSpecification.for(planDecider, as(segretario));
    const open = { type: 'OpenPlan', planId: 'p2', ente: 'c1', kind: 'PIAO', title: 'PIAO 2026-2028', fromYear: 2026, toYear: 2028 } as const;
    const opened: PlanEvent = { type: 'PlanOpened', data: { planId: 'p2', ente: 'c1', kind: 'PIAO', title: 'PIAO 2026-2028', fromYear: 2026, toYear: 2028 } };

    it('records the plan continued on the new plan’s PlanOpened, and only there', () => {
      given([])
        .when({ ...open, continues: { planId: 'p1' } })
        .then([{ ...opened, data: { ...opened.data, continues: { planId: 'p1' } } } as PlanEvent]);
      given([]).when(open).then([opened]);
    });

    it('refuses a second continuation into the same year: the plan exists', () => {
      given([opened])
        .when({ ...open, continues: { planId: 'p1' } })
        .thenThrows('plan-already-exists');
    });

    it('refuses a malformed reference', () => {
      given([])
        .when({ ...open, continues: { planId: '' } })
        .thenThrows('value-invalid', 'continues.planId');
    });
  });

  describe('the copy’s ObjectiveDrafted', () => {
    const given = DeciderSpecification.for(objectiveDecider, as(segretario));
    const copiedFrom = { planId: 'p1', objectiveId: 'o1', revision: 7 };
    const draft = { type: 'DraftObjective', objectiveId: 'o2', planId: 'p2', ente: 'c1', code: '2025_S08_04', definition } as const;
    const warning = { code: 'baseline-not-updated', message: 'indicator i2: no value reached in 2025 is recorded' };

    it('carries the reference to the source and the copy’s warnings after the definition’s', () => {
      given([])
        .when({ ...draft, copiedFrom, copyWarnings: [warning] })
        .then([
          {
            type: 'ObjectiveDrafted',
            data: { objectiveId: 'o2', planId: 'p2', ente: 'c1', code: '2025_S08_04', definition, warnings: [warning], copiedFrom },
            metadata: { actor: { id: 'seg' } },
          } as RecordedObjectiveEvent,
        ]);
    });

    it('leaves a plain draft as it was: no copiedFrom', () => {
      given([])
        .when(draft)
        .then([
          {
            type: 'ObjectiveDrafted',
            data: { objectiveId: 'o2', planId: 'p2', ente: 'c1', code: '2025_S08_04', definition, warnings: [] },
            metadata: { actor: { id: 'seg' } },
          } as RecordedObjectiveEvent,
        ]);
    });

    it('refuses a malformed reference', () => {
      given([])
        .when({ ...draft, copiedFrom: { ...copiedFrom, revision: -1 } })
        .thenThrows('value-invalid', 'copiedFrom.revision');
    });

    it('shows in the timeline which objective it copies, at which revision', () => {
      const event: ObjectiveEvent = {
        type: 'ObjectiveDrafted',
        data: { objectiveId: 'o2', planId: 'p2', ente: 'c1', code: 'X', definition, warnings: [], copiedFrom },
      };
      const after = evolveObjective(undefined, event, { actorId: 'seg' });
      expect(timelineChanges(undefined, after, event)).toEqual([
        { path: 'status', from: null, to: 'draft' },
        { path: 'copiedFrom', from: null, to: copiedFrom },
      ]);
      expect(timelineChanges(undefined, after, drafted).map((c) => c.path)).toEqual(['status']);
    });
  });

  describe('the values reached last year', () => {
    const value = (indicatorId: string, v: string, asOf: string): ObjectiveEvent => ({ type: 'IndicatorValueRecorded', data: { indicatorId, value: v, asOf } });

    it('are the latest values recorded in the year, when there is no year-end report', () => {
      const events = [
        ...approved,
        value('i1', '60', '2025-07-31'),
        value('i1', '95', '2025-12-31'),
        value('i2', '50', '2024-12-31'),
        value('i2', '40', '2026-01-10'),
      ];
      expect(valuesReached(events, 2025)).toEqual({ i1: { value: '95', from: 'indicator-value', asOf: '2025-12-31' } });
    });

    it('are the year-end report’s final values, unless it was returned', () => {
      const report: ObjectiveEvent = {
        type: 'YearEndReportSubmitted',
        data: {
          phases: [],
          indicators: [
            { indicatorId: 'i1', value: '110' },
            { indicatorId: 'i3', value: ' ' },
          ],
        },
      };
      const events = [...approved, value('i1', '95', '2025-12-31'), value('i2', '28', '2025-11-30'), report];
      expect(valuesReached(events, 2025)).toEqual({
        i1: { value: '110', from: 'year-end-report' },
        i2: { value: '28', from: 'indicator-value', asOf: '2025-11-30' },
      });
      const returned: ObjectiveEvent = { type: 'YearEndReportReturned', data: { reason: 'Valori da documentare' } };
      expect(valuesReached([...events, returned], 2025).i1).toEqual({ value: '95', from: 'indicator-value', asOf: '2025-12-31' });
    });
  });

  describe('the copy of an objective', () => {
    const reached = {
      i1: { value: '110', from: 'year-end-report' as const },
      i3: { value: '15/06/2025', from: 'indicator-value' as const, asOf: '2025-06-15' },
    };

    it('starts from the current definition, with the baselines at last year’s values, added to the historical values', () => {
      const { definition: copy } = copiedObjective(stateOf(approved), reached, 2025);
      expect(copy.indicators[0]).toEqual({
        ...definition.indicators[0],
        baseline: '110',
        historicalValues: [
          { year: 2024, value: '80' },
          { year: 2025, value: '110' },
        ],
      });
      expect(copy.indicators[2]).toMatchObject({ baseline: '15/06/2025', historicalValues: [{ year: 2025, value: '15/06/2025' }] });
    });

    it('keeps the baseline of an indicator with no value reached, and says so', () => {
      const { definition: copy, warnings } = copiedObjective(stateOf(approved), reached, 2025);
      expect(copy.indicators[1]).toEqual({ ...definition.indicators[1], dueDate: '2026-10-31' });
      expect(warnings).toContainEqual({
        code: 'baseline-not-updated',
        message: 'indicator i2: no value reached in 2025 is recorded, so the baseline is last year\'s ("45")',
      });
    });

    it('copies a target as written, and warns when its date is before the new year', () => {
      const { definition: copy, warnings } = copiedObjective(stateOf(approved), reached, 2025);
      expect(copy.indicators[2].target).toEqual(definition.indicators[2].target);
      expect(warnings.map((w) => w.code)).toEqual(['baseline-not-updated', 'target-date-past']);
    });

    it('moves the phases’ dates on by one year with a one-year horizon (29 February to 28 February), leaves the cancelled phases behind', () => {
      const leap = withDefinition({
        horizon: { fromYear: 2024, toYear: 2024 },
        phases: [{ id: 'f1', description: 'Bando', plannedStart: '2024-01-01', plannedEnd: '2024-02-29', weight: 100 }],
      });
      expect(copiedObjective(stateOf(leap), {}, 2024).definition.phases).toEqual([
        { id: 'f1', description: 'Bando', plannedStart: '2025-01-01', plannedEnd: '2025-02-28', weight: 100 },
      ]);
      const { definition: copy } = copiedObjective(stateOf(approved), reached, 2025);
      expect(copy.phases).toEqual([
        { ...definition.phases[0], plannedStart: '2026-01-01', plannedEnd: '2026-02-28', plannedPercentAt: { '2026-07-31': 100 } },
        { ...definition.phases[2], plannedStart: '2026-03-01', plannedEnd: '2026-12-31' },
      ]);
      expect(copy.deadline).toBe('2026-12-31');
    });

    it('moves a one-year horizon on by one year, keeps a multi-year one that includes the new year', () => {
      expect(copiedObjective(stateOf(approved), {}, 2025).definition.horizon).toEqual({ fromYear: 2026, toYear: 2026 });
      const triennial = withDefinition({ horizon: { fromYear: 2025, toYear: 2027 } });
      expect(copiedObjective(stateOf(triennial), {}, 2025).definition.horizon).toEqual({ fromYear: 2025, toYear: 2027 });
      const ended = withDefinition({ horizon: { fromYear: 2024, toYear: 2025, cyclical: true } });
      expect(copiedObjective(stateOf(ended), {}, 2025).definition.horizon).toEqual({ fromYear: 2025, toYear: 2026, cyclical: true });
    });

    it('moves each unit target’s due date on with the indicator’s, warns of a unit target dated before the new year, drops their moved texts', () => {
      const shared = withDefinition({
        contributingUnitIds: ['cultura', 'pl'],
        indicators: [
          {
            id: 'i1',
            description: 'Eventi organizzati',
            dueDate: '2025-12-31',
            unitTargets: [
              { unitId: 'welfare', target: { text: 'almeno 10 entro il 30/06/2025', sense: 'at-least', value: 10, date: '2025-06-30' }, dueDate: '2025-06-30' },
              { unitId: 'cultura', target: { text: 'almeno 5', sense: 'at-least', value: 5 }, dueDate: '2025-09-30' },
              { unitId: 'pl', target: { text: '1' } },
            ],
          },
        ],
        asWritten: {
          'indicators.0.dueDate': '31/12/25',
          'indicators.0.unitTargets.0.dueDate': '30/06/25',
          'indicators.0.unitTargets.1.dueDate': 'fine settembre',
          'indicators.0.unitTargets.0.target.text': 'Settore A: 10 entro il 30/06',
        },
      });
      const { definition: copy, warnings } = copiedObjective(stateOf(shared), {}, 2025);
      expect(copy.indicators[0].dueDate).toBe('2026-12-31');
      expect(copy.indicators[0].unitTargets).toEqual([
        { unitId: 'welfare', target: { text: 'almeno 10 entro il 30/06/2025', sense: 'at-least', value: 10, date: '2025-06-30' }, dueDate: '2026-06-30' },
        { unitId: 'cultura', target: { text: 'almeno 5', sense: 'at-least', value: 5 }, dueDate: '2026-09-30' },
        { unitId: 'pl', target: { text: '1' } },
      ]);
      expect(warnings).toEqual([
        { code: 'baseline-not-updated', message: "indicator i1: no value reached in 2025 is recorded, so the baseline is last year's (it has none)" },
        {
          code: 'target-date-past',
          message: 'indicator i1, unit welfare: the target is dated 2025-06-30, before 2026: it is copied as written, review it',
        },
      ]);
      expect(copy.asWritten).toEqual({ 'indicators.0.unitTargets.0.target.text': 'Settore A: 10 entro il 30/06' });
    });

    it('keeps every date of a multi-year horizon that is kept, and warns of those before the new year', () => {
      const triennial = withDefinition({
        horizon: { fromYear: 2025, toYear: 2027 },
        deadline: '2027-12-31',
        phases: [
          { id: 'f1', description: 'Progettazione', plannedStart: '2025-01-01', plannedEnd: '2025-12-31', weight: 30, plannedPercentAt: { '2025-07-31': 50 } },
          { id: 'f2', description: 'Realizzazione', plannedStart: '2025-10-01', plannedEnd: '2026-12-31', weight: 40, plannedPercentAt: { '2026-07-31': 50 } },
          { id: 'f3', description: 'Collaudo', plannedStart: '2027-01-01', plannedEnd: '2027-06-30', weight: 30 },
        ],
        indicators: [
          {
            id: 'i1',
            description: 'Sportelli digitali attivati',
            target: { text: 'almeno 6' },
            dueDate: '2026-12-31',
            unitTargets: [{ unitId: 'welfare', target: { text: 'almeno 3' }, dueDate: '2025-12-31' }],
          },
        ],
        asWritten: { 'phases.2.plannedEnd': 'giugno 2027', deadline: 'fine triennio', 'indicators.0.unitTargets.0.dueDate': 'dicembre 2025' },
      });
      const source = stateOf(triennial).definition;
      const { definition: copy, warnings } = copiedObjective(stateOf(triennial), {}, 2025);
      expect(copy).toMatchObject({
        horizon: { fromYear: 2025, toYear: 2027 },
        deadline: '2027-12-31',
        phases: source.phases,
        indicators: [{ dueDate: '2026-12-31', unitTargets: source.indicators[0].unitTargets }],
        asWritten: source.asWritten,
      });
      expect(warnings.filter((w) => w.code !== 'baseline-not-updated')).toEqual([
        { code: 'date-past', message: 'phase f1: the planned end 2025-12-31, kept with the multi-year horizon, is before 2026: review it' },
        { code: 'date-past', message: 'indicator i1, unit welfare: the due date 2025-12-31, kept with the multi-year horizon, is before 2026: review it' },
      ]);
    });

    it('warns of a date outside the new horizon, moved on or kept', () => {
      const runsOver = withDefinition({
        phases: [{ id: 'f1', description: 'Rendicontazione', plannedStart: '2025-10-01', plannedEnd: '2026-03-31', weight: 100 }],
        indicators: [],
      });
      const { definition: moved, warnings } = copiedObjective(stateOf(runsOver), {}, 2025);
      expect([moved.horizon, moved.phases[0].plannedEnd]).toEqual([{ fromYear: 2026, toYear: 2026 }, '2027-03-31']);
      expect(warnings).toEqual([
        { code: 'date-outside-horizon', message: 'phase f1: the planned end, moved on to 2027-03-31, is outside the horizon 2026: review it' },
      ]);
      const beyond = withDefinition({
        horizon: { fromYear: 2025, toYear: 2027 },
        deadline: '2028-03-31',
        phases: [{ id: 'f1', description: 'Collaudo', plannedStart: '2027-06-01', plannedEnd: '2027-12-31', weight: 100 }],
        indicators: [],
      });
      expect(copiedObjective(stateOf(beyond), {}, 2025).warnings).toEqual([
        {
          code: 'date-outside-horizon',
          message: 'the objective: the deadline 2028-03-31, kept with the multi-year horizon, is outside the horizon 2025-2027: review it',
        },
      ]);
    });

    it('moves a multi-year objective to its next stage, and refuses one at its last stage', () => {
      const second = withDefinition({ kind: { nature: 'gestionale', multiYear: { stage: 1, of: 3 } } });
      expect(copiedObjective(stateOf(second), {}, 2025).definition.kind).toEqual({ nature: 'gestionale', multiYear: { stage: 2, of: 3 } });
      const unknownTotal = withDefinition({ kind: { multiYear: { stage: 4 } } });
      expect(copiedObjective(stateOf(unknownTotal), {}, 2025).definition.kind).toEqual({ multiYear: { stage: 5 } });
      const last = withDefinition({ kind: { multiYear: { stage: 3, of: 3 } } });
      expect(refusal(() => copiedObjective(stateOf(last), {}, 2025))).toEqual({
        rule: 'multi-year-completed',
        message: "objective 2025_S08_04 is stage 3 of 3: its last stage is this year's",
      });
    });

    it('copies the definition as reprogrammed, not as first approved', () => {
      const reprogrammed = {
        ...definition,
        indicators: [{ ...definition.indicators[0], target: { text: 'almeno n. 90', sense: 'at-least' as const, value: 90 } }],
      };
      const events: ObjectiveEvent[] = [
        ...approved,
        { type: 'ReprogrammingProposed', data: { definition: reprogrammed, changes: [], warnings: [], motivation: 'Bando slittato' } },
        { type: 'ReprogrammingApprovedByGiunta', data: { act: { number: '120', date: '2025-09-15' }, changes: [] } },
      ];
      expect(copiedObjective(stateOf(events), {}, 2025).definition.indicators.map((i) => i.target?.text)).toEqual(['almeno n. 90']);
    });

    it('refuses an objective cancelled or never approved', () => {
      const cancelled: ObjectiveEvent = { type: 'ObjectiveCancelled', data: { reason: 'Superato', act } };
      expect(refusal(() => copiedObjective(stateOf([...approved, cancelled]), {}, 2025)).rule).toBe('objective-cancelled');
      expect(refusal(() => copiedObjective(stateOf([drafted]), {}, 2025)).rule).toBe('objective-not-approved');
      expect(refusal(() => copiedObjective(stateOf(approved.slice(0, 2)), {}, 2025)).rule).toBe('objective-not-approved');
    });

    it('drops the texts as written of the dates it moves, and follows the phases to their new places', () => {
      const written = withDefinition({
        asWritten: {
          deadline: '31/12/25',
          'phases.0.plannedEnd': 'fine febbraio',
          'phases.1.plannedEnd': '30/06',
          'phases.2.notes': 'x',
          'phases.2.plannedStart': '31/02/2025',
        },
        phases: [definition.phases[0], definition.phases[1], { ...definition.phases[2], plannedStart: undefined }],
      });
      expect(copiedObjective(stateOf(written), {}, 2025).definition.asWritten).toEqual({ 'phases.1.notes': 'x', 'phases.1.plannedStart': '31/02/2025' });
    });

    it('leaves the source as it was', () => {
      const source = stateOf(approved);
      const before = structuredClone(source);
      copiedObjective(source, reached, 2025);
      expect(source).toEqual(before);
    });
  });

  it('moves a date on by one year', () => {
    expect(nextYearDate('2025-03-31')).toBe('2026-03-31');
    expect(nextYearDate('2024-02-29')).toBe('2025-02-28');
  });
});
