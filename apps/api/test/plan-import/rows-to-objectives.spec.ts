import { MAX_OBJECTIVES, objectivesFromRows } from '../../src/plan-import/spreadsheet/rows-to-objectives';
import { type SpreadsheetRow } from '../../src/plan-import/spreadsheet/spreadsheet-rows';

const PLAN = { fromYear: 2025, toYear: 2027 };
const r = (row: number, cells: SpreadsheetRow['cells']): SpreadsheetRow => ({ row, cells });
/** The least an objective's first row needs. */
const base = (code: string, more: SpreadsheetRow['cells'] = {}): SpreadsheetRow['cells'] => ({ code, title: 'Titolo', responsibleUnit: 'welfare', ...more });

describe('objectivesFromRows', () => {
  it('reads every column of an objective spread over its rows', () => {
    const rows = [
      r(2, {
        code: ' 2025_S08_04 ',
        title: ' Sostegno alle famiglie ',
        description: 'Descrizione',
        purpose: 'Finalità',
        implementation: 'Modalità',
        criticalFactors: 'Fattori',
        publicValueArea: '4 - BENESSERE',
        strategicLine: '05 Persone',
        mandateObjective: '2023_2028_DUP_05',
        dupMission: '12',
        dupProgramme: '05',
        strategicObjective: '1.01',
        operationalObjective: '1.01.02',
        nature: 'Gestionale',
        level: 'ESECUTIVO',
        crossCutting: 'Trasversale',
        multiYear: 'fase 1 di 3',
        fromYear: '2025',
        toYear: '2027',
        cyclical: 'sì',
        tags: 'anticorruption-transparency; pnrr;; Agenda 2030 ',
        pnrrMeasure: 'M1.C1.1.2',
        cup: 'J81F22000000006',
        assessorato: 'VISENTIN_Welfare',
        responsibleUnit: 'welfare',
        responsiblePerson: 'DAL PIAZ BARBARA',
        contributingUnits: 'cultura; sport',
        coordinatingUnit: 'welfare',
        deadline: '31/12/2025',
        notes: 'Note',
        phaseDescription: 'Monitorare lo Sportello',
        phaseStart: '01/01/2025',
        phaseEnd: '30.06.2025',
        phaseWeight: '50,00',
        phasePercentJuly: '50%',
        phasePercentDecember: '100',
        phaseResponsible: 'GOVI ALESSANDRA',
        phaseNotes: 'In convenzione',
        indicatorDescription: 'Attività avviate',
        indicatorType: ' EFFICIENZA ',
        indicatorTarget: 'almeno n. 2',
        indicatorBaseline: '1',
        indicatorDueDate: '2025-12-31',
        indicatorPreviousValue: '3',
        personName: 'MONTINI RAFFAELLA',
        personRole: 'referente',
        personCategory: 'D',
        personShare: '35%',
        resourceDescription: 'Contributo regionale',
        resourceAmount: '€ 252.118',
      }),
      r(3, {
        code: '2025_S08_04',
        title: 'Sostegno alle famiglie',
        phaseDescription: 'Dare continuità',
        phasePeriod: 'II sem',
        phaseWeight: '20%',
        indicatorDescription: 'Evento Edufest',
        indicatorType: 'Attività/processo',
        indicatorTarget: 'Fatto',
        resourceDescription: 'Fondi propri',
        resourceAmount: '2.000,00 €',
      }),
      r(5, { code: '2025_S08_04', personName: 'ROSSI MARIO', personShare: '65', resourceDescription: 'Altro', resourceAmount: '121.992,00' }),
    ];
    expect(objectivesFromRows(rows, PLAN)).toEqual({
      objectives: [
        {
          code: '2025_S08_04',
          rows: [2, 3, 5],
          definition: {
            title: 'Sostegno alle famiglie',
            description: 'Descrizione',
            purpose: 'Finalità',
            implementation: 'Modalità',
            criticalFactors: 'Fattori',
            place: {
              publicValueArea: '4 - BENESSERE',
              strategicLine: '05 Persone',
              mandateObjective: '2023_2028_DUP_05',
              dupMission: '12',
              dupProgramme: '05',
              strategicObjective: '1.01',
              operationalObjective: '1.01.02',
            },
            kind: { nature: 'gestionale', level: 'esecutivo', crossCutting: 'trasversale', multiYear: { stage: 1, of: 3 } },
            tags: ['anticorruption-transparency', 'pnrr', 'Agenda 2030'],
            pnrr: { measureCode: 'M1.C1.1.2', cup: 'J81F22000000006' },
            assessorato: 'VISENTIN_Welfare',
            responsibleUnitId: 'welfare',
            responsiblePerson: 'DAL PIAZ BARBARA',
            contributingUnitIds: ['cultura', 'sport'],
            coordinatingUnitId: 'welfare',
            deadline: '2025-12-31',
            notes: 'Note',
            people: [
              { name: 'MONTINI RAFFAELLA', role: 'referente', category: 'D', participationPercent: 35 },
              { name: 'ROSSI MARIO', participationPercent: 65 },
            ],
            horizon: { fromYear: 2025, toYear: 2027, cyclical: true },
            phases: [
              {
                id: 'f1',
                description: 'Monitorare lo Sportello',
                plannedStart: '2025-01-01',
                plannedEnd: '2025-06-30',
                weight: 50,
                plannedPercentAt: { '2025-07-31': 50, '2025-12-31': 100 },
                responsiblePerson: 'GOVI ALESSANDRA',
                notes: 'In convenzione',
              },
              { id: 'f2', description: 'Dare continuità', plannedPeriodText: 'II sem', weight: 20 },
            ],
            indicators: [
              {
                id: 'i1',
                description: 'Attività avviate',
                typeAsWritten: 'EFFICIENZA',
                target: { text: 'almeno n. 2' },
                baseline: '1',
                dueDate: '2025-12-31',
                historicalValues: [{ year: 2024, value: '3' }],
              },
              { id: 'i2', description: 'Evento Edufest', typeAsWritten: 'Attività/processo', target: { text: 'Fatto' } },
            ],
            resources: [
              { description: 'Contributo regionale', amountEuro: 252118 },
              { description: 'Fondi propri', amountEuro: 2000 },
              { description: 'Altro', amountEuro: 121992 },
            ],
          },
        },
      ],
      issues: [],
    });
  });

  it('gives an objective with neither phases nor indicators, no type and no more than its rows say', () => {
    const { objectives, issues } = objectivesFromRows([r(2, base('A'))], PLAN);
    expect(issues).toEqual([]);
    expect(objectives).toEqual([
      {
        code: 'A',
        rows: [2],
        definition: { title: 'Titolo', responsibleUnitId: 'welfare', horizon: { fromYear: 2025, toYear: 2025 }, phases: [], indicators: [] },
      },
    ]);
    expect(JSON.stringify(objectives)).not.toContain('"type"');
  });

  it('groups rows by code in the order codes first appear, adjacent or not', () => {
    const rows = [
      r(2, base('B', { phaseDescription: 'B1' })),
      r(3, base('A', { phaseDescription: 'A1' })),
      r(4, { code: 'B', phaseDescription: 'B2' }),
      r(6, { code: 'A', phaseDescription: 'A2' }),
      r(7, { code: 'B', phaseDescription: 'B3' }),
    ];
    const { objectives, issues } = objectivesFromRows(rows, PLAN);
    expect(issues).toEqual([]);
    expect(objectives.map((o) => [o.code, o.rows, o.definition.phases.map((p) => `${p.id}:${p.description}`)])).toEqual([
      ['B', [2, 4, 7], ['f1:B1', 'f2:B2', 'f3:B3']],
      ['A', [3, 6], ['f1:A1', 'f2:A2']],
    ]);
  });

  it('reports a row without a code and skips rows with only blank cells', () => {
    const { objectives, issues } = objectivesFromRows(
      [r(2, base('A')), r(3, { code: '  ', phaseDescription: 'Orfana' }), r(4, { title: ' ', notes: '' })],
      PLAN,
    );
    expect(objectives.map((o) => o.rows)).toEqual([[2]]);
    expect(issues).toEqual([
      {
        row: 3,
        column: 'Codice obiettivo',
        code: 'missing-code',
        severity: 'error',
        message: 'The row has no objective code: every row must carry the code of the objective it belongs to.',
      },
    ]);
  });

  it('lists the issues by row, whatever the objective they come from', () => {
    const rows = [
      r(2, base('A', { deadline: 'presto' })),
      r(3, { code: 'A', title: 'Altro' }),
      r(4, { phaseDescription: 'Orfana' }),
      r(5, base('B', { deadline: '31/12/25' })),
    ];
    expect(objectivesFromRows(rows, PLAN).issues.map((i) => [i.row, i.code])).toEqual([
      [2, 'date-kept-as-text'],
      [3, 'conflicting-value'],
      [4, 'missing-code'],
      [5, 'two-digit-year'],
    ]);
  });

  it("reports a later row's different value for the objective's own fields, not a blank or the same one", () => {
    const rows = [
      r(2, base('A', { description: 'Uno' })),
      r(3, { code: 'A', title: ' Titolo ', description: '', responsibleUnit: 'welfare' }),
      r(4, { code: 'A', title: 'Altro titolo', notes: 'Nota' }),
    ];
    const { objectives, issues } = objectivesFromRows(rows, PLAN);
    expect(objectives[0].definition).toEqual({
      title: 'Titolo',
      description: 'Uno',
      responsibleUnitId: 'welfare',
      horizon: { fromYear: 2025, toYear: 2025 },
      phases: [],
      indicators: [],
    });
    expect(issues).toEqual([
      {
        row: 4,
        column: 'Titolo',
        code: 'conflicting-value',
        severity: 'error',
        message:
          'Titolo is "Altro titolo" here but "Titolo" on row 2, the objective\'s first row: an objective\'s own fields are read from its first row, later rows leave them blank or repeat them.',
      },
      {
        row: 4,
        column: 'Note',
        code: 'conflicting-value',
        severity: 'error',
        message:
          'Note is "Nota" here but blank on row 2, the objective\'s first row: an objective\'s own fields are read from its first row, later rows leave them blank or repeat them.',
      },
    ]);
  });

  it('reports a row that fills a part without its description, and reads nothing of that part', () => {
    const rows = [
      r(2, base('A', { phaseWeight: '50', phaseEnd: '31/12/2025', indicatorTarget: 'almeno 2', personShare: '10', resourceAmount: '100' })),
      r(3, { code: 'A', phaseDescription: 'Fase', personRole: 'RUP' }),
    ];
    const { objectives, issues } = objectivesFromRows(rows, PLAN);
    expect(objectives[0].definition.phases).toEqual([{ id: 'f1', description: 'Fase', weight: null }]);
    expect(objectives[0].definition.indicators).toEqual([]);
    expect(objectives[0].definition.people).toBeUndefined();
    expect(objectives[0].definition.resources).toBeUndefined();
    expect(issues).toEqual([
      {
        row: 2,
        column: 'Fase - descrizione',
        code: 'missing-description',
        severity: 'error',
        message: 'The row fills Fase - fine, Fase - peso but not Fase - descrizione: without it they are not read.',
      },
      {
        row: 2,
        column: 'Indicatore - descrizione',
        code: 'missing-description',
        severity: 'error',
        message: 'The row fills Indicatore - valore atteso but not Indicatore - descrizione: without it they are not read.',
      },
      {
        row: 2,
        column: 'Persona - nome',
        code: 'missing-description',
        severity: 'error',
        message: 'The row fills Persona - % partecipazione but not Persona - nome: without it they are not read.',
      },
      {
        row: 2,
        column: 'Risorsa - descrizione',
        code: 'missing-description',
        severity: 'error',
        message: 'The row fills Risorsa - importo (€) but not Risorsa - descrizione: without it they are not read.',
      },
      {
        row: 3,
        column: 'Persona - nome',
        code: 'missing-description',
        severity: 'error',
        message: 'The row fills Persona - ruolo but not Persona - nome: without it they are not read.',
      },
    ]);
  });

  it('requires the title and the responsible unit on the first row', () => {
    const { objectives, issues } = objectivesFromRows([r(7, { code: 'A', notes: 'Solo note' })], PLAN);
    expect(objectives[0].definition).toEqual({
      title: '',
      notes: 'Solo note',
      responsibleUnitId: '',
      horizon: { fromYear: 2025, toYear: 2025 },
      phases: [],
      indicators: [],
    });
    expect(issues).toEqual([
      {
        row: 7,
        column: 'Titolo',
        code: 'missing-value',
        severity: 'error',
        message: "The objective's first row has no Titolo: the template requires it there.",
      },
      {
        row: 7,
        column: 'Unità responsabile',
        code: 'missing-value',
        severity: 'error',
        message: "The objective's first row has no Unità responsabile: the template requires it there.",
      },
    ]);
  });

  describe('kind', () => {
    it.each([
      ['istituzionale', 'operativo', 'intersettoriale'],
      ['ISTITUZIONALE', ' Strategico ', 'INTERSETTORIALE'],
    ])('reads %s, %s, %s whatever the case', (nature, level, crossCutting) => {
      const { objectives, issues } = objectivesFromRows([r(2, base('A', { nature, level, crossCutting }))], PLAN);
      expect(issues).toEqual([]);
      expect(objectives[0].definition.kind).toEqual({
        nature: 'istituzionale',
        level: nature === 'istituzionale' ? 'operativo' : 'strategico',
        crossCutting: 'intersettoriale',
      });
    });

    it('names the allowed words when a value is none of them', () => {
      const { objectives, issues } = objectivesFromRows([r(2, base('A', { nature: 'Gest.', level: 'tattico', crossCutting: 'sì' }))], PLAN);
      expect(objectives[0].definition.kind).toBeUndefined();
      expect(issues).toEqual([
        { row: 2, column: 'Natura', code: 'unknown-value', severity: 'error', message: 'Natura "Gest." is not one of: istituzionale, gestionale.' },
        { row: 2, column: 'Livello', code: 'unknown-value', severity: 'error', message: 'Livello "tattico" is not one of: strategico, operativo, esecutivo.' },
        {
          row: 2,
          column: 'Trasversalità',
          code: 'unknown-value',
          severity: 'error',
          message: 'Trasversalità "sì" is not one of: intersettoriale, trasversale.',
        },
      ]);
    });

    it.each([
      ['1 di 3', { stage: 1, of: 3 }],
      ['fase 1 di 3', { stage: 1, of: 3 }],
      ['Fase 2 DI 3', { stage: 2, of: 3 }],
      ['1/3', { stage: 1, of: 3 }],
      ['2 / 2', { stage: 2, of: 2 }],
      ['1', { stage: 1 }],
      ['fase 3', { stage: 3 }],
      ['10 di 10', { stage: 10, of: 10 }],
    ])('reads the stage %j', (multiYear, read) => {
      const { objectives, issues } = objectivesFromRows([r(2, base('A', { multiYear }))], PLAN);
      expect(issues).toEqual([]);
      expect(objectives[0].definition.kind).toEqual({ multiYear: read });
    });

    it.each(['4 di 3', '0', '11', 'primo', '1 di 3 anni', '1-3'])('refuses the stage %j', (multiYear) => {
      const { objectives, issues } = objectivesFromRows([r(2, base('A', { multiYear }))], PLAN);
      expect(objectives[0].definition.kind).toBeUndefined();
      expect(issues).toEqual([
        {
          row: 2,
          column: 'Fase pluriennale',
          code: 'invalid-value',
          severity: 'error',
          message: `Fase pluriennale "${multiYear}" cannot be read: write the stage and the total, e.g. "1 di 3", or the stage alone, e.g. "1" (1 to 10).`,
        },
      ]);
    });
  });

  describe('horizon', () => {
    it.each([
      [{}, { fromYear: 2025, toYear: 2025 }],
      [{ fromYear: '2026' }, { fromYear: 2026, toYear: 2026 }],
      [{ toYear: '2027' }, { fromYear: 2025, toYear: 2027 }],
      [
        { fromYear: '2024', toYear: '2026', cyclical: 'no' },
        { fromYear: 2024, toYear: 2026, cyclical: false },
      ],
      [{ cyclical: 'X' }, { fromYear: 2025, toYear: 2025, cyclical: true }],
    ])('reads %j as %j', (cells, horizon) => {
      const { objectives, issues } = objectivesFromRows([r(2, base('A', cells))], PLAN);
      expect(issues).toEqual([]);
      expect(objectives[0].definition.horizon).toEqual(horizon);
    });

    it.each(['25', '2025,5', '1999', '2101', 'duemila'])('refuses the year %j, falling back on the plan', (fromYear) => {
      const { objectives, issues } = objectivesFromRows([r(2, base('A', { fromYear }))], PLAN);
      expect(objectives[0].definition.horizon).toEqual({ fromYear: 2025, toYear: 2025 });
      expect(issues).toEqual([
        { row: 2, column: 'Anno inizio', code: 'invalid-year', severity: 'error', message: `Anno inizio "${fromYear}" is not a year from 2000 to 2100.` },
      ]);
    });

    it('refuses an answer that is neither yes nor no', () => {
      const { objectives, issues } = objectivesFromRows([r(2, base('A', { cyclical: 'forse' }))], PLAN);
      expect(objectives[0].definition.horizon).toEqual({ fromYear: 2025, toYear: 2025 });
      expect(issues).toEqual([
        { row: 2, column: 'Annuale ciclico', code: 'not-yes-no', severity: 'error', message: 'Annuale ciclico "forse" is neither yes nor no: write sì or no.' },
      ]);
    });

    it('dates the planned percentages and the previous value by the objective’s own first year', () => {
      const rows = [
        r(2, base('A', { fromYear: '2026', phaseDescription: 'F', phasePercentDecember: '0', indicatorDescription: 'I', indicatorPreviousValue: '7' })),
      ];
      const { definition } = objectivesFromRows(rows, PLAN).objectives[0];
      expect(definition.phases[0].plannedPercentAt).toEqual({ '2026-12-31': 0 });
      expect(definition.indicators[0].historicalValues).toEqual([{ year: 2025, value: '7' }]);
    });
  });

  describe('dates', () => {
    it.each([
      ['31/12/2025', '2025-12-31'],
      ['1/7/2025', '2025-07-01'],
      ['31.12.2025', '2025-12-31'],
      ['31-12-2025', '2025-12-31'],
      ['2025-12-31', '2025-12-31'],
    ])('reads %s as %s in every date column, without keeping the text', (text, date) => {
      const rows = [
        r(2, base('A', { deadline: text, phaseDescription: 'F', phaseStart: text, phaseEnd: text, indicatorDescription: 'I', indicatorDueDate: text })),
      ];
      const { objectives, issues } = objectivesFromRows(rows, PLAN);
      expect(issues).toEqual([]);
      const definition = objectives[0].definition;
      expect([definition.deadline, definition.phases[0].plannedStart, definition.phases[0].plannedEnd, definition.indicators[0].dueDate]).toEqual([
        date,
        date,
        date,
        date,
      ]);
      expect(definition.asWritten).toBeUndefined();
    });

    it('reads a two-digit year as 20YY, keeping the text and saying so', () => {
      const rows = [
        r(2, base('A', { deadline: '31/12/25', phaseDescription: 'F1', phaseEnd: '30/06/25' })),
        r(3, { code: 'A', phaseDescription: 'F2', phaseStart: '1.7.25', indicatorDescription: 'I1' }),
        r(4, { code: 'A', indicatorDescription: 'I2', indicatorDueDate: '31-12-26' }),
      ];
      const { objectives, issues } = objectivesFromRows(rows, PLAN);
      const definition = objectives[0].definition;
      expect(definition.deadline).toBe('2025-12-31');
      expect(definition.phases).toEqual([
        { id: 'f1', description: 'F1', plannedEnd: '2025-06-30', weight: null },
        { id: 'f2', description: 'F2', plannedStart: '2025-07-01', weight: null },
      ]);
      expect(definition.indicators).toEqual([
        { id: 'i1', description: 'I1' },
        { id: 'i2', description: 'I2', dueDate: '2026-12-31' },
      ]);
      expect(definition.asWritten).toEqual({
        deadline: '31/12/25',
        'phases.0.plannedEnd': '30/06/25',
        'phases.1.plannedStart': '1.7.25',
        'indicators.1.dueDate': '31-12-26',
      });
      expect(issues).toEqual([
        { row: 2, column: 'Scadenza', code: 'two-digit-year', severity: 'info', message: '"31/12/25" is read as 31/12/2025: a two-digit year is 20YY.' },
        { row: 2, column: 'Fase - fine', code: 'two-digit-year', severity: 'info', message: '"30/06/25" is read as 30/06/2025: a two-digit year is 20YY.' },
        { row: 3, column: 'Fase - inizio', code: 'two-digit-year', severity: 'info', message: '"1.7.25" is read as 01/07/2025: a two-digit year is 20YY.' },
        {
          row: 4,
          column: 'Indicatore - scadenza',
          code: 'two-digit-year',
          severity: 'info',
          message: '"31-12-26" is read as 31/12/2026: a two-digit year is 20YY.',
        },
      ]);
    });

    it('keeps a date that is no day, or no date, as written, the field left out', () => {
      const rows = [
        r(2, base('A', { deadline: '31/02/2025', indicatorDescription: 'I', indicatorDueDate: 'fine anno' })),
        r(3, { code: 'A', phaseDescription: 'F1', phaseEnd: 'entro giugno' }),
        r(4, { code: 'A', phaseDescription: 'F2', phaseStart: '00/01/2025', phaseEnd: 'giugno' }),
        r(5, { code: 'A', phaseDescription: 'F3', phaseStart: '01/01/2025', phaseEnd: 'II trim', phasePeriod: 'secondo trimestre' }),
      ];
      const { objectives, issues } = objectivesFromRows(rows, PLAN);
      const definition = objectives[0].definition;
      expect(definition.deadline).toBeUndefined();
      expect(definition.indicators).toEqual([{ id: 'i1', description: 'I' }]);
      expect(definition.phases).toEqual([
        { id: 'f1', description: 'F1', plannedPeriodText: 'entro giugno', weight: null },
        { id: 'f2', description: 'F2', plannedPeriodText: 'giugno', weight: null },
        { id: 'f3', description: 'F3', plannedStart: '2025-01-01', plannedPeriodText: 'secondo trimestre', weight: null },
      ]);
      expect(definition.asWritten).toEqual({
        deadline: '31/02/2025',
        'indicators.0.dueDate': 'fine anno',
        'phases.0.plannedEnd': 'entro giugno',
        'phases.1.plannedStart': '00/01/2025',
        'phases.1.plannedEnd': 'giugno',
        'phases.2.plannedEnd': 'II trim',
      });
      const kept = (row: number, column: string, message: string) => ({ row, column, code: 'date-kept-as-text', severity: 'warning', message });
      expect(issues).toEqual([
        kept(2, 'Scadenza', '"31/02/2025" is not a day of the calendar: it is kept as written and the date left empty.'),
        kept(2, 'Indicatore - scadenza', '"fine anno" is not a date written as dd/mm/yyyy: it is kept as written and the date left empty.'),
        kept(3, 'Fase - fine', '"entro giugno" is not a date written as dd/mm/yyyy: it is kept as written and the date left empty.'),
        kept(4, 'Fase - inizio', '"00/01/2025" is not a day of the calendar: it is kept as written and the date left empty.'),
        kept(4, 'Fase - fine', '"giugno" is not a date written as dd/mm/yyyy: it is kept as written and the date left empty.'),
        kept(5, 'Fase - fine', '"II trim" is not a date written as dd/mm/yyyy: it is kept as written and the date left empty.'),
      ]);
    });
  });

  describe("a phase's period as written", () => {
    const phase = (cells: SpreadsheetRow['cells']) => {
      const { objectives, issues } = objectivesFromRows([r(2, base('A', { phaseDescription: 'F', ...cells }))], PLAN);
      return { phase: objectives[0].definition.phases[0], asWritten: objectives[0].definition.asWritten, issues };
    };

    it("never takes a start written in words, which would become the phase's end", () => {
      expect(phase({ phaseStart: 'settembre' })).toMatchObject({
        phase: { id: 'f1', description: 'F', weight: null },
        asWritten: { 'phases.0.plannedStart': 'settembre' },
      });
      expect(phase({ phaseStart: 'settembre' }).phase.plannedPeriodText).toBeUndefined();
      expect(phase({ phaseStart: 'settembre', phaseEnd: '31/12/2025' }).phase).toEqual({ id: 'f1', description: 'F', plannedEnd: '2025-12-31', weight: null });
    });

    it('takes an end written in words, or the period column before it, the end then kept as written', () => {
      expect(phase({ phaseStart: 'settembre', phaseEnd: 'dicembre' })).toMatchObject({
        phase: { plannedPeriodText: 'dicembre' },
        asWritten: { 'phases.0.plannedStart': 'settembre', 'phases.0.plannedEnd': 'dicembre' },
      });
      expect(phase({ phaseStart: '01/09/2025', phaseEnd: 'entro dicembre', phasePeriod: 'IV trim' })).toMatchObject({
        phase: { plannedStart: '2025-09-01', plannedPeriodText: 'IV trim' },
        asWritten: { 'phases.0.plannedEnd': 'entro dicembre' },
      });
      expect(phase({ phaseStart: 'settembre', phasePeriod: 'da settembre' }).phase.plannedPeriodText).toBe('da settembre');
    });

    it('refuses a period longer than 500 characters and a date cell longer than 200, keeping neither', () => {
      expect(phase({ phasePeriod: 'x'.repeat(500), phaseEnd: 'y'.repeat(200) })).toMatchObject({
        phase: { plannedPeriodText: 'x'.repeat(500) },
        asWritten: { 'phases.0.plannedEnd': 'y'.repeat(200) },
      });
      const { phase: read, asWritten, issues } = phase({ phasePeriod: 'x'.repeat(501), phaseStart: 's'.repeat(201), phaseEnd: 'e'.repeat(201) });
      expect(read).toEqual({ id: 'f1', description: 'F', weight: null });
      expect(asWritten).toBeUndefined();
      expect(issues).toEqual([
        {
          row: 2,
          column: 'Fase - inizio',
          code: 'not-a-date',
          severity: 'error',
          message: 'Fase - inizio has 201 characters: a date is written as dd/mm/yyyy, or in a few words ("entro giugno"), in at most 200. It is not read.',
        },
        {
          row: 2,
          column: 'Fase - fine',
          code: 'not-a-date',
          severity: 'error',
          message: 'Fase - fine has 201 characters: a date is written as dd/mm/yyyy, or in a few words ("entro giugno"), in at most 200. It is not read.',
        },
        {
          row: 2,
          column: 'Fase - periodo come scritto',
          code: 'cell-too-long',
          severity: 'error',
          message: 'Fase - periodo come scritto has 501 characters, more than the 500 a period may have: it is not read.',
        },
      ]);
      const long = objectivesFromRows([r(2, base('A', { deadline: 'd'.repeat(201), indicatorDescription: 'I', indicatorDueDate: 'd'.repeat(300) }))], PLAN);
      expect(long.objectives[0].definition).not.toHaveProperty('asWritten');
      expect(long.issues.map((i) => [i.code, i.column])).toEqual([
        ['not-a-date', 'Scadenza'],
        ['not-a-date', 'Indicatore - scadenza'],
      ]);
    });
  });

  describe('unit targets', () => {
    it("reads a unit's target on a row without the indicator's description, and reports the values such a row ignores", () => {
      const rows = [
        r(2, base('A', { indicatorDescription: 'I', indicatorType: 'efficacia', indicatorUnit: 'welfare', indicatorTarget: '2', indicatorBaseline: '1' })),
        r(3, { code: 'A', indicatorUnit: 'sport', indicatorTarget: '3', indicatorDueDate: '30/06/2025' }),
        r(4, { code: 'A', indicatorUnit: 'cultura', indicatorTarget: '4', indicatorType: 'efficienza', indicatorBaseline: '0', indicatorPreviousValue: '5' }),
      ];
      const { objectives, issues } = objectivesFromRows(rows, PLAN);
      expect(objectives[0].definition.indicators).toEqual([
        {
          id: 'i1',
          description: 'I',
          typeAsWritten: 'efficacia',
          baseline: '1',
          unitTargets: [
            { unitId: 'welfare', target: { text: '2' } },
            { unitId: 'sport', target: { text: '3' }, dueDate: '2025-06-30' },
            { unitId: 'cultura', target: { text: '4' } },
          ],
        },
      ]);
      const ignored = (column: string, value: string) => ({
        row: 4,
        column,
        code: 'ignored-value',
        severity: 'warning',
        message:
          `${column} "${value}" is ignored: it belongs to the indicator's own row (row 2, with Indicatore - descrizione); ` +
          "a row that gives another unit's target reads only its unit, target and deadline.",
      });
      expect(issues).toEqual([
        ignored('Indicatore - tipo', 'efficienza'),
        ignored('Indicatore - valore di partenza', '0'),
        ignored("Indicatore - valore raggiunto l'anno precedente", '5'),
      ]);
    });
  });

  describe('objectives in a file', () => {
    it(`takes ${MAX_OBJECTIVES} objectives and refuses the file with one more, reading none`, () => {
      const rows = (n: number) => Array.from({ length: n }, (_, i) => r(i + 2, base(`C${i}`)));
      const most = objectivesFromRows(rows(MAX_OBJECTIVES), PLAN);
      expect(most.issues).toEqual([]);
      expect(most.objectives).toHaveLength(2_000);
      expect(objectivesFromRows([...rows(MAX_OBJECTIVES + 1), r(9_999, { phaseDescription: 'Orfana' })], PLAN)).toEqual({
        objectives: [],
        issues: [
          {
            code: 'too-many-objectives',
            severity: 'error',
            message: 'The file has 2001 objectives, more than the 2000 an import takes: split the plan into several files.',
          },
          {
            row: 9_999,
            column: 'Codice obiettivo',
            code: 'missing-code',
            severity: 'error',
            message: 'The row has no objective code: every row must carry the code of the objective it belongs to.',
          },
        ],
      });
    });
  });

  describe('numbers', () => {
    it.each([
      ['50', 50],
      ['50,00', 50],
      ['20%', 20],
      ['12,5', 12.5],
      ['0.5', 0.5],
      ['100', 100],
      ['0', 0],
    ])('reads the weight %j as %d', (phaseWeight, weight) => {
      const { objectives, issues } = objectivesFromRows([r(2, base('A', { phaseDescription: 'F', phaseWeight }))], PLAN);
      expect(issues).toEqual([]);
      expect(objectives[0].definition.phases[0].weight).toBe(weight);
    });

    it('leaves a blank weight null, never 0', () => {
      const { objectives } = objectivesFromRows([r(2, base('A', { phaseDescription: 'F', phaseWeight: ' ' }))], PLAN);
      expect(objectives[0].definition.phases[0]).toEqual({ id: 'f1', description: 'F', weight: null });
    });

    it('reports what is not a number, or out of range, naming the column', () => {
      const rows = [
        r(
          2,
          base('A', {
            phaseDescription: 'F',
            phaseWeight: 'circa 50',
            phasePercentJuly: '120',
            personName: 'P',
            personShare: '-5',
            resourceDescription: 'R',
            resourceAmount: '1,234.50',
          }),
        ),
      ];
      const { objectives, issues } = objectivesFromRows(rows, PLAN);
      expect(objectives[0].definition.phases).toEqual([{ id: 'f1', description: 'F', weight: null }]);
      expect(objectives[0].definition.people).toEqual([{ name: 'P' }]);
      expect(objectives[0].definition.resources).toEqual([{ description: 'R' }]);
      expect(issues).toEqual([
        {
          row: 2,
          column: 'Fase - peso',
          code: 'not-a-number',
          severity: 'error',
          message: 'Fase - peso "circa 50" is not a number: write it as 50, 12,5 or 1.500,00.',
        },
        {
          row: 2,
          column: 'Fase - % prevista al 31/07',
          code: 'out-of-range',
          severity: 'error',
          message: 'Fase - % prevista al 31/07 "120" is out of range: it must be from 0 to 100.',
        },
        {
          row: 2,
          column: 'Persona - % partecipazione',
          code: 'out-of-range',
          severity: 'error',
          message: 'Persona - % partecipazione "-5" is out of range: it must be from 0 to 100.',
        },
        {
          row: 2,
          column: 'Risorsa - importo (€)',
          code: 'not-a-number',
          severity: 'error',
          message: 'Risorsa - importo (€) "1,234.50" is not a number: write it as 50, 12,5 or 1.500,00.',
        },
      ]);
    });
  });

  it('keeps __proto__, constructor and toString as codes like any other, polluting nothing', () => {
    const rows = [
      r(2, base('__proto__', { phaseDescription: 'P' })),
      r(3, base('constructor')),
      r(4, base('toString')),
      r(5, { code: '__proto__', phaseDescription: 'Q' }),
    ];
    const { objectives, issues } = objectivesFromRows(rows, PLAN);
    expect(issues).toEqual([]);
    expect(objectives.map((o) => [o.code, o.rows, o.definition.phases.length])).toEqual([
      ['__proto__', [2, 5], 2],
      ['constructor', [3], 0],
      ['toString', [4], 0],
    ]);
    expect(({} as Record<string, unknown>).phases).toBeUndefined();
  });
});
