import {
  objectiveDecider,
  objectiveDefinitionProblems,
  organisationDecider,
  planDecider,
  type Actor,
  type DecisionContext,
  type ObjectiveCommand,
  type ObjectiveDefinition,
  type ObjectiveEvent,
  type OrganisationCommand,
  type OrganisationEvent,
  type PlanCommand,
  type PlanDecisionContext,
  type PlanEvent,
  type RecordedObjectiveEvent,
} from '@piao/lifecycle';
import { DeciderSpecification } from './decider-specification';

const TODAY = '2025-12-31';
const segretario: Actor = { id: 'seg', name: 'Segretaria', ente: 'c1', roles: ['segretario'] };
const vice: Actor = { id: 'vice', name: 'Vicesegretario', ente: 'c1', roles: ['segretario'] };
const dirigente: Actor = { id: 'dir', name: 'Dirigente Welfare', ente: 'c1', roles: ['dirigente'] };
const admin: Actor = { id: 'adm', name: 'Amministratore', ente: 'c1', roles: ['admin'] };
const HEADS: Record<string, string[]> = { dir: ['welfare'] };
const as = (actor: Actor): DecisionContext => ({ actor, unitsHeaded: new Set(HEADS[actor.id] ?? []), today: TODAY });

/** What a caller that bypassed the types could pass: the invariants look at what is there, not at the types. */
const malformed = <T>(value: unknown): T => value as T;

const definition: ObjectiveDefinition = {
  title: 'Sostegno alle famiglie',
  responsibleUnitId: 'welfare',
  horizon: { fromYear: 2025, toYear: 2025 },
  phases: [
    { id: 'f1', description: 'Bando', plannedStart: '2025-01-01', plannedEnd: '2025-03-31', weight: 40 },
    { id: 'f2', description: 'Erogazione', plannedStart: '2025-04-01', plannedEnd: '2025-12-31', weight: 60 },
  ],
  indicators: [{ id: 'i1', description: 'Famiglie sostenute', type: 'quantita', target: { text: 'almeno n. 100', sense: 'at-least', value: 100 } }],
};
const act = { number: '31', date: '2025-03-10' };

