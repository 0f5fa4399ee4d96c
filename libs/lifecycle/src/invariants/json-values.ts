import { isCalendarDate } from '../calendar/calendar-date';

/**
 * Run-time checks of values the domain receives as `unknown`: the second line behind the HTTP DTOs, so that
 * nothing an importer, a processor or a future API passes can put into the log what its readers cannot use.
 */

/** Keys that would reach an object's prototype when a reader copies or merges the value. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** With the `u` flag a surrogate pair is one code point: only a lone surrogate matches. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
/** Far deeper than any command or definition goes: beyond it the value is refused (and a cycle cannot loop). */
const MAX_DEPTH = 16;

export type InvariantRule = 'definition-invalid' | 'date-invalid' | 'value-invalid' | 'text-invalid';

export interface Problem {
  rule: InvariantRule;
  /** Where the problem is, e.g. `phases[2].plannedEnd`; empty for the value itself. */
  path: string;
  message: string;
}

/** The problems found in a value, at most one per path: the first check that fails a field names it. */
export class Problems {
  private readonly byPath = new Map<string, Problem>();

  add(rule: InvariantRule, path: string, message: string): void {
    if (!this.byPath.has(path)) this.byPath.set(path, { rule, path, message });
  }

  get all(): Problem[] {
    return [...this.byPath.values()];
  }

  /** `path: message` for each problem, in the order found. */
  messages(): string[] {
    return this.all.map(({ path, message }) => (path ? `${path}: ${message}` : message));
  }
}

/** Any object but an array (a class instance such as a DTO included). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object as JSON makes it: not an array, not null, not a class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Why a text cannot be stored as it is (PostgreSQL refuses NUL in text and jsonb; a lone surrogate is not Unicode). */
export function textFlaw(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'contains a lone UTF-16 surrogate';
  return undefined;
}

