import { parseCalendarDate, type CalendarDate } from '../calendar/calendar-date';

/**
 * The words of Italian targets and what each says. The reader (target-reading.ts) applies rules over these
 * words; this file holds the vocabulary, so that a new word is one line here, never a new rule.
 */

export type Sense = 'at-least' | 'at-most' | 'exactly';

/** The letters of Italian words; `\b` knows only ASCII and would cut "morosità" or "purché". */
export const LETTERS = 'a-zà-öø-ÿ';
/** Whole words only: any of `alternatives` with no letter on either side. */
const wordsRe = (alternatives: string) => new RegExp(`(?<![${LETTERS}])(?:${alternatives})(?![${LETTERS}])`);

/**
 * Comparators, in their Italian spellings. `strict`: the value itself does not meet the target ("> 3"). `limit`:
 * the words name a level not to pass ("fino a", "nel limite di"), so after a change word the value is the level.
 * `adjective`: a comparator only when a value or its preposition follows ("superiore a 3", "maggiore 50%"), not in
 * "scuole secondarie superiori".
 */
export const COMPARATORS: { words: string; sense: Sense; strict?: boolean; limit?: boolean; adjective?: boolean }[] = [
  // at least
  { words: 'almeno', sense: 'at-least' },
  { words: 'come minimo', sense: 'at-least' },
  { words: 'minimo', sense: 'at-least' },
  { words: 'min.', sense: 'at-least' },
  { words: 'min', sense: 'at-least' },
  { words: 'non meno di', sense: 'at-least' },
  { words: 'non inferiore', sense: 'at-least', adjective: true },
  { words: 'non inferiori', sense: 'at-least', adjective: true },
  { words: 'pari o superiore', sense: 'at-least', adjective: true },
  { words: 'pari o superiori', sense: 'at-least', adjective: true },
  { words: 'uguale o superiore', sense: 'at-least', adjective: true },
  { words: 'superiore o uguale', sense: 'at-least', adjective: true },
  { words: 'maggiore o uguale', sense: 'at-least', adjective: true },
  { words: 'o più', sense: 'at-least' },
  { words: 'o superiore', sense: 'at-least' },
  { words: '≥', sense: 'at-least' },
  { words: '>=', sense: 'at-least' },
  { words: '=>', sense: 'at-least' },
  { words: 'più di', sense: 'at-least', strict: true },
  { words: 'oltre', sense: 'at-least', strict: true },
  { words: 'superiore', sense: 'at-least', strict: true, adjective: true },
  { words: 'superiori', sense: 'at-least', strict: true, adjective: true },
  { words: 'maggiore', sense: 'at-least', strict: true, adjective: true },
  { words: 'maggiori', sense: 'at-least', strict: true, adjective: true },
  { words: '>', sense: 'at-least', strict: true },
  // at most
  { words: 'al massimo', sense: 'at-most' },
  { words: 'massimo', sense: 'at-most' },
  { words: 'max.', sense: 'at-most' },
  { words: 'max', sense: 'at-most' },
  { words: 'non oltre', sense: 'at-most' },
  { words: 'non superiore', sense: 'at-most', adjective: true },
  { words: 'non superiori', sense: 'at-most', adjective: true },
  { words: 'non più di', sense: 'at-most' },
  { words: 'non maggiore', sense: 'at-most', adjective: true },
  { words: 'fino a', sense: 'at-most', limit: true },
  { words: 'fino ad', sense: 'at-most', limit: true },
  { words: 'entro il limite di', sense: 'at-most', limit: true },
  { words: 'entro il limite massimo di', sense: 'at-most', limit: true },
  { words: 'nel limite di', sense: 'at-most', limit: true },
  { words: 'nel limite massimo di', sense: 'at-most', limit: true },
  { words: 'limite massimo di', sense: 'at-most', limit: true },
  { words: 'tetto massimo di', sense: 'at-most', limit: true },
  { words: 'tetto di', sense: 'at-most', limit: true },
  { words: 'sotto', sense: 'at-most', strict: true, limit: true },
  { words: 'sotto il', sense: 'at-most', strict: true, limit: true },
  { words: 'sotto la soglia di', sense: 'at-most', strict: true, limit: true },
  { words: 'pari o inferiore', sense: 'at-most', adjective: true },
  { words: 'pari o inferiori', sense: 'at-most', adjective: true },
  { words: 'uguale o inferiore', sense: 'at-most', adjective: true },
  { words: 'inferiore o uguale', sense: 'at-most', adjective: true },
  { words: 'minore o uguale', sense: 'at-most', adjective: true },
  { words: 'o meno', sense: 'at-most' },
  { words: '≤', sense: 'at-most' },
  { words: '<=', sense: 'at-most' },
  { words: '=<', sense: 'at-most' },
  { words: 'meno di', sense: 'at-most', strict: true },
  { words: 'inferiore', sense: 'at-most', strict: true, adjective: true },
  { words: 'inferiori', sense: 'at-most', strict: true, adjective: true },
  { words: 'minore', sense: 'at-most', strict: true, adjective: true },
  { words: 'minori', sense: 'at-most', strict: true, adjective: true },
  { words: '<', sense: 'at-most', strict: true },
  // exactly
  { words: 'esattamente', sense: 'exactly' },
  { words: 'pari a', sense: 'exactly' },
  { words: 'pari al', sense: 'exactly' },
  { words: "pari all'", sense: 'exactly' },
  { words: 'pari ad', sense: 'exactly' },
  { words: '=', sense: 'exactly' },
];

