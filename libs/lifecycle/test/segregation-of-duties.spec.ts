import {
  decideObjective,
  evolveOrganisation,
  objectiveDecider,
  organisationDecider,
  EMPTY_ORGANISATION,
  OBJECTIVE_GRANTS,
  REVIEW_COMMANDS,
  type Actor,
  type Appointments,
  type DecisionContext,
  type ObjectiveCommand,
  type ObjectiveDefinition,
  type ObjectiveEvent,
  type OrganisationEvent,
  type RecordedObjectiveEvent,
  type SubstituteValidator,
  type Tenure,
} from '@piao/lifecycle';
import { DeciderSpecification } from './decider-specification';

/*
 * The segregation of duties (docs/segregation-of-duties.md): nobody validates or evaluates the work of a unit they
 * head, headed during the period judged, or work in; the Segretario tied to a unit leaves its validations to the
 * vicesegretario or to the substitute validator the ente designates; an approval recorded by its proposer says so.
 */

const TODAY = '2026-03-31';
const segretario: Actor = { id: 'seg', name: 'Segretaria Generale', ente: 'c1', roles: ['segretario'] };
const vice: Actor = { id: 'vice', name: 'Vicesegretario', ente: 'c1', roles: ['segretario'] };
const dirigente: Actor = { id: 'dir', name: 'Dirigente Welfare', ente: 'c1', roles: ['dirigente'] };
/** A dirigente who also sits in the Nucleo di Valutazione: the tester's case. */
const dirigenteNdv: Actor = { id: 'rossi', name: 'Mario Rossi', ente: 'c1', roles: ['dirigente', 'nucleo'] };
const nucleo: Actor = { id: 'ndv', name: 'Presidente NdV', ente: 'c1', roles: ['nucleo'] };
/** Designated by the ente to validate in the Segretario's stead; a dirigente by role. */
const substitute: Actor = { id: 'bianchi', name: 'Laura Bianchi', ente: 'c1', roles: ['dirigente'] };
const admin: Actor = { id: 'adm', name: 'Amministratore', ente: 'c1', roles: ['admin'] };

const since2020 = (personId: string, unitId: string, to?: string): Tenure => ({ personId, unitId, from: '2020-01-01', ...(to ? { to } : {}) });
const designation = (overrides: Partial<SubstituteValidator> = {}): SubstituteValidator => ({
  personId: 'bianchi',
  segretarioPersonId: 'seg',
  from: '2025-01-10',
  act: { number: '12', date: '2025-01-10' },
  ...overrides,
});
/** The ente: dir heads welfare, rossi heads cultura, the Segretario heads nothing, bianchi is the designated substitute. */
const ENTE: Appointments = {
  headships: [since2020('dir', 'welfare'), since2020('rossi', 'cultura'), since2020('bianchi', 'tributi')],
  unitAssignments: [],
  substituteValidators: [designation()],
};

/** The decision context the application builds: the units headed today, and the organisation as appointments. */
function as(actor: Actor, appointments: Appointments = ENTE): DecisionContext {
  const unitsHeaded = new Set(
    appointments.headships.filter((h) => h.personId === actor.id && h.from <= TODAY && (!h.to || TODAY <= h.to)).map((h) => h.unitId),
  );
  return { actor, unitsHeaded, today: TODAY, appointments };
}
const withHeadships = (...extra: Tenure[]): Appointments => ({ ...ENTE, headships: [...ENTE.headships, ...extra] });

const definition: ObjectiveDefinition = {
  title: 'Sostegno alle famiglie',
  responsibleUnitId: 'welfare',
  contributingUnitIds: ['ragioneria'],
  horizon: { fromYear: 2025, toYear: 2025 },
  phases: [{ id: 'f1', description: 'Bando', plannedEnd: '2025-12-31', weight: 100 }],
  indicators: [{ id: 'i1', description: 'Famiglie sostenute', target: { text: 'almeno n. 100' } }],
  people: [{ name: 'Luca Verdi', personId: 'verdi', participationPercent: 100 }],
};
const act = { number: '31', date: '2025-03-10' };

const by = (actor: Actor, event: ObjectiveEvent): RecordedObjectiveEvent => ({ ...event, metadata: { actor: { id: actor.id } } }) as RecordedObjectiveEvent;
const drafted = (def = definition, author = dirigente) =>
  by(author, { type: 'ObjectiveDrafted', data: { objectiveId: 'o1', planId: 'p1', ente: 'c1', code: 'S08', definition: def, warnings: [] } });
