import { type CalendarDate } from '../calendar/calendar-date';
import { type Indicator, type ObjectiveDefinition, type Phase, type Target } from '../objective/objective-definition';
import { ownValue } from '../objective/objective-state';
import { parseItalianDate, parseItalianNumber } from './italian-numbers';
import { DONE_WORDS, NOT_DONE_WORDS, readTarget, TARGET_FLAG_REASONS, type TargetReading } from './target-reading';
import { scoreOnScale, type ScoringSystem } from './scoring-system';

/** Something the score rests on that a person should know: never hidden, never silently corrected. */
export interface ScoreFlag {
  code: string;
  message: string;
}

export interface IndicatorAchievement {
  indicatorId: string;
  reading: TargetReading;
  /** The latest overall value recorded on or before the date scored (never a unit's). */
  actual?: { value: string; asOf: CalendarDate };
  /** 0–100; absent when it cannot be computed, and then `flag` says why. */
  percent?: number;
  flag?: ScoreFlag;
  /** Of an indicator with a target for each unit (`unitTargets`): each unit's share against its own target, in their order. */
  units?: UnitShareAchievement[];
  /**
   * `units`: the indicator has no target of its own, so it is scored from its units' targets: `percent` is the mean
   * of the units' percents, present only when every unit could be scored (otherwise `flag` names those that could not).
   */
  scoredFrom?: 'units';
}

/** One unit's share of an indicator: its own target (`unitTargets`), read by the same reader, against its own latest value. */
export interface UnitShareAchievement {
  unitId: string;
  reading: TargetReading;
  /** The latest value of the unit's share recorded on or before the date scored. */
  actual?: { value: string; asOf: CalendarDate };
  /** 0–100; absent when it cannot be computed, and then `flag` says why. */
  percent?: number;
  flag?: ScoreFlag;
}

type RecordedValue = { value: string; asOf: CalendarDate };

export interface PhaseAchievement {
  phaseId: string;
  weight?: number | null;
  /** The % planned at the date scored (100 at the year end). */
  plannedPercent: number;
  progressPercent: number;
  /** How far behind plan, in percentage points; 0 when on or ahead of plan. */
  behindBy: number;
  percent: number;
}

export interface ObjectiveAchievement {
  /** Absent when nothing could be scored. */
  percent?: number;
  score?: number;
  phasesPercent?: number;
  indicatorsPercent?: number;
  phases: PhaseAchievement[];
  indicators: IndicatorAchievement[];
  flags: ScoreFlag[];
}

/** What scoring needs of an objective: its definition and what was recorded against it. */
export interface ScoringInput {
  definition: ObjectiveDefinition;
  progress: Record<string, { progressPercent: number }>;
  indicatorValues: Record<string, { value: string; asOf: CalendarDate }[]>;
  /** The values of each unit's share, by indicator id then unit id (absent: none recorded). */
  unitIndicatorValues?: Record<string, Record<string, { value: string; asOf: CalendarDate }[]>>;
}

/**
 * The target as given when it carries a sense; otherwise its text as the reader understands it, with what the
 * indicator says beside it (its type, measure and description). `target`: a unit's own target instead of the
 * indicator's.
 */
export function targetReadingOf(indicator: Indicator, target: Target | undefined = indicator.target): TargetReading {
  if (!target) return { status: 'unread', text: '', code: 'empty', reason: TARGET_FLAG_REASONS.empty };
  if (target.sense) return { status: 'read', target, senseFrom: 'text' };
  return readTarget(target.text, { type: indicator.type, measure: indicator.measure, description: indicator.description });
}

/**
 * An indicator's achievement at `asOf` (the year end when absent) from its overall `values`; with `unitValues` (the
 * values of each unit's share, by unit id), each unit target's achievement beside it. An indicator with unit targets
 * and no target of its own is scored from them: the mean of its units' percents, when every unit could be scored.
 * Unit values never stand in for the overall value, nor the other way round.
 */