/** Comparators that may also follow the value: "80% minimo", "3 o più". */
export const POSTFIX_COMPARATORS = ['minimo', 'min', 'min.', 'come minimo', 'massimo', 'max', 'max.', 'al massimo', 'almeno', 'o più', 'o superiore', 'o meno'];

/**
 * Words of change. A decrease or an increase says where the value goes; a saving is an amount of its own, to
 * reach. Written "del 10%" the goal is the change; written "a 30 giorni" it is the level; "da 45 a 30" both.
 */
export type ChangeWord = 'decrease' | 'increase' | 'saving';
export const CHANGE_WORDS: { stem: RegExp; kind: ChangeWord }[] = [
  {
    stem: /^(riduzion[ei]|ridurre|ridott[oaie]|riduce|ridurr[àa]|diminuzion[ei]|diminuire|diminuit[oaie]|calo|contenimento|contenere|contenut[oaie]|abbattimento|abbattere|decremento)$/,
    kind: 'decrease',
  },
  {
    stem: /^(aumento|aumenti|aumentare|aumentat[oaie]|incremento|incrementi|incrementare|incrementat[oaie]|crescita|accrescere|potenziamento)$/,
    kind: 'increase',
  },
  { stem: /^(risparmio|risparmi|risparmiare|risparmiat[oaie]|economia|economie)$/, kind: 'saving' },
];

/** Done/not done, as plans write a yes/no target or value. */
export const DONE_WORDS = [
  'fatto',
  'fatta',
  'fatti',
  'si',
  'sì',
  'on',
  'realizzato',
  'realizzata',
  'completato',
  'completata',
  'eseguito',
  'eseguita',
  'raggiunto',
  'si/no',
  'sì/no',
  'si / no',
];
export const NOT_DONE_WORDS = ['no', 'non fatto', 'non fatta', 'off', 'non realizzato', 'non realizzata', 'non completato', 'non completata', 'non raggiunto'];

/** Words that make a target depend on something outside it: a person must weigh it. */
export const CONDITION_WORDS = wordsRe(
  'se|qualora|quando|purch[ée]|compatibilmente|salvo|eventualmente|eventuali|ove|previa|previo|subordinat[oaie]|nei limiti|presumibilmente|indicativamente|orientativamente|possibilmente',
);

/** A goal stated per item ("per ciascuna zona", "per ogni luogo"): its total depends on how many there are. */
export const PER_ITEM_WORDS = wordsRe(
  "(?:per )?(?:ogni|ciascun[oa]?)(?! (?:anno|mese|settimana|trimestre|semestre|giorno)(?![a-z]))|per ciascun'|a testa|pro capite",
);

/** Words that negate or qualify what follows. */
export const NEGATION_WORDS = /^(non|senza|né)$/;

