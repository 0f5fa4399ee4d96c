import { type DecisionContext, type Role } from '../access/actor';
import { actingRole } from '../access/permissions';
import { violated } from '../access/rule-violation';
import { type CalendarDate } from '../calendar/calendar-date';
import { type DefinitionWarning, type Indicator, type ObjectiveDefinition, type Phase, type Target } from '../objective/objective-definition';
import { type ObjectiveEvent } from '../objective/objective-events';
import { type ObjectiveState, type ObjectiveStatus } from '../objective/objective-state';
import { PLAN_GRANTS, type PlanState } from './plan';

/*
 * Year-to-year copy (issue 13, item 6): a plan the Giunta approved continues into the next year as a new plan, with a
 * copy of the objectives chosen. The rules of the copy are here, pure; the command that writes the new plan and its
 * objectives in one append is the application's (ContinuePlanHandler).
 */

/** The statuses of a plan that may continue: the Giunta approved it (and it may be closed since). */
const CONTINUABLE: readonly PlanState['status'][] = ['approved', 'closed'];
/** An objective the Giunta never approved has no approved definition to copy. */
const NEVER_APPROVED: readonly ObjectiveStatus[] = ['draft', 'proposed', 'returned'];

/** Who may continue a plan: whoever may open one (the Segretario). Checked before any rule reads the plan. */
export function continuationRole(context: DecisionContext): Role {
  return actingRole(PLAN_GRANTS.OpenPlan, context, undefined, 'continuing a plan into the next year');
}

/** The plan a continuation opens: the years of the source moved on by one, and its title. */
export interface PlanContinuation {
  fromYear: number;
  toYear: number;
  title: string;
}

/** Refuses to continue a plan the Giunta has not approved; otherwise the next year's plan. `title` replaces the default one. */
export function planContinuation(source: PlanState, title?: string): PlanContinuation {
  if (!CONTINUABLE.includes(source.status)) {
    violated('plan-not-approved', `a plan continues into the next year once the Giunta has approved it (the plan is ${source.status})`);
  }
  const fromYear = source.fromYear + 1;
  const toYear = source.toYear + 1;
  return { fromYear, toYear, title: title ?? continuationTitle(source.title, source.fromYear, source.toYear) };
}

/**
 * The source's title with the years of its plan moved on by one ("PIAO 2025-2027" → "PIAO 2026-2028", "PEG 2025/27"
 * → "PEG 2026/28"); a title that names none of them gets the new years in brackets ("Piano della performance (2026)").
 */
export function continuationTitle(title: string, fromYear: number, toYear: number): string {
  const inPlan = (year: number) => year >= fromYear && year <= toYear;
  let shifted = false;
  const next = title.replace(/(?<!\d)(\d{4})(?:(\s*[-–/]\s*)(\d{2}))?(?!\d)/g, (whole, year: string, separator?: string, short?: string) => {
    const y = Number(year);
    if (!inPlan(y)) return whole;
    shifted = true;
    if (separator === undefined || short === undefined) return String(y + 1);
    // "2025/27": the two digits are the plan's last year when they name one of its years.
    const century = Math.floor(y / 100) * 100;
    const full = century + Number(short) < y ? century + 100 + Number(short) : century + Number(short);
    return `${y + 1}${separator}${inPlan(full) ? String((full + 1) % 100).padStart(2, '0') : short}`;
  });
  if (shifted) return next;
  const years = fromYear === toYear ? `${fromYear + 1}` : `${fromYear + 1}-${toYear + 1}`;
  return `${title} (${years})`;
}

/** The same day a year later; 29 February becomes 28 February (the next year is never a leap year). */
export function nextYearDate(date: CalendarDate): CalendarDate {
  const [year, month, day] = date.split('-');
  const next = String(Number(year) + 1).padStart(4, '0');
  return month === '02' && day === '29' ? `${next}-02-28` : `${next}-${month}-${day}`;
}

