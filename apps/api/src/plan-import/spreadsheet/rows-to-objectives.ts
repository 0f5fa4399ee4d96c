import { CROSS_CUTTING, OBJECTIVE_LEVELS, OBJECTIVE_NATURES } from '@piao/lifecycle';
import { IMPORT_COLUMNS, type ImportColumn, type ImportColumnKey } from './import-columns';
import { foldText, readDate, readNumber, readYesNo } from './import-cells';
import { headerOf } from './import-headers';
import { importError, importInfo, importWarning, quoted, type ImportIssue } from './import-issue';
import { type ImportedDefinition, type ImportedIndicator, type ImportedPerson, type ImportedPhase, type ImportedResource } from './imported-definition';
import { type SpreadsheetRow } from './spreadsheet-rows';

/** An objective read from the file: its code, the rows it was read from, its definition. */
export interface ImportedObjective {
  code: string;
  rows: number[];
  definition: ImportedDefinition;
}

export interface ObjectivesReading {
  objectives: ImportedObjective[];
  issues: ImportIssue[];
}

const keysOf = (part: ImportColumn['part']): ImportColumnKey[] => IMPORT_COLUMNS.filter((c) => c.part === part).map((c) => c.key);
/** The objective's own columns but its code, read from its first row. */
const OBJECTIVE_KEYS = keysOf('objective').filter((key) => key !== 'code');
const PHASE_KEYS = keysOf('phase');
const INDICATOR_KEYS = keysOf('indicator');
const PERSON_KEYS = keysOf('person');
const RESOURCE_KEYS = keysOf('resource');
const MIN_YEAR = 2000;
const MAX_YEAR = 2100;
/** The most objectives one import takes: a file with more is refused whole (`too-many-objectives`). */
export const MAX_OBJECTIVES = 2_000;
/** The longest a phase's period as written may be (`plannedPeriodText`). */
export const MAX_PERIOD_TEXT = 500;
/** The longest text a date cell may hold to be kept as written: "entro il secondo trimestre", not a paragraph. */
export const MAX_DATE_TEXT = 200;
/** The indicator's columns a row giving another unit's target does not read. */
const INDICATOR_ROW_ONLY_KEYS: readonly ImportColumnKey[] = ['indicatorType', 'indicatorBaseline', 'indicatorPreviousValue'];

/**
 * The file's rows as objectives in the API's definition shape. Rows are grouped by their code, objectives in the
 * order their codes first appear (the rows of one objective need not be adjacent). An objective's own fields come
 * from its first row: a later row leaving them blank or repeating them is fine, a different value is an error on
 * that row. Each row adds the phase, indicator, person and resource it carries (ids f1…, i1… in row order).
 * Dates, numbers and yes/no are read as Italians write them; what cannot be read is an issue, never a guess: a
 * date that is not one stays as written in `asWritten`, its field left out. More than MAX_OBJECTIVES codes: no
 * objective, and the file-level error `too-many-objectives`.
 */
export function objectivesFromRows(rows: readonly SpreadsheetRow[], plan: { fromYear: number; toYear: number }): ObjectivesReading {
  const issues: ImportIssue[] = [];
  const groups = new Map<string, SpreadsheetRow[]>();
  for (const row of rows) {
    if (!Object.values(row.cells).some((text) => typeof text === 'string' && text.trim() !== '')) continue;
    const code = valueOf(row, 'code');
    if (code === undefined) {
      issues.push(
        importError('missing-code', 'The row has no objective code: every row must carry the code of the objective it belongs to.', {
          row: row.row,
          column: headerOf('code'),
        }),
      );
      continue;
    }
    const group = groups.get(code);
    if (group) group.push(row);
    else groups.set(code, [row]);
  }
  if (groups.size > MAX_OBJECTIVES) {
    // Refused before any objective is read: reading them would cost for nothing.
    issues.push(
      importError(
        'too-many-objectives',
        `The file has ${groups.size} objectives, more than the ${MAX_OBJECTIVES} an import takes: split the plan into several files.`,
      ),
    );
    return { objectives: [], issues: issues.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)) };
  }
  const objectives = [...groups].map(([code, group]) => new ObjectiveReader(group, plan, issues).read(code));
  // In the order a person reads the file: by row (a stable sort keeps each row's issues in column order).
  return { objectives, issues: issues.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)) };
}

