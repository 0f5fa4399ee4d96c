/** Something found while reading an import file, on a row and column when it concerns one. */
export interface ImportIssue {
  /** The row as the spreadsheet numbers it (the header is row 1 when it is the first row). */
  row?: number;
  /** The template's header of the column concerned. */
  column?: string;
  /** A stable code: `missing-column`, `conflicting-value`, `date-kept-as-text`… */
  code: string;
  /** An error stops the import; a warning and an info are shown and the import goes on. */
  severity: 'error' | 'warning' | 'info';
  /** In English: what was found and why it matters. */
  message: string;
}

export function importError(code: string, message: string, where: { row?: number; column?: string } = {}): ImportIssue {
  return { ...where, code, severity: 'error', message };
}

export function importWarning(code: string, message: string, where: { row?: number; column?: string } = {}): ImportIssue {
  return { ...where, code, severity: 'warning', message };
}

export function importInfo(code: string, message: string, where: { row?: number; column?: string } = {}): ImportIssue {
  return { ...where, code, severity: 'info', message };
}

/** A text from the file as a message quotes it: at most `max` characters, line breaks shown as spaces. */
export function quoted(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return `"${flat.length > max ? `${flat.slice(0, max - 1)}…` : flat}"`;
}
