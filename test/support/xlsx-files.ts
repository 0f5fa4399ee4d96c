import ExcelJS from 'exceljs';
import { IMPORT_COLUMNS, type ImportColumnKey } from '../../apps/api/src/plan-import/spreadsheet/import-columns';

const DATE_COLUMNS = new Set<ImportColumnKey>(['deadline', 'phaseStart', 'phaseEnd', 'indicatorDueDate']);
const NUMBER_COLUMNS = new Set<ImportColumnKey>(['phaseWeight', 'personShare', 'phasePercentJuly', 'phasePercentDecember']);

/**
 * A workbook as a clerk's spreadsheet program saves it: the table's dates typed in as dates become date cells, and
 * weights and percentages typed as "50,00" or "30%" become number cells; everything else stays text as written.
 */
export async function xlsxOf(table: string[][], sheetName = 'Obiettivi'): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName);
  const keys = table[0].map((header) => IMPORT_COLUMNS.find((c) => c.header === header)?.key);
  table.forEach((cells, r) => {
    const row = sheet.addRow(cells.map((cell, c) => (r === 0 || cell === '' ? cell || null : typed(cell, keys[c]))));
    // "30%" typed into a spreadsheet is the number 0.3 shown in a percent format.
    cells.forEach((cell, c) => {
      if (r > 0 && /%\s*$/.test(cell) && typeof row.getCell(c + 1).value === 'number') row.getCell(c + 1).numFmt = '0%';
    });
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function typed(cell: string, key: ImportColumnKey | undefined): string | number | Date {
  const date = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(cell);
  if (key && DATE_COLUMNS.has(key) && date) return new Date(Date.UTC(Number(date[3]), Number(date[2]) - 1, Number(date[1])));
  const number = /^(\d{1,3}(?:\.\d{3})*|\d+)(?:,(\d+))?\s*(%?)$/.exec(cell.trim());
  if (key && NUMBER_COLUMNS.has(key) && number) {
    const value = Number(`${number[1].replace(/\./g, '')}.${number[2] ?? '0'}`);
    // A percentage typed with its sign is stored by spreadsheets as a fraction, shown as "30%".
    return number[3] ? value / 100 : value;
  }
  return cell;
}
