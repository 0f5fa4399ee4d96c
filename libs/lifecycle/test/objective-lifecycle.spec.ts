import {
  decideObjective,
  evolveObjective,
  NotPermitted,
  RuleViolation,
  type Actor,
  type DecisionContext,
  type ObjectiveCommand,
  type ObjectiveDefinition,
  type ObjectiveState,
} from '@piao/lifecycle';

const definition: ObjectiveDefinition = {
  title: 'Sostegno alle famiglie',
  responsibleUnitId: 'welfare',
  horizon: { fromYear: 2025, toYear: 2025 },
  phases: [
    { id: 'f1', description: 'Analisi', weight: 20 },
    { id: 'f2', description: 'Bando', weight: 20 },
    { id: 'f3', description: 'Erogazione', weight: 20 },
    { id: 'f4', description: 'Rendiconto', weight: 20 },
  ],
  indicators: [{ id: 'i1', description: 'Famiglie sostenute', target: { text: 'almeno n. 100', sense: 'at-least', value: 100 } }],
};

const segretario: Actor = { id: 'seg', name: 'Segretaria', ente: 'c1', roles: ['segretario'] };
const segretario2: Actor = { id: 'vice', name: 'Vicesegretario', ente: 'c1', roles: ['segretario'] };
const dirigente: Actor = { id: 'dir', name: 'Dirigente Welfare', ente: 'c1', roles: ['dirigente'] };
const otherDirigente: Actor = { id: 'dir2', name: 'Dirigente Cultura', ente: 'c1', roles: ['dirigente'] };
const nucleo: Actor = { id: 'ndv', name: 'Presidente NdV', ente: 'c1', roles: ['nucleo'] };

const heads: Record<string, string[]> = { dir: ['welfare'], dir2: ['cultura'] };
const context = (actor: Actor): DecisionContext => ({ actor, unitsHeaded: new Set(heads[actor.id] ?? []), today: '2025-12-31' });
const act = (number: string, date: string) => ({ number, date });

/** Runs a command against the state and folds its events in, like the command handler does. */
function run(state: ObjectiveState | undefined, actor: Actor, command: ObjectiveCommand): ObjectiveState {
  const { events } = decideObjective(state, command, context(actor));
  return events.reduce<ObjectiveState | undefined>((s, e) => evolveObjective(s, e, { actorId: actor.id }), state)!;
}

function ruleOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof RuleViolation || error instanceof NotPermitted) return error.rule;
    throw error;
  }
  throw new Error('no rule was broken');
}

const drafted = () => run(undefined, dirigente, { type: 'DraftObjective', objectiveId: 'o1', planId: 'p1', ente: 'c1', code: '2025_S08_04', definition });
const approved = () => run(run(drafted(), dirigente, { type: 'Propose' }), segretario, { type: 'ApproveByGiunta', act: act('31', '2022-03-10') });