export function indicatorAchievement(
  indicator: Indicator,
  values: RecordedValue[],
  asOf?: CalendarDate,
  unitValues: Record<string, RecordedValue[]> = {},
): IndicatorAchievement {
  const reading = targetReadingOf(indicator);
  const overall = scoreAgainst(`indicator ${indicator.id}`, reading, indicator.baseline, values, asOf);
  const unitTargets = indicator.unitTargets ?? [];
  if (unitTargets.length === 0) return { indicatorId: indicator.id, ...overall };
  const units = unitTargets.map((u): UnitShareAchievement => {
    const own = ownValue(unitValues, u.unitId) ?? [];
    // A unit's share has no baseline of its own: a target written as a change from one needs a person.
    const reading = targetReadingOf(indicator, u.target);
    return { unitId: u.unitId, ...scoreAgainst(`indicator ${indicator.id}, unit ${u.unitId}`, reading, UNIT_HAS_NO_BASELINE, own, asOf) };
  });
  const ownTarget = !(reading.status === 'unread' && reading.code === 'empty');
  if (ownTarget) return { indicatorId: indicator.id, ...overall, units };
  // No target of its own: the indicator is as achieved as its units are, on average.
  const { actual } = overall;
  const base = { indicatorId: indicator.id, reading, ...(actual ? { actual } : {}), units, scoredFrom: 'units' as const };
  const unscored = units.filter((u) => u.percent === undefined);
  if (unscored.length === 0) return { ...base, percent: mean(units.map((u) => u.percent as number)) };
  return {
    ...base,
    flag: {
      code: 'unit-not-scored',
      message: `indicator ${indicator.id} is scored from its units' targets, and ${unscored.length} of ${units.length} cannot be scored: ${unscored
        .map((u) => u.flag?.message ?? `unit ${u.unitId}`)
        .join('; ')}`,
    },
  };
}

/** What a unit's share has in place of a baseline: none of its own (the indicator's is the whole indicator's). */
const UNIT_HAS_NO_BASELINE = { none: "is a change from a baseline, and a unit's share has no baseline of its own" } as const;

/**
 * The latest value on or before `asOf` against a target as read; `label` names what is scored in the flag's words,
 * `baseline` is the one a change is measured from (or why there is none).
 */
function scoreAgainst(
  label: string,
  reading: TargetReading,
  baseline: string | undefined | typeof UNIT_HAS_NO_BASELINE,
  values: RecordedValue[],
  asOf?: CalendarDate,
): { reading: TargetReading; actual?: RecordedValue; percent?: number; flag?: ScoreFlag } {
  const recorded = values.filter((v) => !asOf || v.asOf <= asOf);
  const actual = recorded.length ? recorded.reduce((a, b) => (b.asOf >= a.asOf ? b : a)) : undefined;
  const result = { reading, ...(actual ? { actual } : {}) };
  if (reading.status === 'unread') {
    return { ...result, flag: { code: 'target-unread', message: `${label}: target "${reading.text}" needs a person (${reading.code}: ${reading.reason})` } };
  }
  let goal = reading.target;
  if (reading.change) {
    const level = typeof baseline === 'object' ? baseline.none : levelAfterChange(reading.target, reading.change, baseline);
    if (typeof level === 'string') return { ...result, flag: { code: 'baseline-needed', message: `${label}: target "${reading.target.text}" ${level}` } };
    goal = level;
  }
  if (!actual) return { ...result, flag: { code: 'no-value', message: `${label}: no value recorded` } };
  const percent = achievementAgainst(goal, actual);
  if (percent === undefined) {
    return { ...result, flag: { code: 'value-unread', message: `${label}: value "${actual.value}" cannot be compared with its target` } };
  }
  return { ...result, percent };
}

