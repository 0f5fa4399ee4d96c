import { CsvError, parse } from 'csv-parse/sync';
import { importError } from './import-issue';
import { GridCollector, IMPORT_LIMITS, type Grid, type GridCell } from './spreadsheet-grid';

const ZIP_SIGNATURE = Buffer.from('PK\x03\x04', 'latin1');
const OLE_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);
const SAVE_AS = 'save it from Excel as "CSV UTF-8 (delimitato da virgole)"';

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
  const collector = new GridCollector();
  let record = 0;
  try {
    parse(text, {
      delimiter: csvDelimiter(text),
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      max_record_size: IMPORT_LIMITS.columns * IMPORT_LIMITS.cellChars,
      on_record: (fields: string[]) => {
        record += 1;
        collector.add(record, new Map(fields.map((field, index): [number, GridCell] => [index + 1, { text: field }])));
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
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (char === ';') semicolons += 1;
    else if (char === ',') commas += 1;
    else if (char === '\n' || char === '\r') {
      if (content) break;
      semicolons = commas = 0;
    }
    if (char !== '\uFEFF' && !/\s/.test(char)) content = true;
  }
  return semicolons === 0 && commas === 0 ? ',' : semicolons >= commas ? ';' : ',';
}
