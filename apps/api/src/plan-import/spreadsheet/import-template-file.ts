import { stringify } from 'csv-stringify/sync';
import { Workbook, type Worksheet } from 'exceljs';
import { IMPORT_COLUMNS, REQUIRED_COLUMNS, type ImportColumn, type ImportColumnKey } from './import-columns';
import { readDate, readNumber } from './import-cells';
import { OBJECTIVES_SHEET } from './xlsx-grid';

/** The sheet that explains the columns. */
export const INSTRUCTIONS_SHEET = 'Istruzioni';

/** Columns whose cells are dates: the workbook formats them dd/mm/yyyy. */
const DATE_COLUMNS: ReadonlySet<ImportColumnKey> = new Set(['deadline', 'phaseStart', 'phaseEnd', 'indicatorDueDate']);
/** Columns whose cells are numbers; every other column is formatted as text, so that Excel keeps "1.01" or "1/3" as typed. */
const NUMBER_COLUMNS: ReadonlySet<ImportColumnKey> = new Set([
  'fromYear',
  'toYear',
  'phaseWeight',
  'phasePercentJuly',
  'phasePercentDecember',
  'personShare',
  'resourceAmount',
]);

const PART_NAMES: Record<ImportColumn['part'], string> = {
  objective: 'Obiettivo',
  phase: 'Fase',
  indicator: 'Indicatore',
  person: 'Persona',
  resource: 'Risorsa',
};
/** A light fill per part, so that the columns of a phase or of an indicator read as a group. */
const PART_FILLS: Record<ImportColumn['part'], string> = {
  objective: 'FFDDEBF7',
  phase: 'FFE2EFDA',
  indicator: 'FFFFF2CC',
  person: 'FFFCE4D6',
  resource: 'FFEDEDED',
};

const HOW_ROWS_WORK = [
  'Ogni riga del foglio "Obiettivi" appartiene a un obiettivo: le righe di uno stesso obiettivo hanno lo stesso "Codice obiettivo" e non devono essere per forza una sotto l\'altra.',
  "I campi dell'obiettivo (dal titolo alle note) si leggono dalla sua prima riga: sulle righe successive si lasciano vuoti o si ripete lo stesso valore; un valore diverso è un errore.",
  'Ogni riga può portare una fase, un indicatore, una persona e una risorsa dello stesso obiettivo: un obiettivo con tre fasi e due indicatori occupa tre righe.',
  'Le date si scrivono gg/mm/aaaa; i numeri con la virgola per i decimali (12,5) e, se serve, il punto per le migliaia (1.500,00). ' +
    'Un valore che non si può leggere non viene inventato: la riga viene segnalata.',
  `Sono obbligatorie le colonne ${REQUIRED_COLUMNS.map((key) => `"${IMPORT_COLUMNS.find((c) => c.key === key)?.header}"`).join(', ')}. ` +
    'Le colonne che il modello non conosce vengono segnalate e ignorate; una colonna del modello può mancare.',
];

/** The template as CSV: UTF-8 with a BOM, `;` separated (as Excel in Italian reads it), the header row and an example row. */
export function templateCsv(): string {
  const header = IMPORT_COLUMNS.map((column) => column.header);
  const example = IMPORT_COLUMNS.map((column) => exampleOf(column));
  return stringify([header, example], { delimiter: ';', bom: true, record_delimiter: 'windows' });
}

/**
 * The template as a workbook: the sheet "Obiettivi" with the headers (bold, frozen, coloured by part), the example
 * row and column widths, each column formatted for what it holds; the sheet "Istruzioni" with how the rows of one
 * objective work and each column's header and help.
 */
export async function templateXlsx(): Promise<Buffer> {
  const workbook = new Workbook();
  workbook.creator = 'piao-cycle';
  writeObjectivesSheet(workbook.addWorksheet(OBJECTIVES_SHEET, { views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }] }));
  writeInstructionsSheet(workbook.addWorksheet(INSTRUCTIONS_SHEET));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function writeObjectivesSheet(sheet: Worksheet): void {
  sheet.columns = IMPORT_COLUMNS.map((column) => ({
    header: column.header,
    key: column.key,
    width: Math.min(60, Math.max(14, column.header.length + 2, exampleOf(column).length + 2)),
    style: { numFmt: DATE_COLUMNS.has(column.key) ? 'dd/mm/yyyy' : NUMBER_COLUMNS.has(column.key) ? 'General' : '@' },
  }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'top', wrapText: true };
  IMPORT_COLUMNS.forEach((column, index) => {
    header.getCell(index + 1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: PART_FILLS[column.part] } };
  });
  sheet.addRow(IMPORT_COLUMNS.map((column) => exampleCell(column)));
}

function writeInstructionsSheet(sheet: Worksheet): void {
  sheet.columns = [{ width: 42 }, { width: 14 }, { width: 90 }, { width: 40 }];
  sheet.addRow(['Come compilare il foglio "Obiettivi"']).font = { bold: true, size: 13 };
  for (const paragraph of HOW_ROWS_WORK) {
    const row = sheet.addRow([paragraph]);
    sheet.mergeCells(row.number, 1, row.number, 4);
    row.alignment = { wrapText: true, vertical: 'top' };
    row.height = 32;
  }
  sheet.addRow([]);
  sheet.addRow(['Colonna', 'Parte', 'Come compilarla', 'Esempio']).font = { bold: true };
  for (const column of IMPORT_COLUMNS) {
    const row = sheet.addRow([column.header, PART_NAMES[column.part], column.help, exampleOf(column) || null]);
    row.alignment = { wrapText: true, vertical: 'top' };
    row.getCell(4).numFmt = '@';
  }
}

function exampleOf(column: ImportColumn): string {
  return 'example' in column && typeof column.example === 'string' ? column.example : '';
}

/** The example as the cell a person would type: a real date in a date column, a number in a number column. */
function exampleCell(column: ImportColumn): string | number | Date | null {
  const example = exampleOf(column);
  if (example === '') return null;
  if (DATE_COLUMNS.has(column.key as ImportColumnKey)) {
    const reading = readDate(example);
    if (reading.status === 'read') return new Date(`${reading.date}T00:00:00Z`);
  }
  if (NUMBER_COLUMNS.has(column.key as ImportColumnKey)) return readNumber(example, { percent: true, euro: true }) ?? example;
  return example;
}
