import { CsvError, parse } from 'csv-parse/sync';
import { importError, type ImportIssue } from './import-issue';
import { columnLetters, GridCollector, IMPORT_LIMITS, type Grid, type GridCell } from './spreadsheet-grid';

const ZIP_SIGNATURE = Buffer.from('PK\x03\x04', 'latin1');
const OLE_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);
const SAVE_AS = 'save it from Excel as "CSV UTF-8 (delimitato da virgole)"';

/**
 * The bounds a CSV file is checked against before csv-parse reads it: IMPORT_LIMITS's data rows and columns, and
 * what csv-parse may be given beyond them, blank lines and blank cells included. csv-parse takes about 0.3 µs a
 * cell, and 10 to 25 µs a line whose number of cells differs from the first line's (it builds an error it then
 * ignores, with a copy of the line): 10 MB of blank lines or of delimiters held the event loop for 12 s to minutes.
 * A spreadsheet saved as CSV writes a delimiter for every blank cell of its used range, the same number on every
 * line: 20,000 rows of the template's 53 columns are 1.06 million cells. At these bounds reading takes at most
 * about a second (measured: 20,000 lines of 59 cells and 20,000 blank lines, none as long as the first).
 */
export interface CsvLimits {
  dataRows: number;
  columns: number;
  /** Lines, blank ones included. */
  lines: number;
  /** Cells on one line, blank ones included. */
  lineCells: number;
  /** Cells in the file, blank ones included. */
  cells: number;
}

export const CSV_LIMITS: CsvLimits = { dataRows: IMPORT_LIMITS.dataRows, columns: IMPORT_LIMITS.columns, lines: 40_000, lineCells: 1_000, cells: 1_200_000 };

/**
 * A CSV file's rows. The file must be UTF-8 (a BOM is dropped); its delimiter is `;` (Italian Excel) or `,`,
 * whichever its header line uses more; quoted cells may hold delimiters, quotes and line breaks. Rows are numbered
 * as a spreadsheet opening the file numbers them: one per record, blank ones included.
 */
export function readCsvGrid(content: Buffer): Grid {
  if (content.subarray(0, 4).equals(ZIP_SIGNATURE) || content.subarray(0, 4).equals(OLE_SIGNATURE)) {
    return { issues: [importError('unreadable-file', 'The file is an Excel workbook, not a CSV file: send it as .xlsx, or save it as CSV.')] };
  }
  if (content.length >= 2 && ((content[0] === 0xff && content[1] === 0xfe) || (content[0] === 0xfe && content[1] === 0xff))) {
    return { issues: [importError('not-utf-8', `The file is UTF-16 text, not UTF-8: ${SAVE_AS}.`)] };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(content);
  } catch {
    return { issues: [importError('not-utf-8', `The file is not UTF-8 text (accented letters would be misread): ${SAVE_AS}.`)] };
  }
  const delimiter = csvDelimiter(text);
  // A file past the limits is refused after one pass over its text, before csv-parse builds anything of it.
  const refusal = csvRefusal(text, delimiter);
  if (refusal !== undefined) return { issues: [refusal] };
  const collector = new GridCollector();
  let record = 0;
  try {
    parse(text, {
      delimiter,
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      max_record_size: IMPORT_LIMITS.columns * IMPORT_LIMITS.cellChars,
      on_record: (fields: string[]) => {
        record += 1;
        // Blank cells left out here already: a file saved from a spreadsheet has many.
        const cells = new Map<number, GridCell>();
        fields.forEach((field, index) => {
          if (field !== '' && field.trim() !== '') cells.set(index + 1, { text: field });
        });
        collector.add(record, cells);
        return null;
      },
    });
  } catch (error) {
    const why = error instanceof CsvError ? error.message : 'its text is not a table';
    return { issues: [importError('unreadable-file', `The CSV file cannot be read: ${why}.`)] };
  }
  return collector.result();
}

/**
 * `;` or `,`: the one the first non-blank line uses more outside quotes (`;` when they tie), `,` when it uses neither
 * (a file of one column).
 */
export function csvDelimiter(text: string): ';' | ',' {
  let semicolons = 0;
  let commas = 0;
  let quoted = false;
  let content = false;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code === QUOTE) quoted = !quoted;
    else if (quoted) continue;
    else if (code === SEMICOLON) semicolons += 1;
    else if (code === COMMA) commas += 1;
    else if (code === LF || code === CR) {
      if (content) break;
      semicolons = commas = 0;
    }
    if (!isSpace(code)) content = true;
  }
  return semicolons === 0 && commas === 0 ? ',' : semicolons >= commas ? ';' : ',';
}

