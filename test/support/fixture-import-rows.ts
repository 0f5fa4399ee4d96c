import { IMPORT_COLUMNS, type ImportColumnKey } from '../../apps/api/src/plan-import/spreadsheet/import-columns';
import cesanoAndOthers from '../fixtures/plans/plan-extract-000-001.json';
import cinisello from '../fixtures/plans/plan-extract-002.json';
import segrate from '../fixtures/plans/plan-extract-003.json';

/**
 * The 40 objectives of the fixture plans (hand transcriptions of three real plans, test/fixtures/plans) as rows
 * of the import template, as a clerk would copy them from each plan's tables: one objective's fields on its first
 * row, then one phase, indicator, person and resource per row. Values are copied as the plans wrote them; what a
 * plan does not say stays blank. Codes are invented only where a plan gives none (the 000-001 extracts).
 */
export type TemplateRow = Partial<Record<ImportColumnKey, string>>;

export interface FixtureObjective {
  code: string;
  source: string;
  rows: TemplateRow[];
  indicators: number;
}

export function fixtureObjectives(): FixtureObjective[] {
  return [
    ...cinisello.map((o, i) => fromCinisello(o, o.code ?? `CINISELLO_${String(i + 1).padStart(2, '0')}`)),
    ...segrate.obiettivi.map(fromSegrate),
    ...cesanoAndOthers.map(fromExtract),
  ];
}

/** The units the objectives name, once each (a plan writes "Polizia locale" and "Polizia Locale" for one unit). */
export function unitsNamed(objectives: FixtureObjective[]): string[] {
  const byFolded = new Map<string, string>();
  for (const row of objectives.flatMap((o) => o.rows)) {
    for (const name of [row.responsibleUnit, ...(row.contributingUnits ?? '').split(';')]) {
      const text = name?.trim();
      if (text && !byFolded.has(text.toLowerCase())) byFolded.set(text.toLowerCase(), text);
    }
  }
  return [...byFolded.values()];
}

/** The rows as a table with the template's headers, in the template's column order. */
export function asTable(rows: TemplateRow[]): string[][] {
  return [IMPORT_COLUMNS.map((c) => c.header), ...rows.map((row) => IMPORT_COLUMNS.map((c) => row[c.key] ?? ''))];
}

/** Lines side by side: the objective's fields on the first, then phases, indicators, people and resources one per line. */
function lines(objective: TemplateRow, ...parts: TemplateRow[][]): TemplateRow[] {
  const count = Math.max(1, ...parts.map((p) => p.length));
  return Array.from({ length: count }, (_, i) => Object.assign({ code: objective.code }, i === 0 ? objective : {}, ...parts.map((p) => p[i] ?? {})));
}

const text = (value: string | null | undefined): string | undefined => (value === null || value === undefined || value.trim() === '' ? undefined : value);

/** `code`: the plan's, or one invented where the plan's header page is missing. */
function fromCinisello(o: (typeof cinisello)[number], code: string): FixtureObjective {
  const objective: TemplateRow = {
    code,
    title: o.title!,
    implementation: text(o.modalita_di_attuazione),
    publicValueArea: text(o.valore_pubblico),
    mandateObjective: text(o.collegato_a.obiettivo_di_mandato),
    dupMission: text(o.collegato_a.obiettivo_di_missione),
    dupProgramme: text(o.collegato_a.obiettivo_di_programma),
    assessorato: text(o.assessorato),
    // Where the plan's header page is missing, the clerk takes the unit its phases name.
    responsibleUnit: (o.centro_di_responsabilita ?? o.fasi.find((f) => f.centro_di_responsabilita)?.centro_di_responsabilita)!,
    responsiblePerson: text(o.responsabile),
  };
  const phases = o.fasi.map((f) => ({
    phaseDescription: f.descrizione,
    phaseStart: text(f.inizio_previsto),
    phaseEnd: text(f.fine_prevista),
    phaseWeight: text(f.peso),
    phaseResponsible: text(f.responsabile),
    phaseNotes: text(f.note),
  }));
  const indicators = o.indicatori.map((i) => ({
    indicatorDescription: i.descrizione,
    indicatorType: text(i.tipo),
    indicatorTarget: text(i.valore_atteso),
    indicatorPreviousValue: text(i.valore_raggiunto_2024),
  }));
  return { code, source: 'plan-extract-002', rows: lines(objective, phases, indicators), indicators: indicators.length };
}

