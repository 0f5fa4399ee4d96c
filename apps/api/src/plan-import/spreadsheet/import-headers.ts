import { withoutAccents } from '@piao/lifecycle';
import { IMPORT_COLUMNS, REQUIRED_COLUMNS, type ImportColumn, type ImportColumnKey } from './import-columns';
import { importError, importWarning, quoted, type ImportIssue } from './import-issue';

/**
 * A header reduced to its letters and digits, without accents or case: "FASE – PESO", "fase-peso" and "Fase - peso"
 * are all "fasepeso"; "Finalita'" is "finalita" like "Finalità".
 */
export function headerKey(header: string): string {
  return withoutAccents(header)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

const BY_HEADER_KEY = new Map<string, ImportColumn & { key: ImportColumnKey }>(IMPORT_COLUMNS.map((column) => [headerKey(column.header), column]));
const BY_KEY = new Map<ImportColumnKey, ImportColumn & { key: ImportColumnKey }>(IMPORT_COLUMNS.map((column) => [column.key, column]));

/** The template's column with that key. */
export function importColumn(key: ImportColumnKey): ImportColumn & { key: ImportColumnKey } {
  return BY_KEY.get(key) as ImportColumn & { key: ImportColumnKey };
}

/** The template's header of a column, as issues name it. */
export function headerOf(key: ImportColumnKey): string {
  return importColumn(key).header;
}

export interface HeaderMatch {
  /** The template column read from each position of the sheet (1-based), for the headers the template knows. */
  columns: Map<number, ImportColumnKey>;
  issues: ImportIssue[];
}

/**
 * Which template column each header names. A header the template does not know is reported (warning) and its
 * column ignored; a template column named twice is an error (the first is read); a required column missing is
 * an error. `headers` maps each position to its text; blank headers are left out by the caller. The issues concern
 * the whole file: they have no row.
 */
export function matchHeaders(headers: ReadonlyMap<number, string>): HeaderMatch {
  const columns = new Map<number, ImportColumnKey>();
  const seen = new Map<ImportColumnKey, string>();
  const issues: ImportIssue[] = [];
  for (const [position, text] of [...headers].sort(([a], [b]) => a - b)) {
    const column = BY_HEADER_KEY.get(headerKey(text));
    const written = text.trim();
    if (column === undefined) {
      issues.push(importWarning('unknown-column', `The column ${quoted(written)} is not one of the template's: it is ignored.`));
      continue;
    }
    const earlier = seen.get(column.key);
    if (earlier !== undefined) {
      issues.push(
        importError('duplicate-column', `The column "${column.header}" appears twice (${quoted(earlier)} and ${quoted(written)}): only the first is read.`, {
          column: column.header,
        }),
      );
      continue;
    }
    seen.set(column.key, written);
    columns.set(position, column.key);
  }
  for (const key of REQUIRED_COLUMNS) {
    if (!seen.has(key)) {
      const header = headerOf(key);
      issues.push(importError('missing-column', `The column "${header}" is missing: the template requires it to read any row.`, { column: header }));
    }
  }
  return { columns, issues };
}
