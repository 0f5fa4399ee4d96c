import {
  DEFAULT_REMINDER_POLICY,
  isQuietDay,
  objectiveTrackedDeadlines,
  organisationDecider,
  overdueIndexOf,
  overdueStep,
  overdueStepAfter,
  reminderPolicyProblems,
  reminderSteps,
  sendInstant,
  workingDayFrom,
  type Actor,
  type DecisionContext,
  type ObjectiveState,
  type OrganisationEvent,
  type ReminderPolicy,
} from '@piao/lifecycle';
import { DeciderSpecification } from './decider-specification';

const policy = (changes: Partial<ReminderPolicy> = {}): ReminderPolicy => ({ ...DEFAULT_REMINDER_POLICY, ...changes });

describe('quiet days', () => {
  it.each([
    ['2025-03-08', true, 'a Saturday'],
    ['2025-03-09', true, 'a Sunday'],
    ['2025-04-21', true, 'Easter Monday 2025'],
    ['2025-04-25', true, 'Liberation Day'],
    ['2025-06-02', true, 'Republic Day'],
    ['2025-12-08', true, 'the Immaculate Conception'],
    ['2026-10-05', false, 'a Monday'],
    ['2025-03-10', false, 'a working Monday'],
  ])('%s is quiet: %s (%s)', (date, quiet) => {
    expect(isQuietDay(date)).toBe(quiet);
  });

  it("counts the patron saint's day as quiet only where it is the patron's", () => {
    expect(isQuietDay('2025-06-24')).toBe(false);
    expect(isQuietDay('2025-06-24', '06-24')).toBe(true);
  });

  it('moves a send to the next working day, over a long weekend', () => {
    expect(workingDayFrom('2025-04-19')).toBe('2025-04-22'); // Saturday, Easter Sunday, Easter Monday
    expect(workingDayFrom('2025-04-24')).toBe('2025-04-24');
    expect(workingDayFrom('2025-06-24', '06-24')).toBe('2025-06-25');
  });
});