describe('objective decider', () => {
  const given = DeciderSpecification.for(objectiveDecider, as(dirigente));
  const by = (actor: Actor, event: ObjectiveEvent): RecordedObjectiveEvent => ({ ...event, metadata: { actor: { id: actor.id } } }) as RecordedObjectiveEvent;
  const draft: ObjectiveCommand = { type: 'DraftObjective', objectiveId: 'o1', planId: 'p1', ente: 'c1', code: '2025_S08_04', definition };
  const drafted = by(dirigente, {
    type: 'ObjectiveDrafted',
    data: { objectiveId: 'o1', planId: 'p1', ente: 'c1', code: '2025_S08_04', definition, warnings: [] },
  });
  const proposed = by(dirigente, { type: 'ObjectiveProposed', data: {} });
  const approved = [drafted, proposed, by(segretario, { type: 'ObjectiveApprovedByGiunta', data: { act } })];
  const submittedBySegretario = by(segretario, {
    type: 'MonitoringReportSubmitted',
    data: { asOf: '2025-07-31', phases: [{ phaseId: 'f1', progressPercent: 100 }], indicators: [] },
  });

  describe('rules', () => {
    it('drafts an objective, recorded as the drafter', () => {
      given([]).when(draft).then([drafted]);
    });
    it('records weights that do not total 100 as a warning, as written', () => {
      const phases = [{ ...definition.phases[0], weight: 30 }, definition.phases[1]];
      given([])
        .when({ ...draft, definition: { ...definition, phases } })
        .then([
          by(dirigente, {
            type: 'ObjectiveDrafted',
            data: {
              ...drafted.data,
              definition: { ...definition, phases },
              warnings: [{ code: 'phase-weights-not-100', message: 'phase weights total 90, not 100' }],
            },
          } as ObjectiveEvent),
        ]);
    });
    it('refuses a second draft of the same objective', () => {
      given([drafted]).when(draft).thenThrows('objective-already-exists');
    });
    it("needs the Giunta's act to approve", () => {
      given([drafted, proposed]).when({ type: 'ApproveByGiunta' }, as(segretario)).thenThrows('giunta-act-required');
    });
    it('lets only the head of the responsible unit propose', () => {
      given([drafted])
        .when({ type: 'Propose' }, { ...as(dirigente), unitsHeaded: new Set(['cultura']) })
        .thenThrows('not-head-of-unit');
    });
    it('refuses a value dated after today', () => {
      given(approved).when({ type: 'RecordIndicatorValue', indicatorId: 'i1', value: '40', asOf: '2026-01-15' }).thenThrows('date-in-future');
    });
    it('remembers who submitted a report: the submitter may not validate it, another segretario may', () => {
      given([...approved, submittedBySegretario])
        .when({ type: 'ValidateMonitoringReport', asOf: '2025-07-31' }, as(segretario))
        .thenThrows('self-validation-forbidden');
      given([...approved, submittedBySegretario])
        .when({ type: 'ValidateMonitoringReport', asOf: '2025-07-31' }, as(vice))
        .then([by(vice, { type: 'MonitoringReportValidated', data: { asOf: '2025-07-31' } })]);
    });
    it('names the field a refusal blames, as the command names it (the API puts it in the problem’s errors[])', () => {
      const value: ObjectiveCommand & { type: 'RecordIndicatorValue' } = { type: 'RecordIndicatorValue', indicatorId: 'i1', value: '40', asOf: '2025-06-30' };
      given(approved)
        .when({ ...value, asOf: '2026-01-15' })
        .thenBlames('date-in-future', 'asOf');
      given(approved)
        .when({ ...value, indicatorId: 'i9' })
        .thenBlames('unknown-indicator', 'indicatorId');
      given(approved)
        .when({ ...value, unitId: 'cultura' })
        .thenBlames('unit-not-targeted', 'unitId');
      given(approved).when({ type: 'RecordPhaseProgress', phaseId: 'f9', progressPercent: 10 }).thenBlames('unknown-phase', 'phaseId');
      given(approved)
        .when({ type: 'RecordPhaseProgress', phaseId: 'f1', progressPercent: 10, actualStart: '2025-03-01', actualEnd: '2025-02-01' })
        .thenBlames('end-before-start', 'actualEnd');
      given([drafted, proposed]).when({ type: 'ApproveByGiunta' }, as(segretario)).thenBlames('giunta-act-required', 'act');
      given([drafted, proposed])
        .when({ type: 'ApproveByGiunta', act: { number: '9', date: '2026-02-01' } }, as(segretario))
        .thenBlames('date-in-future', 'act.date');
      given([drafted, proposed]).when({ type: 'ReturnForChanges', reason: '  ' }, as(segretario)).thenBlames('reason-required', 'reason');
      given(approved)
        .when({ type: 'ProposeReprogramming', definition: { ...definition, title: 'Altro' }, motivation: '' })
        .thenBlames('motivation-required', 'motivation');
      const report: ObjectiveCommand & { type: 'SubmitMonitoringReport' } = {
        type: 'SubmitMonitoringReport',
        asOf: '2025-07-31',
        phases: [{ phaseId: 'f1', progressPercent: 50 }],
        indicators: [],
      };
      given(approved)
        .when({
          ...report,
          indicators: [
            { indicatorId: 'i1', value: '3' },
            { indicatorId: 'i7', value: '1' },
          ],
        })
        .thenBlames('unknown-indicator', 'indicators.1.indicatorId');
      given(approved)
        .when({ ...report, phases: [{ phaseId: 'f0', progressPercent: 1 }] })
        .thenBlames('unknown-phase', 'phases.0.phaseId');
      // A rule of state blames no field.
      given([...approved, submittedBySegretario])
        .when({ type: 'ValidateMonitoringReport', asOf: '2025-07-31' }, as(segretario))
        .thenBlames('self-validation-forbidden', undefined);
    });
    it('refuses a reprogramming that changes nothing, and anything on a cancelled objective', () => {
      given(approved).when({ type: 'ProposeReprogramming', definition, motivation: 'Nuove risorse' }).thenThrows('nothing-changed');
      const cancelled = by(segretario, { type: 'ObjectiveCancelled', data: { reason: 'Superato', act } });
      given([...approved, cancelled])
        .when({ type: 'RecordPhaseProgress', phaseId: 'f1', progressPercent: 10 })
        .thenThrows('objective-terminated');
    });
  });

  describe('refuses a definition the rest of the system cannot use: definition-invalid', () => {
    const withPhase = (index: number, changes: Record<string, unknown>) => ({
      ...definition,
      phases: definition.phases.map((p, i) => (i === index ? { ...p, ...changes } : p)),
    });
    const withIndicator = (changes: Record<string, unknown>) => ({ ...definition, indicators: [{ ...definition.indicators[0], ...changes }] });
    it.each<[string, unknown, string]>([
      ['horizon: []', { ...definition, horizon: [] }, 'horizon: must be an object with fromYear and toYear, not a list'],
      ['definition: []', [], 'definition: must be an object, not a list'],
      ['definition: null', null, 'definition: must be an object, not null'],
      [
        'phases not a list',
        { ...definition, phases: { f1: definition.phases[0] } },
        'phases: must be a list of an object with id and description, not an object',
      ],
      ['plannedEnd NaN-01-31', withPhase(1, { plannedEnd: 'NaN-01-31' }), 'phases[1].plannedEnd: "NaN-01-31" is not a date'],
      ['plannedEnd 2025-02-30', withPhase(1, { plannedEnd: '2025-02-30' }), 'phases[1].plannedEnd: "2025-02-30" is not a date'],
      ['plannedStart in Italian', withPhase(0, { plannedStart: '01/01/2025' }), 'phases[0].plannedStart: "01/01/2025" is not a date'],
      ['weight "abc"', withPhase(0, { weight: 'abc' }), 'phases[0].weight: must be a finite number not below 0 or null, not "abc"'],
      ['weight -5', withPhase(0, { weight: -5 }), 'phases[0].weight: must be a finite number not below 0 or null, not -5'],
      ['weight Infinity', withPhase(0, { weight: Infinity }), 'phases[0].weight: must be a finite number not below 0 or null, not Infinity'],
      ['weight NaN', withPhase(0, { weight: NaN }), 'phases[0].weight: must be a finite number not below 0 or null, not NaN'],
      ['target: []', withIndicator({ target: [] }), 'indicators[0].target: must be an object with a text, not a list'],
      ['target without text', withIndicator({ target: { sense: 'at-least' } }), 'indicators[0].target.text: must be a text, not nothing'],
      ['indicator type "Foo bar"', withIndicator({ type: 'Foo bar' }), 'indicators[0].type: must be an indicator type id'],
      ['indicator type 3', withIndicator({ type: 3 }), 'indicators[0].type: must be a text, not 3'],
      ['indicator dueDate 2025-06-31', withIndicator({ dueDate: '2025-06-31' }), 'indicators[0].dueDate: "2025-06-31" is not a date'],
      ['target date 2025-13-01', withIndicator({ target: { text: 'entro', date: '2025-13-01' } }), 'indicators[0].target.date: "2025-13-01" is not a date'],
      [
        'a __proto__ key',
        JSON.parse(JSON.stringify(definition).replace('"id":"f1",', '"id":"f1","__proto__":{"weight":100},')),
        'phases[0].__proto__: the key "__proto__" is not allowed',
      ],
      ['a constructor key', { ...definition, place: { constructor: { prototype: {} } } }, 'place.constructor: the key "constructor" is not allowed'],
      ['NUL in the title', { ...definition, title: 'Sostegno\u0000' }, 'title: contains a NUL character (U+0000)'],
      ['a lone surrogate in a description', withPhase(0, { description: 'Bando \uD83D' }), 'phases[0].description: contains a lone UTF-16 surrogate'],
      ['a blank title', { ...definition, title: '  ' }, 'title: must be a non-empty text, not "  "'],
      ['no responsible unit', { ...definition, responsibleUnitId: undefined }, 'responsibleUnitId: must be a non-empty text, not nothing'],
      ['horizon reversed', { ...definition, horizon: { fromYear: 2025, toYear: 2024 } }, 'horizon.toYear: 2024 precedes fromYear 2025'],
      ['horizon year 25', { ...definition, horizon: { fromYear: 25, toYear: 2025 } }, 'horizon.fromYear: must be an integer from 2000 to 2100, not 25'],
      ['a duplicated phase id', withPhase(1, { id: 'f1' }), 'phases[1].id: "f1" is already the id of phases[0]'],
      [
        'a plannedPercentAt key not a date',
        withPhase(0, { plannedPercentAt: { '31/07/2025': 50 } }),
        'phases[0].plannedPercentAt["31/07/2025"]: "31/07/2025" is not a date',
      ],
      ['a planned percentage of 150', withPhase(0, { plannedPercentAt: { '2025-07-31': 150 } }), 'must be a finite number from 0 to 100, not 150'],
      ['tags not texts', { ...definition, tags: ['pnrr', 3] }, 'tags[1]: must be a text, not 3'],
      ['pnrr: "M1C1"', { ...definition, pnrr: 'M1C1' }, 'pnrr: must be an object, not "M1C1"'],
      ['multiYear stage 3 of 2', { ...definition, kind: { multiYear: { stage: 3, of: 2 } } }, 'kind.multiYear.stage: stage 3 of 2 is past the last'],
      ['participation 120%', { ...definition, people: [{ name: 'Rossi', participationPercent: 120 }] }, 'people[0].participationPercent'],
      ['amountEuro "150.000,00"', { ...definition, resources: [{ description: 'Fondo', amountEuro: '150.000,00' }] }, 'resources[0].amountEuro'],
      ['a description null', { ...definition, description: null }, 'description: must be a text, not null'],
    ])('%s', (_, bad, message) => {
      given([])
        .when({ ...draft, definition: malformed(bad) }, as(segretario))
        .thenThrows('definition-invalid', message);
    });

    it('before anything else reads it: permissions included', () => {
      given([])
        .when({ ...draft, definition: malformed([]) })
        .thenThrows('definition-invalid');
    });
    it('on a draft update and on a reprogramming too', () => {
      given([drafted])
        .when({ type: 'UpdateDraft', definition: malformed({ ...definition, horizon: [] }) })
        .thenThrows('definition-invalid', 'horizon');
      given(approved)
        .when({
          type: 'ProposeReprogramming',
          motivation: 'Ritardi',
          definition: malformed({ ...definition, indicators: [{ id: 'i1', description: 'x', target: [] }] }),
        })
        .thenThrows('definition-invalid', 'indicators[0].target');
    });
    it('names every problem with its path', () => {
      expect(
        objectiveDefinitionProblems({ ...definition, title: '', horizon: { fromYear: 2025 }, phases: [{ id: 'f1', description: 'x', weight: -1 }, 'f2'] }),
      ).toEqual([
        'title: must be a non-empty text, not ""',
        'horizon.toYear: must be an integer from 2000 to 2100, not nothing',
        'phases[0].weight: must be a finite number not below 0 or null, not -1',
        'phases[1]: must be an object with id and description, not "f2"',
      ]);
    });
    it('says how many more problems there are beyond the twentieth', () => {
      const phases = Array.from({ length: 25 }, (_, i) => ({ id: `f${i}`, description: 'x', plannedEnd: '2025-02-30' }));
      given([])
        .when({ ...draft, definition: { ...definition, phases } })
        .thenThrows('definition-invalid', /phases\[19\]\.plannedEnd: "2025-02-30" is not a date; … and 5 more$/);
    });
    it('stops at a definition that refers to itself instead of looping', () => {
      const place: Record<string, unknown> = {};
      place.again = place;
      given([])
        .when({ ...draft, definition: malformed({ ...definition, place }) })
        .thenThrows('definition-invalid', 'place.again: refers to itself');
    });
    it('accepts what real plans contain: blank weights, weights of 0, dates planned per monitoring, emoji, fields it does not know', () => {
      const real = {
        ...definition,
        title: 'Città più accessibile ♿ 🚲',
        kind: { nature: 'gestionale', level: 'esecutivo', crossCutting: 'intersettoriale', multiYear: { stage: 1, of: 3 } },
        tags: ['pnrr', 'a tag of its own'],
        pnrr: { measureCode: 'M1.C1.1.2' },
        people: [{ name: 'MONTINI RAFFAELLA', participationPercent: 100 }],
        phases: [
          { id: 'f1', description: 'Analisi', weight: null, plannedPeriodText: 'I trim', plannedPercentAt: { '2025-07-31': 50, '2025-12-31': 100 } },
          { id: 'f2', description: 'Bando', weight: 0, cancelled: true },
          { id: 'f3', description: 'Erogazione' },
        ],
        indicators: [{ id: 'i1', description: 'Fatto', measure: 'done', target: { text: '' }, historicalValues: [{ year: 2024, value: 'si' }] }],
        resources: [{ description: 'Fondo', amountEuro: 150000 }],
        sourceLines: [12, 13],
      };
      given([])
        .when({ ...draft, definition: malformed(real) })
        .then([by(dirigente, { type: 'ObjectiveDrafted', data: expect.objectContaining({ definition: real }) } as ObjectiveEvent)]);
    });
  });

  describe("refuses other fields the log's readers cannot use", () => {
    it('progressPercent 101, -1 or NaN: value-invalid', () => {
      for (const progressPercent of [101, -1, NaN]) {
        given(approved)
          .when({ type: 'RecordPhaseProgress', phaseId: 'f1', progressPercent })
          .thenThrows('value-invalid', 'progressPercent: must be a finite number from 0 to 100');
      }
    });
    it('asOf 31/07/2025 (the HTTP layer converts Italian dates first): date-invalid', () => {
      given(approved)
        .when({ type: 'RecordIndicatorValue', indicatorId: 'i1', value: '40', asOf: '31/07/2025' })
        .thenThrows('date-invalid', 'asOf: "31/07/2025" is not a date');
    });
    it('an indicator value that is not a text: value-invalid', () => {
      given(approved)
        .when({ type: 'RecordIndicatorValue', indicatorId: 'i1', value: malformed(40), asOf: '2025-07-31' })
        .thenThrows('value-invalid', 'value: must be a text, not 40');
    });
    it("a Giunta act's date that does not exist: date-invalid", () => {
      given([drafted, proposed])
        .when({ type: 'ApproveByGiunta', act: { number: '31', date: '2025-02-29' } }, as(segretario))
        .thenThrows('date-invalid', 'act.date: "2025-02-29" is not a date');
    });
    it('an act that is not an object, or carries a __proto__ key: value-invalid', () => {
      given([drafted, proposed])
        .when({ type: 'ApproveByGiunta', act: malformed([]) }, as(segretario))
        .thenThrows('value-invalid', 'act: must be an object with number and date');
      given([drafted, proposed])
        .when({ type: 'ApproveByGiunta', act: JSON.parse('{"number":"31","date":"2025-03-10","__proto__":{"isAdmin":true}}') }, as(segretario))
        .thenThrows('value-invalid', 'act.__proto__: the key "__proto__" is not allowed');
    });
    it('actual dates, effective dates: date-invalid', () => {
      given(approved)
        .when({ type: 'RecordPhaseProgress', phaseId: 'f1', progressPercent: 10, actualStart: '2025-1-5' })
        .thenThrows('date-invalid', 'actualStart');
      given(approved).when({ type: 'ReassignResponsible', toUnitId: 'cultura', effectiveOn: '' }, as(segretario)).thenThrows('date-invalid', 'effectiveOn');
    });
    it('a lone surrogate or a NUL in a reason or a note, or a reason that is not a text: text-invalid', () => {
      given([drafted, proposed])
        .when({ type: 'ReturnForChanges', reason: 'Manca \uDE00 un indicatore' }, as(segretario))
        .thenThrows('text-invalid', 'reason: contains a lone UTF-16 surrogate');
      given(approved)
        .when({ type: 'RecordPhaseProgress', phaseId: 'f1', progressPercent: 10, note: 'ok\u0000' })
        .thenThrows('text-invalid', 'note: contains a NUL');
      given([drafted, proposed])
        .when({ type: 'ReturnForChanges', reason: malformed(null) }, as(segretario))
        .thenThrows('text-invalid', 'reason: must be a text, not null');
    });
    it("a report's progress out of range: value-invalid", () => {
      given(approved)
        .when({ type: 'SubmitMonitoringReport', asOf: '2025-07-31', phases: [{ phaseId: 'f1', progressPercent: 120 }], indicators: [] })
        .thenThrows('value-invalid', 'phases[0].progressPercent');
    });
    it('an achievement of Infinity: value-invalid', () => {
      given(approved).when({ type: 'Evaluate', achievementPercent: Infinity, motivation: 'x' }).thenThrows('value-invalid', 'achievementPercent');
    });
    it('keeps a surrogate pair (an emoji) as it is', () => {
      given([drafted, proposed])
        .when({ type: 'ReturnForChanges', reason: 'Manca un indicatore 📊' }, as(segretario))
        .then([by(segretario, { type: 'ObjectiveReturnedForChanges', data: { reason: 'Manca un indicatore 📊' } })]);
    });
  });
});

