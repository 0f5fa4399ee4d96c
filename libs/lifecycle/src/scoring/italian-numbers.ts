import { parseCalendarDate, type CalendarDate } from '../calendar/calendar-date';

const WORDS: Record<string, number> = { un: 1, uno: 1, una: 1, due: 2, tre: 3, quattro: 4, cinque: 5, sei: 6, sette: 7, otto: 8, nove: 9, dieci: 10 };

/**
 * A number as Italian plans write it: `4,00`, `150.000,00`, `252.118`, `3`, `due`. A dot is a thousands
 * separator only in groups of three digits; `4.5` is ambiguous and is not read.
 */
export function parseItalianNumber(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t in WORDS) return WORDS[t];
  if (/^-?\d{1,3}(\.\d{3})+(,\d+)?$/.test(t)) return Number(t.replace(/\./g, '').replace(',', '.'));
  if (/^-?\d+(,\d+)?$/.test(t)) return Number(t.replace(',', '.'));
  return undefined;
}

const MONTHS = ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'];

/**
 * A day as plans write it: `31/12/2025`, `31.05.2023`, `2025-06-30`, or a month with its year (`giugno 2025`,
 * read as the month's last day). A month without a year (`entro aprile`) is not a date: the year is not guessed.
 */
export function parseItalianDate(text: string): CalendarDate | undefined {
  const t = text.trim().toLowerCase();
  const dotted = /^(\d{1,2})[.-](\d{1,2})[.-](\d{4})$/.exec(t);
  if (dotted) return parseCalendarDate(`${dotted[1]}/${dotted[2]}/${dotted[3]}`);
  const month = /^([a-z]+) (\d{4})$/.exec(t);
  if (month) {
    const index = MONTHS.indexOf(month[1]);
    if (index < 0) return undefined;
    const last = new Date(Date.UTC(Number(month[2]), index + 1, 0)).getUTCDate();
    return parseCalendarDate(`${last}/${index + 1}/${month[2]}`);
  }
  return parseCalendarDate(t);
}
