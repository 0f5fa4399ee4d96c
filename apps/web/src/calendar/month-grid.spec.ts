import { addMonths, byDay, daysInMonth, monthGrid, monthKey, parseMonth } from './month-grid';

describe('the month grid of the deadlines calendar', () => {
  it('starts on Monday and fills the first and last week with the months around: June 2025 (a Sunday the 1st)', () => {
    const weeks = monthGrid({ year: 2025, month: 6 });
    expect(weeks).toHaveLength(6);
    expect(weeks.every((w) => w.length === 7)).toBe(true);
    expect(weeks[0][0]).toEqual({ date: '2025-05-26', day: 26, inMonth: false });
    expect(weeks[0][6]).toEqual({ date: '2025-06-01', day: 1, inMonth: true });
    expect(weeks[5][0]).toEqual({ date: '2025-06-30', day: 30, inMonth: true });
    expect(weeks[5][6]).toEqual({ date: '2025-07-06', day: 6, inMonth: false });
    expect(weeks.flat().filter((c) => c.inMonth)).toHaveLength(30);
  });

  it('has four weeks for a February that starts on Monday, and counts leap years', () => {
    expect(monthGrid({ year: 2021, month: 2 })).toHaveLength(4);
    expect(monthGrid({ year: 2021, month: 2 })[0][0].date).toBe('2021-02-01');
    expect(daysInMonth({ year: 2024, month: 2 })).toBe(29);
    expect(daysInMonth({ year: 2100, month: 2 })).toBe(28);
    expect(daysInMonth({ year: 2000, month: 2 })).toBe(29);
  });

  it('keeps the days across the daylight-saving change of the last Sunday of March and of October', () => {
    const march = monthGrid({ year: 2025, month: 3 }).flat();
    expect(march.map((c) => c.date)).toContain('2025-03-30');
    expect(new Set(march.map((c) => c.date)).size).toBe(march.length);
    const october = monthGrid({ year: 2025, month: 10 })
      .flat()
      .filter((c) => c.inMonth);
    expect(october.map((c) => c.day)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
  });

  it('moves between months across the years, and reads a month from the address', () => {
    expect(addMonths({ year: 2025, month: 12 }, 1)).toEqual({ year: 2026, month: 1 });
    expect(addMonths({ year: 2025, month: 1 }, -1)).toEqual({ year: 2024, month: 12 });
    expect(addMonths({ year: 2025, month: 6 }, -18)).toEqual({ year: 2023, month: 12 });
    expect(parseMonth('2025-06')).toEqual({ year: 2025, month: 6 });
    expect(parseMonth('2025-06-30')).toEqual({ year: 2025, month: 6 });
    expect(parseMonth('2025-13')).toBeUndefined();
    expect(parseMonth('giugno')).toBeUndefined();
    expect(monthKey({ year: 2025, month: 6 })).toBe('2025-06');
  });

  it('groups the deadlines by their day', () => {
    const days = byDay(
      [
        { d: '2025-06-30', n: 1 },
        { d: '2025-07-31', n: 2 },
        { d: '2025-06-30', n: 3 },
      ],
      (x) => x.d,
    );
    expect(days.get('2025-06-30')?.map((x) => x.n)).toEqual([1, 3]);
    expect(days.get('2025-07-01')).toBeUndefined();
  });
});
