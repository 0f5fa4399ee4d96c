/** The day a date field names, for time travel: dd/mm/yyyy (or yyyy-mm-dd), a real day, not after today. */

const ROME_ISO_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today as a calendar date in Italy (YYYY-MM-DD): the business dates of the API are Italian days. */
export function todayInRome(now: Date = new Date()): string {
  return ROME_ISO_DAY.format(now);
}

export type AsOfReading = { date: string; error?: undefined } | { date?: undefined; error: 'invalid' | 'future' };

/** `31/02/2025` is invalid (no such day), a day after `today` is in the future; otherwise the day as YYYY-MM-DD. */
export function readAsOf(text: string, today: string): AsOfReading {
  const trimmed = text.trim();
  const italian = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(trimmed);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
  const [year, month, day] = italian ? [italian[3], italian[2], italian[1]] : iso ? [iso[1], iso[2], iso[3]] : [];
  if (!year || !month || !day) return { error: 'invalid' };
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  const probe = new Date(Date.UTC(y, m - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) return { error: 'invalid' };
  const date = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  return date > today ? { error: 'future' } : { date };
}