const approvedObjective = (def = definition) => [
  drafted(def),
  by(dirigente, { type: 'ObjectiveProposed', data: {} }),
  by(segretario, { type: 'ObjectiveApprovedByGiunta', data: { act } }),
];
const monitoringSubmitted = (def = definition) => [
  ...approvedObjective(def),
  by(dirigente, { type: 'MonitoringReportSubmitted', data: { asOf: '2025-07-31', phases: [], indicators: [] } }),
];
const yearEndSubmitted = (def = definition) => [
  ...monitoringSubmitted(def),
  by(vice, { type: 'MonitoringReportValidated', data: { asOf: '2025-07-31' } }),
  by(dirigente, { type: 'YearEndReportSubmitted', data: { phases: [], indicators: [] } }),
];
const reported = (def = definition) => [...yearEndSubmitted(def), by(vice, { type: 'YearEndReportValidated', data: {} })];
const evaluated = (def = definition) => [
  ...reported(def),
  by(nucleo, { type: 'ObjectiveEvaluated', data: { achievementPercent: 90, motivation: 'Raggiunto' } }),
];
const contested = (def = definition) => [
  ...evaluated(def),
  by(nucleo, { type: 'EvaluationShared', data: {} }),
  by(dirigente, { type: 'EvaluationContested', data: { reason: 'Fase conclusa in anticipo' } }),
];

const given = DeciderSpecification.for(objectiveDecider, as(nucleo));
const validateMonitoring: ObjectiveCommand = { type: 'ValidateMonitoringReport', asOf: '2025-07-31' };
const evaluate: ObjectiveCommand = { type: 'Evaluate', achievementPercent: 90, motivation: 'Raggiunto' };
/** Another unit's objective: cultura's, with nobody involved by name. */
const cultura: ObjectiveDefinition = { ...definition, responsibleUnitId: 'cultura', contributingUnitIds: [], people: [] };
const elsewhere: ObjectiveDefinition = { ...definition, responsibleUnitId: 'tributi', contributingUnitIds: [], people: [] };

