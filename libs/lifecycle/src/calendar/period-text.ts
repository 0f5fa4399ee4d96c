import { withoutAccents } from '../invariants/folded-text';
import { type CalendarDate } from './calendar-date';

/** A period as a plan writes it, read into dates only where the words leave no doubt. */
export interface PinnedPeriod {
  start: CalendarDate;
  end: CalendarDate;
}

const MONTHS = ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'];
const MONTH_SHORT = ['gen', 'feb', 'mar', 'apr', 'mag', 'giu', 'lug', 'ago', 'set', 'ott', 'nov', 'dic'];
const ORDINALS: Record<string, number> = {
  '1': 1,
  i: 1,
  primo: 1,
  '2': 2,
  ii: 2,
  secondo: 2,
  '3': 3,
  iii: 3,
  terzo: 3,
  '4': 4,
  iv: 4,
  quarto: 4,
};
const ORDINAL = `(1|2|3|4|i|ii|iii|iv|primo|secondo|terzo|quarto)`;
const YEAR = `(?:\\s+(?:del\\s+|dell'anno\\s+)?(20\\d\\d))?`;
const BY = `(?:entro\\s+(?:il\\s+|la\\s+|l'|fine\\s+|la\\s+fine\\s+(?:del|di)\\s+)?|fine\\s+|a\\s+)?`;

/**
 * The dates a phase's period as written pins down, in `year` unless the text names its own: a quarter ("II trim",
 * "4° trimestre"), a half ("1 sem", "secondo semestre"), the year ("annuale", "entro l'anno"), a month ("entro
 * giugno", "giugno 2025") or months ("gennaio-marzo"). Anything else — several ranges, checkpoints ("luglio e
 * gennaio"), a season, "in corso" — pins nothing down and is kept as written: undefined, never a guess.
 */
export function pinnedPeriod(text: string, year: number): PinnedPeriod | undefined {
  const t = withoutAccents(text.toLowerCase())
    .replace(/[°ºª.]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  let match = new RegExp(`^${BY}${ORDINAL}\\s*(?:trim|trimestre)${YEAR}$`).exec(t);
  if (match) return quarterOf(ORDINALS[match[1]], yearOr(match[2], year), 3);
  match = new RegExp(`^${BY}${ORDINAL}\\s*(?:sem|semestre)${YEAR}$`).exec(t);
  if (match && ORDINALS[match[1]] <= 2) return quarterOf(ORDINALS[match[1]], yearOr(match[2], year), 6);
  match = new RegExp(`^(?:annuale|annuale ciclico|annuale_ciclico|intero anno|tutto l'anno|anno|${BY}(?:l'anno|anno))${YEAR}$`).exec(t);
  if (match) return monthsOf(1, 12, yearOr(match[1], year));
  const month = `(${MONTHS.join('|')}|${MONTH_SHORT.join('|')})`;
  match = new RegExp(`^${BY}${month}${YEAR}$`).exec(t);
  if (match) return monthsOf(monthNumber(match[1]), monthNumber(match[1]), yearOr(match[2], year));
  match = new RegExp(`^(?:da\\s+)?${month}\\s*(?:-|–|/|a|al)\\s*${month}${YEAR}$`).exec(t);
  if (match && monthNumber(match[1]) <= monthNumber(match[2])) return monthsOf(monthNumber(match[1]), monthNumber(match[2]), yearOr(match[3], year));
  return undefined;
}

function yearOr(written: string | undefined, year: number): number {
  return written ? Number(written) : year;
}

function monthNumber(word: string): number {
  const full = MONTHS.indexOf(word);
  return (full >= 0 ? full : MONTH_SHORT.indexOf(word)) + 1;
}

/** The `index`-th period of `months` months of the year: quarters (3) and halves (6). */
function quarterOf(index: number, year: number, months: number): PinnedPeriod {
  return monthsOf((index - 1) * months + 1, index * months, year);
}

function monthsOf(first: number, last: number, year: number): PinnedPeriod {
  const lastDay = new Date(Date.UTC(year, last, 0)).getUTCDate();
  const pad = (n: number) => String(n).padStart(2, '0');
  return { start: `${year}-${pad(first)}-01`, end: `${year}-${pad(last)}-${pad(lastDay)}` };
}