/** The value as a message may quote it: JSON escapes NUL and lone surrogates, and long texts are cut. */
export function show(value: unknown): string {
  if (typeof value === 'string') {
    const quoted = [...JSON.stringify(value)];
    return quoted.length > 60 ? `${quoted.slice(0, 57).join('')}…"` : quoted.join('');
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** `phases[2].plannedEnd`, `plannedPercentAt["2025-07-31"]`. */
export function pathOf(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

/**
 * Walks a value as JSON would see it: keys that reach a prototype, texts with NUL or lone surrogates, numbers
 * JSON cannot carry (NaN, Infinity become null), values that are not JSON at all, cycles and absurd depth.
 * Paths already reported by a field's own check are not reported twice.
 */
export function scanJson(value: unknown, path: string, problems: Problems, ancestors: object[] = []): void {
  if (typeof value === 'string') {
    const flaw = textFlaw(value);
    if (flaw) problems.add('text-invalid', path, flaw);
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) problems.add('value-invalid', path, `${value} is not a finite number`);
    return;
  }
  if (value === null || value === undefined || typeof value === 'boolean') return;
  if (typeof value !== 'object') {
    problems.add('value-invalid', path, `${show(value)} is not a JSON value`);
    return;
  }
  if (ancestors.includes(value)) {
    problems.add('value-invalid', path, 'refers to itself');
    return;
  }
  if (ancestors.length >= MAX_DEPTH) {
    problems.add('value-invalid', path, 'is nested too deeply');
    return;
  }
  const inside = [...ancestors, value];
  if (Array.isArray(value)) {
    value.forEach((item: unknown, index) => scanJson(item, pathOf(path, index), problems, inside));
    return;
  }
  for (const key of Object.keys(value)) {
    const at = pathOf(path, key);
    if (FORBIDDEN_KEYS.has(key)) {
      problems.add('value-invalid', at, `the key ${JSON.stringify(key)} is not allowed`);
      continue;
    }
    const flaw = textFlaw(key);
    if (flaw) {
      problems.add('text-invalid', at, `the key ${flaw}`);
      continue;
    }
    scanJson((value as Record<string, unknown>)[key], at, problems, inside);
  }
}

type Presence = 'optional' | 'required';

interface NumberRange {
  presence?: Presence;
  integer?: boolean;
  min?: number;
  max?: number;
  /** null is accepted too (a phase weight the plan left blank). */
  nullable?: boolean;
}

/**
 * The fields of one object under check. Every reader returns the value when it is usable and undefined
 * otherwise (the problem is recorded), so that checks depending on two fields run only on usable ones.
 * Absent means `undefined`; `null` is a value, refused unless a field says otherwise.
 */
export class Fields {
  constructor(
    private readonly problems: Problems,
    readonly record: Record<string, unknown>,
    readonly at = '',
    /** Nested objects must be plain (JSON) objects; off for commands, whose parts may be DTO instances. */
    private readonly plainOnly = true,
  ) {}

  path(key: string | number): string {
    return pathOf(this.at, key);
  }

  problem(rule: InvariantRule, key: string | number, message: string): void {
    this.problems.add(rule, this.path(key), message);
  }

  /** A string; `nonEmpty` also refuses absence and blank text. */
  text(key: string, need: Presence | 'non-empty' = 'optional', rule: InvariantRule = 'text-invalid'): string | undefined {
    const value = this.record[key];
    if (value === undefined && need === 'optional') return undefined;
    if (typeof value !== 'string' || (need === 'non-empty' && value.trim() === '')) {
      this.problem(rule, key, `must be a ${need === 'non-empty' ? 'non-empty ' : ''}text, not ${show(value)}`);
      return undefined;
    }
    const flaw = textFlaw(value);
    if (flaw) {
      this.problem('text-invalid', key, flaw);
      return undefined;
    }
    return value;
  }

  /** A non-empty string naming something (an id, a code, a unit). */
  id(key: string, need: Presence = 'required'): string | undefined {
    if (need === 'optional' && this.record[key] === undefined) return undefined;
    return this.text(key, 'non-empty', 'value-invalid');
  }

  /** An ISO calendar date, `YYYY-MM-DD`, that exists. */
  date(key: string, need: Presence = 'optional'): string | undefined {
    const value = this.record[key];
    if (value === undefined && need === 'optional') return undefined;
    if (!isCalendarDate(value)) {
      this.problem('date-invalid', key, `${show(value)} is not a date`);
      return undefined;
    }
    return value;
  }

  number(key: string, range: NumberRange = {}): number | undefined {
    const { presence = 'optional', integer = false, min, max, nullable = false } = range;
    const value = this.record[key];
    if (value === undefined && presence === 'optional') return undefined;
    if (value === null && nullable) return undefined;
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (!integer || Number.isInteger(value)) &&
      (min === undefined || value >= min) &&
      (max === undefined || value <= max);
    if (!ok) {
      const bounds = min !== undefined && max !== undefined ? ` from ${min} to ${max}` : min !== undefined ? ` not below ${min}` : '';
      this.problem('value-invalid', key, `must be ${integer ? 'an integer' : 'a finite number'}${bounds}${nullable ? ' or null' : ''}, not ${show(value)}`);
      return undefined;
    }
    return value;
  }

  boolean(key: string): boolean | undefined {
    const value = this.record[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') {
      this.problem('value-invalid', key, `must be true or false, not ${show(value)}`);
      return undefined;
    }
    return value;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], need: Presence = 'optional'): T | undefined {
    const value = this.record[key];
    if (value === undefined && need === 'optional') return undefined;
    if (!(allowed as readonly unknown[]).includes(value)) {
      this.problem('value-invalid', key, `must be one of ${allowed.join(', ')}, not ${show(value)}`);
      return undefined;
    }
    return value as T;
  }

  /** The fields of a nested object, or undefined (recorded when it is there but not an object). */
  object(key: string, need: Presence = 'optional', expected = 'an object'): Fields | undefined {
    const value = this.record[key];
    if (value === undefined && need === 'optional') return undefined;
    if (!this.isObject(value)) {
      this.problem('value-invalid', key, `must be ${expected}, not ${show(value)}`);
      return undefined;
    }
    return new Fields(this.problems, value, this.path(key), this.plainOnly);
  }

  /** A list, or undefined (recorded when it is there but not a list). */
  list(key: string, need: Presence = 'optional', expected = 'a list'): unknown[] | undefined {
    const value = this.record[key];
    if (value === undefined && need === 'optional') return undefined;
    if (!Array.isArray(value)) {
      this.problem('value-invalid', key, `must be ${expected}, not ${show(value)}`);
      return undefined;
    }
    return value;
  }

  /** Checks each item of a list of objects with `check`; items that are not objects are recorded. */
  eachObject(key: string, need: Presence, expected: string, check: (item: Fields, index: number) => void): void {
    const items = this.list(key, need, `a list of ${expected}`);
    items?.forEach((item, index) => {
      const at = pathOf(this.path(key), index);
      if (!this.isObject(item)) this.problems.add('value-invalid', at, `must be ${expected}, not ${show(item)}`);
      else check(new Fields(this.problems, item, at, this.plainOnly), index);
    });
  }

  private isObject(value: unknown): value is Record<string, unknown> {
    return this.plainOnly ? isPlainObject(value) : isRecord(value);
  }

  /** A list of strings (`non-empty`: each one a non-empty string). */
  texts(key: string, each: 'any' | 'non-empty' = 'any'): void {
    this.list(key, 'optional', 'a list of texts')?.forEach((value, index) => {
      if (typeof value !== 'string' || (each === 'non-empty' && value.trim() === '')) {
        this.problems.add('value-invalid', pathOf(this.path(key), index), `must be a ${each === 'non-empty' ? 'non-empty ' : ''}text, not ${show(value)}`);
      }
    });
  }
}
