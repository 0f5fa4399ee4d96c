import { it, type MessageKey } from './it';

const catalogue: Record<MessageKey, string> = it;

/** The text of `key` with its `{placeholders}` filled in. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return catalogue[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** A status or role as people read it; an unknown one as it came. */
export function label(prefix: 'objectiveStatus' | 'planStatus' | 'role' | 'event' | 'deadline', value: string): string {
  const key = `${prefix}.${value}`;
  return key in catalogue ? catalogue[key as MessageKey] : value;
}

/** Whether the catalogue has a text for `key` (a key built at run time, such as a problem's rule). */
export function hasMessage(key: string): key is MessageKey {
  return key in catalogue;
}