describe('the reminders of a deadline', () => {
  it('writes 30, 7 and 1 days before, on the day, once overdue and to the Segretario after 15 days, off quiet days', () => {
    // Due Tuesday 30 September 2025: 31 August is a Sunday → Monday 1 September.
    expect(reminderSteps('2025-09-30', policy())).toEqual([
      { step: 'before-30@2025-09-30', audience: 'responsible', sendOn: '2025-09-01' },
      { step: 'before-7@2025-09-30', audience: 'responsible', sendOn: '2025-09-23' },
      { step: 'before-1@2025-09-30', audience: 'responsible', sendOn: '2025-09-29' },
      { step: 'on-the-day@2025-09-30', audience: 'responsible', sendOn: '2025-09-30' },
      { step: 'overdue-1@2025-09-30', audience: 'responsible', sendOn: '2025-10-07', overdueIndex: 1 },
      { step: 'escalation@2025-09-30', audience: 'segretario', sendOn: '2025-10-15' },
    ]);
  });

  it('keeps only the later of two steps moved onto the same working day', () => {
    // Due Sunday 4 May 2025: the day before (Saturday) and the day itself both move to Monday 5 May.
    const steps = reminderSteps('2025-05-04', policy({ daysBefore: [1] }));
    expect(steps.map((s) => [s.step, s.sendOn])).toEqual([
      ['on-the-day@2025-05-04', '2025-05-05'],
      ['overdue-1@2025-05-04', '2025-05-12'],
      ['escalation@2025-05-04', '2025-05-19'],
    ]);
  });

  it('gives the overdue series one step at a time, and none when the policy has no series', () => {
    expect(overdueStep('2025-09-30', policy(), 3)).toEqual({
      step: 'overdue-3@2025-09-30',
      audience: 'responsible',
      sendOn: '2025-10-21',
      overdueIndex: 3,
    });
    expect(overdueStep('2025-09-30', policy({ overdueEveryDays: null }), 1)).toBeUndefined();
    expect(overdueIndexOf('overdue-12@2025-09-30')).toBe(12);
    expect(overdueIndexOf('before-7@2025-09-30')).toBeUndefined();
  });

  it('goes on with the overdue series from its first step after the day one goes out, skipping the days missed', () => {
    // Due Tuesday 30 September 2025, weekly: overdue-1 on 7 October, overdue-2 on the 14th, overdue-3 on the 21st…
    expect(overdueStepAfter('2025-09-30', policy(), 1, '2025-10-07')?.step).toBe('overdue-2@2025-09-30');
    // overdue-1 found due, and sent, on 20 January 2026: the next is the series' second message, on the first of its
    // days after that one, not on the day of its second place (14 October).
    const next = overdueStepAfter('2025-09-30', policy(), 1, '2026-01-20');
    expect(next).toEqual({ step: 'overdue-2@2025-09-30', audience: 'responsible', sendOn: '2026-01-27', overdueIndex: 2 });
    // A step that falls on the day itself has been missed as well (it would be a second message that day).
    expect(overdueStepAfter('2025-09-30', policy(), 1, '2026-01-27')).toMatchObject({ step: 'overdue-2@2025-09-30', sendOn: '2026-02-03' });
    // A step moved off a holiday goes out on the next working day: Tuesday 6 January 2026 (Epiphany) → Wednesday 7.
    expect(overdueStepAfter('2025-09-30', policy(), 1, '2026-01-05')).toMatchObject({ step: 'overdue-2@2025-09-30', sendOn: '2026-01-07' });
    // Found on the Saturday of a long weekend: the step of Tuesday 6 January (Epiphany) is still ahead of it.
    expect(overdueStepAfter('2025-09-30', policy(), 1, '2026-01-03')).toMatchObject({ sendOn: '2026-01-07' });
    expect(overdueStepAfter('2025-09-30', policy({ overdueEveryDays: null }), 1, '2026-01-20')).toBeUndefined();
  });

  it('numbers the overdue messages one after the other, on the days of the policy in force, across policies', () => {
    // Every day for twenty messages (the twentieth on Tuesday 28 October 2025), then every week: the twenty-first goes
    // out on the weekly day after it (Tuesday 4 November, five weeks after the due date), not on the weekly day of
    // the twenty-first place (24 February 2026, twenty weeks later).
    expect(overdueStepAfter('2025-09-30', policy({ overdueEveryDays: 7 }), 20, '2025-10-28')).toEqual({
      step: 'overdue-21@2025-09-30',
      audience: 'responsible',
      sendOn: '2025-11-04',
      overdueIndex: 21,
    });
    // The other way, every week and then every day: the next working day.
    expect(overdueStepAfter('2025-09-30', policy({ overdueEveryDays: 1 }), 3, '2025-10-21')).toMatchObject({
      step: 'overdue-4@2025-09-30',
      sendOn: '2025-10-22',
    });
    // Every 30 days, counted from the due date: 29 November is a Saturday, so Monday 1 December.
    expect(overdueStepAfter('2025-09-30', policy({ overdueEveryDays: 30 }), 5, '2025-10-30')).toMatchObject({
      step: 'overdue-6@2025-09-30',
      sendOn: '2025-12-01',
    });
  });

  it('sends at the policy hour, Italian time, in summer and in winter', () => {
    expect(sendInstant('2025-01-15', 8).toISOString()).toBe('2025-01-15T07:00:00.000Z');
    expect(sendInstant('2025-07-15', 8).toISOString()).toBe('2025-07-15T06:00:00.000Z');
    expect(sendInstant('2025-03-31', 8).toISOString()).toBe('2025-03-31T06:00:00.000Z'); // the day after the change
  });

  it('gives the same instant when asked again (kept), and a copy the caller may change', () => {
    const first = sendInstant('2025-10-27', 9);
    first.setTime(0);
    expect(sendInstant('2025-10-27', 9).toISOString()).toBe('2025-10-27T08:00:00.000Z');
    expect(sendInstant('2025-10-27', 9).toISOString()).toBe('2025-10-27T08:00:00.000Z');
  });
});