/** The value an indicator reached in a year, and where it was read. */
export interface ReachedValue {
  value: string;
  /** `year-end-report`: the final value of the year-end report (submitted or validated, not returned); `indicator-value`: the latest value recorded in the year. */
  from: 'year-end-report' | 'indicator-value';
  /** The date of the recorded value (absent for the year-end report, which has none). */
  asOf?: CalendarDate;
}

/**
 * The value each indicator reached in `year`, from an objective's events: the final value of its year-end report
 * when there is one in force (submitted or validated; a returned report's values do not count), otherwise the
 * latest overall value recorded as of a date in that year (`IndicatorValueRecorded` without a `unitId`). A blank value is no value.
 */
export function valuesReached(events: readonly ObjectiveEvent[], year: number): Record<string, ReachedValue> {
  const first = `${year}-01-01`;
  const last = `${year}-12-31`;
  const recorded: Record<string, { value: string; asOf: CalendarDate }> = {};
  let report: Record<string, string> | undefined;
  for (const event of events) {
    switch (event.type) {
      case 'IndicatorValueRecorded': {
        const { indicatorId, value, asOf, unitId } = event.data;
        if (unitId !== undefined) break; // a unit's share is not the value the indicator reached
        const latest = recorded[indicatorId];
        if (asOf >= first && asOf <= last && value.trim() !== '' && (!latest || asOf >= latest.asOf)) recorded[indicatorId] = { value, asOf };
        break;
      }
      case 'YearEndReportSubmitted':
        report = Object.fromEntries(event.data.indicators.filter((i) => i.value.trim() !== '').map((i) => [i.indicatorId, i.value]));
        break;
      case 'YearEndReportReturned':
        report = undefined;
        break;
      default:
        break;
    }
  }
  const reached: Record<string, ReachedValue> = {};
  for (const [indicatorId, { value, asOf }] of Object.entries(recorded)) reached[indicatorId] = { value, from: 'indicator-value', asOf };
  for (const [indicatorId, value] of Object.entries(report ?? {})) reached[indicatorId] = { value, from: 'year-end-report' };
  return reached;
}

/** The definition of the copy, and what a person should look at because the copy could not carry it over. */
export interface ObjectiveCopy {
  definition: ObjectiveDefinition;
  warnings: DefinitionWarning[];
}

/**
 * The copy of an objective of the plan of `sourceYear` for the next year, from its current definition (as the Giunta
 * approved it, reprogrammings and reassignments included):
 * - refused for an objective that was cancelled (`objective-cancelled`) or never approved (`objective-not-approved`);
 * - a multi-year objective moves to its next stage, refused past its last (`multi-year-completed`);
 * - the horizon moves on by one year, unless it spans several years and the next one is among them;
 * - the dates move with the horizon: when it moves on, the phases' planned dates (and the dates of their planned %),
 *   each indicator's due date, each unit target's due date and the objective's own deadline move on by one year, and
 *   the texts kept "as written" of the dates moved are dropped; when it is kept, the multi-year plan already dates
 *   each of its years, so no date moves;
 * - cancelled phases are left behind; progress is never copied (it is not part of the definition);
 * - each indicator's baseline becomes the value it reached in `sourceYear` (see `valuesReached`), added to its
 *   historical values; with no value reached, the baseline stays as it was and a `baseline-not-updated` warning says
 *   so; its targets (its own and each unit's) are copied as written, with a `target-date-past` warning for one dated
 *   before the new year;
 * - a phase's planned start or end, a due date or the deadline of the copy outside its horizon gets a
 *   `date-outside-horizon` warning; a due date, the deadline or a phase's end inside it but before the new year gets a
 *   `date-past` warning (see `scheduleWarnings`): never corrected silently.
 */