describe('segregation of duties: nobody judges the work of a unit they head or belong to', () => {
  it('counts every act of the NdV on an objective, and every validation or return of a report, as a review', () => {
    const nucleoActs = Object.entries(OBJECTIVE_GRANTS)
      .filter(([, grants]) => grants.includes('nucleo'))
      .map(([type]) => type);
    expect(REVIEW_COMMANDS).toEqual(expect.arrayContaining(nucleoActs));
    expect(REVIEW_COMMANDS).toEqual(
      expect.arrayContaining(['ValidateMonitoringReport', 'ReturnMonitoringReport', 'ValidateYearEndReport', 'ReturnYearEndReport']),
    );
  });

  describe('a dirigente who sits in the NdV', () => {
    const headsWelfare = withHeadships(since2020('rossi', 'welfare'));
    it('may not evaluate an objective of the unit they head: 403 reviewer-heads-unit, whatever role they act in', () => {
      given(reported())
        .when(evaluate, as(dirigenteNdv, headsWelfare))
        .thenThrows(
          'reviewer-heads-unit',
          /Evaluate: nobody validates or evaluates work they answer for, and rossi heads, or headed from 2025-01-01 to 2025-12-31, unit welfare/,
        );
    });
    it('nor share it, nor decide on its contestation', () => {
      const evaluatedByOther = evaluated();
      given(evaluatedByOther).when({ type: 'ShareEvaluation' }, as(dirigenteNdv, headsWelfare)).thenThrows('reviewer-heads-unit');
      given(contested())
        .when({ type: 'ConfirmEvaluation', achievementPercent: 90, motivation: 'Confermata' }, as(dirigenteNdv, headsWelfare))
        .thenThrows('reviewer-heads-unit');
    });
    it('may not evaluate an objective to which a unit they head contributes', () => {
      given(reported())
        .when(evaluate, as(dirigenteNdv, withHeadships(since2020('rossi', 'ragioneria'))))
        .thenThrows('reviewer-heads-unit', /ragioneria/);
    });
    it('evaluates the objective of another unit, as the NdV', () => {
      given(reported(elsewhere))
        .when(evaluate, as(dirigenteNdv))
        .then([by(dirigenteNdv, { type: 'ObjectiveEvaluated', data: { achievementPercent: 90, motivation: 'Raggiunto' } })]);
      expect(
        decideObjective(undefined, { type: 'DraftObjective', objectiveId: 'o1', planId: 'p1', ente: 'c1', code: 'X', definition: cultura }, as(dirigenteNdv))
          .role,
      ).toBe('dirigente');
      const state = reported(elsewhere).reduce(objectiveDecider.evolve, objectiveDecider.initialState());
      expect(decideObjective(state, evaluate, as(dirigenteNdv)).role).toBe('nucleo');
    });
    it('is refused on the units headed today even when the context carries no appointments', () => {
      given(reported(cultura))
        .when(evaluate, { actor: dirigenteNdv, unitsHeaded: new Set(['cultura']), today: TODAY })
        .thenThrows('reviewer-heads-unit');
    });
  });

  describe('the period judged', () => {
    it('refuses whoever headed the unit on any day of the objective horizon, though no longer', () => {
      given(reported())
        .when(evaluate, as(nucleo, withHeadships({ personId: 'ndv', unitId: 'welfare', from: '2024-06-01', to: '2025-03-31' })))
        .thenThrows('reviewer-heads-unit', /from 2025-01-01 to 2025-12-31/);
    });
    it('refuses whoever heads it today, though appointed after the period', () => {
      given(reported())
        .when(evaluate, as(nucleo, withHeadships({ personId: 'ndv', unitId: 'welfare', from: '2026-01-01' })))
        .thenThrows('reviewer-heads-unit');
    });
    it('lets in whoever headed it only before the horizon', () => {
      given(reported())
        .when(evaluate, as(nucleo, withHeadships({ personId: 'ndv', unitId: 'welfare', from: '2022-01-01', to: '2024-12-31' })))
        .then([by(nucleo, { type: 'ObjectiveEvaluated', data: { achievementPercent: 90, motivation: 'Raggiunto' } })]);
    });
    it('judges a monitoring report on the months up to its date: an interim head from September validates July, not the year', () => {
      const interim = withHeadships({ personId: 'vice', unitId: 'welfare', from: '2025-09-01', to: '2025-10-31' });
      given(monitoringSubmitted())
        .when(validateMonitoring, as(vice, interim))
        .then([by(vice, { type: 'MonitoringReportValidated', data: { asOf: '2025-07-31' } })]);
      given(yearEndSubmitted()).when({ type: 'ValidateYearEndReport' }, as(vice, interim)).thenThrows('reviewer-heads-unit');
    });
    it('counts a unit the objective was moved from', () => {
      const moved = [
        ...approvedObjective(),
        by(segretario, { type: 'ResponsibleReassigned', data: { fromUnitId: 'welfare', toUnitId: 'tributi', effectiveOn: '2025-06-01' } }),
        by(substitute, { type: 'MonitoringReportSubmitted', data: { asOf: '2025-07-31', phases: [], indicators: [] } }),
      ];
      given(moved)
        .when(validateMonitoring, as(vice, withHeadships(since2020('vice', 'welfare'))))
        .thenThrows('reviewer-heads-unit', /welfare/);
    });
  });

  describe('belonging to a unit', () => {
    it('refuses whoever works in the responsible unit: reviewer-belongs-to-unit', () => {
      given(reported())
        .when(evaluate, as(nucleo, { ...ENTE, unitAssignments: [{ personId: 'ndv', unitId: 'welfare', from: '2024-01-01' }] }))
        .thenThrows('reviewer-belongs-to-unit', /ndv works, or worked from 2025-01-01 to 2025-12-31, in unit welfare/);
    });
    it('lets in whoever worked there only before the period', () => {
      given(reported())
        .when(evaluate, as(nucleo, { ...ENTE, unitAssignments: [{ personId: 'ndv', unitId: 'welfare', from: '2020-01-01', to: '2024-12-31' }] }))
        .then([by(nucleo, { type: 'ObjectiveEvaluated', data: { achievementPercent: 90, motivation: 'Raggiunto' } })]);
    });
    it('refuses a person the objective names among the people involved: reviewer-involved-in-objective', () => {
      given(monitoringSubmitted())
        .when(validateMonitoring, as({ ...vice, id: 'verdi' }))
        .thenThrows('reviewer-involved-in-objective');
    });
  });

  describe("the Segretario's own unit", () => {
    const segHeadsWelfare = withHeadships(since2020('seg', 'welfare'));
    it.each<[string, ObjectiveEvent[], ObjectiveCommand]>([
      ['validate a monitoring report', monitoringSubmitted(), validateMonitoring],
      ['return a monitoring report', monitoringSubmitted(), { type: 'ReturnMonitoringReport', asOf: '2025-07-31', reason: 'Dati mancanti' }],
      ['validate the year-end report', yearEndSubmitted(), { type: 'ValidateYearEndReport' }],
      ['return the year-end report', yearEndSubmitted(), { type: 'ReturnYearEndReport', reason: 'Manca la relazione' }],
    ])('refuses the Segretario heading the unit to %s, pointing to the substitute', (_, events, command) => {
      given(events as RecordedObjectiveEvent[])
        .when(command, as(segretario, segHeadsWelfare))
        .thenThrows('reviewer-heads-unit', /validated by the vicesegretario or by the substitute validator the ente designates/);
    });
    it('lets the designated substitute validate it, whatever their roles, in the Segretario’s capacity and stead', () => {
      given(monitoringSubmitted())
        .when(validateMonitoring, as(substitute, segHeadsWelfare))
        .then([by(substitute, { type: 'MonitoringReportValidated', data: { asOf: '2025-07-31', substituteFor: 'seg' } })]);
      const state = yearEndSubmitted().reduce(objectiveDecider.evolve, objectiveDecider.initialState());
      expect(decideObjective(state, { type: 'ValidateYearEndReport' }, as(substitute, segHeadsWelfare))).toEqual({
        role: 'segretario',
        events: [{ type: 'YearEndReportValidated', data: { substituteFor: 'seg' } }],
      });
      expect(decideObjective(state, { type: 'ReturnYearEndReport', reason: 'Manca la relazione' }, as(substitute, segHeadsWelfare)).events).toEqual([
        { type: 'YearEndReportReturned', data: { reason: 'Manca la relazione', substituteFor: 'seg' } },
      ]);
    });
    it('lets the vicesegretario validate it as a segretario; designated, the event names whom he substitutes', () => {
      given(monitoringSubmitted())
        .when(validateMonitoring, as(vice, segHeadsWelfare))
        .then([by(vice, { type: 'MonitoringReportValidated', data: { asOf: '2025-07-31' } })]);
      const viceDesignated = { ...segHeadsWelfare, substituteValidators: [designation({ personId: 'vice' })] };
      given(monitoringSubmitted())
        .when(validateMonitoring, as(vice, viceDesignated))
        .then([by(vice, { type: 'MonitoringReportValidated', data: { asOf: '2025-07-31', substituteFor: 'seg' } })]);
    });
    it('refuses a designated substitute when the Segretario is free to validate himself', () => {
      given(monitoringSubmitted())
        .when(validateMonitoring, as(substitute))
        .thenThrows('role-not-allowed', /a substitute validator validates only the reports of units the Segretario heads or belongs to/);
    });
    it('refuses a designation not in force today, and a person never designated', () => {
      const ended = { ...segHeadsWelfare, substituteValidators: [designation({ to: '2025-12-31' })] };
      given(monitoringSubmitted()).when(validateMonitoring, as(substitute, ended)).thenThrows('role-not-allowed');
      const later = { ...segHeadsWelfare, substituteValidators: [designation({ from: '2026-06-01' })] };
      given(monitoringSubmitted()).when(validateMonitoring, as(substitute, later)).thenThrows('role-not-allowed');
      given(monitoringSubmitted())
        .when(validateMonitoring, as({ ...substitute, id: 'neri' }, segHeadsWelfare))
        .thenThrows('role-not-allowed');
    });
    it('refuses a substitute tied to the unit themselves', () => {
      const both = withHeadships(since2020('seg', 'welfare'), since2020('bianchi', 'ragioneria'));
      given(monitoringSubmitted())
        .when(validateMonitoring, as(substitute, both))
        .thenThrows('reviewer-heads-unit', /bianchi/);
    });
    it('substitutes the Segretario in validations only, never in the NdV’s evaluation', () => {
      given(reported()).when(evaluate, as(substitute, segHeadsWelfare)).thenThrows('role-not-allowed');
    });
    it('substitutes a Segretario who works in the unit, not only one who heads it', () => {
      const segWorksThere = { ...ENTE, unitAssignments: [{ personId: 'seg', unitId: 'ragioneria', from: '2025-01-01' }] };
      given(monitoringSubmitted()).when(validateMonitoring, as(segretario, segWorksThere)).thenThrows('reviewer-belongs-to-unit');
      given(monitoringSubmitted())
        .when(validateMonitoring, as(substitute, segWorksThere))
        .then([by(substitute, { type: 'MonitoringReportValidated', data: { asOf: '2025-07-31', substituteFor: 'seg' } })]);
    });
  });
});