describe('the deadlines of an objective', () => {
  const state = {
    objectiveId: 'o1',
    planId: 'p1',
    ente: 'c1',
    code: 'S08',
    status: 'approved',
    definition: {
      title: 'Sostegno',
      responsibleUnitId: 'welfare',
      horizon: { fromYear: 2025, toYear: 2025 },
      phases: [
        { id: 'f1', description: 'Bando', plannedEnd: '2025-03-31' },
        { id: 'f2', description: 'Verifica', plannedPeriodText: 'II trim' },
        { id: 'f3', description: 'Questionari', plannedPeriodText: 'luglio e gennaio' },
      ],
      indicators: [],
    },
    progress: {},
    indicatorValues: {},
    monitoringReports: {},
  } as unknown as ObjectiveState;

  it("takes the ente's monitoring calendar and year-end day, dates a phase its words pin down and lists the others as undated", () => {
    const deadlines = objectiveTrackedDeadlines(
      'o1',
      state,
      undefined,
      policy({
        monitoringCampaigns: [
          { asOf: '04-30', dueOn: '05-31' },
          { asOf: '09-30', dueOn: '10-31' },
        ],
        yearEndReportDue: '02-28',
      }),
    );
    expect(deadlines.map((d) => [d.kind, d.ref, d.dueOn ?? d.periodText, d.open])).toEqual([
      ['phase-end', 'f1', '2025-03-31', true],
      ['monitoring-report', '2025-04-30', '2025-05-31', true],
      ['phase-end', 'f2', '2025-06-30', true],
      ['monitoring-report', '2025-09-30', '2025-10-31', true],
      ['year-end-report', '2025', '2026-02-28', true],
      ['phase-end', 'f3', 'luglio e gennaio', true],
    ]);
    expect(deadlines.find((d) => d.ref === 'f2')).toMatchObject({ dueOn: '2025-06-30', periodText: 'II trim' });
  });

  it('flags a date no calendar has (written around the checks) instead of guessing it', () => {
    const odd = { ...state, definition: { ...state.definition, phases: [{ id: 'f1', description: 'Bando', plannedEnd: '2025-13-28' }] } } as ObjectiveState;
    const phase = objectiveTrackedDeadlines('o1', odd, undefined, policy()).find((d) => d.kind === 'phase-end')!;
    expect(phase).toMatchObject({ kind: 'phase-end', ref: 'f1', periodText: 'data non valida: 2025-13-28', open: true });
    expect(phase.dueOn).toBeUndefined();
  });

  it('owes nothing once cancelled', () => {
    expect(objectiveTrackedDeadlines('o1', { ...state, status: 'cancelled' }, undefined, policy())).toEqual([]);
  });
});