const QUOTE = 0x22;
const SEMICOLON = 0x3b;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/** What String.prototype.trim takes off (a BOM too). */
function isSpace(code: number): boolean {
  if (code < 0x80) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  return /\s/.test(String.fromCharCode(code));
}

/**
 * Why the file is refused, found in one pass over its text that splits it into lines and cells as csv-parse does
 * (with `relax_quotes`: a quote opens a quoted cell only as its first character; `""` inside one is a quote; the
 * line break is the first of CRLF, LF or CR met outside quotes) and builds nothing: a value beyond the columns a
 * file may have, more rows holding a value than the header and the data rows (the refusals the grid collector
 * makes, with its messages), or more lines, cells on a line or cells in all than the limits. Undefined otherwise,
 * and for a quote that never closes, which csv-parse reports.
 */
export function csvRefusal(text: string, delimiterChar: ';' | ',', limits: CsvLimits = CSV_LIMITS): ImportIssue | undefined {
  const delimiter = delimiterChar.charCodeAt(0);
  /** 0 until the first line break outside quotes says which it is. */
  let lineBreak: 0 | typeof LF | typeof CR | -1 = 0;
  const lineBreakAt = (at: number): number => {
    const code = text.charCodeAt(at);
    if (code !== LF && code !== CR) return 0;
    // -1 stands for CRLF.
    if (lineBreak === 0) lineBreak = code === CR && text.charCodeAt(at + 1) === LF ? -1 : code;
    if (lineBreak === -1) return code === CR && text.charCodeAt(at + 1) === LF ? 2 : 0;
    return code === lineBreak ? 1 : 0;
  };
  let quoting = false;
  let wasQuoted = false;
  let fieldLength = 0;
  let fieldFilled = false;
  let column = 1;
  let lineFilled = false;
  let line = 0;
  let filledLines = 0;
  let cells = 0;
  const endField = (): ImportIssue | undefined => {
    cells += 1;
    if (column > limits.lineCells) {
      return importError(
        'too-many-columns',
        `Row ${line + 1} has more than ${limits.lineCells} cells, blank ones included, beyond the ${limits.columns} columns a file may have.`,
      );
    }
    if (cells > limits.cells) {
      return importError('too-many-cells', `The file has more than ${limits.cells} cells, blank ones included: split the plan into several files.`);
    }
    if (fieldFilled) {
      if (column > limits.columns) {
        return importError(
          'too-many-columns',
          `Row ${line + 1} has a value in column ${columnLetters(column)}, beyond the ${limits.columns} columns a file may have.`,
        );
      }
      lineFilled = true;
    }
    column += 1;
    fieldLength = 0;
    fieldFilled = false;
    wasQuoted = false;
    return undefined;
  };
  const endLine = (): ImportIssue | undefined => {
    line += 1;
    if (lineFilled) filledLines += 1;
    if (filledLines > limits.dataRows + 1) {
      return importError('too-many-rows', `The file has more than ${limits.dataRows} rows below its header: split the plan into several files.`);
    }
    if (line > limits.lines) {
      return importError('too-many-rows', `The file has more than ${limits.lines} lines, blank ones included: split the plan into several files.`);
    }
    column = 1;
    lineFilled = false;
    return undefined;
  };
  // A byte-order mark the decoder left (a file with two) is dropped by csv-parse as well.
  for (let at = text.charCodeAt(0) === 0xfeff ? 1 : 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (quoting) {
      if (code !== QUOTE) {
        fieldLength += 1;
        if (!fieldFilled && !isSpace(code)) fieldFilled = true;
      } else if (text.charCodeAt(at + 1) === QUOTE) {
        // `""`: a quote in the cell.
        fieldLength += 1;
        fieldFilled = true;
        at += 1;
      } else {
        quoting = false;
        wasQuoted = true;
        const next = at + 1;
        if (next < text.length && text.charCodeAt(next) !== delimiter && lineBreakAt(next) === 0) {
          // A quote that does not end the cell: csv-parse keeps both quotes and reads on outside quotes.
          fieldLength += 2;
          fieldFilled = true;
        }
      }
      continue;
    }
    if (code === QUOTE && fieldLength === 0) {
      quoting = true;
      continue;
    }
    const lineBreakLength = lineBreakAt(at);
    if (lineBreakLength > 0) {
      const refused = endField() ?? endLine();
      if (refused !== undefined) return refused;
      at += lineBreakLength - 1;
    } else if (code === delimiter) {
      const refused = endField();
      if (refused !== undefined) return refused;
    } else {
      fieldLength += 1;
      if (!fieldFilled && !isSpace(code)) fieldFilled = true;
    }
  }
  if (quoting) return undefined;
  if (wasQuoted || column > 1 || fieldLength > 0) return endField() ?? endLine();
  return undefined;
}