describe('plan decider', () => {
  const context: PlanDecisionContext = as(segretario);
  const given = DeciderSpecification.for(planDecider, context);
  const open: PlanCommand = { type: 'OpenPlan', planId: 'p1', ente: 'c1', kind: 'PIAO', title: 'PIAO 2025-2027', fromYear: 2025, toYear: 2027 };
  const opened: PlanEvent = { type: 'PlanOpened', data: { planId: 'p1', ente: 'c1', kind: 'PIAO', title: 'PIAO 2025-2027', fromYear: 2025, toYear: 2027 } };
  const attached: PlanEvent = { type: 'ObjectiveAttached', data: { objectiveId: 'o1', code: 'A' } };
  const approvedPlan: PlanEvent[] = [opened, attached, { type: 'PlanSubmitted', data: { objectiveCount: 1 } }, { type: 'PlanApprovedByGiunta', data: { act } }];

  it('opens a plan once', () => {
    given([]).when(open).then([opened]);
    given([opened]).when(open).thenThrows('plan-already-exists');
  });
  it('attaches an objective once however often asked, and a code once', () => {
    given([opened, attached]).when({ type: 'AttachObjective', objectiveId: 'o1', code: 'A' }).then([]);
    given([opened, attached]).when({ type: 'AttachObjective', objectiveId: 'o2', code: 'A' }).thenThrows('objective-code-taken');
  });
  it("lets a dirigente attach only an objective of a unit they head (the context's unitOfObjective)", () => {
    given([opened])
      .when({ type: 'AttachObjective', objectiveId: 'o2', code: 'B' }, { ...as(dirigente), unitOfObjective: 'welfare' })
      .then([{ type: 'ObjectiveAttached', data: { objectiveId: 'o2', code: 'B' } }]);
    given([opened])
      .when({ type: 'AttachObjective', objectiveId: 'o2', code: 'B' }, { ...as(dirigente), unitOfObjective: 'cultura' })
      .thenThrows('not-head-of-unit');
  });
  it('goes to the Giunta with at least one objective', () => {
    given([opened]).when({ type: 'SubmitPlan' }).thenThrows('plan-without-objectives');
  });
  it('names the field a refusal blames', () => {
    const submitted: PlanEvent[] = [opened, attached, { type: 'PlanSubmitted', data: { objectiveCount: 1 } }];
    given(submitted)
      .when({ type: 'ApprovePlan', act: { number: '5', date: '2026-01-02' } })
      .thenBlames('date-in-future', 'act.date');
    given([opened, attached]).when({ type: 'AttachObjective', objectiveId: 'o2', code: 'A' }).thenBlames('objective-code-taken', 'code');
    given(approvedPlan).when({ type: 'OpenMonitoringCampaign', asOf: '2025-07-31', dueOn: '2025-07-15' }).thenBlames('due-before-reference-date', 'dueOn');
    given([])
      .when({ ...open, fromYear: 2027, toYear: 2025 })
      .thenBlames('horizon-reversed', 'toYear');
  });
  it('opens a monitoring campaign due on or after its reference date', () => {
    given(approvedPlan).when({ type: 'OpenMonitoringCampaign', asOf: '2025-07-31', dueOn: '2025-07-15' }).thenThrows('due-before-reference-date');
    given(approvedPlan)
      .when({ type: 'OpenMonitoringCampaign', asOf: '2025-07-31', dueOn: '2025-09-15' })
      .then([{ type: 'MonitoringCampaignOpened', data: { asOf: '2025-07-31', dueOn: '2025-09-15' } }]);
  });

  describe('refuses fields the log cannot carry', () => {
    it('years that are not integers 2000–2100: value-invalid', () => {
      given([])
        .when({ ...open, fromYear: 2025.5 })
        .thenThrows('value-invalid', 'fromYear: must be an integer from 2000 to 2100, not 2025.5');
      given([])
        .when({ ...open, toYear: malformed('2027') })
        .thenThrows('value-invalid', 'toYear');
    });
    it('a kind outside PIAO, PEG, PDO: value-invalid', () => {
      given([])
        .when({ ...open, kind: malformed('POA') })
        .thenThrows('value-invalid', 'kind: must be one of PIAO, PEG, PDO, not "POA"');
    });
    it('a title with a NUL: text-invalid', () => {
      given([])
        .when({ ...open, title: 'PIAO\u0000' })
        .thenThrows('text-invalid', 'title: contains a NUL');
    });
    it('campaign dates and act dates that are not ISO calendar dates: date-invalid', () => {
      given(approvedPlan)
        .when({ type: 'OpenMonitoringCampaign', asOf: '2025-07-31', dueOn: '2025-13-01' })
        .thenThrows('date-invalid', 'dueOn: "2025-13-01" is not a date');
      given(approvedPlan).when({ type: 'CloseMonitoringCampaign', asOf: '31/07/2025' }).thenThrows('date-invalid', 'asOf');
      given(approvedPlan.slice(0, 3))
        .when({ type: 'ApprovePlan', act: { number: '12', date: 'NaN-01-31' } })
        .thenThrows('date-invalid', 'act.date: "NaN-01-31" is not a date');
    });
  });
});