/** A cell's text, trimmed; undefined when blank. */
function valueOf(row: SpreadsheetRow, key: ImportColumnKey): string | undefined {
  const text = Object.hasOwn(row.cells, key) ? row.cells[key]?.trim() : undefined;
  return text ? text : undefined;
}

/** Reads one objective from its rows, adding what it finds to the issues. */
class ObjectiveReader {
  private readonly asWritten = new Map<string, string>();
  /** The row each indicator was read from, by index. */
  private readonly indicatorRows: number[] = [];
  private readonly first: SpreadsheetRow;

  constructor(
    private readonly group: SpreadsheetRow[],
    private readonly plan: { fromYear: number; toYear: number },
    private readonly issues: ImportIssue[],
  ) {
    this.first = group[0];
  }

  read(code: string): ImportedObjective {
    this.checkLaterRows();
    const first = this.first;
    const text = (key: ImportColumnKey) => valueOf(first, key);
    const horizon = this.horizon();
    const definition: ImportedDefinition = withoutUndefined({
      title: this.required('title'),
      description: text('description'),
      purpose: text('purpose'),
      implementation: text('implementation'),
      criticalFactors: text('criticalFactors'),
      place: nonEmpty({
        publicValueArea: text('publicValueArea'),
        strategicLine: text('strategicLine'),
        mandateObjective: text('mandateObjective'),
        dupMission: text('dupMission'),
        dupProgramme: text('dupProgramme'),
        strategicObjective: text('strategicObjective'),
        operationalObjective: text('operationalObjective'),
      }),
      kind: nonEmpty({
        nature: this.choice('nature', OBJECTIVE_NATURES),
        level: this.choice('level', OBJECTIVE_LEVELS),
        crossCutting: this.choice('crossCutting', CROSS_CUTTING),
        multiYear: this.multiYear(),
      }),
      tags: list(text('tags')),
      pnrr: nonEmpty({ measureCode: text('pnrrMeasure'), cup: text('cup') }),
      assessorato: text('assessorato'),
      responsibleUnitId: this.required('responsibleUnit'),
      responsiblePerson: text('responsiblePerson'),
      contributingUnitIds: list(text('contributingUnits')),
      coordinatingUnitId: text('coordinatingUnit'),
      deadline: this.date(first, 'deadline', 'deadline').date,
      notes: text('notes'),
      people: undefined,
      horizon,
      phases: [],
      indicators: [],
      resources: undefined,
    });
    const people: ImportedPerson[] = [];
    const resources: ImportedResource[] = [];
    for (const row of this.group) {
      if (this.carries(row, PHASE_KEYS, 'phaseDescription')) definition.phases.push(this.phase(row, definition.phases.length, horizon.fromYear));
      if (valueOf(row, 'indicatorDescription') === undefined && valueOf(row, 'indicatorUnit') !== undefined) {
        this.unitTarget(row, definition.indicators);
      } else if (this.carries(row, INDICATOR_KEYS, 'indicatorDescription')) {
        definition.indicators.push(this.indicator(row, definition.indicators.length, horizon.fromYear));
        this.indicatorRows.push(row.row);
      }
      if (this.carries(row, PERSON_KEYS, 'personName')) people.push(this.person(row));
      if (this.carries(row, RESOURCE_KEYS, 'resourceDescription')) resources.push(this.resource(row));
    }
    if (people.length > 0) definition.people = people;
    if (resources.length > 0) definition.resources = resources;
    if (this.asWritten.size > 0) definition.asWritten = Object.fromEntries(this.asWritten);
    return { code, rows: this.group.map((row) => row.row), definition };
  }

  /** Later rows leave the objective's own fields blank or repeat them; a different value is an error there. */
  private checkLaterRows(): void {
    for (const row of this.group.slice(1)) {
      for (const key of OBJECTIVE_KEYS) {
        const value = valueOf(row, key);
        const firstValue = valueOf(this.first, key);
        if (value === undefined || value === firstValue) continue;
        const there = firstValue === undefined ? 'blank' : quoted(firstValue);
        this.issues.push(
          importError(
            'conflicting-value',
            `${headerOf(key)} is ${quoted(value)} here but ${there} on row ${this.first.row}, the objective's first row: ` +
              "an objective's own fields are read from its first row, later rows leave them blank or repeat them.",
            { row: row.row, column: headerOf(key) },
          ),
        );
      }
    }
  }