describe('an approval recorded by its proposer says so', () => {
  const proposedBySegretario = [drafted(definition, segretario), by(segretario, { type: 'ObjectiveProposed', data: {} })];
  const given = DeciderSpecification.for(objectiveDecider, as(segretario));

  it("marks the Giunta's approval recorded by the person who proposed the objective", () => {
    given(proposedBySegretario)
      .when({ type: 'ApproveByGiunta', act })
      .then([by(segretario, { type: 'ObjectiveApprovedByGiunta', data: { act, recordedByProposer: true } })]);
  });
  it('looks at the latest proposal: a proposal returned and made again by the dirigente is not the Segretario’s', () => {
    const reproposed = [
      ...proposedBySegretario,
      by(segretario, { type: 'ObjectiveReturnedForChanges', data: { reason: 'Target da precisare' } }),
      by(dirigente, { type: 'ObjectiveProposed', data: {} }),
    ];
    given(reproposed)
      .when({ type: 'ApproveByGiunta', act })
      .then([by(segretario, { type: 'ObjectiveApprovedByGiunta', data: { act } })]);
  });
  it("marks the approval of a reprogramming recorded by its proposer, and not another's", () => {
    const changed = { ...definition, description: 'Esteso alle famiglie monoparentali' };
    const proposal = (proposer: Actor) => [
      ...approvedObjective(),
      by(proposer, {
        type: 'ReprogrammingProposed',
        data: { definition: changed, changes: [{ path: 'description', from: null, to: changed.description }], warnings: [], motivation: 'Nuove risorse' },
      }),
    ];
    const reprogrammingAct = { number: '45', date: '2025-09-10' };
    given(proposal(segretario))
      .when({ type: 'ApproveReprogramming', act: reprogrammingAct })
      .then([
        by(segretario, {
          type: 'ReprogrammingApprovedByGiunta',
          data: { act: reprogrammingAct, changes: [{ path: 'description', from: null, to: changed.description }], recordedByProposer: true },
        }),
      ]);
    given(proposal(dirigente))
      .when({ type: 'ApproveReprogramming', act: reprogrammingAct })
      .then([
        by(segretario, {
          type: 'ReprogrammingApprovedByGiunta',
          data: { act: reprogrammingAct, changes: [{ path: 'description', from: null, to: changed.description }] },
        }),
      ]);
  });
});

