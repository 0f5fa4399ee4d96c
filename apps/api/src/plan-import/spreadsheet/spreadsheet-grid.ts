import { importError, type ImportIssue } from './import-issue';

/**
 * A sheet as its cells' texts, before its header is read: what the CSV and the XLSX readers both give. Only rows with
 * a non-blank cell are kept, each under the number the spreadsheet shows it with.
 */
export interface GridCell {
  text: string;
  /** A cell covered by a merged range (not its top-left one): it shows the range's value. */
  merged?: boolean;
}

export interface GridRow {
  row: number;
  /** By column number (1 is A); blank cells left out. */
  cells: Map<number, GridCell>;
}

export interface Grid {
  /** Undefined when the file could not be read at all; `issues` then says why. */
  rows?: GridRow[];
  issues: ImportIssue[];
}

/** The most a file may hold: a plan is a few hundred rows; these bounds only stop hostile or mistaken files. */
export const IMPORT_LIMITS = { dataRows: 20_000, columns: 200, cellChars: 10_000 } as const;

/**
 * Collects a sheet's non-blank rows, refusing the sheet as soon as it goes past the limits so that a hostile file
 * costs no more than the limits allow.
 */
export class GridCollector {
  readonly rows: GridRow[] = [];
  private refusal?: ImportIssue;

  /** Adds a row (its cells by column number); false once the sheet is refused. */
  add(row: number, cells: Map<number, GridCell>): boolean {
    if (this.refusal) return false;
    const filled = new Map([...cells].filter(([, cell]) => cell.text.trim() !== ''));
    if (filled.size === 0) return true;
    const beyond = [...filled.keys()].find((column) => column > IMPORT_LIMITS.columns);
    if (beyond !== undefined) {
      this.refusal = importError(
        'too-many-columns',
        `Row ${row} has a value in column ${columnLetters(beyond)}, beyond the ${IMPORT_LIMITS.columns} columns a file may have.`,
      );
      return false;
    }
    if (this.rows.length > IMPORT_LIMITS.dataRows) {
      this.refusal = importError('too-many-rows', `The file has more than ${IMPORT_LIMITS.dataRows} rows below its header: split the plan into several files.`);
      return false;
    }
    this.rows.push({ row, cells: filled });
    return true;
  }

  result(issues: ImportIssue[] = []): Grid {
    return this.refusal ? { issues: [...issues, this.refusal] } : { rows: this.rows, issues };
  }
}

/** A column's letters as the spreadsheet shows them: 1 → A, 27 → AA. */
export function columnLetters(column: number): string {
  let letters = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}