/** "nessun disservizio", "zero reclami": none, at most 0. */
export const NONE_WORDS = /^(nessun[oa]?|nessun'|zero)$/;

/** Deadlines named but not dated: "entro i termini di legge", "nei tempi stabiliti", "entro la scadenza fissata". */
export const UNDATED_DEADLINE = new RegExp(
  `(?<![${LETTERS}])(?:entro|nei|nel rispetto de[il]|secondo|prima del(?:la|le)?)(?![${LETTERS}]).*(?<![${LETTERS}])(?:termin[ei]|scadenz[ae]|tempi|tempistica)(?![${LETTERS}])`,
);

/** Units a value may carry; keys as written, values as stored. */
export const UNITS: Record<string, string> = {
  '%': '%',
  '€': '€',
  euro: '€',
  eur: '€',
  giorni: 'giorni',
  giorno: 'giorni',
  gg: 'giorni',
  'gg.': 'giorni',
  mesi: 'mesi',
  mese: 'mesi',
  ore: 'ore',
  settimane: 'settimane',
  '/anno': '/anno',
  '/mese': '/mese',
  '/sett': '/settimana',
  '/settimana': '/settimana',
  '/trimestre': '/trimestre',
  '/semestre': '/semestre',
  '/giorno': '/giorno',
};

/** Units of time taken: a bare duration may be a limit ("30 giorni" to answer) or a goal ("300 giorni" open). */
export const DURATION_UNITS = new Set(['giorni', 'mesi', 'ore', 'settimane']);

/** Words of an indicator's description naming something one wants less of (costs, waits, errors, complaints). */
export const LESS_IS_BETTER_WORDS = wordsRe(
  'cost[oi]|spes[ae]|oneri|tempo medio|tempi medi|tempi di attesa|attesa|durata|ritard[oi]|error[ei]|reclam[oi]|disserviz[oi]|segnalazioni negative|contestazion[ei]|ricorsi|contenzios[oi]|sinistri|infortuni|assenz[ae]|morosit[aà]|residui|debit[oi]|giacenz[ae]|arretrat[oi]',
);

export const NUMBER_WORDS: Record<string, number> = {
  due: 2,
  tre: 3,
  quattro: 4,
  cinque: 5,
  sei: 6,
  sette: 7,
  otto: 8,
  nove: 9,
  dieci: 10,
  venti: 20,
  cento: 100,
};
/** "un", "una", "uno" are numbers only after a comparator ("almeno un evento"); elsewhere they are articles. */
export const ONE_WORDS = new Set(['un', 'uno', 'una', "un'"]);

export const MONTHS = ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'];

/** Why a target was left to a person: stable codes, with the words shown beside them. */
export const TARGET_FLAG_REASONS = {
  empty: 'the target is empty',
  'several-targets': 'several targets in one text: each needs its own indicator',
  'no-value': 'no value, date or done/not-done in the text',
  'ambiguous-number': 'a number that can be read two ways (e.g. "4.5": decimal point or thousands?)',
  'date-without-year': 'a date without its year',
  'invalid-date': 'a date that does not exist',
  'deadline-without-date': 'a deadline named but not dated ("entro i termini previsti")',
  'direction-unstated': 'the words do not say whether the value is a floor or a ceiling, and here less may be better',
  'level-or-change': 'a change without "del"/"a": the value may be the level to reach or the amount of change',
  'conflicting-directions': 'the words point both ways',
  'per-item': 'a value per item ("per ciascuna zona"): the total depends on how many',
  condition: 'the target depends on a condition ("se", "compatibilmente con", "nei limiti")',
  range: 'a range or an alternative between two values',
  'several-values': 'more than one value, and the text does not say which is the target',
  'extra-words': 'words around the value that may change its meaning',
  'units-differ': 'the two ends of "da … a …" are in different units',
} as const;

export type TargetFlagCode = keyof typeof TARGET_FLAG_REASONS;
export const TARGET_FLAG_CODES = Object.keys(TARGET_FLAG_REASONS) as TargetFlagCode[];

/** A date as a token of the text: a day, or why it is not one. */
export interface DateWord {
  date?: CalendarDate;
  problem?: 'date-without-year' | 'invalid-date' | 'deadline-without-date';
}

const lastDay = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const iso = (year: number, month: number, day: number) => parseCalendarDate(`${day}/${month}/${year}`);

/** Years written with two digits ("31/12/25") are of this century: 20YY. */
export function fullYear(text: string): number {
  const n = Number(text);
  return text.length === 2 ? 2000 + n : n;
}

/** A day from its parts; `year` absent: the plan's year when given, otherwise the date has no year. */
export function dayOf(day: number, month: number, year: number | undefined): DateWord {
  if (year === undefined) return { problem: 'date-without-year' };
  const date = iso(year, month, day);
  return date ? { date } : { problem: 'invalid-date' };
}

/** The last day of a month: "entro giugno 2025" is by 30/06/2025. */
export function endOfMonth(month: number, year: number | undefined): DateWord {
  return year === undefined ? { problem: 'date-without-year' } : dayOf(lastDay(year, month), month, year);
}

/** The last day of a quarter (1–4) or a half (5–6 standing for the two semesters). */
export function endOfPeriod(kind: 'trim' | 'sem', n: number, year: number | undefined): DateWord {
  const month = kind === 'trim' ? n * 3 : n * 6;
  if (month < 1 || month > 12) return { problem: 'invalid-date' };
  return endOfMonth(month, year);
}

export const ROMAN: Record<string, number> = { i: 1, ii: 2, iii: 3, iv: 4, primo: 1, secondo: 2, terzo: 3, quarto: 4, '1': 1, '2': 2, '3': 3, '4': 4 };
