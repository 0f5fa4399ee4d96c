import {
  decideObjective,
  evolveObjective,
  organisationDecider,
  type Actor,
  type Appointments,
  type DecisionContext,
  type ObjectiveCommand,
  type ObjectiveDefinition,
  type ObjectiveEvent,
  type ObjectiveState,
  type OrganisationEvent,
  type Tenure,
} from '@piao/lifecycle';
import { DeciderSpecification } from './decider-specification';

/*
 * A unit whose head left is not left without anyone who may act for it (issue 13): the Segretario acts for it, or a
 * head appointed ad interim does; either way the events say in which capacity (metadata.actor.capacity).
 */

const TODAY = '2025-09-15';
const segretario: Actor = { id: 'seg', name: 'Segretaria Generale', ente: 'c1', roles: ['segretario'] };
const rossi: Actor = { id: 'rossi', name: 'Mario Rossi', ente: 'c1', roles: ['dirigente'] };
const verdi: Actor = { id: 'verdi', name: 'Luca Verdi', ente: 'c1', roles: ['dirigente'] };

const definition: ObjectiveDefinition = {
  title: 'Sostegno alle famiglie',
  responsibleUnitId: 'welfare',
  horizon: { fromYear: 2025, toYear: 2025 },
  phases: [{ id: 'f1', description: 'Bando', plannedEnd: '2025-12-31', weight: 100 }],
  indicators: [{ id: 'i1', description: 'Famiglie sostenute', target: { text: 'almeno n. 100' } }],
};

const approved: ObjectiveState = [
  { type: 'ObjectiveDrafted', data: { objectiveId: 'o1', planId: 'p1', ente: 'c1', code: 'S08', definition, warnings: [] } },
  { type: 'ObjectiveProposed', data: {} },
  { type: 'ObjectiveApprovedByGiunta', data: { act: { number: '31', date: '2025-03-10' } } },
].reduce<ObjectiveState | undefined>((state, event) => evolveObjective(state, event as ObjectiveEvent, { actorId: 'seg' }), undefined)!;

/** The context the application builds: the units headed today, and the organisation's headships. */
function context(actor: Actor, headships: Tenure[]): DecisionContext {
  const inForce = (h: Tenure) => h.from <= TODAY && (!h.to || TODAY <= h.to);
  const appointments: Appointments = { headships, unitAssignments: [], substituteValidators: [] };
  return { actor, today: TODAY, unitsHeaded: new Set(headships.filter((h) => h.personId === actor.id && inForce(h)).map((h) => h.unitId)), appointments };
}

const progress: ObjectiveCommand = { type: 'RecordPhaseProgress', phaseId: 'f1', progressPercent: 40 };
const rossiUntilJune: Tenure = { unitId: 'welfare', personId: 'rossi', from: '2020-01-01', to: '2025-06-30' };

describe('acting for a unit without its head', () => {
  it('records nothing special for the unit’s own head', () => {
    const decision = decideObjective(approved, progress, context(rossi, [{ unitId: 'welfare', personId: 'rossi', from: '2020-01-01' }]));
    expect([decision.role, decision.capacity]).toEqual(['dirigente', undefined]);
  });

  it('lets the Segretario act for a unit whose head left and was not replaced, and says so', () => {
    const decision = decideObjective(approved, progress, context(segretario, [rossiUntilJune]));
    expect([decision.role, decision.capacity, decision.events.map((e) => e.type)]).toEqual(['segretario', 'vacant-unit', ['PhaseProgressRecorded']]);
  });

  it('records the Segretario in his own capacity while the unit has a head', () => {
    const decision = decideObjective(approved, progress, context(segretario, [{ unitId: 'welfare', personId: 'rossi', from: '2020-01-01' }]));
    expect(decision.capacity).toBeUndefined();
  });

  it('does not call a Segretario’s own act (validation) a stand-in for a vacant unit', () => {
    const submitted = evolveObjective(
      approved,
      { type: 'MonitoringReportSubmitted', data: { asOf: '2025-07-31', phases: [], indicators: [] } },
      { actorId: 'rossi' },
    );
    const decision = decideObjective(submitted, { type: 'ValidateMonitoringReport', asOf: '2025-07-31' }, context(segretario, [rossiUntilJune]));
    expect([decision.role, decision.capacity]).toEqual(['segretario', undefined]);
  });

  it('lets a head appointed ad interim act for the unit, recorded as ad interim', () => {
    const interim: Tenure = { unitId: 'welfare', personId: 'verdi', from: '2025-07-01', to: '2025-12-31', interim: true };
    const decision = decideObjective(approved, progress, context(verdi, [rossiUntilJune, interim]));
    expect([decision.role, decision.capacity]).toEqual(['dirigente', 'ad-interim']);
  });

  it('refuses a dirigente who heads nothing of it, vacancy or not', () => {
    expect(() => decideObjective(approved, progress, context(verdi, [rossiUntilJune]))).toThrow(/units they head/);
  });
});

describe('appointing a head ad interim', () => {
  const organisation: OrganisationEvent[] = [
    { type: 'UnitCreated', data: { unitId: 'welfare', name: 'Settore Welfare', kind: 'settore' } },
    { type: 'PersonRegistered', data: { personId: 'verdi', name: 'Luca Verdi' } },
  ];
  const admin: Actor = { id: 'adm', name: 'Amministratore', ente: 'c1', roles: ['admin'] };
  const given = DeciderSpecification.for(organisationDecider, { actor: admin, today: TODAY, unitsHeaded: new Set<string>() });

  it('records the headship as ad interim', () => {
    given(organisation)
      .when({ type: 'AssignUnitHead', unitId: 'welfare', personId: 'verdi', from: '2025-07-01', to: '2025-12-31', interim: true })
      .then([{ type: 'UnitHeadAssigned', data: { unitId: 'welfare', personId: 'verdi', from: '2025-07-01', to: '2025-12-31', interim: true } }]);
  });

  it('refuses an interim flag that is not a boolean', () => {
    given(organisation)
      .when({ type: 'AssignUnitHead', unitId: 'welfare', personId: 'verdi', from: '2025-07-01', interim: 'sì' as unknown as boolean })
      .thenThrows('value-invalid');
  });
});
