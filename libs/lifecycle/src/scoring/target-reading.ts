import { type Target } from '../objective/objective-definition';
import { parseItalianDate, parseItalianNumber } from './italian-numbers';

/**
 * What the system made of a target written in Italian. `read`: a structured target, saying whether its sense
 * came from the text ("almeno", "max", "entro") or from the convention for a bare value. `unread`: the text
 * stays text and a person must look at it; nothing is guessed.
 */
export type TargetReading = { status: 'read'; target: Target; senseFrom: 'text' | 'convention' } | { status: 'unread'; text: string; reason: string };

type Sense = NonNullable<Target['sense']>;

// Longest first, so that "almeno pari a" wins over "almeno".
const COMPARATORS: [string, Sense, boolean][] = (
  [
    ['almeno pari a', 'at-least', false],
    ['non inferiore a', 'at-least', false],
    ['non meno di', 'at-least', false],
    ['almeno', 'at-least', false],
    ['minimo', 'at-least', false],
    ['min.', 'at-least', false],
    ['min', 'at-least', false],
    ['≥', 'at-least', false],
    ['>=', 'at-least', false],
    ['più di', 'at-least', true],
    ['oltre', 'at-least', true],
    ['>', 'at-least', true],
    ['non superiore a', 'at-most', false],
    ['non più di', 'at-most', false],
    ['non oltre', 'at-most', false],
    ['al massimo', 'at-most', false],
    ['massimo', 'at-most', false],
    ['max.', 'at-most', false],
    ['max', 'at-most', false],
    ['≤', 'at-most', false],
    ['<=', 'at-most', false],
    ['inferiore a', 'at-most', true],
    ['meno di', 'at-most', true],
    ['<', 'at-most', true],
    ['esattamente', 'exactly', false],
    ['pari a', 'exactly', false],
    ['=', 'exactly', false],
  ] as [string, Sense, boolean][]
).sort((a, b) => b[0].length - a[0].length);

const UNITS: Record<string, string> = {
  '%': '%',
  '€': '€',
  euro: '€',
  '/anno': '/anno',
  "all'anno": '/anno',
  annui: '/anno',
  '/mese': '/mese',
  mensili: '/mese',
  giorni: 'giorni',
  gg: 'giorni',
  mesi: 'mesi',
  ore: 'ore',
};

export const DONE_WORDS = ['fatto', 'fatta', 'si', 'sì', 'on', 'realizzato', 'realizzata', 'si/no', 'sì/no'];
export const NOT_DONE_WORDS = ['no', 'non fatto', 'non fatta', 'off', 'non realizzato'];

/** Indicator types where less is better, so that a bare value is read as a ceiling. */
const LOWER_IS_BETTER = ['costo', 'economicita'];

export function readTarget(text: string, indicatorType?: string): TargetReading {
  const original = text;
  const unread = (reason: string): TargetReading => ({ status: 'unread', text: original, reason });
  if (text.trim() === '') return unread('empty');
  if (/[\n;]./.test(text.trim())) return unread('several targets in one text');
  let t = text.trim().toLowerCase().replace(/\s+/g, ' ').replace(/[.;]$/, '');

  if (DONE_WORDS.includes(t)) return { status: 'read', target: { text: original, sense: 'done' }, senseFrom: 'text' };

  const byDate = /^entro (?:il |la data del |la data )?(.+)$/.exec(t);
  if (byDate) {
    const date = parseItalianDate(byDate[1]);
    if (date) return { status: 'read', target: { text: original, sense: 'by-date', date }, senseFrom: 'text' };
  }

  let sense: Sense | undefined;
  let strict = false;
  for (const [word, s, isStrict] of COMPARATORS) {
    if (t.startsWith(word) && (!/[a-z]$/.test(word) || !/[a-z]/.test(t.charAt(word.length)))) {
      [sense, strict] = [s, isStrict];
      t = t.slice(word.length).trim();
      break;
    }
  }
  t = t.replace(/^(n\.|nr\.|n°|n)\s*/, '');

  const quantity = /^(€\s*)?([\d.,]+|[a-z]+)\s*(.*)$/.exec(t);
  if (!quantity) return unread('no value found');
  const value = parseItalianNumber(quantity[2]);
  if (value === undefined) return unread(`"${quantity[2]}" is not a number`);
  const unitText = quantity[3].trim();
  let unit = quantity[1] ? '€' : undefined;
  if (unitText !== '') {
    const known = UNITS[unitText];
    if (!known || (unit && known !== '€')) return unread(`"${unitText}" is not a unit the reader knows`);
    unit = known;
  }
  const senseFrom = sense ? 'text' : 'convention';
  const readSense: Sense = sense ?? (indicatorType && LOWER_IS_BETTER.includes(indicatorType) ? 'at-most' : 'at-least');
  const target: Target = { text: original, sense: readSense, value, ...(unit ? { unit } : {}), ...(strict ? { strict: true } : {}) };
  return { status: 'read', target, senseFrom };
}