export function copiedObjective(source: ObjectiveState, reached: Record<string, ReachedValue>, sourceYear: number): ObjectiveCopy {
  const { code, status } = source;
  if (status === 'cancelled') violated('objective-cancelled', `objective ${code} was cancelled: it does not continue`);
  if (NEVER_APPROVED.includes(status)) {
    violated('objective-not-approved', `objective ${code} was never approved by the Giunta (it is ${status}): only an approved objective continues`);
  }
  const newYear = sourceYear + 1;
  // A JSON copy, as the definition is stored: never shares a part with the source's state.
  const original = JSON.parse(JSON.stringify(source.definition)) as ObjectiveDefinition;
  const warnings: DefinitionWarning[] = [];

  const multiYear = original.kind?.multiYear;
  if (multiYear && multiYear.of !== undefined && multiYear.stage + 1 > multiYear.of) {
    violated('multi-year-completed', `objective ${code} is stage ${multiYear.stage} of ${multiYear.of}: its last stage is this year's`);
  }
  const kind = multiYear ? { kind: { ...original.kind, multiYear: { ...multiYear, stage: multiYear.stage + 1 } } } : {};

  const { fromYear, toYear } = original.horizon;
  const keepsHorizon = fromYear < toYear && fromYear <= newYear && newYear <= toYear;
  const horizon = keepsHorizon ? original.horizon : { ...original.horizon, fromYear: fromYear + 1, toYear: toYear + 1 };
  // The dates move with the horizon: a multi-year horizon that is kept already dates each of its years.
  const dates = new DateShift(!keepsHorizon);

  const kept = original.phases.map((phase, index) => ({ phase, index })).filter(({ phase }) => !phase.cancelled);
  const phaseIndex = new Map(kept.map(({ index }, to) => [index, to]));
  const phases = kept.map(({ phase }, index) => movedPhase(phase, `phases.${index}`, dates));

  const pastTarget = (target: Target | undefined, of: string) => {
    if (target?.date !== undefined && target.date < `${newYear}-01-01`) {
      warnings.push({ code: 'target-date-past', message: `${of}: the target is dated ${target.date}, before ${newYear}: it is copied as written, review it` });
    }
  };
  const indicators = original.indicators.map((indicator, index) => {
    const copy = copiedIndicator(indicator, reached[indicator.id], sourceYear, warnings);
    if (copy.dueDate !== undefined) copy.dueDate = dates.move(copy.dueDate, `indicators.${index}.dueDate`);
    pastTarget(indicator.target, `indicator ${indicator.id}`);
    if (copy.unitTargets) {
      copy.unitTargets = copy.unitTargets.map((unitTarget, u) => {
        pastTarget(unitTarget.target, `indicator ${indicator.id}, unit ${unitTarget.unitId}`);
        const dueDate = unitTarget.dueDate === undefined ? {} : { dueDate: dates.move(unitTarget.dueDate, `indicators.${index}.unitTargets.${u}.dueDate`) };
        return { ...unitTarget, ...dueDate };
      });
    }
    return copy;
  });

  const deadline = original.deadline === undefined ? {} : { deadline: dates.move(original.deadline, 'deadline') };
  const asWritten = writtenTextsOf(original.asWritten, phaseIndex, dates.moved);

  const rest: ObjectiveDefinition = { ...original };
  delete rest.asWritten;
  const definition: ObjectiveDefinition = { ...rest, ...kind, ...deadline, horizon, phases, indicators, ...(asWritten ? { asWritten } : {}) };
  warnings.push(...scheduleWarnings(definition, newYear, dates.moving));
  return { definition, warnings };
}

/** Moves a copy's dates on by one year, or leaves them all where they are, and keeps the paths of those it moved. */
class DateShift {
  readonly moved = new Set<string>();

  constructor(readonly moving: boolean) {}

  /** The date of the copy at `path`: a year later when the dates move. */
  move(date: CalendarDate, path: string): CalendarDate {
    if (!this.moving) return date;
    this.moved.add(path);
    return nextYearDate(date);
  }
}

function movedPhase(phase: Phase, path: string, dates: DateShift): Phase {
  const copy: Phase = { ...phase };
  if (copy.plannedStart !== undefined) copy.plannedStart = dates.move(copy.plannedStart, `${path}.plannedStart`);
  if (copy.plannedEnd !== undefined) copy.plannedEnd = dates.move(copy.plannedEnd, `${path}.plannedEnd`);
  if (copy.plannedPercentAt !== undefined && dates.moving) {
    copy.plannedPercentAt = Object.fromEntries(Object.entries(copy.plannedPercentAt).map(([date, percent]) => [nextYearDate(date), percent]));
  }
  return copy;
}