/** 0–100: how much of the target a recorded value achieves, honouring the target's sense. */
export function achievementAgainst(target: Target, actual: { value: string; asOf: CalendarDate }): number | undefined {
  const text = actual.value.trim().toLowerCase();
  switch (target.sense) {
    case 'done':
      if (DONE_WORDS.includes(text)) return 100;
      if (NOT_DONE_WORDS.includes(text)) return 0;
      return undefined;
    case 'by-date': {
      if (!target.date) return undefined;
      const doneOn = DONE_WORDS.includes(text) ? actual.asOf : parseItalianDate(text);
      if (NOT_DONE_WORDS.includes(text)) return 0;
      return doneOn === undefined ? undefined : doneOn <= target.date ? 100 : 0;
    }
    case 'at-least':
    case 'at-most':
    case 'exactly': {
      const value = numericValue(text, target.unit);
      const goal = target.value;
      if (value === undefined || goal === undefined) return undefined;
      if (target.sense === 'at-least') {
        if (target.strict ? value > goal : value >= goal) return 100;
        return goal <= 0 ? 0 : clamp((value / goal) * 100);
      }
      if (target.sense === 'at-most') {
        if (target.strict ? value < goal : value <= goal) return 100;
        return value <= 0 ? 0 : clamp((goal / value) * 100);
      }
      if (value === goal) return 100;
      return goal === 0 ? 0 : clamp(100 - (Math.abs(value - goal) / Math.abs(goal)) * 100);
    }
    default:
      return undefined;
  }
}

/**
 * A goal written as a change ("riduzione del 10%", "aumentare del 50%") is met by a level: the baseline moved by
 * the change. Without a baseline, or with a percentage baseline and a change in % (points or percent?), the words
 * say why a person must look.
 */
