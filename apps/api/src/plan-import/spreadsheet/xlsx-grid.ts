import { ValueType, Workbook, type Cell, type CellValue, type Worksheet } from 'exceljs';
import { foldText, formatItalianNumber } from './import-cells';
import { importError, importInfo, quoted, type ImportIssue } from './import-issue';
import { GridCollector, type Grid, type GridCell } from './spreadsheet-grid';
import { zipProblem } from './zip-guard';

/** The sheet the template writes its rows on. */
export const OBJECTIVES_SHEET = 'Obiettivi';

/** Parts of a worksheet's XML the import has no use for: left unparsed, they cost neither time nor memory. */
const IGNORED_NODES = [
  'sheetPr',
  'dimension',
  'sheetViews',
  'sheetFormatPr',
  'cols',
  'hyperlinks',
  'dataValidations',
  'conditionalFormatting',
  'printOptions',
  'pageMargins',
  'pageSetup',
  'headerFooter',
  'rowBreaks',
  'drawing',
  'picture',
  'tableParts',
  'autoFilter',
  'extLst',
];

/**
 * The rows of an XLSX workbook's sheet "Obiettivi", or of its first sheet when none is so named. Each cell is read
 * as the person sees it in Italian: text as is, numbers with a decimal comma and without binary noise ("0,3"), a
 * percentage format as a percentage ("50%"), dates as dd/mm/yyyy, booleans as sì/no, formulas as their last
 * computed value. A file that is not a sound workbook is refused with an issue, never with a throw.
 */
export async function readXlsxGrid(content: Buffer): Promise<Grid> {
  // Refused here, in tenths of a second at most, a file exceljs would take seconds and gigabytes to load.
  const problem = await zipProblem(content);
  if (problem !== undefined) {
    const message = problem.code === 'unreadable-file' ? `The file cannot be read: ${problem.message}.` : problem.message;
    return { issues: [importError(problem.code, message)] };
  }
  try {
    const workbook = new Workbook();
    // The import reads no defined name (print areas, filters…), and exceljs builds an object for every cell of each
    // one's range: a name over a whole sheet is 17 billion of them, out of a file of 1 KB. They are not built.
    Object.defineProperty(workbook.definedNames, 'model', { get: () => [], set: () => undefined });
    // exceljs types its argument with a Buffer of its own declaring (a global `interface Buffer extends ArrayBuffer`).
    await workbook.xlsx.load(content as unknown as Parameters<typeof workbook.xlsx.load>[0], { ignoreNodes: IGNORED_NODES });
    return rowsOf(workbook);
  } catch {
    return { issues: [importError('unreadable-file', 'The file cannot be read: it is not a sound .xlsx workbook.')] };
  }
}

/** The rows of the sheet the import reads. */
function rowsOf(workbook: Workbook): Grid {
  const sheets = workbook.worksheets;
  const sheet = sheets.find((s) => foldText(s.name) === foldText(OBJECTIVES_SHEET)) ?? sheets[0];
  if (sheet === undefined) return { issues: [importError('unreadable-file', 'The file cannot be read: it holds no worksheet.')] };
  const issues: ImportIssue[] = [];
  if (sheets.length > 1 && foldText(sheet.name) !== foldText(OBJECTIVES_SHEET)) {
    issues.push(importInfo('sheet-read', `The workbook has no sheet named "${OBJECTIVES_SHEET}": its first sheet, ${quoted(sheet.name)}, was read.`));
  }
  return collectRows(sheet, issues);
}

function collectRows(sheet: Worksheet, issues: ImportIssue[]): Grid {
  const collector = new GridCollector();
  // eachRow offers no way to stop: a row past the limits is simply not looked at once the sheet is refused.
  let refused = false;
  sheet.eachRow((row, rowNumber) => {
    if (refused) return;
    const cells = new Map<number, GridCell>();
    row.eachCell((cell, column) => {
      const merged = cell.type === ValueType.Merge;
      const source: Cell = merged ? cell.master : cell;
      const text = cellText(source.value, source.numFmt);
      if (text !== '') cells.set(column, merged ? { text, merged } : { text });
    });
    refused = !collector.add(rowNumber, cells);
  });
  return collector.result(issues);
}

/** A cell's value as the person sees it (see readXlsxGrid). */
export function cellText(value: CellValue | undefined, numFmt: string | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'sì' : 'no';
  if (typeof value === 'number') return isPercentFormat(numFmt) ? `${formatItalianNumber(value * 100)}%` : formatItalianNumber(value);
  if (value instanceof Date) return dateText(value);
  if ('richText' in value) return value.richText.map((run) => run.text).join('');
  if ('error' in value) return String(value.error);
  if ('formula' in value || 'sharedFormula' in value) return cellText(value.result as CellValue | undefined, numFmt);
  if ('hyperlink' in value) return cellText(value.text as CellValue, numFmt);
  return '';
}

/** A format that shows the value times 100 with a % sign ("0%", "0.00%"), not one showing a literal "%" in quotes. */
function isPercentFormat(numFmt: string | undefined): boolean {
  return numFmt !== undefined && numFmt.replace(/"[^"]*"|\\./g, '').includes('%');
}

/** dd/mm/yyyy of the date the cell shows (a workbook's dates carry no zone: exceljs gives them as UTC). */
function dateText(date: Date): string {
  const time = date.getTime();
  if (Number.isNaN(time)) return '';
  // A time a hair below midnight (a serial number such as 45657.99999999) shows as the next day, as in Excel.
  const shown = new Date(Math.round(time / 1000) * 1000);
  const day = String(shown.getUTCDate()).padStart(2, '0');
  const month = String(shown.getUTCMonth() + 1).padStart(2, '0');
  return `${day}/${month}/${shown.getUTCFullYear()}`;
}