/**
 * What a person should look at in the dates of a copy, as the copy writes them: one outside its horizon
 * (`date-outside-horizon`: a phase that ran into the next year, moved on with it, or a date a kept multi-year
 * horizon did not cover), or a due date, a deadline or the end of a phase before the new year (`date-past`: a stage of
 * a kept multi-year horizon already behind, or a date before the source's year moved on by one only). The start of a
 * phase before the new year is no warning: the phase may be under way.
 */
function scheduleWarnings(definition: ObjectiveDefinition, newYear: number, moved: boolean): DefinitionWarning[] {
  const { fromYear, toYear } = definition.horizon;
  const years = fromYear === toYear ? `${fromYear}` : `${fromYear}-${toYear}`;
  const dated: { of: string; what: string; date: CalendarDate | undefined; ends: boolean }[] = [
    ...definition.phases.flatMap((phase) => [
      { of: `phase ${phase.id}`, what: 'planned start', date: phase.plannedStart, ends: false },
      { of: `phase ${phase.id}`, what: 'planned end', date: phase.plannedEnd, ends: true },
    ]),
    ...definition.indicators.flatMap((indicator) => [
      { of: `indicator ${indicator.id}`, what: 'due date', date: indicator.dueDate, ends: true },
      ...(indicator.unitTargets ?? []).map((u) => ({ of: `indicator ${indicator.id}, unit ${u.unitId}`, what: 'due date', date: u.dueDate, ends: true })),
    ]),
    { of: 'the objective', what: 'deadline', date: definition.deadline, ends: true },
  ];
  const warnings: DefinitionWarning[] = [];
  for (const { of, what, date, ends } of dated) {
    if (date === undefined) continue;
    const written = moved ? `the ${what}, moved on to ${date},` : `the ${what} ${date}, kept with the multi-year horizon,`;
    if (date < `${fromYear}-01-01` || date > `${toYear}-12-31`) {
      warnings.push({ code: 'date-outside-horizon', message: `${of}: ${written} is outside the horizon ${years}: review it` });
    } else if (ends && date < `${newYear}-01-01`) {
      warnings.push({ code: 'date-past', message: `${of}: ${written} is before ${newYear}: review it` });
    }
  }
  return warnings;
}

function copiedIndicator(indicator: Indicator, reached: ReachedValue | undefined, sourceYear: number, warnings: DefinitionWarning[]): Indicator {
  if (!reached) {
    const was = indicator.baseline === undefined ? 'it has none' : `"${indicator.baseline}"`;
    warnings.push({
      code: 'baseline-not-updated',
      message: `indicator ${indicator.id}: no value reached in ${sourceYear} is recorded, so the baseline is last year's (${was})`,
    });
    return { ...indicator };
  }
  const history = (indicator.historicalValues ?? []).filter((h) => h.year !== sourceYear);
  return { ...indicator, baseline: reached.value, historicalValues: [...history, { year: sourceYear, value: reached.value }] };
}

/**
 * The texts kept as written, for the copy: a phase left behind takes its texts along, the others follow their phase
 * to its new place, and the text of a date that moved on is dropped (it wrote last year's date).
 */
function writtenTextsOf(
  asWritten: Record<string, string> | undefined,
  phaseIndex: Map<number, number>,
  moved: Set<string>,
): Record<string, string> | undefined {
  if (!asWritten) return undefined;
  const kept: [string, string][] = [];
  for (const [path, text] of Object.entries(asWritten)) {
    const phase = /^phases\.(\d+)(\..*)?$/.exec(path);
    let at = path;
    if (phase) {
      const to = phaseIndex.get(Number(phase[1]));
      if (to === undefined) continue;
      at = `phases.${to}${phase[2] ?? ''}`;
    }
    if (!moved.has(at)) kept.push([at, text]);
  }
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}