  /** A column the template requires on the objective's first row; an error and '' when blank. */
  private required(key: ImportColumnKey): string {
    const value = valueOf(this.first, key);
    if (value === undefined) {
      this.issues.push(
        importError('missing-value', `The objective's first row has no ${headerOf(key)}: the template requires it there.`, {
          row: this.first.row,
          column: headerOf(key),
        }),
      );
    }
    return value ?? '';
  }

  /** One of the allowed words, matched without regard to case and accents ("Gestionale" is gestionale). */
  private choice<T extends string>(key: ImportColumnKey, allowed: readonly T[]): T | undefined {
    const value = valueOf(this.first, key);
    if (value === undefined) return undefined;
    const found = allowed.find((word) => foldText(word) === foldText(value));
    if (found === undefined) {
      this.error('unknown-value', this.first, key, `${headerOf(key)} ${quoted(value)} is not one of: ${allowed.join(', ')}.`);
    }
    return found;
  }

  /** "1 di 3", "fase 1 di 3", "1/3"; "1" alone for a stage whose total the plan does not give. */
  private multiYear(): { stage: number; of?: number } | undefined {
    const value = valueOf(this.first, 'multiYear');
    if (value === undefined) return undefined;
    const match = /^(?:fase\s*)?(\d{1,2})(?:\s*(?:di|\/)\s*(\d{1,2}))?$/.exec(foldText(value));
    const stage = match ? Number(match[1]) : NaN;
    const of = match?.[2] === undefined ? undefined : Number(match[2]);
    if (!match || stage < 1 || stage > 10 || (of !== undefined && (of > 10 || of < stage))) {
      this.error(
        'invalid-value',
        this.first,
        'multiYear',
        `${headerOf('multiYear')} ${quoted(value)} cannot be read: write the stage and the total, e.g. "1 di 3", or the stage alone, e.g. "1" (1 to 10).`,
      );
      return undefined;
    }
    return of === undefined ? { stage } : { stage, of };
  }

  /** From and to years (defaults: the plan's first year, then the from year) and "annuale ciclico". */
  private horizon(): ImportedDefinition['horizon'] {
    const fromYear = this.year('fromYear') ?? this.plan.fromYear;
    const toYear = this.year('toYear') ?? fromYear;
    const cyclicalText = valueOf(this.first, 'cyclical');
    const cyclical = cyclicalText === undefined ? undefined : this.yesNo(this.first, 'cyclical');
    return cyclical === undefined ? { fromYear, toYear } : { fromYear, toYear, cyclical };
  }

  private year(key: ImportColumnKey): number | undefined {
    const value = valueOf(this.first, key);
    if (value === undefined) return undefined;
    const year = /^\d{4}$/.test(value) ? Number(value) : NaN;
    if (year >= MIN_YEAR && year <= MAX_YEAR) return year;
    this.error('invalid-year', this.first, key, `${headerOf(key)} ${quoted(value)} is not a year from ${MIN_YEAR} to ${MAX_YEAR}.`);
    return undefined;
  }

  /** True when the row fills one of the part's columns; an error when it does so without the part's description. */
  private carries(row: SpreadsheetRow, keys: readonly ImportColumnKey[], descriptionKey: ImportColumnKey): boolean {
    const filled = keys.filter((key) => valueOf(row, key) !== undefined);
    if (filled.length === 0) return false;
    if (valueOf(row, descriptionKey) !== undefined) return true;
    this.error(
      'missing-description',
      row,
      descriptionKey,
      `The row fills ${filled.map(headerOf).join(', ')} but not ${headerOf(descriptionKey)}: without it they are not read.`,
    );
    return false;
  }