describe('the organisation: unit assignments and substitute validators', () => {
  const given = DeciderSpecification.for(organisationDecider, as(admin));
  const organisation: OrganisationEvent[] = [
    { type: 'UnitCreated', data: { unitId: 'welfare', name: 'Settore Welfare', kind: 'settore' } },
    { type: 'PersonRegistered', data: { personId: 'seg', name: 'Segretaria Generale' } },
    { type: 'PersonRegistered', data: { personId: 'bianchi', name: 'Laura Bianchi' } },
    { type: 'PersonRegistered', data: { personId: 'verdi', name: 'Luca Verdi' } },
  ];
  const designate = { type: 'DesignateSubstituteValidator' as const, personId: 'bianchi', from: '2025-01-10', act: { number: '12', date: '2025-01-10' } };
  const designated: OrganisationEvent = {
    type: 'SubstituteValidatorDesignated',
    data: { personId: 'bianchi', segretarioPersonId: 'seg', from: '2025-01-10', act: { number: '12', date: '2025-01-10' } },
  };

  it('records the substitute the Segretario designates for himself, by an act', () => {
    given(organisation).when(designate, as(segretario)).then([designated]);
  });
  it('lets only the Segretario designate, and only for himself: the organisation does not know who the Segretario is', () => {
    given(organisation).when(designate).thenThrows('role-not-allowed');
    given(organisation)
      .when({ ...designate, segretarioPersonId: 'verdi' }, as(segretario))
      .thenThrows('designation-by-segretario');
    given(organisation)
      .when({ ...designate, segretarioPersonId: 'seg', to: '2025-12-31' }, as(segretario))
      .then([{ ...designated, data: { ...designated.data, to: '2025-12-31' } } as OrganisationEvent]);
  });
  it('refuses a dirigente, an unknown person, the Segretario himself, a reversed period, an act dated after today and an overlap', () => {
    given(organisation).when(designate, as(dirigente)).thenThrows('role-not-allowed');
    given(organisation)
      .when({ ...designate, personId: 'neri' }, as(segretario))
      .thenThrows('unknown-person', /neri/);
    given(organisation)
      .when({ ...designate, personId: 'seg' }, as(segretario))
      .thenThrows('value-invalid');
    given(organisation)
      .when({ ...designate, to: '2024-12-31' }, as(segretario))
      .thenThrows('end-before-start');
    given(organisation)
      .when({ ...designate, act: { number: '12', date: '2026-04-01' } }, as(segretario))
      .thenThrows('date-in-future');
    given([...organisation, designated])
      .when({ ...designate, from: '2025-06-01' }, as(segretario))
      .thenThrows('designation-overlap');
    given(organisation)
      .when({ type: 'DesignateSubstituteValidator', personId: 'bianchi', from: '2025-01-10' } as unknown as typeof designate, as(segretario))
      .thenThrows('value-invalid', /act/);
  });
  it('ends a designation, which then no longer covers the days after', () => {
    const end = { type: 'EndSubstituteValidatorDesignation' as const, personId: 'bianchi', from: '2025-01-10', to: '2025-06-30' };
    const ended: OrganisationEvent = {
      type: 'SubstituteValidatorDesignationEnded',
      data: { personId: 'bianchi', segretarioPersonId: 'seg', from: '2025-01-10', to: '2025-06-30' },
    };
    given([...organisation, designated])
      .when(end, as(segretario))
      .then([ended]);
    given(organisation).when(end, as(segretario)).thenThrows('unknown-designation');
    const state = [...organisation, designated, ended].reduce(evolveOrganisation, EMPTY_ORGANISATION);
    expect(state.substituteValidators).toEqual([{ ...designated.data, to: '2025-06-30' }]);
  });
  it('assigns a person to a unit and ends the assignment; only the administrator does', () => {
    const assign = { type: 'AssignPersonToUnit' as const, unitId: 'welfare', personId: 'verdi', from: '2025-01-01' };
    const assigned: OrganisationEvent = { type: 'PersonAssignedToUnit', data: { unitId: 'welfare', personId: 'verdi', from: '2025-01-01' } };
    given(organisation).when(assign).then([assigned]);
    given(organisation).when(assign, as(segretario)).thenThrows('role-not-allowed');
    given(organisation)
      .when({ ...assign, unitId: 'cultura' })
      .thenThrows('unknown-unit');
    given(organisation)
      .when({ ...assign, personId: 'neri' })
      .thenThrows('unknown-person');
    given([...organisation, assigned])
      .when({ ...assign, from: '2025-03-01' })
      .thenThrows('assignment-overlap');
    const end = { type: 'EndUnitAssignment' as const, unitId: 'welfare', personId: 'verdi', from: '2025-01-01', to: '2025-06-30' };
    const ended: OrganisationEvent = { type: 'UnitAssignmentEnded', data: { unitId: 'welfare', personId: 'verdi', from: '2025-01-01', to: '2025-06-30' } };
    given([...organisation, assigned])
      .when(end)
      .then([ended]);
    given(organisation).when(end).thenThrows('unknown-assignment');
    given([...organisation, assigned, ended])
      .when({ ...assign, from: '2025-07-01' })
      .then([{ ...assigned, data: { ...assigned.data, from: '2025-07-01' } }]);
    const state = [...organisation, assigned, ended].reduce(evolveOrganisation, EMPTY_ORGANISATION);
    expect(state.unitAssignments).toEqual([{ unitId: 'welfare', personId: 'verdi', from: '2025-01-01', to: '2025-06-30' }]);
  });
  it('is, as folded, the appointments a decision reads', () => {
    const state = [...organisation, designated].reduce(evolveOrganisation, EMPTY_ORGANISATION);
    const appointments: Appointments = state;
    expect(appointments.substituteValidators).toEqual([designated.data]);
  });
});