describe('organisation decider', () => {
  const given = DeciderSpecification.for(organisationDecider, as(admin));
  const unit: OrganisationEvent = { type: 'UnitCreated', data: { unitId: 'welfare', name: 'Settore Welfare', kind: 'settore' } };
  const person: OrganisationEvent = { type: 'PersonRegistered', data: { personId: 'dir', name: 'Dirigente Welfare' } };
  const headship: OrganisationEvent = { type: 'UnitHeadAssigned', data: { unitId: 'welfare', personId: 'dir', from: '2025-01-01', to: '2025-04-30' } };
  const assign = (from: string, to?: string): OrganisationCommand => ({
    type: 'AssignUnitHead',
    unitId: 'welfare',
    personId: 'dir',
    from,
    ...(to ? { to } : {}),
  });

  it('creates a unit, whose name is unique whatever its case', () => {
    given([]).when({ type: 'CreateUnit', unitId: 'welfare', name: 'Settore Welfare', kind: 'settore' }).then([unit]);
    given([unit]).when({ type: 'CreateUnit', unitId: 'w2', name: 'SETTORE WELFARE', kind: 'settore' }).thenThrows('unit-name-taken');
  });
  it('names the field a refusal blames', () => {
    given([unit]).when(assign('2025-01-01')).thenBlames('unknown-person', 'personId');
    given([person]).when(assign('2025-01-01')).thenBlames('unknown-unit', 'unitId');
    given([unit, person]).when(assign('2025-05-01', '2025-04-01')).thenBlames('end-before-start', 'to');
    given([unit, person])
      .when({ type: 'SetReminderPreferences', personId: 'dir', channels: ['email'], copyTo: ['dir'] })
      .thenBlames('value-invalid', 'copyTo.0');
  });
  it('is the administrator’s to change', () => {
    given([]).when({ type: 'CreateUnit', unitId: 'welfare', name: 'Settore Welfare', kind: 'settore' }, as(dirigente)).thenThrows('role-not-allowed');
  });
  it('refuses two heads of a unit at once, and accepts the next one after the term ends', () => {
    given([unit, person, headship]).when(assign('2025-03-01')).thenThrows('headship-overlap');
    given([unit, person, headship])
      .when(assign('2025-05-01'))
      .then([{ type: 'UnitHeadAssigned', data: { unitId: 'welfare', personId: 'dir', from: '2025-05-01' } }]);
  });
  it('adopts score bands (the segretario may record it too)', () => {
    const system = { basis: 'mean' as const, scale: { kind: 'bands' as const, bands: [0, 50, 75, 100].map((p) => ({ fromPercent: p, score: p })) } };
    given([])
      .when({ type: 'AdoptScoringSystem', system }, as(segretario))
      .then([{ type: 'ScoringSystemAdopted', data: { system } }]);
  });

  describe('refuses fields the log cannot carry', () => {
    it('headship dates that are not ISO calendar dates: date-invalid', () => {
      given([unit, person]).when(assign('2025-02-30')).thenThrows('date-invalid', 'from: "2025-02-30" is not a date');
      given([unit, person, headship])
        .when({ type: 'EndUnitHeadship', unitId: 'welfare', personId: 'dir', from: '2025-01-01', to: '30/04/2025' })
        .thenThrows('date-invalid', 'to: "30/04/2025" is not a date');
    });
    it('a name with a NUL, or blank: text-invalid', () => {
      given([]).when({ type: 'CreateUnit', unitId: 'w', name: 'Welfare\u0000', kind: 'settore' }).thenThrows('text-invalid', 'name: contains a NUL');
      given([]).when({ type: 'RegisterPerson', personId: 'p', name: ' ' }).thenThrows('text-invalid', 'name: must be a non-empty text');
    });
    it.each<[string, unknown, string]>([
      ['scale: []', { basis: 'mean', scale: [] }, 'scale: must be an object of kind linear or bands, not a list'],
      ['bands: null', { basis: 'mean', scale: { kind: 'bands', bands: null } }, 'bands: must be a list'],
      ['bands: {}', { basis: 'mean', scale: { kind: 'bands', bands: {} } }, 'bands: must be a list'],
      [
        'a band without score',
        { basis: 'mean', scale: { kind: 'bands', bands: [{ fromPercent: 0 }] } },
        'bands: each band needs a finite fromPercent and score',
      ],
      ['basis "foo"', { basis: 'foo', scale: { kind: 'linear' } }, 'basis: must be one of phases, indicators, mean, not "foo"'],
      ['system: null', null, 'system: must be an object'],
    ])('a scoring system with %s: scoring-system-invalid', (_, system, message) => {
      given([])
        .when({ type: 'AdoptScoringSystem', system: malformed(system) })
        .thenThrows('scoring-system-invalid', message);
    });
  });
});
