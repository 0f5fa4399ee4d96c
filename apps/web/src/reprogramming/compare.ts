import { type components } from '@piao/api-client';
import { formatDate, formatNumber } from '../format/format';
import { t } from '../i18n/messages';

type Definition = components['schemas']['ObjectiveDefinitionDto'];

/** One field of two versions of a definition, side by side, as people read it. */
export interface ComparedField {
  field: string;
  before: string;
  after: string;
  changed: boolean;
}

const NONE = '—';
const text = (value: string | undefined | null) => (value === undefined || value === null || value.trim() === '' ? NONE : value);
const date = (value: string | undefined | null) => (value ? formatDate(value) : NONE);
const number = (value: number | undefined | null) => (value === undefined || value === null ? NONE : formatNumber(value));

/** Items of two lists paired by id (phases, indicators), in the order of the first, then those only in the second. */
function paired<T extends { id?: string }>(before: T[], after: T[]): [T | undefined, T | undefined][] {
  const key = (item: T, i: number) => item.id ?? `#${i}`;
  const afterByKey = new Map(after.map((item, i) => [key(item, i), item]));
  const pairs: [T | undefined, T | undefined][] = before.map((item, i) => [item, afterByKey.get(key(item, i))]);
  const seen = new Set(before.map(key));
  after.forEach((item, i) => {
    if (!seen.has(key(item, i))) pairs.push([undefined, item]);
  });
  return pairs;
}

/**
 * Two versions of an objective's definition field by field (title, unit, years, place, deadline, each phase and each
 * indicator with its target and baseline), each field marked when it changed: what a Segretario compares before the
 * Giunta approves a reprogramming. Units are named through `unitName`.
 */
export function compareDefinitions(before: Definition, after: Definition, unitName: (unitId: string) => string = (u) => u): ComparedField[] {
  const rows: ComparedField[] = [];
  const add = (field: string, a: string, b: string) => rows.push({ field, before: a, after: b, changed: a !== b });
  add(t('compare.title'), text(before.title), text(after.title));
  add(t('compare.unit'), unitName(before.responsibleUnitId), unitName(after.responsibleUnitId));
  const years = (d: Definition) => `${d.horizon.fromYear}–${d.horizon.toYear}`;
  add(t('compare.years'), years(before), years(after));
  add(t('compare.area'), text(before.place?.publicValueArea), text(after.place?.publicValueArea));
  add(t('compare.line'), text(before.place?.strategicLine), text(after.place?.strategicLine));
  add(t('compare.description'), text(before.description), text(after.description));
  add(t('compare.deadline'), date(before.deadline), date(after.deadline));
  paired(before.phases, after.phases).forEach(([a, b], i) => {
    const n = i + 1;
    add(t('compare.phase', { n }), text(a?.description), text(b?.description));
    add(t('compare.phaseEnd', { n }), date(a?.plannedEnd), date(b?.plannedEnd));
    add(t('compare.phaseWeight', { n }), number(a?.weight), number(b?.weight));
  });
  paired(before.indicators, after.indicators).forEach(([a, b], i) => {
    const n = i + 1;
    add(t('compare.indicator', { n }), text(a?.description), text(b?.description));
    add(t('compare.target', { n }), text(a?.target?.text), text(b?.target?.text));
    add(t('compare.baseline', { n }), text(a?.baseline), text(b?.baseline));
  });
  return rows;
}
