import { type Target } from '../objective/objective-definition';
import { withoutAccents } from '../invariants/folded-text';
import { parseItalianNumber } from './italian-numbers';
import {
  CHANGE_WORDS,
  COMPARATORS,
  CONDITION_WORDS,
  dayOf,
  DONE_WORDS,
  DURATION_UNITS,
  endOfMonth,
  endOfPeriod,
  fullYear,
  LESS_IS_BETTER_WORDS,
  LETTERS,
  MONTHS,
  NEGATION_WORDS,
  NONE_WORDS,
  NUMBER_WORDS,
  ONE_WORDS,
  PER_ITEM_WORDS,
  POSTFIX_COMPARATORS,
  ROMAN,
  TARGET_FLAG_REASONS,
  UNDATED_DEADLINE,
  UNITS,
  type ChangeWord,
  type DateWord,
  type Sense,
  type TargetFlagCode,
} from './target-words';

export { DONE_WORDS, NOT_DONE_WORDS, TARGET_FLAG_CODES, TARGET_FLAG_REASONS, type TargetFlagCode } from './target-words';

/**
 * What the system made of a target written in Italian.
 *
 * `read`: a structured target. `senseFrom` says where its direction came from: the words of the target
 * (`text`), the words of the indicator's description when the target is a bare value (`description`), or the
 * convention for a bare value, a bare date or a count with its noun (`convention`). `start`: the value the text
 * starts from ("da 45 giorni a 30 giorni"). `change`: the value is an amount of change from the indicator's
 * baseline ("riduzione del 10%"), not a level.
 *
 * `unread`: the text stays text and a person must look at it; `code` is stable, `reason` says it in words.
 * Nothing is guessed.
 */
export type TargetReading =
  | {
      status: 'read';
      target: Target;
      senseFrom: 'text' | 'description' | 'convention';
      start?: { value: number; unit?: string };
      change?: 'increase' | 'decrease';
    }
  | { status: 'unread'; text: string; code: TargetFlagCode; reason: string };

/** What the reader may know of the indicator beside its target. The type never gives the direction by itself. */
export interface TargetContext {
  /** The indicator's type, as listed or as written ("economicità"). */
  type?: string;
  /** number, percentage, date, done, text: on a yes/no measure "100%" and a bare description mean done. */
  measure?: string;
  /** The indicator's description: its words may state the direction of a bare value ("almeno n. 4 iniziative"). */
  description?: string;
  /** The plan's year, for a month written without one ("entro aprile"). */
  year?: number;
}

type Token =
  | { k: 'date'; raw: string; word: DateWord; yearEnd?: boolean }
  | { k: 'qty'; raw: string; value?: number; unit?: string; sign?: '+' | '-'; ambiguous?: boolean }
  | { k: 'cmp'; raw: string; sense: Sense; strict: boolean; limit: boolean }
  | { k: 'chg'; raw: string; kind: ChangeWord }
  | { k: 'by' | 'from' | 'to' | 'of' | 'none' | 'neg' | 'num' | 'open' | 'close' | 'alt' | 'word'; raw: string };

