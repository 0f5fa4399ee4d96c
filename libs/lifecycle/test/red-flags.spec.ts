import {
  definitionChanges,
  definitionWarnings,
  objectiveRedFlags,
  yearEndReportDue,
  DEFAULT_BACK_DATING_DAYS,
  DEFAULT_EVALUATION_TOLERANCE_POINTS,
  RED_FLAG_KINDS,
  type CalendarDate,
  type GiuntaAct,
  type Indicator,
  type ObjectiveDefinition,
  type ObjectiveEvent,
  type RedFlag,
  type RedFlagContext,
  type RedFlagKind,
} from '@piao/lifecycle';

type AuditedEvent = Parameters<typeof objectiveRedFlags>[1][number];
type EventType = ObjectiveEvent['type'];
type DataOf<T extends EventType> = Extract<ObjectiveEvent, { type: T }>['data'];
interface Person {
  id: string;
  name: string;
  role: string;
}

const OBJECTIVE_ID = 'o1';
const CODE = '2025_S08_04';
const dirigente: Person = { id: 'dir', name: 'Dirigente Welfare', role: 'dirigente' };
const segretario: Person = { id: 'seg', name: 'Segretaria Generale', role: 'segretario' };
const vice: Person = { id: 'vice', name: 'Vicesegretario', role: 'segretario' };
const nucleo: Person = { id: 'ndv', name: 'Presidente NdV', role: 'nucleo' };
const DGC31: GiuntaAct = { number: '31', date: '2025-03-10' };
const DGC45: GiuntaAct = { number: '45', date: '2025-09-10' };

const definition: ObjectiveDefinition = {
  title: 'Sostegno alle famiglie',
  responsibleUnitId: 'welfare',
  contributingUnitIds: ['ragioneria'],
  horizon: { fromYear: 2025, toYear: 2025 },
  phases: [
    { id: 'f1', description: 'Bando', plannedStart: '2025-01-01', plannedEnd: '2025-03-31', weight: 40 },
    { id: 'f2', description: 'Erogazione', plannedStart: '2025-04-01', plannedEnd: '2025-12-31', weight: 60 },
  ],
  indicators: [
    { id: 'i1', description: 'Famiglie sostenute', type: 'quantita', target: { text: 'almeno n. 100', sense: 'at-least', value: 100 }, dueDate: '2025-12-31' },
  ],
};
/** A reprogramming that touches no target: the objective's text grows. */
const widened: ObjectiveDefinition = { ...definition, description: 'Esteso alle famiglie monoparentali' };
const withTarget = (target: Indicator['target']): ObjectiveDefinition => ({ ...definition, indicators: [{ ...definition.indicators[0], target }] });

/** Who headed which unit, from when to when: the dirigente heads welfare throughout, nobody else anything. */
type Headship = { personId: string; unitId: string; from: CalendarDate; to?: CalendarDate };
const DIRIGENTE_HEADS_WELFARE: Headship = { personId: 'dir', unitId: 'welfare', from: '2020-01-01' };
const headedBy =
  (headships: Headship[]) =>
  (personId: string, on: CalendarDate): ReadonlySet<string> =>
    new Set(headships.filter((h) => h.personId === personId && h.from <= on && (!h.to || on <= h.to)).map((h) => h.unitId));

const CONTEXT: RedFlagContext = {
  unitsHeadedBy: headedBy([DIRIGENTE_HEADS_WELFARE]),
  campaigns: { '2025-07-31': { dueOn: '2025-08-31' } },
  yearEndDue: yearEndReportDue,
  backDatingDays: DEFAULT_BACK_DATING_DAYS,
  evaluationTolerancePoints: DEFAULT_EVALUATION_TOLERANCE_POINTS,
};

interface Recording {
  /** When it was recorded: a date (09:00 UTC that day) or an ISO instant; the business date by default. */
  recorded?: string;
  /** The business date as stored, when it is not the date given (an ISO instant, say). */
  occurredAt?: string;
  act?: GiuntaAct;
}

/** An objective's stream as the store holds it; each `record` returns a new log, so stages can be shared. */
class Log {
  constructor(readonly events: readonly AuditedEvent[] = []) {}

  record<T extends EventType>(by: Person, on: CalendarDate, type: T, data: DataOf<T>, options: Recording = {}): Log {
    const revision = this.events.length;
    const recorded = options.recorded ?? on;
    const event: AuditedEvent = {
      id: `e${revision}`,
      revision,
      type,
      data,
      metadata: {
        actor: by,
        occurredAt: options.occurredAt ?? on,
        recordedAt: recorded.length === 10 ? `${recorded}T09:00:00.000Z` : recorded,
        ...(options.act ? { act: options.act } : {}),
      },
    };
    return new Log([...this.events, event]);
  }

