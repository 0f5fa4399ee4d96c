import Holidays from 'date-holidays';
import { type CalendarDate } from '../calendar/calendar-date';
import { type MonthDay } from './reminder-policy';

/** National public holidays by year, computed once (Easter Monday moves; the list changes by law: 4 October from 2026). */
const nationalHolidays = new Map<number, Set<CalendarDate>>();
const italy = new Holidays('IT');

function holidaysOf(year: number): Set<CalendarDate> {
  let days = nationalHolidays.get(year);
  if (!days) {
    days = new Set((italy.getHolidays(year) || []).filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10)));
    nationalHolidays.set(year, days);
  }
  return days;
}

/** Saturday, Sunday, an Italian national holiday or the municipality's patron saint's day: nobody is written to. */
export function isQuietDay(date: CalendarDate, patronSaintDay?: MonthDay): boolean {
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
  if (weekday === 0 || weekday === 6) return true;
  if (patronSaintDay !== undefined && date.slice(5) === patronSaintDay) return true;
  return holidaysOf(Number(date.slice(0, 4))).has(date);
}

/** The date itself when it is a working day, else the next one. */
export function workingDayFrom(date: CalendarDate, patronSaintDay?: MonthDay): CalendarDate {
  let day = date;
  while (isQuietDay(day, patronSaintDay)) day = addDays(day, 1);
  return day;
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
