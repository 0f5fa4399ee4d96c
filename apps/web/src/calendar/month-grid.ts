/** The month grid of the deadlines calendar: pure date arithmetic on calendar dates (no time zone can shift a day). */

export interface Month {
  year: number;
  /** 1–12. */
  month: number;
}

export interface DayCell {
  /** `YYYY-MM-DD`. */
  date: string;
  day: number;
  /** False for the days of the previous or next month that fill the first and last week. */
  inMonth: boolean;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)}`;
}

export function daysInMonth({ year, month }: Month): number {
  // Day 0 of the next month is the last of this one; UTC so that no daylight-saving change moves it.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The month `delta` months after (or before, when negative) `from`. */
export function addMonths({ year, month }: Month, delta: number): Month {
  const index = year * 12 + (month - 1) + delta;
  return { year: Math.floor(index / 12), month: (((index % 12) + 12) % 12) + 1 };
}

/** `YYYY-MM` (or a whole `YYYY-MM-DD`) as a month; undefined for anything else. */
export function parseMonth(text: string | null | undefined): Month | undefined {
  const m = /^(\d{4})-(\d{2})(?:-\d{2})?$/.exec(text ?? '');
  if (!m) return undefined;
  const month = Number(m[2]);
  return month >= 1 && month <= 12 ? { year: Number(m[1]), month } : undefined;
}

export function monthKey({ year, month }: Month): string {
  return `${String(year).padStart(4, '0')}-${pad(month)}`;
}

/**
 * The weeks of the month as Italy writes a calendar: Monday first, every week whole (the days of the months around
 * it fill the first and the last), 4 to 6 weeks.
 */
export function monthGrid(of: Month): DayCell[][] {
  const first = new Date(Date.UTC(of.year, of.month - 1, 1));
  // getUTCDay: 0 is Sunday; Monday first means Monday → 0 … Sunday → 6.
  const lead = (first.getUTCDay() + 6) % 7;
  const cells = Math.ceil((lead + daysInMonth(of)) / 7) * 7;
  const weeks: DayCell[][] = [];
  for (let i = 0; i < cells; i++) {
    const day = new Date(Date.UTC(of.year, of.month - 1, 1 - lead + i));
    const cell = {
      date: isoDate(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()),
      day: day.getUTCDate(),
      inMonth: day.getUTCMonth() + 1 === of.month,
    };
    if (i % 7 === 0) weeks.push([]);
    weeks[weeks.length - 1].push(cell);
  }
  return weeks;
}

/** Items by their `YYYY-MM-DD` day, each day's in the order given. */
export function byDay<T>(items: readonly T[], dayOf: (item: T) => string): Map<string, T[]> {
  const days = new Map<string, T[]>();
  for (const item of items) days.set(dayOf(item), [...(days.get(dayOf(item)) ?? []), item]);
  return days;
}
