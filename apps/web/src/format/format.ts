/** Dates and numbers as an Italian office writes them: 31/07/2025, 12,5 %. */

const NUMBER = new Intl.NumberFormat('it-IT', { maximumFractionDigits: 2 });

/** `YYYY-MM-DD` (the API's calendar dates) as `dd/mm/yyyy`; anything else unchanged. */
export function formatDate(isoDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : isoDate;
}

export function formatNumber(value: number): string {
  return NUMBER.format(value);
}

export function formatPercent(value: number): string {
  return `${NUMBER.format(value)} %`;
}