  get last(): string {
    return this.events[this.events.length - 1].id;
  }
}

const drafted = (def = definition, by = dirigente) =>
  new Log().record(by, '2025-01-10', 'ObjectiveDrafted', {
    objectiveId: OBJECTIVE_ID,
    planId: 'p1',
    ente: 'c1',
    code: CODE,
    definition: def,
    warnings: definitionWarnings(def),
  });
const approved = (def = definition, proposer = dirigente) =>
  drafted(def, proposer)
    .record(proposer, '2025-01-15', 'ObjectiveProposed', {})
    .record(segretario, '2025-03-10', 'ObjectiveApprovedByGiunta', { act: DGC31 }, { act: DGC31, recorded: '2025-03-14' });
const monitoringSubmitted = (log = approved(), options: Recording = {}) =>
  log
    .record(dirigente, '2025-03-31', 'PhaseProgressRecorded', { phaseId: 'f1', progressPercent: 100, actualEnd: '2025-03-28' })
    .record(dirigente, '2025-07-31', 'IndicatorValueRecorded', { indicatorId: 'i1', value: '60', asOf: '2025-07-31' })
    .record(
      dirigente,
      '2025-08-20',
      'MonitoringReportSubmitted',
      { asOf: '2025-07-31', phases: [{ phaseId: 'f1', progressPercent: 100 }], indicators: [{ indicatorId: 'i1', value: '60' }] },
      options,
    );
const monitored = (log = approved()) => monitoringSubmitted(log).record(segretario, '2025-08-25', 'MonitoringReportValidated', { asOf: '2025-07-31' });
const reprogrammed = (log: Log, to: ObjectiveDefinition, from = definition, proposer = dirigente) => {
  const changes = definitionChanges(from, to);
  return log
    .record(proposer, '2025-09-01', 'ReprogrammingProposed', { definition: to, changes, warnings: definitionWarnings(to), motivation: 'Risorse ridotte' })
    .record(segretario, '2025-09-10', 'ReprogrammingApprovedByGiunta', { act: DGC45, changes }, { act: DGC45 });
};
const yearEndSubmitted = (log: Log, by = dirigente) =>
  log
    .record(dirigente, '2025-12-20', 'PhaseProgressRecorded', { phaseId: 'f2', progressPercent: 100 })
    .record(dirigente, '2025-12-31', 'IndicatorValueRecorded', { indicatorId: 'i1', value: '110', asOf: '2025-12-31' })
    .record(by, '2026-01-20', 'YearEndReportSubmitted', {
      phases: [
        { phaseId: 'f1', progressPercent: 100 },
        { phaseId: 'f2', progressPercent: 100 },
      ],
      indicators: [{ indicatorId: 'i1', value: '110' }],
    });
const reported = (log: Log, submitter = dirigente, validator = segretario) =>
  yearEndSubmitted(log, submitter).record(validator, '2026-01-25', 'YearEndReportValidated', {});
const evaluated = (log: Log, achievementPercent = 100, by = nucleo) =>
  log.record(by, '2026-03-15', 'ObjectiveEvaluated', { achievementPercent, motivation: 'Valutazione del Nucleo' });
const closed = (log: Log) => log.record(nucleo, '2026-03-20', 'EvaluationShared', {}).record(segretario, '2026-04-10', 'ObjectiveClosed', {});

/** Drafted, proposed, approved, monitored, reprogrammed (no target touched), reported, evaluated and closed, on time and by the book. */
const cleanCycle = () => closed(evaluated(reported(reprogrammed(monitored(), widened))));

function given(log: Log) {
  return {
    whenAudited(context: Partial<RedFlagContext> = {}) {
      const flags = objectiveRedFlags(OBJECTIVE_ID, log.events, { ...CONTEXT, ...context });
      const ofKind = (kind: RedFlagKind) => flags.filter((f) => f.kind === kind);
      return {
        flags,
        thenNoFlag: () => expect(flags).toEqual([]),
        thenNo: (kind: RedFlagKind) => expect(ofKind(kind)).toEqual([]),
        /** Exactly these flags of the kind, in this order: each with (at least) the fields given. */
        then: (kind: RedFlagKind, ...expected: Partial<RedFlag>[]) =>
          expect(ofKind(kind)).toEqual(expected.map((e) => expect.objectContaining({ kind, objectiveId: OBJECTIVE_ID, code: CODE, ...e }))),
      };
    },
  };
}

