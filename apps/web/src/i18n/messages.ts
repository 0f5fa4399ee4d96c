import { it, type MessageKey } from './it';

const catalogue: Record<MessageKey, string> = it;

/** The text of `key` with its `{placeholders}` filled in. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return catalogue[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** A status or role as people read it; an unknown one as it came. */
export type LabelKind =
  'objectiveStatus' | 'planStatus' | 'role' | 'event' | 'deadline' | 'evaluationStatus' | 'reportStatus' | 'dossierScope' | 'dossierStatus';

export function label(prefix: LabelKind, value: string): string {
  const key = `${prefix}.${value}`;
  return key in catalogue ? catalogue[key as MessageKey] : value;
}

/** Whether the catalogue has a text for `key` (a key built at run time, such as a problem's rule). */
export function hasMessage(key: string): key is MessageKey {
  return key in catalogue;
}

/**
 * A text that depends on a count: `<base>.zero` (when the catalogue has one), `<base>.one` or `<base>.other`, with
 * `{count}` filled in.
 */
export function plural(base: string, count: number): string {
  const forms = count === 0 ? ['zero', 'other'] : count === 1 ? ['one', 'other'] : ['other'];
  for (const form of forms) {
    const key = `${base}.${form}`;
    if (hasMessage(key)) return t(key, { count });
  }
  return String(count);
}