export function levelAfterChange(target: Target, change: 'increase' | 'decrease', baseline?: string): Target | string {
  // "45", "45 giorni", "1.200 presenze": the baseline's number, whatever it counts.
  const written = baseline?.trim().toLowerCase();
  const from = written === undefined ? undefined : (numericValue(written) ?? numericValue(written.replace(/\s+[a-zà-ÿ'/ ]+$/, '')));
  if (from === undefined || target.value === undefined) return 'is a change from the baseline, and the indicator has no numeric baseline';
  const percent = target.unit === '%';
  if (percent && /%\s*$/.test(baseline ?? '')) return 'is a change in % of a percentage: percentage points or percent of the baseline?';
  const amount = percent ? (from * target.value) / 100 : target.value;
  const level = change === 'increase' ? from + amount : from - amount;
  // "at least 10% less" is "at most the baseline less 10%"; "no more than 2% more" is "at most the baseline plus 2%".
  const sense: Target['sense'] = target.sense === 'exactly' ? 'exactly' : (change === 'decrease') === (target.sense === 'at-least') ? 'at-most' : 'at-least';
  const unit = !percent && target.unit ? { unit: target.unit } : {};
  return { text: target.text, sense, value: Math.round(level * 1e6) / 1e6, ...unit, ...(target.strict ? { strict: true } : {}) };
}

/** Progress against what was planned at `at` (a monitoring date); at the year end (no date) against 100. */
export function phaseAchievement(phase: Phase, progressPercent: number, at?: CalendarDate): PhaseAchievement {
  const plannedPercent = at ? plannedAt(phase, at) : 100;
  const percent = plannedPercent <= 0 ? 100 : clamp((progressPercent / plannedPercent) * 100);
  return { phaseId: phase.id, weight: phase.weight, plannedPercent, progressPercent, behindBy: Math.max(0, plannedPercent - progressPercent), percent };
}

/** The % planned at a date: the value for the latest monitoring date on or before it, 0 before any. */
function plannedAt(phase: Phase, at: CalendarDate): number {
  const dates = Object.keys(phase.plannedPercentAt ?? {})
    .filter((d) => d <= at)
    .sort();
  if (dates.length === 0) return phase.plannedEnd && phase.plannedEnd <= at ? 100 : 0;
  return phase.plannedPercentAt![dates[dates.length - 1]];
}

/**
 * The achievement of an objective at a monitoring date, or at the year end when `at` is absent. Phases are
 * weighted by their weights: weights that do not total 100 are scaled and flagged, missing ones are flagged and
 * count as zero, and with no weight at all every phase counts the same, flagged.
 */
export function objectiveAchievement(input: ScoringInput, system: ScoringSystem, at?: CalendarDate): ObjectiveAchievement {
  const flags: ScoreFlag[] = [];
  const active = input.definition.phases.filter((p) => !p.cancelled);
  const phases = active.map((p) => phaseAchievement(p, input.progress[p.id]?.progressPercent ?? 0, at));
  const indicators = input.definition.indicators.map((i) =>
    indicatorAchievement(i, ownValue(input.indicatorValues, i.id) ?? [], at, ownValue(input.unitIndicatorValues, i.id) ?? {}),
  );
  for (const i of indicators) if (i.flag) flags.push(i.flag);

  let phasesPercent: number | undefined;
  if (phases.length > 0) {
    const weighted = phases.filter((p) => typeof p.weight === 'number');
    const total = weighted.reduce((sum, p) => sum + (p.weight as number), 0);
    if (weighted.length === 0 || total <= 0) {
      flags.push({ code: 'phase-weights-missing', message: 'no phase has a weight: every phase counts the same' });
      phasesPercent = mean(phases.map((p) => p.percent));
    } else {
      if (weighted.length < phases.length) {
        flags.push({ code: 'phase-weight-missing', message: `${phases.length - weighted.length} of ${phases.length} phases have no weight and count zero` });
      }
      if (Math.abs(total - 100) > 1e-9) {
        flags.push({ code: 'phase-weights-not-100', message: `phase weights total ${round(total)}: each weight is scaled by 100/${round(total)}` });
      }
      phasesPercent = weighted.reduce((sum, p) => sum + p.percent * (p.weight as number), 0) / total;
    }
  }
  const scored = indicators.filter((i) => i.percent !== undefined).map((i) => i.percent as number);
  const indicatorsPercent = scored.length ? mean(scored) : undefined;
  if (input.definition.indicators.length === 0) flags.push({ code: 'no-indicator', message: 'the objective has no indicator' });

  const { percent, partial } = onBasis(system.basis, phasesPercent, indicatorsPercent);
  if (partial) flags.push({ code: 'partial-basis', message: `scored on part of its basis (${system.basis})` });
  return {
    ...(percent !== undefined ? { percent, score: round(scoreOnScale(percent, system.scale)) } : {}),
    ...(phasesPercent !== undefined ? { phasesPercent: round(phasesPercent) } : {}),
    ...(indicatorsPercent !== undefined ? { indicatorsPercent: round(indicatorsPercent) } : {}),
    phases,
    indicators,
    flags,
  };
}

/**
 * An objective's achievement from its two parts on the SMVP's basis; `partial` when the basis is the mean and
 * only one part could be scored.
 */
export function onBasis(basis: ScoringSystem['basis'], phasesPercent?: number, indicatorsPercent?: number): { percent?: number; partial: boolean } {
  const parts = basis === 'phases' ? [phasesPercent] : basis === 'indicators' ? [indicatorsPercent] : [phasesPercent, indicatorsPercent];
  const present = parts.filter((p): p is number => p !== undefined);
  return { percent: present.length ? round(mean(present)) : undefined, partial: present.length > 0 && present.length < parts.length };
}

/** A unit's achievement: the mean over the objectives it is responsible for that could be scored. */
export function unitAchievement(objectivePercents: (number | undefined)[]): number | undefined {
  const scored = objectivePercents.filter((p): p is number => p !== undefined);
  return scored.length ? round(mean(scored)) : undefined;
}

/** A person's achievement: their objectives' achievements weighted by their % of participation in each. */
export function personAchievement(shares: { participationPercent: number; objectivePercent?: number }[]): number | undefined {
  const scored = shares.filter((s) => s.objectivePercent !== undefined && s.participationPercent > 0);
  const total = scored.reduce((sum, s) => sum + s.participationPercent, 0);
  if (total === 0) return undefined;
  return round(scored.reduce((sum, s) => sum + (s.objectivePercent as number) * s.participationPercent, 0) / total);
}

/** A value as recorded: "12", "85%", "€ 800", or with the target's own unit ("12 sopralluoghi"). */
function numericValue(text: string, unit?: string): number | undefined {
  let t = text.replace(/\s*(%|€|euro)$/, '').replace(/^€\s*/, '');
  if (unit && unit !== '%' && unit !== '€' && t.endsWith(unit.toLowerCase())) t = t.slice(0, -unit.length).trim();
  return parseItalianNumber(t);
}

function clamp(n: number): number {
  return Math.min(100, Math.max(0, n));
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