describe('reminder policy and preferences (organisation decider)', () => {
  const admin: Actor = { id: 'adm', name: 'Amministratore', ente: 'c1', roles: ['admin'] };
  const segretario: Actor = { id: 'seg', name: 'Segretaria', ente: 'c1', roles: ['segretario'] };
  const dirigente: Actor = { id: 'dir', name: 'Dirigente', ente: 'c1', roles: ['dirigente'] };
  const as = (actor: Actor): DecisionContext => ({ actor, unitsHeaded: new Set(), today: '2025-03-01' });
  const given = DeciderSpecification.for(organisationDecider, as(admin));
  const people: OrganisationEvent[] = [
    { type: 'PersonRegistered', data: { personId: 'seg', name: 'Segretaria' } },
    { type: 'PersonRegistered', data: { personId: 'dir', name: 'Dirigente' } },
    { type: 'PersonRegistered', data: { personId: 'vice', name: 'Vice' } },
  ];

  it('adopts a policy naming the Segretario, by the Segretario', () => {
    const adopted = policy({ segretarioPersonId: 'seg', patronSaintDay: '06-24' });
    given(people)
      .when({ type: 'AdoptReminderPolicy', policy: adopted }, as(segretario))
      .then([{ type: 'ReminderPolicyAdopted', data: { policy: adopted } }]);
  });

  it('refuses a policy with a bad field, naming it, and one naming an unknown person', () => {
    given(people)
      .when({ type: 'AdoptReminderPolicy', policy: policy({ daysBefore: [7, 7] }) })
      .thenThrows('reminder-policy-invalid', /policy\.daysBefore/);
    // The field blamed, as the body of PUT /organisation/reminder-policy names it.
    given(people)
      .when({ type: 'AdoptReminderPolicy', policy: policy({ daysBefore: [7, 7] }) })
      .thenBlames('reminder-policy-invalid', 'policy.daysBefore');
    given(people)
      .when({
        type: 'AdoptReminderPolicy',
        policy: policy({
          monitoringCampaigns: [
            { asOf: '07-31', dueOn: '07-31' },
            { asOf: '12-31', dueOn: '01-01' },
          ],
        }),
      })
      .thenBlames('reminder-policy-invalid', 'policy.monitoringCampaigns.1');
    given(people)
      .when({ type: 'AdoptReminderPolicy', policy: policy({ nucleoPersonIds: ['seg', 'nobody'] }) })
      .thenBlames('unknown-person', 'policy.nucleoPersonIds.1');
    given(people)
      .when({ type: 'AdoptReminderPolicy', policy: policy({ sendHour: 24 }) })
      .thenThrows('reminder-policy-invalid', /policy\.sendHour/);
    given(people)
      .when({ type: 'AdoptReminderPolicy', policy: policy({ segretarioPersonId: 'nobody' }) })
      .thenBlames('unknown-person', 'policy.segretarioPersonId');
    given(people).when({ type: 'AdoptReminderPolicy', policy: policy() }, as(dirigente)).thenThrows('role-not-allowed');
  });

  it('lets a person set their own preferences, and only the administrator set somebody else’s', () => {
    given(people)
      .when({ type: 'SetReminderPreferences', personId: 'dir', channels: ['in-app'], copyTo: ['vice'] }, as(dirigente))
      .then([{ type: 'ReminderPreferencesSet', data: { personId: 'dir', channels: ['in-app'], copyTo: ['vice'] } }]);
    given(people)
      .when({ type: 'SetReminderPreferences', personId: 'seg', channels: ['email'] }, as(dirigente))
      .thenThrows('role-not-allowed');
    given(people)
      .when({ type: 'SetReminderPreferences', personId: 'dir', channels: ['fax' as never] })
      .thenThrows('value-invalid');
    given(people).when({ type: 'SetReminderPreferences', personId: 'dir', channels: [] }).thenThrows('value-invalid');
    given(people)
      .when({ type: 'SetReminderPreferences', personId: 'dir', channels: ['email'], copyTo: ['ghost'] })
      .thenBlames('unknown-person', 'copyTo.0');
    // The person is the route's (PUT /people/{personId}/reminder-preferences), not a field of the body: none is blamed.
    given(people)
      .when({ type: 'SetReminderPreferences', personId: 'ghost', channels: ['email'] })
      .thenBlames('unknown-person', undefined);
  });

  it('lists every field problem of a policy', () => {
    expect(reminderPolicyProblems({ ...DEFAULT_REMINDER_POLICY, monitoringCampaigns: [{ asOf: '07-31', dueOn: '06-30' }], extra: 1 })).toEqual([
      'policy.extra: is not a field of a reminder policy',
      'policy.monitoringCampaigns[0]: is due before its reference day',
    ]);
    expect(reminderPolicyProblems([])).toEqual(['policy: must be an object']);
  });
});