function fromSegrate(o: (typeof segrate.obiettivi)[number], index: number): FixtureObjective {
  const code = `SEGRATE_${String(index + 1).padStart(2, '0')}`;
  const kind = o.tipo_obiettivo.toLowerCase();
  const objective: TemplateRow = {
    code,
    title: o.titolo_obiettivo,
    description: text(o.descrizione_obiettivo),
    purpose: text(o.finalita),
    dupMission: text(o.missione),
    dupProgramme: text(o.programma),
    strategicObjective: text(o.obiettivo_strategico),
    operationalObjective: text(o.progetto),
    nature: kind.includes('gestionale') ? 'gestionale' : kind.includes('istituzionale') ? 'istituzionale' : undefined,
    crossCutting: kind.includes('intersettoriale') ? 'intersettoriale' : kind.includes('trasversale') ? 'trasversale' : undefined,
    cyclical: /ciclico/i.test(o.orizzonte_temporale ?? '') ? 'sì' : undefined,
    assessorato: text(o.assessore),
    responsibleUnit: o.direzione.split(' / ')[0],
    responsiblePerson: text(o.po_responsabile),
  };
  const phases = o.fasi.map((f) => ({
    phaseDescription: f.descrizione,
    phasePercentJuly: text(f.cronoprogramma.target_31_lug),
    phasePercentDecember: text(f.cronoprogramma.target_31_dic),
  }));
  const indicators = o.indicatori.map((i) => ({ indicatorDescription: i.descrizione, indicatorType: text(i.tipo), indicatorTarget: text(i.atteso) }));
  const people = (o.personale ?? []).map((p) => ({ personName: p.cognome_nome, personCategory: text(p.cat), personShare: text(p.partecipazione) }));
  // A resource the plan lists by its kind only is described by it; an empty line of the table is not a resource.
  const resources = (Array.isArray(o.risorse) ? o.risorse : [])
    .filter((r) => text(r.descrizione) ?? text(r.tipologia))
    .map((r) => ({ resourceDescription: (text(r.descrizione) ?? text(r.tipologia))!, resourceAmount: text(r.costo) }));
  return { code, source: 'plan-extract-003', rows: lines(objective, phases, indicators, people, resources), indicators: indicators.length };
}

function fromExtract(o: (typeof cesanoAndOthers)[number], index: number): FixtureObjective {
  const extract = o as Partial<{
    area: string;
    missione: string | null;
    obiettivo_strategico: string;
    obiettivo_operativo: string;
    finalita: string;
    pnrr_code: string;
    pnrr_measure: string;
    pnrr: { code: string; amount: string; label: string }[];
    cup: string;
    amount: string;
    co_units: string[];
    milestone: string;
    rows: { verification_instrument: string; expected_result: string; timing: string }[];
    cross_cutting: boolean;
  }> &
    typeof o;
  const code = `EXTRACT_${String(index + 1).padStart(2, '0')}`;
  const [title, ...more] = o.description.split('\n');
  const objective: TemplateRow = {
    code,
    title,
    description: more.length > 0 ? o.description : undefined,
    purpose: text(extract.finalita),
    publicValueArea: text(extract.area),
    dupMission: text(extract.missione),
    strategicObjective: text(extract.obiettivo_strategico),
    operationalObjective: text(extract.obiettivo_operativo),
    crossCutting: extract.cross_cutting ? 'trasversale' : undefined,
    pnrrMeasure: text(extract.pnrr_code ?? extract.pnrr_measure ?? extract.pnrr?.map((p) => p.code).join(', ')),
    cup: text(extract.cup),
    responsibleUnit: o.unit,
    contributingUnits: extract.co_units?.join('; '),
    deadline: text(extract.milestone),
  };
  const measured = extract.rows ?? [{ verification_instrument: o.verification_instrument, expected_result: o.expected_result, timing: o.timing }];
  const indicators = measured
    .filter((r) => text(r.verification_instrument) ?? text(r.expected_result))
    .map((r) => ({ indicatorDescription: r.verification_instrument ?? r.expected_result!, indicatorTarget: text(r.expected_result) }));
  const phases = measured.filter((r) => text(r.timing)).map((r) => ({ phaseDescription: r.verification_instrument ?? title, phasePeriod: r.timing! }));
  const resources = [
    ...(extract.amount ? [{ resourceDescription: text(extract.pnrr_measure) ?? 'Finanziamento', resourceAmount: extract.amount }] : []),
    ...(extract.pnrr ?? []).map((p) => ({ resourceDescription: `${p.code} ${p.label}`, resourceAmount: p.amount })),
  ];
  return { code, source: 'plan-extract-000-001', rows: lines(objective, phases, indicators, resources), indicators: indicators.length };
}