const LETTER = LETTERS;
const NOT_LETTER = `(?![${LETTER}])`;
const MONTH = `(${MONTHS.join('|')})`;
const FROM = /^(da|dal|dallo|dalla|dall'|dai|dagli|dalle)$/;
const TO = /^(a|ad|al|allo|alla|all'|ai|agli|alle)$/;
const OF = /^(di|del|dello|della|dell'|dei|degli|delle|d')$/;
const ARTICLE = /^(il|lo|la|l'|i|gli|le|un|uno|una|un')$/;
/** Words that may stand between a comparator and its value: "almeno pari complessivamente a", "non inferiore all'". */
const FILLER = /^(pari|complessivamente|numero|quota|soglia|totale|un totale|circa|rispettivamente)$/;

const SORTED_COMPARATORS = [...COMPARATORS].sort((a, b) => b.words.length - a.words.length);
/** What must follow "superiore", "inferiore", "maggiore", "minore" for them to compare: a value or its preposition. */
const ADJECTIVE_OBJECT = "(?=\\s*(?:(?:a|ad|al|allo|alla|ai|agli|alle|di|del|dello|della|dei|degli|delle)(?![a-zà-ÿ'])|all'|dell'|[\\d€]))";

/** Statements joined by ";", " - " or a full stop: each with its own value, they are several targets. */
const PART_SEPARATOR = /;\s*|\s-\s|\.\s+/;
/** "l'obiettivo si considera raggiunto se": the goal's definition, not a condition. */
const GOAL_PREAMBLE = /^(?:l')?obiettivo\s+(?:si\s+considera|si\s+intende|è|e')\s+(?:pienamente\s+)?(?:raggiunto|perseguito|conseguito)\s+se\s+/;
/** A bullet (also the private-use glyphs of PDF extractions) or a list number: "- ", "", "1) ", "2. ", "1 . ". */
const BULLET = new RegExp(`^(?:[-*]\\s+|[•·▪◦●\\uf000-\\uf8ff]\\s*|\\d{1,2}\\s*\\)\\s*|\\d{1,2}\\s*\\.\\s+(?=[${LETTERS}]))`, 'u');
/** More words than this before the value: the value is one part of a composite result. */
const MAX_LEAD_WORDS = 10;
const PERIODS: [RegExp, string][] = [
  [/^(l'anno|all'anno|annui|annuali|annue|per anno|ogni anno|nell'anno|in un anno)$/, '/anno'],
  [/^(al mese|mensili|ogni mese|per mese|mensilmente)$/, '/mese'],
  [/^(a settimana|alla settimana|settimanali|ogni settimana|per settimana)$/, '/settimana'],
  [/^(a trimestre|al trimestre|trimestrali|ogni trimestre|per trimestre)$/, '/trimestre'],
];

type Read = Extract<TargetReading, { status: 'read' }>;
type Qty = Extract<Token, { k: 'qty' }>;
type Cmp = Extract<Token, { k: 'cmp' }>;
type DateToken = Extract<Token, { k: 'date' }>;

/** What the rules answer with: a reading of the original text, or a flag. */
interface Answer {
  read(target: Omit<Target, 'text'>, senseFrom: Read['senseFrom'], extra?: Pick<Read, 'start' | 'change'>): TargetReading;
  flag(code: TargetFlagCode): TargetReading;
}

/** Reads a target as a person reads it, or says why it cannot. `context`: the indicator's type (as before) or more. */
export function readTarget(text: string, context?: string | TargetContext): TargetReading {
  const ctx: TargetContext = typeof context === 'string' ? { type: context } : (context ?? {});
  const answer: Answer = {
    read: (target, senseFrom, extra = {}) => ({ status: 'read', target: { text, ...target }, senseFrom, ...extra }),
    flag: (code) => ({ status: 'unread', text, code, reason: TARGET_FLAG_REASONS[code] }),
  };
  const { read, flag } = answer;

  if (text.trim() === '') return flag('empty');
  if (severalLines(text)) return flag('several-targets');
  let t = normalise(text);
  if (DONE_WORDS.includes(t)) return read({ sense: 'done' }, 'text');
  // "Richieste soddisfatte/richieste pervenute: min. 90%": what precedes the colon names the indicator.
  t = afterLabel(t);
  // "l'obiettivo si considera raggiunto se …": the words that follow are the target.
  t = t.replace(GOAL_PREAMBLE, '').trim();
  if (DONE_WORDS.includes(t)) return read({ sense: 'done' }, 'text');
  const valued = (part: string) => tokenize(part, ctx.year).some((x) => x.k === 'qty' || (x.k === 'date' && !x.yearEnd));
  if (t.split(PART_SEPARATOR).filter(valued).length > 1) return flag('several-targets');
  if (CONDITION_WORDS.test(t)) return flag('condition');
  if (PER_ITEM_WORDS.test(t)) return flag('per-item');

  const tokens = unwrapParenthesis(tokenize(t, ctx.year));
  if (!tokens) return flag('extra-words');
  const hasValue = tokens.some((x) => x.k === 'qty');
  // "entro l'anno" beside a value is the plan's year, not a deadline to date.
  const problem = tokens.find((x): x is DateToken => x.k === 'date' && x.word.problem !== undefined && !(x.yearEnd && hasValue));
  if (problem?.word.problem) return flag(problem.word.problem);
  if (tokens.some((x) => x.k === 'qty' && x.ambiguous)) return flag('ambiguous-number');
  if (tokens.some((x) => x.k === 'alt')) return flag('range');

  const quantities = indexes(tokens, 'qty');
  if (quantities.length === 0) return readWithoutValue(tokens, t, ctx, answer);
  if (quantities.length > 1) return fromTo(tokens, quantities, answer);
  return readOneValue(tokens, quantities[0], ctx, answer);
}

/** No value: a date ("entro il 31/12/2025", "31/12/2025"), none ("nessun disservizio"), done, or nothing readable. */
function readWithoutValue(tokens: Token[], t: string, ctx: TargetContext, { read, flag }: Answer): TargetReading {
  const dates = indexes(tokens, 'date');
  if (dates.length === 0) {
    const none = tokens.findIndex((x) => x.k === 'none');
    if (none >= 0 && onlyWords(tokens.slice(none + 1)) && onlyWords(tokens.slice(0, none))) {
      const noun = words(tokens.slice(none + 1));
      return read({ sense: 'at-most', value: 0, ...(noun ? { unit: noun } : {}) }, 'text');
    }
    if (UNDATED_DEADLINE.test(t) || tokens.some((x) => x.k === 'by')) return flag('deadline-without-date');
    // On a yes/no measure the words say what is to be done.
    if (ctx.measure === 'done' && !tokens.some((x) => x.k === 'cmp' || x.k === 'chg' || x.k === 'neg')) return read({ sense: 'done' }, 'convention');
    return flag('no-value');
  }
  if (dates.length > 1) return flag('several-values');
  const at = dates[0];
  if (tokens[at - 1]?.k === 'from') return flag('extra-words'); // "a partire dal 1° marzo": a start, not a deadline
  const around = [...tokens.slice(0, at).filter((x) => x.k !== 'by'), ...tokens.slice(at + 1)];
  if (!onlyWords(around)) return flag(strayCode(around));
  const by = tokens.some((x) => x.k === 'by');
  return read({ sense: 'by-date', date: (tokens[at] as DateToken).word.date }, by ? 'text' : 'convention');
}

/** One value, with the words that govern it: a comparator, "entro", a change, or none (the conventions). */
function readOneValue(tokens: Token[], at: number, ctx: TargetContext, answer: Answer): TargetReading {
  const { read, flag } = answer;
  const qty = tokens[at] as Qty;
  if (qty.value === undefined) return flag('no-value');
  const left = walkLeft(tokens, at);
  let cmp = left.cmp;
  let right = at + 1;
  const after = tokens[right];
  if (after?.k === 'cmp' && POSTFIX_COMPARATORS.includes(after.raw)) {
    if (cmp && (cmp.sense !== after.sense || cmp.strict !== after.strict)) return flag('conflicting-directions');
    [cmp, right] = [after, right + 1];
  }
  // "10% di riduzione": the change written after its amount.
  let postfixChange: ChangeWord | undefined;
  const [x1, x2] = [tokens[right], tokens[right + 1]];
  if (x1?.k === 'chg') [postfixChange, right] = [x1.kind, right + 1];
  else if (x1?.k === 'of' && x2?.k === 'chg') [postfixChange, right] = [x2.kind, right + 2];

  const leadTokens = tokens.slice(0, left.stop);
  const leadWords = leadTokens.filter((x) => x.k !== 'chg');
  const lead = deadlineIn(leadWords);
  // With a comparator, a negation describes the thing counted ("IO NON RISCHIO"); around a bare value it may invert it.
  const negationAllowed = cmp !== undefined || left.by;
  if (!lead || !onlyWords(lead.rest, negationAllowed)) return flag(strayCode(leadWords, cmp));
  if (lead.rest.length > MAX_LEAD_WORDS) return flag('extra-words');
  const tail = tailDeadline(tokens.slice(right), negationAllowed);
  if (!tail || (tail.date && lead.date)) return flag(strayCode(tokens.slice(right), cmp));
  const ownWords = words([...lead.rest, ...tail.noun]);
  if (UNDATED_DEADLINE.test(ownWords)) return flag('deadline-without-date');
  const noun = words(tail.noun);
  // "3 giorni mensili": 3 days a month; "almeno 3 all'anno": 3 a year; "12 sopralluoghi": the noun counted.
  const period = periodUnit(noun);
  const unit = qty.unit && period && !qty.unit.startsWith('/') ? `${qty.unit}${period}` : (qty.unit ?? period ?? (noun || undefined));
  const date = tail.date ?? lead.date;
  const base = { value: qty.value, ...(unit ? { unit } : {}), ...(date ? { date } : {}) };
  const strict = (c?: Cmp) => (c?.strict ? { strict: true } : {});

  const kinds = new Set<ChangeWord>(leadTokens.flatMap((x) => (x.k === 'chg' ? [x.kind] : [])));
  if (postfixChange) kinds.add(postfixChange);
  if (qty.sign) kinds.add(qty.sign === '-' ? 'decrease' : 'increase');
  if (kinds.size > 1) return flag('conflicting-directions');
  if (kinds.size === 1) return readChange([...kinds][0], qty, cmp, left, postfixChange !== undefined, base, answer);

  if (cmp) return read({ sense: cmp.sense, ...base, ...strict(cmp) }, 'text');
  if (left.by) return read({ sense: 'at-most', ...base }, 'text'); // "entro 30 giorni"
  if (left.prep === 'from') return flag('extra-words'); // "a partire da 5": a start without a goal

  // ---- a bare value: none, done, the description's words, then the convention, unless less may be better here
  if (qty.value === 0) return read({ sense: 'at-most', ...base }, 'convention'); // "0 Eur": none
  if (ctx.measure === 'done' && qty.value === 100 && (!qty.unit || qty.unit === '%')) return read({ sense: 'done' }, 'convention');
  const described = ctx.description ? directionInDescription(ctx.description, qty.value, qty.unit) : undefined;
  if (described?.flag) return flag(described.flag);
  if (described?.sense) {
    const describedUnit = unit ?? described.unit;
    return read(
      { sense: described.sense, ...base, ...(describedUnit ? { unit: describedUnit } : {}), ...(described.strict ? { strict: true } : {}) },
      'description',
    );
  }
  // Less may be better: money or time taken, a cost or time indicator's bare number, words naming costs, waits,
  // errors or complaints. Never a direction: the reader only stops assuming "at least". A count with its noun
  // ("12 sopralluoghi") is a count whatever the indicator's type.
  const type = ctx.type === undefined ? '' : withoutAccents(ctx.type.trim().toLowerCase());
  const counted = qty.unit === undefined && noun !== '';
  const lessMayBeBetter =
    qty.unit === '€' ||
    (qty.unit !== undefined && DURATION_UNITS.has(qty.unit)) ||
    (!counted && /^(costo|costi|economicita)$/.test(type)) ||
    (!counted && /^(tempo|tempi)$/.test(type) && qty.unit !== '%' && !(qty.unit ?? '').startsWith('/')) ||
    LESS_IS_BETTER_WORDS.test(ownWords) ||
    (!counted && ctx.description !== undefined && LESS_IS_BETTER_WORDS.test(normalise(ctx.description)));
  if (lessMayBeBetter) return flag('direction-unstated');
  return read({ sense: 'at-least', ...base }, 'convention');
}

/**
 * A value with a word of change. A saving is an amount to reach. A decrease or an increase: "del 10%" (or "-10%",
 * "10% di riduzione", a comparator against the change) is the amount of change; "a 30 giorni", "entro 800 €",
 * "nel limite di" (or a comparator the same way as the change, on a value that is not a percentage) the level.
 */
function readChange(
  kind: ChangeWord,
  qty: Qty,
  cmp: Cmp | undefined,
  left: ReturnType<typeof walkLeft>,
  postfix: boolean,
  base: Omit<Target, 'text' | 'sense'>,
  { read, flag }: Answer,
): TargetReading {
  const strict = cmp?.strict ? { strict: true } : {};
  if (kind === 'saving') return read({ sense: cmp?.sense ?? 'at-least', ...base, ...strict }, 'text');
  const levelSense: Sense = kind === 'decrease' ? 'at-most' : 'at-least';
  const against = cmp !== undefined && !cmp.limit && cmp.sense !== 'exactly' && cmp.sense !== levelSense;
  const relative = left.prep === 'of' || qty.sign !== undefined || postfix || against;
  const level = left.prep === 'to' || left.by || cmp?.limit === true || (cmp?.sense === levelSense && qty.unit !== '%');
  if (relative && level) return flag('conflicting-directions');
  if (relative) return read({ sense: cmp?.sense ?? 'at-least', ...base, ...strict }, 'text', { change: kind });
  if (!level) return flag('level-or-change');
  if ((cmp && cmp.sense !== levelSense) || (left.by && kind === 'increase')) return flag('conflicting-directions');
  return read({ sense: levelSense, ...base, ...strict }, 'text');
}

/** "da X a Y": the direction from X to Y, the goal Y. Any other pair of values is a range or two targets. */
function fromTo(tokens: Token[], quantities: number[], { read, flag }: Answer): TargetReading {
  if (quantities.length !== 2) return flag('several-values');
  const [i, j] = quantities;
  const [a, b] = [tokens[i], tokens[j]] as Qty[];
  const between = tokens.slice(i + 1, j).filter((x) => !(x.k === 'word' && ARTICLE.test(x.raw)));
  let before = i - 1;
  while (before >= 0 && tokens[before].k === 'word' && ARTICLE.test(tokens[before].raw)) before--;
  const isRange =
    (tokens[before]?.k === 'word' && /^(tra|fra)$/.test(tokens[before].raw)) || (between.length === 1 && /^(e|o|oppure|-|\/)$/.test(between[0].raw));
  if (isRange) return flag('range');
  const startsFrom = tokens[before]?.k === 'from';
  // "da 10 a 20", "da 10 fino a 20", "da 45 a non oltre 30"
  const to = between;
  const goesTo =
    (to.length === 1 && (to[0].k === 'to' || (to[0].k === 'cmp' && /^fino/.test(to[0].raw)))) || (to.length === 2 && to[0].k === 'to' && to[1].k === 'cmp');
  if (!startsFrom || !goesTo) return flag('several-values');
  if (a.value === undefined || b.value === undefined) return flag('no-value');
  if (a.unit && b.unit && a.unit !== b.unit) return flag('units-differ');
  if (a.value === b.value) return flag('several-values');
  const sense: Sense = b.value < a.value ? 'at-most' : 'at-least';
  const change: 'increase' | 'decrease' = b.value < a.value ? 'decrease' : 'increase';
  const lead = tokens.slice(0, before);
  const changes = lead.filter((x): x is Extract<Token, { k: 'chg' }> => x.k === 'chg');
  if (changes.some((c) => c.kind !== change)) return flag('conflicting-directions');
  if (to.length === 2 && (to[1] as Cmp).sense !== sense) return flag('conflicting-directions');
  const rest = lead.filter((x) => x.k !== 'chg');
  const deadline = tailDeadline(tokens.slice(j + 1));
  if (!onlyWords(rest)) return flag(strayCode(rest));
  if (!deadline) return flag(strayCode(tokens.slice(j + 1)));
  const unit = b.unit ?? a.unit ?? (words(deadline.noun) || undefined);
  return read({ sense, value: b.value, ...(unit ? { unit } : {}), ...(deadline.date ? { date: deadline.date } : {}) }, 'text', {
    start: { value: a.value, ...((a.unit ?? unit) ? { unit: a.unit ?? unit } : {}) },
  });
}

/** The direction a description gives to a bare value: a comparator on the same number, or a saving. */
function directionInDescription(
  description: string,
  value: number,
  unit?: string,
): { sense?: Sense; strict?: boolean; unit?: string; flag?: TargetFlagCode } | undefined {
  const tokens = tokenize(normalise(description), undefined);
  const found: { sense: Sense; strict: boolean; unit?: string }[] = [];
  tokens.forEach((x, i) => {
    if (x.k !== 'qty' || x.value !== value) return;
    if (unit && x.unit && unit !== x.unit) return;
    const left = walkLeft(tokens, i);
    const after = tokens[i + 1];
    const cmp = left.cmp ?? (after?.k === 'cmp' && POSTFIX_COMPARATORS.includes(after.raw) ? after : undefined);
    if (cmp) found.push({ sense: cmp.sense, strict: cmp.strict, unit: x.unit });
    else if (left.by) found.push({ sense: 'at-most', strict: false, unit: x.unit });
  });
  if (found.length > 0) {
    if (found.some((f) => f.sense !== found[0].sense || f.strict !== found[0].strict)) return { flag: 'conflicting-directions' };
    return { sense: found[0].sense, strict: found[0].strict, unit: found.find((f) => f.unit)?.unit };
  }
  const kinds = new Set(tokens.filter((x): x is Extract<Token, { k: 'chg' }> => x.k === 'chg').map((x) => x.kind));
  if (kinds.has('saving') && kinds.size === 1) return { sense: 'at-least' };
  if (kinds.size > 0 && !kinds.has('saving')) return { flag: 'level-or-change' };
  return undefined;
}

/** From a value leftwards: the comparator, "entro" and the preposition that govern it ("almeno del", "fino a"). */
function walkLeft(tokens: Token[], at: number): { cmp?: Extract<Token, { k: 'cmp' }>; by: boolean; prep?: 'of' | 'to' | 'from'; stop: number } {
  const skippable = (x: Token) => x.k === 'num' || (x.k === 'word' && (ARTICLE.test(x.raw) || FILLER.test(x.raw)));
  let i = at - 1;
  let prep: 'of' | 'to' | 'from' | undefined;
  let cmp: Extract<Token, { k: 'cmp' }> | undefined;
  let by = false;
  for (; i >= 0; i--) {
    const x = tokens[i];
    if (skippable(x)) continue;
    if (!cmp && !by && (x.k === 'of' || x.k === 'to' || x.k === 'from')) {
      prep ??= x.k;
      continue;
    }
    // "almeno pari a 12": "pari a" alone means exactly; after "almeno" it is a filler.
    if (x.k === 'cmp' && (!cmp || cmp.sense === 'exactly') && !by) {
      cmp = x;
      continue;
    }
    if (x.k === 'by' && !cmp && !by) {
      by = true;
      continue;
    }
    break;
  }
  // "superiore al 2%", "almeno il 10%": with a comparator "a" belongs to it; "almeno del 5%" still marks a change.
  if (cmp && prep === 'to') prep = undefined;
  if (cmp || by) return { ...(cmp ? { cmp } : {}), by, ...(prep ? { prep } : {}), stop: i + 1 };
  // No comparator: the words before stay in the lead ("Controllo del 100%"), save the preposition just before the value.
  let stop = at;
  while (stop > 0 && skippable(tokens[stop - 1]) && tokens[stop - 1].k !== 'word') stop--;
  while (stop > 0 && tokens[stop - 1].k === 'word' && ARTICLE.test(tokens[stop - 1].raw)) stop--;
  const before = tokens[stop - 1];
  if (before && (before.k === 'of' || before.k === 'to' || before.k === 'from')) return { by: false, prep: before.k, stop: stop - 1 };
  return { by: false, stop };
}

/**
 * "entro il 31/12/2025" among the words: its date, and the words without it. "entro l'anno" beside a value is
 * the plan's year: dropped when the year is not known. Undefined when a date stands there without "entro".
 */
function deadlineIn(tokens: Token[]): { rest: Token[]; date?: string } | undefined {
  const rest: Token[] = [];
  let date: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const x = tokens[i];
    if (x.k === 'date') return undefined;
    if (x.k !== 'by') {
      rest.push(x);
      continue;
    }
    let j = i + 1;
    while (tokens[j]?.k === 'word' && ARTICLE.test(tokens[j].raw)) j++;
    const d = tokens[j];
    if (d?.k !== 'date') {
      rest.push(x);
      continue;
    }
    if (d.word.date === undefined && !d.yearEnd) return undefined;
    if (d.word.date !== undefined) {
      if (date !== undefined) return undefined;
      date = d.word.date;
    }
    i = j;
  }
  return { rest, ...(date ? { date } : {}) };
}

/** After the value: its noun, and a deadline ("entro il 31/12/2025"); undefined when something else is there. */
function tailDeadline(tail: Token[], negationAllowed = false): { noun: Token[]; date?: string } | undefined {
  const found = deadlineIn(tail);
  if (!found || !onlyWords(found.rest, negationAllowed)) return undefined;
  const byAt = tail.findIndex((x) => x.k === 'by');
  return { noun: byAt >= 0 ? tail.slice(0, byAt) : found.rest, ...(found.date ? { date: found.date } : {}) };
}

/** Why the words around a value stop the reader. */
function strayCode(stray: Token[], cmp?: Extract<Token, { k: 'cmp' }>): TargetFlagCode {
  if (stray.some((x) => x.k === 'qty')) return 'several-values';
  if (stray.some((x) => x.k === 'date')) return 'several-values';
  const other = stray.find((x): x is Extract<Token, { k: 'cmp' }> => x.k === 'cmp');
  if (other && cmp && other.sense !== cmp.sense) return 'conflicting-directions';
  if (stray.some((x) => x.k === 'by') && UNDATED_DEADLINE.test(words(stray))) return 'deadline-without-date';
  return 'extra-words';
}

/** Words, prepositions and the like: nothing that carries a value, a direction or a negation. */
function onlyWords(tokens: Token[], negationAllowed = false): boolean {
  return tokens.every((x) => x.k === 'word' || x.k === 'of' || x.k === 'to' || x.k === 'from' || x.k === 'num' || (negationAllowed && x.k === 'neg'));
}

function words(tokens: Token[]): string {
  return tokens
    .map((x) => x.raw)
    .join(' ')
    .replace(/' /g, "'")
    .trim();
}

function indexes(tokens: Token[], k: Token['k']): number[] {
  return tokens.flatMap((x, i) => (x.k === k ? [i] : []));
}

/**
 * "Patrocini (almeno due)": a parenthesis holding the only value is read as the target. Any other parenthesis
 * ("almeno 1 (riprogrammato)", "nr. 3 (100%)") may qualify the value: undefined, for a person.
 */
function unwrapParenthesis(tokens: Token[]): Token[] | undefined {
  const opens = indexes(tokens, 'open');
  const closes = indexes(tokens, 'close');
  if (opens.length === 0 && closes.length === 0) return tokens;
  if (opens.length !== 1 || closes.length > 1) return undefined;
  const close = closes[0] ?? tokens.length;
  const [open] = opens;
  if (close < open) return undefined;
  const inside = tokens.slice(open + 1, close);
  const outside = [...tokens.slice(0, open), ...tokens.slice(close + 1)];
  const valued = (xs: Token[]) => xs.some((x) => x.k === 'qty' || x.k === 'date');
  if (!valued(inside) || valued(outside) || !onlyWords(tokens.slice(close + 1))) return undefined;
  return [...tokens.slice(0, open), ...inside];
}

/** One target per text: several lines, or a numbered list ("1) … 2) …"), are several targets. */
function severalLines(text: string): boolean {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines.length > 1 || /(^|\s)[1-9][).]\s.*\s[2-9][).]\s/.test(text.trim());
}

/** What follows the last colon outside parentheses: "Pubblicazione avviso: entro marzo 2025" → "entro marzo 2025". */
function afterLabel(text: string): string {
  let depth = 0;
  let at = -1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth = Math.max(0, depth - 1);
    else if (text[i] === ':' && depth === 0 && /\s/.test(text[i + 1] ?? '') && text.slice(i + 1).trim() !== '') at = i;
  }
  return at < 0
    ? text
    : text
        .slice(at + 1)
        .trim()
        .replace(/^[-•*]\s+/, '');
}

/** "almeno 3 all'anno" is 3 a year, as "3/anno". */
function periodUnit(noun: string): string | undefined {
  for (const [re, unit] of PERIODS) if (re.test(noun)) return unit;
  return undefined;
}

function normalise(text: string): string {
  let t = text
    .normalize('NFC')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/[“”«»]/g, '"')
    .replace(/[–—]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
  t = t
    .replace(BULLET, '')
    .replace(/[\s;,:]+$/, '')
    .replace(new RegExp(`${MONTH}\\s*-\\s*${MONTH}`, 'g'), (range) => range.replace(/\s*-\s*/, '-'));
  // A final full stop ends the sentence; in "min." or "trim." it is part of the word and harmless.
  t = t.replace(/\.$/, (dot, offset: number) => (/(min|max|trim|sem|n|nr)$/.test(t.slice(0, offset)) ? dot : ''));
  while (/^\(.*\)$/.test(t) && balanced(t.slice(1, -1))) t = t.slice(1, -1).trim();
  return t;
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const c of text) {
    if (c === '(') depth++;
    if (c === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

// ---------------------------------------------------------------- the words, one at a time

const PATTERNS: { re: RegExp; make: (m: RegExpExecArray, year: number | undefined, previous?: Token) => Token | undefined }[] = [
  // 2025-06-30
  { re: /(\d{4})-(\d{2})-(\d{2})(?!\d)/y, make: (m) => ({ k: 'date', raw: m[0], word: dayOf(Number(m[3]), Number(m[2]), Number(m[1])) }) },
  // 31/12/2025, 31.05.2023, 31-12-25
  {
    re: /(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\d%])/y,
    make: (m) => ({ k: 'date', raw: m[0], word: dayOf(Number(m[1]), Number(m[3]), fullYear(m[4])) }),
  },
  // 1° marzo 2025, 30 giugno
  {
    re: new RegExp(`(\\d{1,2})\\s*[°º]?\\s+${MONTH}${NOT_LETTER}(?:\\s+(\\d{4}))?`, 'y'),
    make: (m, year) => ({ k: 'date', raw: m[0], word: dayOf(Number(m[1]), MONTHS.indexOf(m[2]) + 1, m[3] ? Number(m[3]) : year) }),
  },
  // luglio-settembre 2025: done within the period, by its end; without a year a period, not a deadline
  {
    re: new RegExp(`${MONTH}\\s*-\\s*${MONTH}${NOT_LETTER}(?:\\s+(\\d{4}))?`, 'y'),
    make: (m) => (m[3] ? { k: 'date', raw: m[0], word: endOfMonth(MONTHS.indexOf(m[2]) + 1, Number(m[3])) } : { k: 'word', raw: m[0] }),
  },
  // inizio ottobre: no day
  {
    re: new RegExp(`inizio\\s+(?:del\\s+mese\\s+di\\s+|di\\s+)?${MONTH}${NOT_LETTER}(?:\\s+\\d{4})?`, 'y'),
    make: (m) => ({ k: 'date', raw: m[0], word: { problem: 'deadline-without-date' } }),
  },
  // (fine) (del mese di) giugno (2025)
  {
    re: new RegExp(`(?:(?:la\\s+)?fine\\s+(?:del\\s+|di\\s+)?)?(?:(?:il\\s+)?mese\\s+di\\s+)?${MONTH}${NOT_LETTER}(?:\\s+(\\d{4}))?`, 'y'),
    make: (m, year) => ({ k: 'date', raw: m[0], word: endOfMonth(MONTHS.indexOf(m[1]) + 1, m[2] ? Number(m[2]) : year) }),
  },
  // 3 trim. 2025, II trimestre, primo semestre
  {
    re: new RegExp(
      `(?:(iv|i{1,3}|[1-4])\\s*[°º]?\\s*|(primo|secondo|terzo|quarto)\\s+)(trim|sem)(?:estre)?${NOT_LETTER}\\.?(?:\\s+(?:dell'anno\\s+|del\\s+)?(\\d{4}))?`,
      'y',
    ),
    make: (m, year) => ({ k: 'date', raw: m[0], word: endOfPeriod(m[3] as 'trim' | 'sem', ROMAN[m[1] ?? m[2]], m[4] ? Number(m[4]) : year) }),
  },
  // entro l'anno, entro fine anno: the plan's year end
  {
    re: new RegExp(`(?:la\\s+)?fine\\s+(?:dell'|d')?anno(?:\\s+(\\d{4}))?${NOT_LETTER}|l'anno${NOT_LETTER}`, 'y'),
    make: (m, year, previous) => {
      if (previous?.k !== 'by') return undefined;
      const y = m[1] ? Number(m[1]) : year;
      return { k: 'date', raw: m[0], word: y === undefined ? { problem: 'date-without-year' } : dayOf(31, 12, y), yearEnd: !m[1] };
    },
  },
  // A.S. 2022/2023, 2025/26, 2022-2024, d.lgs. 36/2023, 2025: names of years and acts, not values
  {
    re: /(?:a\.\s?[se]\.\s?)?(?:19|20)\d{2}(?:\s*[/-]\s*(?:(?:19|20)\d{2}|\d{2}))?(?![\d%,.]\d|\s*(?:%|€|euro|eur|giorni|ore|mesi))/y,
    make: (m, _y, previous) => (previous?.k === 'cmp' || previous?.k === 'num' ? undefined : { k: 'word', raw: m[0] }),
  },
  { re: /\d{1,4}\/(?:19|20)\d{2}(?!\d)/y, make: (m) => ({ k: 'word', raw: m[0] }) },
  // 1° SAL, 80° anniversario: ordinals name things
  { re: /\d+\s*[°ºª](?!\s*\d)/y, make: (m) => ({ k: 'word', raw: m[0] }) },
  // 31/12 or 7/10: a day without its year after "entro"/"al", or when it cannot be a score; a score out of when it
  // stands alone ("7/10", "8/10 di valutazione"); before anything else, two alternatives ("1/2 incontri": one or two)
  {
    re: /(\d{1,2})\/(\d{1,3})(?![\d/])(?=\s*(?:$|[),;.]|di valutazione|di gradimento|punti|come voto))/y,
    make: (m, year, previous) => {
      const [a, b] = [Number(m[1]), Number(m[2])];
      if (previous?.k === 'by' || previous?.k === 'to' || (a > b && b <= 12)) return { k: 'date', raw: m[0], word: dayOf(a, b, year) };
      return { k: 'qty', raw: m[0], value: a, unit: `/${b}` };
    },
  },
  {
    re: /(\d{1,2})\/(\d{1,3})(?![\d/])/y,
    make: (m, year, previous) => {
      const [a, b] = [Number(m[1]), Number(m[2])];
      if (previous?.k === 'by' || previous?.k === 'to' || (a > b && b <= 12)) return { k: 'date', raw: m[0], word: dayOf(a, b, year) };
      return { k: 'alt', raw: m[0] };
    },
  },
  // values with their units
  {
    re: /([-+]\s?)?(€\s*)?(\d+(?:[.,]\d+)*)(?:\s*(%|€|euro(?![a-zà-ÿ])|eur(?![a-zà-ÿ])|gg\.?(?![a-zà-ÿ])|giorni(?![a-zà-ÿ])|giorno(?![a-zà-ÿ])|mesi(?![a-zà-ÿ])|mese(?![a-zà-ÿ])|ore(?![a-zà-ÿ])|settimane(?![a-zà-ÿ])|\/(?:anno|mese|settimana|sett|trimestre|semestre|giorno)(?![a-zà-ÿ])|\s?su\s\d+(?![\d.,])))?/y,
    make: (m) => {
      const value = parseItalianNumber(m[3]);
      const ambiguous = value === undefined && /^\d+\.\d{1,2}$/.test(m[3]);
      const written = m[4]?.trim();
      const unit = m[2]
        ? '€'
        : written === undefined
          ? undefined
          : /^su\s/.test(written)
            ? `/${written.slice(3).trim()}`
            : (UNITS[written] ?? UNITS[written.replace(/\.$/, '')]);
      const sign = m[1]?.trim() as '+' | '-' | undefined;
      return {
        k: 'qty',
        raw: m[0],
        ...(value !== undefined ? { value } : {}),
        ...(unit ? { unit } : {}),
        ...(sign ? { sign } : {}),
        ...(ambiguous ? { ambiguous } : {}),
      };
    },
  },
  // n., nr., n°: the number sign
  { re: /(?:n(?:r|ro)?\s*[.°º]|num\.)|n(?=\s*\d)/y, make: (m) => ({ k: 'num', raw: m[0] }) },
  // comparators, longest first
  {
    re: new RegExp(
      SORTED_COMPARATORS.map(
        (c) =>
          c.words.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+') +
          (/[a-z.]$/.test(c.words) && !/\.$/.test(c.words) ? NOT_LETTER : '') +
          (c.adjective ? ADJECTIVE_OBJECT : ''),
      ).join('|'),
      'y',
    ),
    make: (m) => {
      const words = m[0].replace(/\s+/g, ' ');
      const c = SORTED_COMPARATORS.find((x) => x.words === words) as (typeof COMPARATORS)[number];
      return { k: 'cmp', raw: words, sense: c.sense, strict: c.strict === true, limit: c.limit === true };
    },
  },
  { re: /\(|\[/y, make: (m) => ({ k: 'open', raw: m[0] }) },
  { re: /\)|\]/y, make: (m) => ({ k: 'close', raw: m[0] }) },
  // words (with the apostrophe of their elision: "all'", "dell'")
  {
    re: new RegExp(`[${LETTER}0-9]+'?|[${LETTER}]'`, 'y'),
    make: (m, _y, previous) => {
      const w = m[0];
      if (w === 'entro') return { k: 'by', raw: w };
      if (FROM.test(w)) return { k: 'from', raw: w };
      if (TO.test(w)) return { k: 'to', raw: w };
      if (OF.test(w)) return { k: 'of', raw: w };
      if (NONE_WORDS.test(w)) return { k: 'none', raw: w };
      if (NEGATION_WORDS.test(w)) return { k: 'neg', raw: w };
      if (w in NUMBER_WORDS) return { k: 'qty', raw: w, value: NUMBER_WORDS[w] };
      if (ONE_WORDS.has(w) && (previous?.k === 'cmp' || previous?.k === 'num')) return { k: 'qty', raw: w, value: 1 };
      const change = CHANGE_WORDS.find((c) => c.stem.test(w));
      if (change) return { k: 'chg', raw: w, kind: change.kind };
      return { k: 'word', raw: w };
    },
  },
];

function tokenize(text: string, year: number | undefined): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    if (/[\s,;:"/]/.test(text[at]) || (text[at] === '.' && !/\d/.test(text[at + 1] ?? '')) || (text[at] === '-' && !/\d/.test(text[at + 1] ?? ''))) {
      if (text[at] === '-' && /\s/.test(text[at - 1] ?? ' ') && /\s/.test(text[at + 1] ?? ' ')) tokens.push({ k: 'word', raw: '-' });
      at++;
      continue;
    }
    const previous = significant(tokens);
    let matched = false;
    for (const p of PATTERNS) {
      p.re.lastIndex = at;
      const m = p.re.exec(text);
      if (!m || m[0] === '') continue;
      const token = p.make(m, year, previous);
      if (!token) continue;
      tokens.push(token);
      at += m[0].length;
      matched = true;
      break;
    }
    if (!matched) {
      tokens.push({ k: 'word', raw: text[at] });
      at++;
    }
  }
  return tokens;
}

/** The token before, skipping articles and fillers: what "un" or "entro l'anno" follows. */
function significant(tokens: Token[]): Token | undefined {
  for (let i = tokens.length - 1; i >= 0; i--) {
    const x = tokens[i];
    if (x.k === 'word' && (ARTICLE.test(x.raw) || FILLER.test(x.raw))) continue;
    return x;
  }
  return undefined;
}
