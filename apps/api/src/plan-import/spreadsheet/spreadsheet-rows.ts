import { type ImportColumnKey } from './import-columns';
import { headerOf, importColumn, matchHeaders } from './import-headers';
import { importError, importWarning, type ImportIssue } from './import-issue';
import { readCsvGrid } from './csv-grid';
import { columnLetters, IMPORT_LIMITS } from './spreadsheet-grid';
import { readXlsxGrid } from './xlsx-grid';

/** One row of the file below its header, with the texts of the template's columns that are not blank. */
export interface SpreadsheetRow {
  /** As the spreadsheet numbers it (the header is row 1 when it is the first row). */
  row: number;
  cells: Partial<Record<ImportColumnKey, string>>;
}

export interface SpreadsheetReading {
  rows: SpreadsheetRow[];
  issues: ImportIssue[];
}

/**
 * A file in the import template read into rows of cells by template column. The header is the first non-blank row;
 * its cells are matched to the template's headers without regard to case, accents, spaces and punctuation. Nothing
 * here throws on a bad file: it gives no rows and an error issue instead (one without a row, for the file as a
 * whole: no header, a required column missing, no row below the header, too many rows…).
 *
 * A cell covered by a merged range (XLSX) repeats the range's value in the objective's own columns (a code merged
 * down the rows of its objective is that code on each row) and is blank in the others (a phase merged over two
 * rows is one phase).
 */
export async function readSpreadsheet(content: Buffer, format: 'xlsx' | 'csv'): Promise<SpreadsheetReading> {
  const grid = format === 'xlsx' ? await readXlsxGrid(content) : readCsvGrid(content);
  if (grid.rows === undefined) return { rows: [], issues: grid.issues };
  const issues = [...grid.issues];
  const [header, ...data] = grid.rows;
  if (header === undefined) return { rows: [], issues: [...issues, importError('empty-file', 'The file has no rows: not even the header.')] };
  const headers = new Map([...header.cells].filter(([, cell]) => !cell.merged).map(([column, cell]): [number, string] => [column, cell.text]));
  const match = matchHeaders(headers);
  issues.push(...match.issues);
  if (match.issues.some((issue) => issue.code === 'missing-column')) return { rows: [], issues };
  const unnamed = new Set<number>();
  const rows: SpreadsheetRow[] = [];
  for (const { row, cells } of data) {
    const read: Partial<Record<ImportColumnKey, string>> = {};
    for (const [column, cell] of cells) {
      const key = match.columns.get(column);
      if (key === undefined) {
        if (!headers.has(column) && !unnamed.has(column)) {
          unnamed.add(column);
          issues.push(
            importWarning('unknown-column', `Column ${columnLetters(column)} has no header but holds values (from row ${row} on): they are ignored.`, { row }),
          );
        }
        continue;
      }
      if (cell.merged && importColumn(key).part !== 'objective') continue;
      if (cell.text.length > IMPORT_LIMITS.cellChars) {
        issues.push(
          importError('cell-too-long', `The cell has ${cell.text.length} characters, more than the ${IMPORT_LIMITS.cellChars} allowed: it is not read.`, {
            row,
            column: headerOf(key),
          }),
        );
        continue;
      }
      read[key] = cell.text;
    }
    if (Object.keys(read).length > 0) rows.push({ row, cells: read });
  }
  if (rows.length === 0) {
    const why = data.length === 0 ? 'the file has its header and no row below it' : "no row below the header has a value in one of the template's columns";
    issues.push(importError('no-objectives', `There is nothing to import: ${why}.`));
  }
  return { rows, issues };
}