  private phase(row: SpreadsheetRow, index: number, fromYear: number): ImportedPhase {
    const start = this.date(row, 'phaseStart', `phases.${index}.plannedStart`);
    const end = this.date(row, 'phaseEnd', `phases.${index}.plannedEnd`);
    // The period as written says when the phase is due: its column, or an end written in words ("entro giugno").
    // A start written in words is kept in asWritten only: as the period it would become the phase's end.
    const periodText = this.periodText(row) ?? end.keptAsText;
    const weight = this.number(row, 'phaseWeight', { percent: true, min: 0, max: 100 }) ?? null;
    const july = this.number(row, 'phasePercentJuly', { percent: true, min: 0, max: 100 });
    const december = this.number(row, 'phasePercentDecember', { percent: true, min: 0, max: 100 });
    const percentAt: Record<string, number> = {};
    if (july !== undefined) percentAt[`${fromYear}-07-31`] = july;
    if (december !== undefined) percentAt[`${fromYear}-12-31`] = december;
    return withoutUndefined({
      id: `f${index + 1}`,
      description: valueOf(row, 'phaseDescription') as string,
      plannedStart: start.date,
      plannedEnd: end.date,
      plannedPeriodText: periodText,
      weight,
      plannedPercentAt: Object.keys(percentAt).length > 0 ? percentAt : undefined,
      responsiblePerson: valueOf(row, 'phaseResponsible'),
      notes: valueOf(row, 'phaseNotes'),
    });
  }

  /** The column "Fase - periodo come scritto"; an error (and undefined) when longer than a period may be. */
  private periodText(row: SpreadsheetRow): string | undefined {
    const value = valueOf(row, 'phasePeriod');
    if (value === undefined || value.length <= MAX_PERIOD_TEXT) return value;
    this.error(
      'cell-too-long',
      row,
      'phasePeriod',
      `${headerOf('phasePeriod')} has ${value.length} characters, more than the ${MAX_PERIOD_TEXT} a period may have: it is not read.`,
    );
    return undefined;
  }

  private indicator(row: SpreadsheetRow, index: number, fromYear: number): ImportedIndicator {
    const target = valueOf(row, 'indicatorTarget');
    const previous = valueOf(row, 'indicatorPreviousValue');
    const unit = valueOf(row, 'indicatorUnit');
    // With a unit, the row's target and deadline are that unit's: the indicator's first unit target.
    const dueDate = this.date(row, 'indicatorDueDate', unit ? `indicators.${index}.unitTargets.0.dueDate` : `indicators.${index}.dueDate`).date;
    return withoutUndefined({
      id: `i${index + 1}`,
      description: valueOf(row, 'indicatorDescription') as string,
      typeAsWritten: valueOf(row, 'indicatorType'),
      target: target === undefined || unit ? undefined : { text: target },
      baseline: valueOf(row, 'indicatorBaseline'),
      dueDate: unit ? undefined : dueDate,
      unitTargets: unit ? [withoutUndefined({ unitId: unit, target: { text: target ?? '' }, dueDate })] : undefined,
      historicalValues: previous === undefined ? undefined : [{ year: fromYear - 1, value: previous }],
    });
  }

  /** A row with a unit and no indicator description: that unit's target on the indicator of the rows above. */
  private unitTarget(row: SpreadsheetRow, indicators: ImportedIndicator[]): void {
    const indicator = indicators[indicators.length - 1];
    if (!indicator) {
      this.error(
        'missing-description',
        row,
        'indicatorDescription',
        `The row gives a unit's target but no indicator comes before it: fill Indicatore - descrizione.`,
      );
      return;
    }
    const targets = (indicator.unitTargets ??= []);
    const dueDate = this.date(row, 'indicatorDueDate', `indicators.${indicators.length - 1}.unitTargets.${targets.length}.dueDate`).date;
    targets.push(withoutUndefined({ unitId: valueOf(row, 'indicatorUnit') as string, target: { text: valueOf(row, 'indicatorTarget') ?? '' }, dueDate }));
    for (const key of INDICATOR_ROW_ONLY_KEYS) {
      const value = valueOf(row, key);
      if (value === undefined) continue;
      this.warning(
        'ignored-value',
        row,
        key,
        `${headerOf(key)} ${quoted(value)} is ignored: it belongs to the indicator's own row (row ${this.indicatorRows[indicators.length - 1]}, ` +
          `with Indicatore - descrizione); a row that gives another unit's target reads only its unit, target and deadline.`,
      );
    }
  }

  private person(row: SpreadsheetRow): ImportedPerson {
    return withoutUndefined({
      name: valueOf(row, 'personName') as string,
      role: valueOf(row, 'personRole'),
      category: valueOf(row, 'personCategory'),
      participationPercent: this.number(row, 'personShare', { percent: true, min: 0, max: 100 }),
    });
  }