describe('objective lifecycle', () => {
  it('records phase weights that do not total 100 as a warning and keeps them as written', () => {
    const { events } = decideObjective(
      undefined,
      { type: 'DraftObjective', objectiveId: 'o1', planId: 'p1', ente: 'c1', code: 'X', definition },
      context(dirigente),
    );
    expect(events[0]).toMatchObject({
      type: 'ObjectiveDrafted',
      data: { warnings: [{ code: 'phase-weights-not-100', message: 'phase weights total 80, not 100' }] },
    });
    expect((events[0].data as { definition: ObjectiveDefinition }).definition.phases.map((p) => p.weight)).toEqual([20, 20, 20, 20]);
  });

  it('walks the whole cycle from draft to closed', () => {
    let s = drafted();
    s = run(s, dirigente, { type: 'Propose' });
    s = run(s, segretario, { type: 'ReturnForChanges', reason: 'Manca un indicatore' });
    expect(s.status).toBe('returned');
    s = run(s, dirigente, { type: 'UpdateDraft', definition: { ...definition, description: 'Con indicatore' } });
    s = run(s, dirigente, { type: 'Propose' });
    s = run(s, segretario, { type: 'ApproveByGiunta', act: act('31', '2022-03-10') });
    expect(s).toMatchObject({ status: 'approved', approvalAct: { number: '31', date: '2022-03-10' } });
    s = run(s, dirigente, { type: 'RecordPhaseProgress', phaseId: 'f1', progressPercent: 100, actualStart: '2025-01-10', actualEnd: '2025-03-01' });
    s = run(s, dirigente, { type: 'RecordIndicatorValue', indicatorId: 'i1', value: '40', asOf: '2025-07-31' });
    s = run(s, dirigente, {
      type: 'SubmitMonitoringReport',
      asOf: '2025-07-31',
      phases: [{ phaseId: 'f1', progressPercent: 100 }],
      indicators: [{ indicatorId: 'i1', value: '40' }],
    });
    s = run(s, segretario, { type: 'ValidateMonitoringReport', asOf: '2025-07-31' });
    const lowered = {
      ...s.definition,
      indicators: [{ ...s.definition.indicators[0], target: { text: 'almeno n. 80', sense: 'at-least' as const, value: 80 } }],
    };
    s = run(s, dirigente, { type: 'ProposeReprogramming', definition: lowered, motivation: 'Ritardo del bando regionale' });
    expect(s.definition.indicators[0].target?.value).toBe(100); // not effective before the Giunta's act
    s = run(s, segretario, { type: 'ApproveReprogramming', act: act('120', '2025-09-15') });
    expect(s.definition.indicators[0].target?.value).toBe(80);
    expect(s.approvedDefinition?.indicators[0].target?.value).toBe(100);
    expect(s.reprogrammings[0].changes).toEqual([
      { path: 'indicators[i1].target.text', from: 'almeno n. 100', to: 'almeno n. 80' },
      { path: 'indicators[i1].target.value', from: 100, to: 80 },
    ]);
    s = run(s, dirigente, { type: 'SubmitYearEndReport', phases: [], indicators: [{ indicatorId: 'i1', value: '85' }], evidence: 'Determina 12/2025' });
    s = run(s, segretario, { type: 'ValidateYearEndReport' });
    s = run(s, nucleo, { type: 'Evaluate', achievementPercent: 100, motivation: 'Target raggiunto' });
    s = run(s, nucleo, { type: 'ShareEvaluation' });
    s = run(s, segretario, { type: 'Close' });
    expect(s.status).toBe('closed');
  });

  it.each<[string, () => ObjectiveState | undefined, ObjectiveCommand, Actor]>([
    ['reprogramming-needs-approved-objective', drafted, { type: 'ProposeReprogramming', definition, motivation: 'x' }, dirigente],
    ['objective-not-approved', drafted, { type: 'RecordPhaseProgress', phaseId: 'f1', progressPercent: 10 }, dirigente],
    ['not-proposed', drafted, { type: 'ApproveByGiunta', act: act('1', '2025-01-01') }, segretario],
    ['reason-required', () => run(drafted(), dirigente, { type: 'Propose' }), { type: 'ReturnForChanges', reason: '  ' }, segretario],
    ['unknown-phase', approved, { type: 'RecordPhaseProgress', phaseId: 'f9', progressPercent: 10 }, dirigente],
    ['date-in-future', approved, { type: 'RecordIndicatorValue', indicatorId: 'i1', value: '1', asOf: '2026-01-01' }, dirigente],
    ['date-in-future', approved, { type: 'ReassignResponsible', toUnitId: 'cultura', effectiveOn: '2026-01-01' }, segretario],
    ['no-pending-reprogramming', approved, { type: 'ApproveReprogramming', act: act('2', '2025-05-05') }, segretario],
    ['nothing-changed', approved, { type: 'ProposeReprogramming', definition, motivation: 'x' }, dirigente],
    ['motivation-required', approved, { type: 'ProposeReprogramming', definition: { ...definition, title: 'Nuovo' } }, dirigente],
    ['evaluation-needs-validated-report', approved, { type: 'Evaluate', achievementPercent: 50, motivation: 'x' }, nucleo],
    ['giunta-act-required', approved, { type: 'Cancel', reason: 'Superato' }, segretario],
    ['evaluation-not-final', approved, { type: 'Close' }, segretario],
    ['objective-not-found', () => undefined, { type: 'Propose' }, dirigente],
    ['role-not-allowed', approved, { type: 'Evaluate', achievementPercent: 50, motivation: 'x' }, segretario],
    ['not-head-of-unit', drafted, { type: 'Propose' }, otherDirigente],
    ['role-not-allowed', drafted, { type: 'Propose' }, nucleo],
  ])('breaks %s', (rule, given, command, actor) => {
    const state = given();
    expect(ruleOf(() => decideObjective(state, command, context(actor)))).toBe(rule);
  });

  it("makes a reprogramming effective only with the Giunta's act", () => {
    const pending = run(approved(), dirigente, { type: 'ProposeReprogramming', definition: { ...definition, title: 'Nuovo titolo' }, motivation: 'x' });
    expect(ruleOf(() => decideObjective(pending, { type: 'ApproveReprogramming' }, context(segretario)))).toBe('giunta-act-required');
    expect(ruleOf(() => decideObjective(pending, { type: 'ProposeReprogramming', definition, motivation: 'y' }, context(dirigente)))).toBe(
      'reprogramming-already-pending',
    );
  });

  it('forbids validating your own report, and lets another segretario do it', () => {
    const segObjective = run(undefined, segretario, {
      type: 'DraftObjective',
      objectiveId: 'o2',
      planId: 'p1',
      ente: 'c1',
      code: 'SEG_01',
      definition: { ...definition, responsibleUnitId: 'segreteria' },
    });
    let s = run(run(segObjective, segretario, { type: 'Propose' }), segretario, { type: 'ApproveByGiunta', act: act('31', '2022-03-10') });
    s = run(s, segretario, { type: 'SubmitMonitoringReport', asOf: '2025-07-31', phases: [], indicators: [] });
    expect(ruleOf(() => decideObjective(s, { type: 'ValidateMonitoringReport', asOf: '2025-07-31' }, context(segretario)))).toBe('self-validation-forbidden');
    expect(run(s, segretario2, { type: 'ValidateMonitoringReport', asOf: '2025-07-31' }).monitoringReports['2025-07-31'].status).toBe('validated');
  });

  it('lets a dirigente of a contributing unit record progress but not propose', () => {
    const shared = run(undefined, segretario, {
      type: 'DraftObjective',
      objectiveId: 'o3',
      planId: 'p1',
      ente: 'c1',
      code: 'PTPCT',
      definition: { ...definition, contributingUnitIds: ['cultura'] },
    });
    expect(ruleOf(() => decideObjective(shared, { type: 'Propose' }, context(otherDirigente)))).toBe('not-head-of-unit');
    const live = run(run(shared, segretario, { type: 'Propose' }), segretario, { type: 'ApproveByGiunta', act: act('31', '2022-03-10') });
    expect(decideObjective(live, { type: 'RecordPhaseProgress', phaseId: 'f2', progressPercent: 30 }, context(otherDirigente)).role).toBe('dirigente');
  });

  it('nothing is recorded on a closed or cancelled objective', () => {
    const cancelled = run(drafted(), segretario, { type: 'Cancel', reason: 'Duplicato' });
    expect(ruleOf(() => decideObjective(cancelled, { type: 'Propose' }, context(dirigente)))).toBe('objective-terminated');
  });
});
