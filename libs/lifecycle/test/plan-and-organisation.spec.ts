import {
  decideOrganisation,
  decidePlan,
  EMPTY_ORGANISATION,
  evolveOrganisation,
  evolvePlan,
  headOf,
  parseCalendarDate,
  RuleViolation,
  unitsHeadedBy,
  type Actor,
  type DecisionContext,
  type OrganisationCommand,
  type OrganisationState,
  type PlanCommand,
  type PlanState,
} from '@piao/lifecycle';

const segretario: Actor = { id: 'seg', name: 'Segretaria', ente: 'c1', roles: ['segretario'] };
const admin: Actor = { id: 'adm', name: 'Admin', ente: 'c1', roles: ['admin'] };
const ctx = (actor: Actor): DecisionContext => ({ actor, unitsHeaded: new Set(), today: '2025-06-30' });

function plan(...commands: PlanCommand[]): PlanState | undefined {
  return commands.reduce<PlanState | undefined>((s, c) => decidePlan(s, c, ctx(segretario)).events.reduce(evolvePlan, s), undefined);
}
function organisation(from: OrganisationState, ...commands: OrganisationCommand[]): OrganisationState {
  return commands.reduce((s, c) => decideOrganisation(s, c, ctx(admin)).events.reduce(evolveOrganisation, s), from);
}
const open: PlanCommand = { type: 'OpenPlan', planId: 'p1', ente: 'c1', kind: 'PIAO', title: 'PIAO 2025-2027', fromYear: 2025, toYear: 2027 };

describe('plan', () => {
  it('attaches an objective once, however often it is asked', () => {
    const s = plan(open, { type: 'AttachObjective', objectiveId: 'o1', code: 'A' }, { type: 'AttachObjective', objectiveId: 'o1', code: 'A' });
    expect(s?.objectives).toEqual([{ objectiveId: 'o1', code: 'A' }]);
  });
  it('refuses a duplicate code, an empty submission and an approval without act', () => {
    const withOne = plan(open, { type: 'AttachObjective', objectiveId: 'o1', code: 'A' });
    expect(() => decidePlan(withOne, { type: 'AttachObjective', objectiveId: 'o2', code: 'A' }, ctx(segretario))).toThrow(
      expect.objectContaining({ rule: 'objective-code-taken' }),
    );
    expect(() => decidePlan(plan(open), { type: 'SubmitPlan' }, ctx(segretario))).toThrow(expect.objectContaining({ rule: 'plan-without-objectives' }));
    const submitted = plan(open, { type: 'AttachObjective', objectiveId: 'o1', code: 'A' }, { type: 'SubmitPlan' });
    expect(() => decidePlan(submitted, { type: 'ApprovePlan' }, ctx(segretario))).toThrow(expect.objectContaining({ rule: 'giunta-act-required' }));
    expect(decidePlan(submitted, { type: 'ApprovePlan', act: { number: '31', date: '2022-03-10' } }, ctx(segretario)).events[0].type).toBe(
      'PlanApprovedByGiunta',
    );
  });
});

describe('organisation', () => {
  const base = organisation(
    EMPTY_ORGANISATION,
    { type: 'CreateUnit', unitId: 'welfare', name: 'Settore Welfare', kind: 'settore' },
    { type: 'CreateUnit', unitId: 'casa', name: 'Politiche abitative', kind: 'servizio' },
    { type: 'RegisterPerson', personId: 'rossi', name: 'Mario Rossi' },
    { type: 'RegisterPerson', personId: 'bianchi', name: 'Anna Bianchi' },
    { type: 'AssignUnitHead', unitId: 'welfare', personId: 'rossi', from: '2025-01-01', to: '2025-04-30' },
    { type: 'AssignUnitHead', unitId: 'casa', personId: 'rossi', from: '2025-01-01' },
  );
  it('knows who heads what on a date, with one person heading two units and a vacancy after a term ends', () => {
    expect([...unitsHeadedBy(base, 'rossi', '2025-03-01')].sort()).toEqual(['casa', 'welfare']);
    expect(headOf(base, 'welfare', '2025-05-01')).toBeUndefined();
    expect(headOf(base, 'casa', '2026-05-01')).toBe('rossi');
  });
  it('refuses overlapping headships of one unit', () => {
    expect(() => decideOrganisation(base, { type: 'AssignUnitHead', unitId: 'welfare', personId: 'bianchi', from: '2025-04-01' }, ctx(admin))).toThrow(
      expect.objectContaining({ rule: 'headship-overlap' }),
    );
    const next = organisation(base, { type: 'AssignUnitHead', unitId: 'welfare', personId: 'bianchi', from: '2025-05-01' });
    expect(headOf(next, 'welfare', '2025-05-01')).toBe('bianchi');
  });
  it('is the admin’s job only', () => {
    expect(() => decideOrganisation(base, { type: 'CreateUnit', unitId: 'x', name: 'X', kind: 'altro' }, ctx(segretario))).toThrow(
      expect.objectContaining({ rule: 'role-not-allowed' }),
    );
    expect(() => decideOrganisation(base, { type: 'CreateUnit', unitId: 'x', name: 'settore welfare', kind: 'altro' }, ctx(admin))).toThrow(RuleViolation);
  });
});

describe('calendar dates', () => {
  it.each([
    ['31/12/2025', '2025-12-31'],
    ['1/3/2022', '2022-03-01'],
    ['2024-02-29', '2024-02-29'],
    ['31/09/2024', undefined],
    ['2023-02-29', undefined],
    ['2025-13-01', undefined],
    ['entro aprile', undefined],
  ])('%s → %s', (text, iso) => expect(parseCalendarDate(text)).toBe(iso));
});
