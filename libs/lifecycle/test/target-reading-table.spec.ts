import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTarget, TARGET_FLAG_CODES, TARGET_FLAG_REASONS, type TargetFlagCode, type TargetReading } from '@piao/lifecycle';

/**
 * The target-reading table: real targets of the four plans in shared/ (seeds and fixtures), quoted as the plans
 * wrote them, each with the reading a person gives it. The data is test/fixtures/target-texts.json, one group per
 * source file (its `source` says which, and each case's `line` where); the rules are in docs/target-reading.md.
 */

type Expected =
  | { flag: TargetFlagCode }
  | {
      sense: 'at-least' | 'at-most' | 'exactly' | 'by-date' | 'done';
      value?: number;
      strict?: boolean;
      unit?: string;
      date?: string;
      senseFrom: 'text' | 'description' | 'convention';
      start?: { value: number; unit?: string };
      change?: 'increase' | 'decrease';
    };

interface Case {
  text: string;
  type?: string;
  description?: string;
  line: string;
  expect: Expected;
}

const table = JSON.parse(readFileSync(join(__dirname, 'fixtures/target-texts.json'), 'utf8')) as { groups: { source: string; cases: Case[] }[] };
const cases = table.groups.flatMap((g) => g.cases);
const readingOf = (c: Case) => readTarget(c.text, { type: c.type, description: c.description });

/** The reading the table expects, in the reader's own shape. */
function expected(c: Case): TargetReading {
  if ('flag' in c.expect) return { status: 'unread', text: c.text, code: c.expect.flag, reason: TARGET_FLAG_REASONS[c.expect.flag] };
  const { senseFrom, start, change, ...target } = c.expect;
  return { status: 'read', target: { text: c.text, ...target }, senseFrom, ...(start ? { start } : {}), ...(change ? { change } : {}) };
}

describe('the target-reading table', () => {
  it('holds at least 150 real target texts', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(new Set(cases.map((c) => c.text)).size).toBeGreaterThanOrEqual(150);
  });

  for (const group of table.groups) {
    describe(group.source, () => {
      it.each(group.cases.map((c) => [c.line, c.text, c] as const))('%s %j', (_line, _text, c) => {
        expect(readingOf(c)).toEqual(expected(c));
      });
    });
  }

  it('reads most of them and flags each of the others with a stable code and its words', () => {
    const readings = cases.map(readingOf);
    const flagged = readings.filter((r): r is Extract<TargetReading, { status: 'unread' }> => r.status === 'unread');
    for (const r of flagged) {
      expect(TARGET_FLAG_CODES).toContain(r.code);
      expect(r.reason).toBe(TARGET_FLAG_REASONS[r.code]);
    }
    const byCode = Object.fromEntries(TARGET_FLAG_CODES.map((code) => [code, flagged.filter((r) => r.code === code).length]).filter(([, n]) => n !== 0));
    const bySense = readings.reduce<Record<string, number>>(
      (acc, r) => (r.status === 'read' ? { ...acc, [r.target.sense!]: (acc[r.target.sense!] ?? 0) + 1 } : acc),
      {},
    );
    // The figures of docs/target-reading.md: a change in the reader shows up here.
    expect({ cases: cases.length, read: readings.length - flagged.length, flagged: flagged.length }).toEqual({ cases: 360, read: 289, flagged: 71 });
    expect(bySense).toEqual({ 'at-least': 215, 'at-most': 9, 'by-date': 29, done: 36 });
    expect(byCode).toEqual({
      empty: 2,
      'several-targets': 16,
      'no-value': 13,
      'date-without-year': 17,
      'deadline-without-date': 3,
      'direction-unstated': 8,
      'per-item': 2,
      condition: 4,
      range: 1,
      'extra-words': 5,
    });
  });

  it('never takes the direction from the indicator type: without the type a reading keeps its sense', () => {
    for (const c of cases.filter((x) => x.type !== undefined)) {
      const withType = readingOf(c);
      const withoutType = readTarget(c.text, { description: c.description });
      if (withType.status === 'read')
        expect({ text: c.text, sense: withoutType.status === 'read' ? withoutType.target.sense : withoutType.code }).toEqual({
          text: c.text,
          sense: withType.target.sense,
        });
    }
  });

  it('never invents a value or a date that the text (or the description it read) does not hold', () => {
    const digits = (s: string) => s.replace(/[.\s]/g, '');
    const numberWords: Record<number, string[]> = { 1: ['un', 'uno', 'una'], 2: ['due'], 3: ['tre'], 4: ['quattro'], 0: ['nessun', 'zero'] };
    for (const c of cases) {
      const r = readingOf(c);
      if (r.status !== 'read') continue;
      const { value, date } = r.target;
      const source = r.senseFrom === 'description' ? `${c.text} ${c.description}` : c.text;
      if (value !== undefined) {
        const written = digits(source).includes(String(value).replace('.', ',')) || (numberWords[value] ?? []).some((w) => source.toLowerCase().includes(w));
        expect({ text: c.text, value, written }).toEqual({ text: c.text, value, written: true });
      }
      if (date !== undefined)
        expect({ text: c.text, year: source.includes(date.slice(0, 4)) || source.includes(`/${date.slice(2, 4)}`) }).toEqual({ text: c.text, year: true });
    }
  });
});
