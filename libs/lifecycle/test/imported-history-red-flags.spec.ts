import {
  canonicalJson,
  definitionWarnings,
  eventLeafHash,
  objectiveRedFlags,
  yearEndReportDue,
  DEFAULT_BACK_DATING_DAYS,
  DEFAULT_EVALUATION_TOLERANCE_POINTS,
  type CalendarDate,
  type ObjectiveDefinition,
  type ObjectiveEvent,
  type RedFlagContext,
} from '@piao/lifecycle';

type AuditedEvent = Parameters<typeof objectiveRedFlags>[1][number];
type DataOf<T extends ObjectiveEvent['type']> = Extract<ObjectiveEvent, { type: T }>['data'];

const dirigente = { id: 'rossi', name: 'Mario Rossi', role: 'dirigente' };
const segretario = { id: 'seg', name: 'Segretaria Generale', role: 'segretario' };
/** The history of 2024 imported on 2 December 2026 by the administrator. */
const IMPORT = { by: { id: 'admin', name: 'Ufficio Organizzazione' }, at: '2026-12-02T09:00:00.000Z' };
const ACT = { number: '31', date: '2024-03-10' };

const definition: ObjectiveDefinition = {
  title: 'Sostegno alle famiglie',
  responsibleUnitId: 'welfare',
  horizon: { fromYear: 2024, toYear: 2024 },
  phases: [{ id: 'f1', description: 'Bando', weight: 100, plannedEnd: '2024-06-30' }],
  indicators: [{ id: 'i1', description: 'Famiglie sostenute', target: { text: 'almeno n. 100', sense: 'at-least', value: 100 }, dueDate: '2024-12-31' }],
};

const CONTEXT: RedFlagContext = {
  unitsHeadedBy: (personId: string, on: CalendarDate) => new Set(personId === 'rossi' && on <= '2024-12-31' ? ['welfare'] : []),
  campaigns: { '2024-07-31': { dueOn: '2024-08-31' } },
  yearEndDue: yearEndReportDue,
  backDatingDays: DEFAULT_BACK_DATING_DAYS,
  evaluationTolerancePoints: DEFAULT_EVALUATION_TOLERANCE_POINTS,
};

/** An objective's stream; `imported` marks every event as imported (recorded at the import), otherwise recorded on its date. */
function history(imported: boolean, reportOn: CalendarDate = '2024-08-05') {
  const events: AuditedEvent[] = [];
  const record = <T extends ObjectiveEvent['type']>(by: typeof dirigente, on: CalendarDate, type: T, data: DataOf<T>, act?: typeof ACT) =>
    events.push({
      id: `e${events.length}`,
      revision: events.length,
      type,
      data,
      metadata: {
        actor: by,
        occurredAt: on,
        recordedAt: imported ? IMPORT.at : `${on}T09:00:00.000Z`,
        ...(act ? { act } : {}),
        ...(imported ? { imported: IMPORT } : {}),
      },
    });
  record(dirigente, '2024-01-20', 'ObjectiveDrafted', {
    objectiveId: 'o1',
    planId: 'p1',
    ente: 'c1',
    code: 'S1',
    definition,
    warnings: definitionWarnings(definition),
  });
  record(dirigente, '2024-02-01', 'ObjectiveProposed', {});
  record(segretario, '2024-03-14', 'ObjectiveApprovedByGiunta', { act: ACT }, ACT);
  record(dirigente, '2024-06-30', 'PhaseProgressRecorded', { phaseId: 'f1', progressPercent: 100, actualEnd: '2024-06-28' });
  record(dirigente, reportOn, 'MonitoringReportSubmitted', {
    asOf: '2024-07-31',
    phases: [{ phaseId: 'f1', progressPercent: 100 }],
    indicators: [{ indicatorId: 'i1', value: '60' }],
  });
  return events;
}

const kinds = (events: AuditedEvent[]) => objectiveRedFlags('o1', events, CONTEXT).map((f) => f.kind);

describe('red flags on an imported history', () => {
  it('given a history recorded as it happened, when it is audited, then nothing is flagged', () => {
    expect(kinds(history(false))).toEqual([]);
  });

  it('given the same history imported two years later, when it is audited, then nothing is back-dated, late or recorded after a deadline', () => {
    expect(kinds(history(true))).toEqual([]);
  });

  it('given the same history entered two years later without the import mark, then every event is back-dated and the report late', () => {
    const entered = history(true).map((e) => ({ ...e, metadata: { ...e.metadata, imported: undefined } }));
    const flags = kinds(entered);
    expect(flags.filter((k) => k === 'back-dated')).toHaveLength(entered.length);
    expect(flags).toEqual(expect.arrayContaining(['recorded-after-deadline', 'report-late']));
  });

  it('given an imported report dated after its due date, then it is late all the same: its business date stands for its recording', () => {
    const flags = objectiveRedFlags('o1', history(true, '2024-09-15'), CONTEXT);
    expect(flags.map((f) => f.kind)).toEqual(['report-late']);
    expect(flags[0].description).toBe('Monitoraggio al 31/07/2024 presentato il 15/09/2024, oltre la scadenza del 31/08/2024.');
  });

  it('given the other rules, then an imported event is audited as any other (a validation by the head of the unit)', () => {
    const events = history(true);
    events.push({
      ...events[events.length - 1],
      id: 'e5',
      revision: 5,
      type: 'MonitoringReportValidated',
      data: { asOf: '2024-07-31' },
      metadata: { ...events[events.length - 1].metadata, actor: dirigente, occurredAt: '2024-08-20' },
    });
    expect(kinds(events)).toEqual(['validation-of-own-unit']);
  });
});

describe('the import mark in the tamper-evident leaf', () => {
  const event = (metadata: object) => ({ id: 'e0', streamId: 'objective-o1', revision: 0, type: 'ObjectiveProposed', data: {}, metadata });
  const base = { actor: dirigente, ente: 'c1', occurredAt: '2024-02-01', recordedAt: IMPORT.at, correlationId: 'c', causationId: 'c', schemaVersion: 1 };

  it('is hashed with the metadata, whatever the order of its keys', () => {
    const one = eventLeafHash(event({ ...base, imported: { by: { id: 'admin', name: 'Ufficio Organizzazione' }, at: IMPORT.at } }), null);
    const other = eventLeafHash(event({ imported: { at: IMPORT.at, by: { name: 'Ufficio Organizzazione', id: 'admin' } }, ...base }), null);
    expect(one.equals(other)).toBe(true);
    expect(one.equals(eventLeafHash(event(base), null))).toBe(false);
    expect(canonicalJson({ ...base, imported: IMPORT })).toContain(
      '"imported":{"at":"2026-12-02T09:00:00.000Z","by":{"id":"admin","name":"Ufficio Organizzazione"}}',
    );
  });

  it('leaves the leaf of an event without it as it was', () => {
    expect(eventLeafHash(event({ ...base, imported: undefined }), null).equals(eventLeafHash(event(base), null))).toBe(true);
  });
});
