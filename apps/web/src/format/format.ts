/** Dates and numbers as an Italian office writes them: 31/07/2025, 12,5 %. */

const NUMBER = new Intl.NumberFormat('it-IT', { maximumFractionDigits: 2 });

const ROME_DAY = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', day: '2-digit', month: '2-digit', year: 'numeric' });

/**
 * A calendar date (`YYYY-MM-DD`) as `dd/mm/yyyy`; an instant (`…T…Z`) as the day it was in Italy (an event recorded
 * at 23:30 in Rome is of that day, not of the next in UTC); anything else unchanged.
 */
export function formatDate(value: string): string {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (date) return `${date[3]}/${date[2]}/${date[1]}`;
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(value)) return ROME_DAY.format(new Date(value));
  return value;
}

/** A value of the API as people read it: dates as above, numbers with a decimal comma, the rest as text. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return formatDate(value);
  if (typeof value === 'boolean') return value ? 'sì' : 'no';
  return JSON.stringify(value);
}

export function formatNumber(value: number): string {
  return NUMBER.format(value);
}

export function formatPercent(value: number): string {
  return `${NUMBER.format(value)} %`;
}

/** A number as people type it here ("40,5", "40.5", " 40 "): NaN when it is not one, for the API to name the field. */
export function parseDecimal(text: string): number {
  const trimmed = text.trim().replace(',', '.');
  return trimmed === '' || !/^-?\d+(\.\d+)?$/.test(trimmed) ? Number.NaN : Number(trimmed);
}
