import { isCalendarDate } from '@piao/lifecycle';
import { type DatedCursor, type TimeCursor, type UndatedCursor } from '@piao/reminders';
import { validationProblem } from '../problem-details/problem';
import { VISIBLE } from './reminders.dto';

/**
 * The keyset cursors of the reminders' lists, as opaque base64url text. Decoding checks every part, so that a
 * forged cursor is a 400 naming its field and never reaches SQL as something it cannot compare.
 */
export function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

export function decodeCursorParts(field: string, text: string, valid: (parts: string[]) => boolean): string[] {
  try {
    const parts = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parts) && parts.every((p) => typeof p === 'string' && p.length <= 400 && (p === '' || VISIBLE.test(p))) && valid(parts)) {
      return parts as string[];
    }
  } catch {
    // falls through to the 400 below
  }
  throw validationProblem([{ field, rule: 'cursor', message: `${field} is not one this API returned` }]);
}

const ID = (text: string) => text.length > 0;

export function datedCursor(text: string | undefined): DatedCursor | undefined {
  if (text === undefined) return undefined;
  const [dueOn, deadlineId] = decodeCursorParts('cursor', text, (p) => p.length === 2 && isCalendarDate(p[0]) && ID(p[1]));
  return { dueOn, deadlineId };
}

export function undatedCursor(text: string | undefined): UndatedCursor | undefined {
  if (text === undefined) return undefined;
  const [code, deadlineId] = decodeCursorParts('undatedCursor', text, (p) => p.length === 2 && ID(p[1]));
  return { code, deadlineId };
}

export function timeCursor(field: string, text: string | undefined): TimeCursor | undefined {
  if (text === undefined) return undefined;
  const [atMicros, id] = decodeCursorParts(field, text, (p) => p.length === 2 && /^\d{1,17}$/.test(p[0]) && ID(p[1]));
  return { atMicros, id };
}

export const encodeTime = (cursor: TimeCursor | undefined) => (cursor ? encodeCursor([cursor.atMicros, cursor.id]) : null);