describe('anticorruption red flags of an objective', () => {
  it('raises nothing on a clean history of the whole cycle', () => {
    given(cleanCycle()).whenAudited().thenNoFlag();
  });

  it('raises nothing on an empty stream', () => {
    given(new Log()).whenAudited().thenNoFlag();
  });

  describe('target-lowered-after-monitoring', () => {
    it('flags a target lowered by a reprogramming after the monitoring, naming the report and the change', () => {
      const monitoredLog = monitored();
      const log = reprogrammed(monitoredLog, withTarget({ text: 'almeno n. 80', sense: 'at-least', value: 80 }));
      given(log)
        .whenAudited()
        .then('target-lowered-after-monitoring', {
          severity: 'high',
          description: "Target dell'indicatore i1 abbassato da «almeno n. 100» a «almeno n. 80» dopo il monitoraggio al 31/07/2025 (DGC n. 45 del 10/09/2025).",
          eventIds: [monitoredLog.events[5].id, log.last],
        });
    });

    // Every row has all five cells: jest would take a missing last one for a `done` callback.
    it.each<[string, string, string, 'high' | 'low' | undefined, string]>([
      ['a lower floor, read from the text', '≥ 80%', '≥ 60%', 'high', 'abbassato'],
      ['a higher ceiling', 'max 800 €', 'max 1.000 €', 'high', 'alzato'],
      ['a later date', 'entro il 30/06/2025', 'entro il 30/09/2025', 'high', 'posticipato'],
      ['a strict floor made inclusive', '> 3', '≥ 3', 'high', 'allentato'],
      ['a date dropped for done at any time', 'entro il 30/06/2025', 'Fatto', 'high', 'allentato'],
      ['a higher floor', '≥ 80%', '≥ 90%', undefined, ''],
      ['an earlier date', 'entro il 30/09/2025', 'entro il 30/06/2025', undefined, ''],
      ['done at any time given a date', 'Fatto', 'entro il 30/06/2025', undefined, ''],
      ['the same target written differently', 'almeno n. 100', 'almeno 100', undefined, ''],
      ['a target nobody can read', '≥ 80%', 'da concordare con la Giunta', 'low', ''],
      ['a floor turned into a ceiling', 'almeno 80', 'massimo 90', 'low', ''],
      ['another unit', '≥ 80%', '≥ 60 giorni', 'low', ''],
      ['a smaller reduction', 'riduzione del 10%', 'riduzione del 5%', 'high', 'abbassato'],
      ['a larger increase', 'aumentare del 20%', 'aumentare del 30%', undefined, ''],
      ['a reduction turned into a level, no baseline to compare them', 'riduzione del 10%', 'almeno 5%', 'low', ''],
    ])('%s: «%s» → «%s»', (_, from, to, severity, verb) => {
      const before = withTarget({ text: from });
      const log = reprogrammed(monitored(approved(before)), withTarget({ text: to }), before);
      const then = given(log).whenAudited();
      if (!severity) return then.thenNo('target-lowered-after-monitoring');
      then.then('target-lowered-after-monitoring', {
        severity,
        description:
          severity === 'high'
            ? `Target dell'indicatore i1 ${verb} da «${from}» a «${to}» dopo il monitoraggio al 31/07/2025 (DGC n. 45 del 10/09/2025).`
            : `Target dell'indicatore i1 cambiato da «${from}» a «${to}» dopo il monitoraggio al 31/07/2025 (DGC n. 45 del 10/09/2025): ` +
              'non si può stabilire automaticamente se sia più facile da raggiungere.',
      });
    });

    it("flags a unit's own target lowered after the monitoring, and counts unit targets as targets", () => {
      const withUnitTargets = (ragioneria: string): ObjectiveDefinition => ({
        ...definition,
        indicators: [
          {
            ...definition.indicators[0],
            target: undefined,
            unitTargets: [
              { unitId: 'welfare', target: { text: 'almeno n. 60' } },
              { unitId: 'ragioneria', target: { text: ragioneria } },
            ],
          },
        ],
      });
      const before = withUnitTargets('almeno n. 40');
      const log = reprogrammed(monitored(approved(before)), withUnitTargets('almeno n. 10'), before);
      given(log).whenAudited().then('target-lowered-after-monitoring', {
        severity: 'high',
        description:
          "Target dell'unità ragioneria sull'indicatore i1 abbassato da «almeno n. 40» a «almeno n. 10» dopo il monitoraggio al 31/07/2025 (DGC n. 45 del 10/09/2025).",
      });
      given(log).whenAudited().thenNo('indicator-without-target');
    });

    it('flags an indicator removed, or its target removed, after the monitoring', () => {
      given(reprogrammed(monitored(), { ...definition, indicators: [] }))
        .whenAudited()
        .then('target-lowered-after-monitoring', {
          severity: 'high',
          description: 'Indicatore i1 «Famiglie sostenute» (target «almeno n. 100») eliminato dopo il monitoraggio al 31/07/2025 (DGC n. 45 del 10/09/2025).',
        });
      given(reprogrammed(monitored(), withTarget(undefined)))
        .whenAudited()
        .then('target-lowered-after-monitoring', {
          severity: 'high',
          description: "Target dell'indicatore i1 eliminato (era «almeno n. 100») dopo il monitoraggio al 31/07/2025 (DGC n. 45 del 10/09/2025).",
        });
    });

    it('flags a target lowered after a year-end report that was returned', () => {
      const returned = yearEndSubmitted(monitored()).record(segretario, '2026-01-25', 'YearEndReportReturned', { reason: 'Manca la documentazione' });
      given(reprogrammed(returned, withTarget({ text: 'almeno n. 80', sense: 'at-least', value: 80 })))
        .whenAudited()
        .then('target-lowered-after-monitoring', {
          description:
            "Target dell'indicatore i1 abbassato da «almeno n. 100» a «almeno n. 80» dopo la rendicontazione finale del 20/01/2026 (DGC n. 45 del 10/09/2025).",
        });
    });

    it('raises nothing for a target lowered before any monitoring', () => {
      given(reprogrammed(approved(), withTarget({ text: 'almeno n. 80', sense: 'at-least', value: 80 })))
        .whenAudited()
        .thenNo('target-lowered-after-monitoring');
    });
  });

  describe('change-without-giunta-act', () => {
    const reassigned = (log: Log, options: Recording = {}) =>
      log.record(segretario, '2025-06-01', 'ResponsibleReassigned', { fromUnitId: 'welfare', toUnitId: 'cultura', effectiveOn: '2025-06-01' }, options);

    it('flags an approved objective moved to another unit without an act', () => {
      const log = reassigned(approved());
      given(log)
        .whenAudited()
        .then('change-without-giunta-act', {
          severity: 'high',
          description:
            "Obiettivo trasferito dall'unità welfare all'unità cultura con effetto dal 01/06/2025, dopo l'approvazione, senza una deliberazione di Giunta.",
          eventIds: [log.last],
        });
    });

    it('raises nothing for a draft moved to another unit, or a move resting on an act', () => {
      given(reassigned(drafted())).whenAudited().thenNo('change-without-giunta-act');
      given(reassigned(approved(), { act: { number: '60', date: '2025-05-28' } }))
        .whenAudited()
        .thenNo('change-without-giunta-act');
    });

    it('flags an approval that took effect before the act it rests on existed', () => {
      const log = drafted()
        .record(dirigente, '2025-01-15', 'ObjectiveProposed', {})
        .record(segretario, '2025-03-05', 'ObjectiveApprovedByGiunta', { act: DGC31 }, { act: DGC31 });
      given(log)
        .whenAudited()
        .then('change-without-giunta-act', {
          severity: 'high',
          description: "Approvazione dell'obiettivo con effetto dal 05/03/2025, anteriore alla DGC n. 31 del 10/03/2025 su cui si fonda.",
          eventIds: [log.last],
        });
    });

    it('flags a move effective before the act it rests on', () => {
      given(reassigned(approved(), { act: { number: '60', date: '2025-06-10' } }))
        .whenAudited()
        .then('change-without-giunta-act', {
          description:
            "Obiettivo trasferito dall'unità welfare all'unità cultura con effetto dal 01/06/2025, anteriore alla DGC n. 60 del 10/06/2025 su cui si fonda.",
        });
    });
  });

  describe('approval-by-proposer', () => {
    it('flags the objective proposed and its approval recorded by the same person', () => {
      const log = approved(definition, segretario);
      given(log)
        .whenAudited()
        .then('approval-by-proposer', {
          severity: 'medium',
          description:
            "Segretaria Generale ha registrato sia la proposta dell'obiettivo sia la sua approvazione da parte della Giunta (DGC n. 31 del 10/03/2025).",
          eventIds: ['e1', 'e2'],
        });
    });

    it('flags a reprogramming proposed and approved by the same person', () => {
      const log = reprogrammed(approved(), widened, definition, segretario);
      given(log)
        .whenAudited()
        .then('approval-by-proposer', {
          description:
            'Segretaria Generale ha registrato sia la proposta di riprogrammazione sia la sua approvazione da parte della Giunta (DGC n. 45 del 10/09/2025).',
          eventIds: [log.events[3].id, log.last],
        });
    });

    it('flags an approval whose event says its recorder proposed it, as the decider now writes it', () => {
      const log = drafted(definition, segretario)
        .record(segretario, '2025-01-15', 'ObjectiveProposed', {})
        .record(segretario, '2025-03-10', 'ObjectiveApprovedByGiunta', { act: DGC31, recordedByProposer: true }, { act: DGC31 });
      given(log)
        .whenAudited()
        .then('approval-by-proposer', {
          severity: 'medium',
          description:
            "Segretaria Generale ha registrato sia la proposta dell'obiettivo sia la sua approvazione da parte della Giunta (DGC n. 31 del 10/03/2025).",
          eventIds: ['e1', 'e2'],
        });
      const changes = definitionChanges(definition, widened);
      const reprogramming = approved()
        .record(segretario, '2025-09-01', 'ReprogrammingProposed', { definition: widened, changes, warnings: [], motivation: 'Risorse ridotte' })
        .record(segretario, '2025-09-10', 'ReprogrammingApprovedByGiunta', { act: DGC45, changes, recordedByProposer: true }, { act: DGC45 });
      given(reprogramming)
        .whenAudited()
        .then('approval-by-proposer', { eventIds: [reprogramming.events[3].id, reprogramming.last] });
    });

    it('looks at the proposal the Giunta approved, not at one returned before it', () => {
      const log = drafted()
        .record(segretario, '2025-01-15', 'ObjectiveProposed', {})
        .record(segretario, '2025-01-20', 'ObjectiveReturnedForChanges', { reason: 'Target da precisare' })
        .record(dirigente, '2025-01-25', 'ObjectiveProposed', {})
        .record(segretario, '2025-03-10', 'ObjectiveApprovedByGiunta', { act: DGC31 }, { act: DGC31 });
      given(log).whenAudited().thenNo('approval-by-proposer');
    });
  });

  describe('validation-of-own-unit', () => {
    it('flags a monitoring report validated by whoever headed the responsible unit that day', () => {
      const interim = { personId: 'seg', unitId: 'welfare', from: '2025-08-01', to: '2025-09-30' };
      const log = monitored();
      given(log)
        .whenAudited({ unitsHeadedBy: headedBy([DIRIGENTE_HEADS_WELFARE, interim]) })
        .then('validation-of-own-unit', {
          severity: 'high',
          description: "Monitoraggio al 31/07/2025 validato da Segretaria Generale, che il 25/08/2025 dirigeva l'unità responsabile welfare.",
          eventIds: [log.last],
        });
    });

    it('flags a year-end report validated by the head of a contributing unit', () => {
      const log = reported(monitored(), dirigente, vice);
      given(log)
        .whenAudited({ unitsHeadedBy: headedBy([DIRIGENTE_HEADS_WELFARE, { personId: 'vice', unitId: 'ragioneria', from: '2024-01-01' }]) })
        .then('validation-of-own-unit', {
          description: "Rendicontazione finale validata da Vicesegretario, che il 25/01/2026 dirigeva l'unità concorrente ragioneria.",
          eventIds: [log.last],
        });
    });

    it('raises nothing when the validator headed the unit only before that day', () => {
      const earlier = { personId: 'seg', unitId: 'welfare', from: '2025-01-01', to: '2025-06-30' };
      given(monitored())
        .whenAudited({ unitsHeadedBy: headedBy([DIRIGENTE_HEADS_WELFARE, earlier]) })
        .thenNo('validation-of-own-unit');
    });
  });

  describe('evaluation-of-own-unit', () => {
    it('flags an evaluation recorded by the head of a contributing unit', () => {
      const log = evaluated(reported(monitored()));
      given(log)
        .whenAudited({ unitsHeadedBy: headedBy([DIRIGENTE_HEADS_WELFARE, { personId: 'ndv', unitId: 'ragioneria', from: '2024-01-01' }]) })
        .then('evaluation-of-own-unit', {
          severity: 'high',
          description: "Valutazione del Nucleo (100%) registrata da Presidente NdV, che il 15/03/2026 dirigeva l'unità concorrente ragioneria.",
          eventIds: [log.last],
        });
    });

    it('flags a contested evaluation confirmed by whoever submitted the year-end report', () => {
      // A segretario sitting in the NdV: the decider stops them evaluating their own report, not confirming it.
      const log = evaluated(reported(monitored(), segretario, vice))
        .record(nucleo, '2026-03-20', 'EvaluationShared', {})
        .record(dirigente, '2026-03-25', 'EvaluationContested', { reason: 'Fase 2 conclusa in anticipo' })
        .record(segretario, '2026-04-05', 'EvaluationConfirmed', { achievementPercent: 100, motivation: 'Confermata' });
      const submission = log.events.find((e) => e.type === 'YearEndReportSubmitted')!;
      given(log)
        .whenAudited()
        .then('evaluation-of-own-unit', {
          description:
            'Decisione sulla contestazione della valutazione (100%) registrata da Segretaria Generale, che aveva presentato la rendicontazione finale.',
          eventIds: [submission.id, log.last],
        });
    });

    it('raises nothing when the evaluator heads none of the units', () => {
      given(evaluated(reported(monitored())))
        .whenAudited({ unitsHeadedBy: headedBy([DIRIGENTE_HEADS_WELFARE, { personId: 'ndv', unitId: 'cultura', from: '2024-01-01' }]) })
        .thenNo('evaluation-of-own-unit');
    });
  });

  describe('back-dated', () => {
    it('flags an event recorded more than the allowed days after its business date', () => {
      const log = approved().record(
        dirigente,
        '2025-07-31',
        'IndicatorValueRecorded',
        { indicatorId: 'i1', value: '60', asOf: '2025-07-31' },
        { recorded: '2025-10-15' },
      );
      given(log)
        .whenAudited()
        .then('back-dated', {
          severity: 'medium',
          description: 'Registrazione «valore di indicatore» datata 31/07/2025 ma inserita il 15/10/2025, 76 giorni dopo (limite: 30).',
          eventIds: [log.last],
        });
    });

    it('counts days in Italy: 30 days after an instant of the evening of 30/06 UTC (already 1/7 in Rome) is not back-dated', () => {
      const value = { indicatorId: 'i1', value: '60', asOf: '2025-06-30' };
      const log = (recorded: string) =>
        approved().record(dirigente, '2025-06-30', 'IndicatorValueRecorded', value, { occurredAt: '2025-06-30T22:30:00Z', recorded });
      given(log('2025-07-31T09:00:00Z')).whenAudited().thenNo('back-dated');
      // 22:30 UTC on 31/07 is 1/8 in Rome: 31 days.
      given(log('2025-07-31T22:30:00Z'))
        .whenAudited()
        .then('back-dated', { description: expect.stringContaining('inserita il 01/08/2025, 31 giorni dopo') });
    });

    it('raises nothing at exactly the limit, and honours the limit of the context', () => {
      const log = approved().record(
        dirigente,
        '2025-07-31',
        'IndicatorValueRecorded',
        { indicatorId: 'i1', value: '60', asOf: '2025-07-31' },
        { recorded: '2025-08-30' },
      );
      given(log).whenAudited().thenNo('back-dated');
      given(log)
        .whenAudited({ backDatingDays: 10 })
        .then('back-dated', { description: expect.stringContaining('30 giorni dopo (limite: 10)') });
    });
  });

  describe('recorded-after-deadline', () => {
    it('flags a report dated on its due day but recorded after it (and the report as late)', () => {
      const log = monitoringSubmitted(approved(), { occurredAt: '2025-08-31', recorded: '2025-09-05' });
      const then = given(log).whenAudited();
      then.then('recorded-after-deadline', {
        severity: 'low',
        description:
          'Monitoraggio al 31/07/2025 con data di presentazione 31/08/2025, entro la scadenza del 31/08/2025, ma la registrazione è del 05/09/2025, a scadenza passata.',
        eventIds: [log.last],
      });
      then.then('report-late', { eventIds: [log.last] });
    });

    it('flags a phase completed on time by its own account, recorded after its planned end', () => {
      const log = approved().record(dirigente, '2025-04-08', 'PhaseProgressRecorded', { phaseId: 'f1', progressPercent: 100, actualEnd: '2025-03-31' });
      given(log).whenAudited().then('recorded-after-deadline', {
        description:
          'Fase f1 indicata come completata al 31/03/2025, entro la scadenza del 31/03/2025, ma la registrazione è del 08/04/2025, a scadenza passata.',
      });
    });

    it('flags a value as of the due date keyed in after it', () => {
      const log = approved().record(
        dirigente,
        '2025-12-31',
        'IndicatorValueRecorded',
        { indicatorId: 'i1', value: '110', asOf: '2025-12-31' },
        { recorded: '2026-01-05' },
      );
      given(log).whenAudited().then('recorded-after-deadline', {
        description:
          "Valore «110» dell'indicatore i1 al 31/12/2025, entro la scadenza del 31/12/2025, ma la registrazione è del 05/01/2026, a scadenza passata.",
      });
    });

    it('raises nothing for a record that admits being late, or for partial progress', () => {
      given(approved().record(dirigente, '2025-04-08', 'PhaseProgressRecorded', { phaseId: 'f1', progressPercent: 100, actualEnd: '2025-04-07' }))
        .whenAudited()
        .thenNo('recorded-after-deadline');
      given(approved().record(dirigente, '2025-03-31', 'PhaseProgressRecorded', { phaseId: 'f1', progressPercent: 60 }, { recorded: '2025-04-08' }))
        .whenAudited()
        .thenNo('recorded-after-deadline');
    });
  });

  describe('evaluation-above-indicators', () => {
    // At the year end: f1 100% (weight 40), f2 30% (weight 60) → 58; i1 60 of at least 100 → 60; mean 59.
    const behind = () =>
      monitored()
        .record(dirigente, '2025-12-20', 'PhaseProgressRecorded', { phaseId: 'f2', progressPercent: 30 })
        .record(dirigente, '2026-01-20', 'YearEndReportSubmitted', { phases: [{ phaseId: 'f2', progressPercent: 30 }], indicators: [] })
        .record(segretario, '2026-01-25', 'YearEndReportValidated', {});

    it('flags an evaluation more than the tolerance above the computed achievement', () => {
      const log = evaluated(behind(), 90);
      given(log)
        .whenAudited()
        .then('evaluation-above-indicators', {
          severity: 'medium',
          description: 'Valutazione del Nucleo al 90% contro un raggiungimento calcolato da fasi e indicatori del 59% (31 punti in più, tolleranza 10).',
          eventIds: [log.last],
        });
    });

    it('raises nothing within the tolerance', () => {
      given(evaluated(behind(), 69)).whenAudited().thenNo('evaluation-above-indicators');
    });

    it('raises nothing when the achievement cannot be computed', () => {
      const unscorable: ObjectiveDefinition = {
        ...definition,
        phases: [],
        indicators: [{ id: 'i1', description: 'Qualità percepita', target: { text: 'buona' } }],
      };
      const log = approved(unscorable)
        .record(dirigente, '2026-01-20', 'YearEndReportSubmitted', { phases: [], indicators: [] })
        .record(segretario, '2026-01-25', 'YearEndReportValidated', {});
      given(evaluated(log, 100)).whenAudited().thenNo('evaluation-above-indicators');
    });
  });

  describe('weights-not-100', () => {
    const eighty: ObjectiveDefinition = { ...definition, phases: [definition.phases[0], { ...definition.phases[1], weight: 40 }] };

    it('flags an approved definition whose weights do not total 100, naming its text and its approval', () => {
      given(approved(eighty))
        .whenAudited()
        .then('weights-not-100', {
          severity: 'low',
          description: "I pesi delle fasi dell'obiettivo in vigore sommano a 80 anziché 100.",
          eventIds: ['e0', 'e2'],
        });
    });

    it('looks at the definition in force after a reprogramming', () => {
      given(reprogrammed(approved(eighty), definition, eighty))
        .whenAudited()
        .thenNo('weights-not-100');
      const log = reprogrammed(approved(), eighty);
      given(log)
        .whenAudited()
        .then('weights-not-100', { eventIds: [log.events[3].id, log.last] });
    });

    it('flags blank weights', () => {
      const blank: ObjectiveDefinition = { ...definition, phases: [definition.phases[0], { ...definition.phases[1], weight: null }] };
      given(approved(blank))
        .whenAudited()
        .then('weights-not-100', { description: "I pesi delle fasi dell'obiettivo in vigore sommano a 40 anziché 100 e 1 fase su 2 è senza peso." });
    });

    it('raises nothing on a draft still being written', () => {
      given(drafted(eighty)).whenAudited().thenNoFlag();
    });
  });

  describe('no-indicators and indicator-without-target', () => {
    it('flags an approved objective with no indicator', () => {
      given(approved({ ...definition, indicators: [] }))
        .whenAudited()
        .then('no-indicators', { severity: 'medium', description: "L'obiettivo in vigore non ha alcun indicatore.", eventIds: ['e0', 'e2'] });
    });

    it('flags each approved indicator without a target', () => {
      const def: ObjectiveDefinition = {
        ...definition,
        indicators: [...definition.indicators, { id: 'i2', description: 'Tempi medi', target: { text: ' ' } }, { id: 'i3', description: 'Reclami' }],
      };
      given(approved(def))
        .whenAudited()
        .then(
          'indicator-without-target',
          { severity: 'medium', description: "L'indicatore i2 «Tempi medi» dell'obiettivo in vigore non ha un target.", eventIds: ['e0', 'e2'] },
          { description: "L'indicatore i3 «Reclami» dell'obiettivo in vigore non ha un target." },
        );
    });

    it('raises nothing on a draft or a proposal', () => {
      const bare: ObjectiveDefinition = { ...definition, indicators: [] };
      given(drafted(bare)).whenAudited().thenNoFlag();
      given(drafted(bare).record(dirigente, '2025-01-15', 'ObjectiveProposed', {}))
        .whenAudited()
        .thenNoFlag();
    });
  });

  describe('report-late', () => {
    it('flags a monitoring report recorded after its campaign was due', () => {
      const log = monitoringSubmitted(approved(), { occurredAt: '2025-09-10', recorded: '2025-09-10' });
      const then = given(log).whenAudited();
      then.then('report-late', {
        severity: 'low',
        description: 'Monitoraggio al 31/07/2025 presentato il 10/09/2025, oltre la scadenza del 31/08/2025.',
        eventIds: [log.last],
      });
      then.thenNo('recorded-after-deadline');
    });

    it('flags a year-end report recorded after it was due', () => {
      const log = monitored().record(dirigente, '2026-02-10', 'YearEndReportSubmitted', { phases: [], indicators: [] });
      given(log)
        .whenAudited()
        .then('report-late', { description: 'Rendicontazione finale presentata il 10/02/2026, oltre la scadenza del 31/01/2026.', eventIds: [log.last] });
    });

    it('raises nothing for a resubmission after a return when the first submission was on time', () => {
      const log = monitoringSubmitted()
        .record(segretario, '2025-08-25', 'MonitoringReportReturned', { asOf: '2025-07-31', reason: 'Manca lo scostamento' })
        .record(dirigente, '2025-09-05', 'MonitoringReportSubmitted', { asOf: '2025-07-31', phases: [], indicators: [{ indicatorId: 'i1', value: '60' }] });
      given(log).whenAudited().thenNo('report-late');
    });

    it('raises nothing for a report of a date the plan has no campaign for', () => {
      given(monitoringSubmitted(approved(), { recorded: '2025-12-01' }))
        .whenAudited({ campaigns: {} })
        .thenNo('report-late');
    });
  });

  describe('the output', () => {
    /** One history with many flags: proposer approves, weights at 80, a back-dated value, a lowered target, a late report. */
    const messy = () => {
      const eighty: ObjectiveDefinition = { ...definition, phases: [definition.phases[0], { ...definition.phases[1], weight: 40 }] };
      const log = approved(eighty, segretario)
        .record(dirigente, '2025-07-31', 'IndicatorValueRecorded', { indicatorId: 'i1', value: '60', asOf: '2025-07-31' }, { recorded: '2025-10-15' })
        .record(dirigente, '2025-09-15', 'MonitoringReportSubmitted', { asOf: '2025-07-31', phases: [], indicators: [] });
      const lowered = { ...eighty, indicators: [{ ...definition.indicators[0], target: { text: 'almeno n. 50', sense: 'at-least' as const, value: 50 } }] };
      return reprogrammed(log, lowered, eighty, segretario);
    };

    it('is the same for the same input, byte for byte', () => {
      const first = objectiveRedFlags(OBJECTIVE_ID, messy().events, CONTEXT);
      const second = objectiveRedFlags(OBJECTIVE_ID, structuredClone(messy().events) as AuditedEvent[], CONTEXT);
      expect(first.length).toBeGreaterThan(5);
      expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    });

    it('is sorted by the revision of the first event, then by kind', () => {
      const flags = given(messy()).whenAudited().flags;
      expect(flags.map((f) => [f.kind, f.eventIds])).toEqual([
        ['approval-by-proposer', ['e1', 'e2']],
        ['back-dated', ['e3']],
        ['target-lowered-after-monitoring', ['e4', 'e6']],
        ['report-late', ['e4']],
        ['approval-by-proposer', ['e5', 'e6']],
        ['weights-not-100', ['e5', 'e6']],
      ]);
      const keys = flags.map((f) => [Number(f.eventIds[0].slice(1)), RED_FLAG_KINDS.indexOf(f.kind)]);
      expect(keys).toEqual([...keys].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
    });
  });
});