  private resource(row: SpreadsheetRow): ImportedResource {
    return withoutUndefined({
      description: valueOf(row, 'resourceDescription') as string,
      amountEuro: this.number(row, 'resourceAmount', { euro: true, min: 0 }),
    });
  }

  /**
   * A date cell: the ISO date when it is one ("31/12/25" too, its text kept in asWritten with an info); otherwise
   * the field is left out, the text kept in asWritten under `path`, with a warning. A text longer than
   * MAX_DATE_TEXT is no date written in words: an error, nothing kept.
   */
  private date(row: SpreadsheetRow, key: ImportColumnKey, path: string): { date?: string; keptAsText?: string } {
    const value = valueOf(row, key);
    if (value === undefined) return {};
    if (value.length > MAX_DATE_TEXT) {
      this.error(
        'not-a-date',
        row,
        key,
        `${headerOf(key)} has ${value.length} characters: a date is written as dd/mm/yyyy, or in a few words ("entro giugno"), ` +
          `in at most ${MAX_DATE_TEXT}. It is not read.`,
      );
      return {};
    }
    const reading = readDate(value);
    if (reading.status === 'read') {
      if (reading.twoDigitYear) {
        this.asWritten.set(path, value);
        const [year, month, day] = reading.date.split('-');
        this.info('two-digit-year', row, key, `${quoted(value)} is read as ${day}/${month}/${year}: a two-digit year is 20YY.`);
      }
      return { date: reading.date };
    }
    this.asWritten.set(path, value);
    const why = reading.status === 'not-a-day' ? 'is not a day of the calendar' : 'is not a date written as dd/mm/yyyy';
    this.warning('date-kept-as-text', row, key, `${quoted(value)} ${why}: it is kept as written and the date left empty.`);
    return { keptAsText: value };
  }

  /** A number cell, Italian style; an error (and undefined) when it is not a number or is out of range. */
  private number(row: SpreadsheetRow, key: ImportColumnKey, options: { percent?: boolean; euro?: boolean; min?: number; max?: number }): number | undefined {
    const value = valueOf(row, key);
    if (value === undefined) return undefined;
    const number = readNumber(value, options);
    if (number === undefined) {
      this.error('not-a-number', row, key, `${headerOf(key)} ${quoted(value)} is not a number: write it as 50, 12,5 or 1.500,00.`);
      return undefined;
    }
    if ((options.min !== undefined && number < options.min) || (options.max !== undefined && number > options.max)) {
      const range = options.max === undefined ? `at least ${options.min}` : `from ${options.min} to ${options.max}`;
      this.error('out-of-range', row, key, `${headerOf(key)} ${quoted(value)} is out of range: it must be ${range}.`);
      return undefined;
    }
    return number;
  }

  private yesNo(row: SpreadsheetRow, key: ImportColumnKey): boolean | undefined {
    const value = valueOf(row, key) ?? '';
    const answer = readYesNo(value);
    if (answer === undefined) this.error('not-yes-no', row, key, `${headerOf(key)} ${quoted(value)} is neither yes nor no: write sì or no.`);
    return answer;
  }

  private error(code: string, row: SpreadsheetRow, key: ImportColumnKey, message: string): void {
    this.issues.push(importError(code, message, { row: row.row, column: headerOf(key) }));
  }

  private warning(code: string, row: SpreadsheetRow, key: ImportColumnKey, message: string): void {
    this.issues.push(importWarning(code, message, { row: row.row, column: headerOf(key) }));
  }

  private info(code: string, row: SpreadsheetRow, key: ImportColumnKey, message: string): void {
    this.issues.push(importInfo(code, message, { row: row.row, column: headerOf(key) }));
  }
}

/** "a; b;; c" → ["a", "b", "c"]; undefined when blank. */
function list(text: string | undefined): string[] | undefined {
  const items = (text ?? '')
    .split(';')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return items.length > 0 ? items : undefined;
}

/** The object without its undefined members (plain JSON, as the API receives it). */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as T;
}

/** The object without its undefined members, or undefined when none is left. */
function nonEmpty<T extends object>(value: T): T | undefined {
  const defined = withoutUndefined(value);
  return Object.keys(defined).length > 0 ? defined : undefined;
}
