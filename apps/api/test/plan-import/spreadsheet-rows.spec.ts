import { type CellValue } from 'exceljs';
import { headerKey } from '../../src/plan-import/spreadsheet/import-headers';
import { IMPORT_COLUMNS } from '../../src/plan-import/spreadsheet/import-columns';
import { readSpreadsheet } from '../../src/plan-import/spreadsheet/spreadsheet-rows';
import { templateXlsx } from '../../src/plan-import/spreadsheet/import-template-file';
import { csvOf, withPart, workbookOf, zipOf } from './spreadsheet-files';

const HEADER = 'Codice obiettivo;Titolo;Unità responsabile';

describe('header matching', () => {
  it('gives every template column a header of its own once reduced', () => {
    expect(new Set(IMPORT_COLUMNS.map((c) => headerKey(c.header))).size).toBe(IMPORT_COLUMNS.length);
  });

  it('matches headers without regard to case, accents, spaces and punctuation', async () => {
    const file = csvOf([
      "CODICE  OBIETTIVO;titolo;Unita' responsabile;FASE – PESO;finalita;Risorsa: importo €;fase-% PREVISTA al 31.07;Indicatore – Valore Atteso",
      'A1;T;welfare;50;F;100;30;almeno 2',
    ]);
    expect(await readSpreadsheet(file, 'csv')).toEqual({
      rows: [
        {
          row: 2,
          cells: {
            code: 'A1',
            title: 'T',
            responsibleUnit: 'welfare',
            phaseWeight: '50',
            purpose: 'F',
            resourceAmount: '100',
            phasePercentJuly: '30',
            indicatorTarget: 'almeno 2',
          },
        },
      ],
      issues: [],
    });
  });

  it('warns of each unknown column once and ignores it, and of values under no header', async () => {
    const file = csvOf([`${HEADER};Colore;;Priorità`, 'A1;T;u;rosso;x;alta', 'A2;T2;u;;;', 'A3;T3;u;;y;']);
    const read = await readSpreadsheet(file, 'csv');
    expect(read.rows).toEqual([
      { row: 2, cells: { code: 'A1', title: 'T', responsibleUnit: 'u' } },
      { row: 3, cells: { code: 'A2', title: 'T2', responsibleUnit: 'u' } },
      { row: 4, cells: { code: 'A3', title: 'T3', responsibleUnit: 'u' } },
    ]);
    expect(read.issues).toEqual([
      { code: 'unknown-column', severity: 'warning', message: 'The column "Colore" is not one of the template\'s: it is ignored.' },
      { code: 'unknown-column', severity: 'warning', message: 'The column "Priorità" is not one of the template\'s: it is ignored.' },
      { row: 2, code: 'unknown-column', severity: 'warning', message: 'Column E has no header but holds values (from row 2 on): they are ignored.' },
    ]);
  });

  it('refuses a file without a required column, naming each one missing', async () => {
    const read = await readSpreadsheet(csvOf(['Titolo;Descrizione', 'T;D']), 'csv');
    expect(read).toEqual({
      rows: [],
      issues: [
        {
          column: 'Codice obiettivo',
          code: 'missing-column',
          severity: 'error',
          message: 'The column "Codice obiettivo" is missing: the template requires it to read any row.',
        },
        {
          column: 'Unità responsabile',
          code: 'missing-column',
          severity: 'error',
          message: 'The column "Unità responsabile" is missing: the template requires it to read any row.',
        },
      ],
    });
  });

  it('reports a column named twice and reads the first', async () => {
    const read = await readSpreadsheet(csvOf([`${HEADER};Fase - peso;fase-peso`, 'A1;T;u;10;20']), 'csv');
    expect(read).toEqual({
      rows: [{ row: 2, cells: { code: 'A1', title: 'T', responsibleUnit: 'u', phaseWeight: '10' } }],
      issues: [
        {
          column: 'Fase - peso',
          code: 'duplicate-column',
          severity: 'error',
          message: 'The column "Fase - peso" appears twice ("Fase - peso" and "fase-peso"): only the first is read.',
        },
      ],
    });
  });

  it('never makes __proto__ or constructor a key, as a header or as a value', async () => {
    const file = csvOf([`${HEADER};__proto__;constructor;polluted`, '__proto__;{"polluted":1};u;{"polluted":1};x;y']);
    const read = await readSpreadsheet(file, 'csv');
    expect(read.rows).toEqual([{ row: 2, cells: { code: '__proto__', title: '{"polluted":1}', responsibleUnit: 'u' } }]);
    expect(read.issues.map((i) => i.message)).toEqual([
      'The column "__proto__" is not one of the template\'s: it is ignored.',
      'The column "constructor" is not one of the template\'s: it is ignored.',
      'The column "polluted" is not one of the template\'s: it is ignored.',
    ]);
    expect(Object.getPrototypeOf(read.rows[0].cells)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('readSpreadsheet (CSV)', () => {
  it('reads a ; file with a BOM, numbering rows as a spreadsheet does, blank rows skipped', async () => {
    const file = csvOf(['', ';;', HEADER, 'A1;Primo;welfare', '', ' ; ;', 'A2;Secondo;lavori-pubblici'], { bom: true });
    expect(await readSpreadsheet(file, 'csv')).toEqual({
      rows: [
        { row: 4, cells: { code: 'A1', title: 'Primo', responsibleUnit: 'welfare' } },
        { row: 7, cells: { code: 'A2', title: 'Secondo', responsibleUnit: 'lavori-pubblici' } },
      ],
      issues: [],
    });
  });

  it('reads a , file with quoted cells holding commas, semicolons, quotes and line breaks', async () => {
    const file = csvOf([
      'Codice obiettivo,Titolo,Unità responsabile,Descrizione',
      'A1,"Sostegno, famiglie; anziani","welfare","Prima riga',
      'seconda riga con ""virgolette"""',
      'A2,Sportello "Family Point",welfare,',
    ]);
    expect(await readSpreadsheet(file, 'csv')).toEqual({
      rows: [
        {
          row: 2,
          cells: { code: 'A1', title: 'Sostegno, famiglie; anziani', responsibleUnit: 'welfare', description: 'Prima riga\r\nseconda riga con "virgolette"' },
        },
        { row: 3, cells: { code: 'A2', title: 'Sportello "Family Point"', responsibleUnit: 'welfare' } },
      ],
      issues: [],
    });
  });

  it('keeps a cell as written, outer spaces included', async () => {
    const read = await readSpreadsheet(csvOf([HEADER, 'A1; Titolo con spazi ;u']), 'csv');
    expect(read.rows[0].cells.title).toBe(' Titolo con spazi ');
  });

  it('refuses a file that is not UTF-8', async () => {
    const latin1 = Buffer.from(`${HEADER}\r\nA1;Attività;u\r\n`, 'latin1');
    expect(await readSpreadsheet(latin1, 'csv')).toEqual({
      rows: [],
      issues: [
        {
          code: 'not-utf-8',
          severity: 'error',
          message: 'The file is not UTF-8 text (accented letters would be misread): save it from Excel as "CSV UTF-8 (delimitato da virgole)".',
        },
      ],
    });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${HEADER}\r\n`, 'utf16le')]);
    expect((await readSpreadsheet(utf16, 'csv')).issues).toEqual([
      { code: 'not-utf-8', severity: 'error', message: 'The file is UTF-16 text, not UTF-8: save it from Excel as "CSV UTF-8 (delimitato da virgole)".' },
    ]);
  });

  it('refuses a workbook sent as CSV and a CSV whose quote never closes', async () => {
    expect((await readSpreadsheet(await templateXlsx(), 'csv')).issues).toEqual([
      { code: 'unreadable-file', severity: 'error', message: 'The file is an Excel workbook, not a CSV file: send it as .xlsx, or save it as CSV.' },
    ]);
    expect(await readSpreadsheet(csvOf([HEADER, 'A1;"Titolo;u']), 'csv')).toEqual({
      rows: [],
      issues: [
        {
          code: 'unreadable-file',
          severity: 'error',
          message: 'The CSV file cannot be read: Quote Not Closed: the parsing is finished with an opening quote at line 3.',
        },
      ],
    });
  });

  it('says so of a file with no rows', async () => {
    expect(await readSpreadsheet(csvOf(['', ' ; ']), 'csv')).toEqual({
      rows: [],
      issues: [{ code: 'empty-file', severity: 'error', message: 'The file has no rows: not even the header.' }],
    });
  });

  it("refuses a file with its header and no row below it, or none in the template's columns", async () => {
    expect(await readSpreadsheet(csvOf([HEADER, '', ';;']), 'csv')).toEqual({
      rows: [],
      issues: [{ code: 'no-objectives', severity: 'error', message: 'There is nothing to import: the file has its header and no row below it.' }],
    });
    expect(await readSpreadsheet(csvOf([`${HEADER};Colore`, ';;;rosso']), 'csv')).toEqual({
      rows: [],
      issues: [
        { code: 'unknown-column', severity: 'warning', message: 'The column "Colore" is not one of the template\'s: it is ignored.' },
        {
          code: 'no-objectives',
          severity: 'error',
          message: "There is nothing to import: no row below the header has a value in one of the template's columns.",
        },
      ],
    });
  });

  it('reads 20,000 rows below the header and refuses 20,001', async () => {
    const lines = (n: number) => [HEADER, ...Array.from({ length: n }, (_, i) => `C${i};T;u`)];
    const most = await readSpreadsheet(csvOf(lines(20_000)), 'csv');
    expect(most.issues).toEqual([]);
    expect(most.rows).toHaveLength(20_000);
    expect(most.rows[19_999]).toEqual({ row: 20_001, cells: { code: 'C19999', title: 'T', responsibleUnit: 'u' } });
    expect(await readSpreadsheet(csvOf(lines(20_001)), 'csv')).toEqual({
      rows: [],
      issues: [
        {
          code: 'too-many-rows',
          severity: 'error',
          message: 'The file has more than 20000 rows below its header: split the plan into several files.',
        },
      ],
    });
  });

  it('refuses a value beyond column 200, not blank cells there', async () => {
    const blanks = ';'.repeat(250);
    expect((await readSpreadsheet(csvOf([`${HEADER}${blanks}`, `A1;T;u${blanks}`]), 'csv')).issues).toEqual([]);
    const far = `A1;T;u${';'.repeat(198)}x`;
    expect(await readSpreadsheet(csvOf([HEADER, far]), 'csv')).toEqual({
      rows: [],
      issues: [{ code: 'too-many-columns', severity: 'error', message: 'Row 2 has a value in column GS, beyond the 200 columns a file may have.' }],
    });
  });

  it('refuses a cell longer than 10,000 characters on its row, keeping the others', async () => {
    const read = await readSpreadsheet(csvOf([`${HEADER};Descrizione`, `A1;T;u;${'x'.repeat(10_001)}`, `A2;T;u;${'x'.repeat(10_000)}`]), 'csv');
    expect(read.rows).toEqual([
      { row: 2, cells: { code: 'A1', title: 'T', responsibleUnit: 'u' } },
      { row: 3, cells: { code: 'A2', title: 'T', responsibleUnit: 'u', description: 'x'.repeat(10_000) } },
    ]);
    expect(read.issues).toEqual([
      {
        row: 2,
        column: 'Descrizione',
        code: 'cell-too-long',
        severity: 'error',
        message: 'The cell has 10001 characters, more than the 10000 allowed: it is not read.',
      },
    ]);
  });
});

describe('readSpreadsheet (XLSX)', () => {
  const header: CellValue[] = [
    'Codice obiettivo',
    'Titolo',
    'Unità responsabile',
    'Scadenza',
    'Fase - peso',
    'Risorsa - importo (€)',
    'Annuale ciclico',
    'Fase - % prevista al 31/07',
    'Descrizione',
    'Note',
    'Fase - descrizione',
  ];

  it('reads each kind of cell as a person sees it in Italian', async () => {
    const file = await workbookOf(
      {
        Obiettivi: [
          header,
          [
            'A1',
            { richText: [{ text: 'Sostegno ', font: { bold: true } }, { text: 'famiglie' }] },
            { text: 'welfare', hyperlink: 'https://example.org/welfare' },
            new Date(Date.UTC(2025, 11, 31)),
            0.1 + 0.2,
            1234.5,
            true,
            0.5,
            { formula: 'E2*2', result: 0.6000000000000001 },
            { error: '#N/A' },
            { formula: 'TODAY()', result: new Date(Date.UTC(2025, 5, 30)) },
          ],
          ['A2', 'T', 'u', 45657, 50, 252118, false, 1, { formula: 'B3', result: undefined }, null, 'Fase'],
        ],
      },
      (sheet) => {
        sheet.getCell('H2').numFmt = '0%';
        sheet.getCell('H3').numFmt = '0.00%';
        sheet.getCell('D3').numFmt = 'dd/mm/yyyy';
        sheet.getCell('F3').numFmt = '"%" 0';
      },
    );
    expect(await readSpreadsheet(file, 'xlsx')).toEqual({
      rows: [
        {
          row: 2,
          cells: {
            code: 'A1',
            title: 'Sostegno famiglie',
            responsibleUnit: 'welfare',
            deadline: '31/12/2025',
            phaseWeight: '0,3',
            resourceAmount: '1234,5',
            cyclical: 'sì',
            phasePercentJuly: '50%',
            description: '0,6',
            notes: '#N/A',
            phaseDescription: '30/06/2025',
          },
        },
        {
          row: 3,
          cells: {
            code: 'A2',
            title: 'T',
            responsibleUnit: 'u',
            deadline: '31/12/2024',
            phaseWeight: '50',
            resourceAmount: '252118',
            cyclical: 'no',
            phasePercentJuly: '100%',
            phaseDescription: 'Fase',
          },
        },
      ],
      issues: [],
    });
  });

  it('reads the sheet "Obiettivi" wherever it is, numbering rows as the sheet does', async () => {
    const file = await workbookOf({
      Istruzioni: [['Leggimi'], ['Codice obiettivo', 'Titolo', 'Unità responsabile'], ['X', 'Y', 'Z']],
      ' OBIETTIVI ': [[], [], ['Codice obiettivo', 'Titolo', 'Unità responsabile'], ['A1', 'T', 'u'], [], ['A2', 'T2', 'u']],
    });
    expect(await readSpreadsheet(file, 'xlsx')).toEqual({
      rows: [
        { row: 4, cells: { code: 'A1', title: 'T', responsibleUnit: 'u' } },
        { row: 6, cells: { code: 'A2', title: 'T2', responsibleUnit: 'u' } },
      ],
      issues: [],
    });
  });

  it('reads the first sheet when none is named "Obiettivi", and says so', async () => {
    const file = await workbookOf({
      Piano: [
        ['Codice obiettivo', 'Titolo', 'Unità responsabile'],
        ['A1', 'T', 'u'],
      ],
      Foglio2: [['x']],
    });
    expect(await readSpreadsheet(file, 'xlsx')).toEqual({
      rows: [{ row: 2, cells: { code: 'A1', title: 'T', responsibleUnit: 'u' } }],
      issues: [{ code: 'sheet-read', severity: 'info', message: 'The workbook has no sheet named "Obiettivi": its first sheet, "Piano", was read.' }],
    });
  });

  it("repeats a merged cell's value in the objective's columns only", async () => {
    const file = await workbookOf(
      {
        Obiettivi: [
          ['Codice obiettivo', 'Titolo', 'Unità responsabile', 'Fase - descrizione', 'Indicatore - descrizione'],
          ['A1', 'T', 'u', 'Fase lunga', 'I1'],
          [null, null, null, null, 'I2'],
          [null, null, null, 'Fase due', 'I3'],
        ],
      },
      (sheet) => {
        sheet.mergeCells('A2:A4');
        sheet.mergeCells('B2:B4');
        sheet.mergeCells('C2:C4');
        sheet.mergeCells('D2:D3');
      },
    );
    expect((await readSpreadsheet(file, 'xlsx')).rows).toEqual([
      { row: 2, cells: { code: 'A1', title: 'T', responsibleUnit: 'u', phaseDescription: 'Fase lunga', indicatorDescription: 'I1' } },
      { row: 3, cells: { code: 'A1', title: 'T', responsibleUnit: 'u', indicatorDescription: 'I2' } },
      { row: 4, cells: { code: 'A1', title: 'T', responsibleUnit: 'u', phaseDescription: 'Fase due', indicatorDescription: 'I3' } },
    ]);
  });

  it('refuses what is not a sound workbook with an issue, never a throw', async () => {
    const template = await templateXlsx();
    const garbled = Buffer.from(template);
    for (let at = 200; at < garbled.length - 2_000; at += 97) garbled[at] ^= 0x5a;
    const cases: [Buffer, string][] = [
      [Buffer.from(`${HEADER}\r\nA1;T;u\r\n`), 'The file cannot be read: it is not an .xlsx workbook (an .xlsx file is a zip archive).'],
      [Buffer.alloc(0), 'The file cannot be read: it is not an .xlsx workbook (an .xlsx file is a zip archive).'],
      [template.subarray(0, template.length / 2), 'The file cannot be read: the .xlsx file is damaged: its zip directory is missing.'],
      [garbled, 'The file cannot be read: the .xlsx file is damaged: a part cannot be decompressed.'],
    ];
    for (const [file, message] of cases) {
      expect(await readSpreadsheet(file, 'xlsx')).toEqual({ rows: [], issues: [{ code: 'unreadable-file', severity: 'error', message }] });
    }
  });

  it('refuses a zip bomb before exceljs inflates it', async () => {
    const bomb = zipOf([{ name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(101 * 1024 * 1024, 0x20), claimedSize: 1_000 }]);
    expect(bomb.length).toBeLessThan(200_000);
    expect(await readSpreadsheet(bomb, 'xlsx')).toEqual({
      rows: [],
      issues: [{ code: 'unreadable-file', severity: 'error', message: 'The file cannot be read: the .xlsx file inflates to more than the size allowed.' }],
    });
  });

  it('refuses a zip that is sound but no workbook', async () => {
    const file = zipOf([{ name: 'hello.txt', data: Buffer.from('hello') }]);
    expect(await readSpreadsheet(file, 'xlsx')).toEqual({
      rows: [],
      issues: [{ code: 'unreadable-file', severity: 'error', message: 'The file cannot be read: it holds no worksheet.' }],
    });
    const badXml = zipOf([
      { name: '[Content_Types].xml', data: Buffer.from('<Types') },
      { name: 'xl/workbook.xml', data: Buffer.from('<workbook><sheets><sheet name="a" sheetId="1" r:id="rId1"/></sheets') },
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.from('<<<not xml') },
    ]);
    expect(await readSpreadsheet(badXml, 'xlsx')).toEqual({
      rows: [],
      issues: [{ code: 'unreadable-file', severity: 'error', message: 'The file cannot be read: it is not a sound .xlsx workbook.' }],
    });
  });

  it('reads 20,000 rows below the header and refuses 20,001 before exceljs loads them, and a value beyond column 200', async () => {
    const rows = (n: number): CellValue[][] => [
      ['Codice obiettivo', 'Titolo', 'Unità responsabile'],
      ...Array.from({ length: n }, (_, i) => [`C${i}`, 'T', 'u']),
    ];
    const most = await readSpreadsheet(await workbookOf({ Obiettivi: rows(20_000) }), 'xlsx');
    expect(most.issues).toEqual([]);
    expect(most.rows).toHaveLength(20_000);
    expect(await readSpreadsheet(await workbookOf({ Obiettivi: rows(20_001) }), 'xlsx')).toEqual({
      rows: [],
      issues: [
        {
          code: 'too-many-rows',
          severity: 'error',
          message: 'A sheet of the workbook has more than 20000 rows below its header: split the plan into several files.',
        },
      ],
    });
    const wide = await workbookOf(
      {
        Obiettivi: [
          ['Codice obiettivo', 'Titolo', 'Unità responsabile'],
          ['A1', 'T', 'u'],
        ],
      },
      (sheet) => {
        sheet.getCell(2, 201).value = 'x';
      },
    );
    expect((await readSpreadsheet(wide, 'xlsx')).issues).toEqual([
      { code: 'too-many-columns', severity: 'error', message: 'Row 2 has a value in column GS, beyond the 200 columns a file may have.' },
    ]);
  });

  it('never makes __proto__ or constructor a key, as a sheet, a header or a value', async () => {
    const file = await workbookOf({
      constructor: [
        ['Codice obiettivo', 'Titolo', 'Unità responsabile', '__proto__'],
        ['__proto__', 'constructor', 'u', '{"polluted":1}'],
      ],
    });
    expect(await readSpreadsheet(file, 'xlsx')).toEqual({
      rows: [{ row: 2, cells: { code: '__proto__', title: 'constructor', responsibleUnit: 'u' } }],
      issues: [{ code: 'unknown-column', severity: 'warning', message: 'The column "__proto__" is not one of the template\'s: it is ignored.' }],
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a sheet with its header and no row below it', async () => {
    const file = await workbookOf({ Obiettivi: [['Codice obiettivo', 'Titolo', 'Unità responsabile']], Istruzioni: [['Leggimi'], ['A1']] });
    expect(await readSpreadsheet(file, 'xlsx')).toEqual({
      rows: [],
      issues: [{ code: 'no-objectives', severity: 'error', message: 'There is nothing to import: the file has its header and no row below it.' }],
    });
  });

  it('says so of a workbook whose sheet is blank', async () => {
    expect((await readSpreadsheet(await workbookOf({ Obiettivi: [] }), 'xlsx')).issues).toEqual([
      { code: 'empty-file', severity: 'error', message: 'The file has no rows: not even the header.' },
    ]);
  });
});

/**
 * Guards, not benchmarks: the files a review measured holding the event loop for 12 to 33 s. Each must be refused
 * before any full parse; the bound of one second is generous (they take tens of milliseconds), there only to catch
 * a return to a parse of the whole file.
 */
describe('hostile files refused cheaply (guard: < 1 s, not a benchmark)', () => {
  const HEADER_CELLS = 'Codice obiettivo;Titolo;Unità responsabile';
  const timed = async (file: Buffer, format: 'xlsx' | 'csv') => {
    const started = process.hrtime.bigint();
    const read = await readSpreadsheet(file, format);
    return { read, ms: Number(process.hrtime.bigint() - started) / 1e6 };
  };
  /** A worksheet of a header and `rows` tiny rows: 3.9 million of them inflate to 97 MiB, under the former 100 MiB a part. */
  const tinyRows = (rows: number, row = '<row><c><v>1</v></c></row>') => {
    const head = '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Codice obiettivo</t></is></c></row>';
    return Buffer.concat([Buffer.from(head), Buffer.alloc(rows * row.length, row), Buffer.from('</sheetData></worksheet>')]);
  };

  it('guard: an XLSX of 250 KB whose sheet holds 3.9 million tiny rows', async () => {
    const file = zipOf([{ name: 'xl/worksheets/sheet1.xml', data: tinyRows(3_900_000) }]);
    expect(file.length).toBeLessThan(300_000);
    const { read, ms } = await timed(file, 'xlsx');
    expect(read).toEqual({
      rows: [],
      issues: [
        {
          code: 'too-many-rows',
          severity: 'error',
          message: 'A sheet of the workbook has more than 20000 rows below its header: split the plan into several files.',
        },
      ],
    });
    expect(ms).toBeLessThan(1_000);
  });

  it('guard: an XLSX of two such sheets, and of sheets of empty rows and of empty cells', async () => {
    const sheet = tinyRows(3_900_000);
    const two = zipOf([
      { name: 'xl/worksheets/sheet1.xml', data: sheet },
      { name: 'xl/worksheets/sheet2.xml', data: sheet },
    ]);
    let { read, ms } = await timed(two, 'xlsx');
    expect(read.issues.map((i) => [i.code, i.row])).toEqual([['too-many-rows', undefined]]);
    expect(ms).toBeLessThan(1_000);
    // Rows that hold no value, each sheet under the limit: together more than three times it.
    const empty = (n: number) => ({ name: `xl/worksheets/sheet${n}.xml`, data: tinyRows(20_000, '<row ht="20" customHeight="1"/>') });
    ({ read, ms } = await timed(zipOf([empty(1), empty(2), empty(3), empty(4)]), 'xlsx'));
    expect(read.issues).toEqual([
      {
        code: 'too-many-rows',
        severity: 'error',
        message: "The workbook's sheets have more than 60003 rows in all, empty ones included: split the plan into several files.",
      },
    ]);
    expect(ms).toBeLessThan(1_000);
    // Formatted empty cells: no row holds a value, but exceljs would build each.
    ({ read, ms } = await timed(zipOf([{ name: 'xl/worksheets/sheet1.xml', data: tinyRows(20_000, `<row>${'<c s="1"/>'.repeat(25)}</row>`) }]), 'xlsx'));
    expect(read.issues.map((i) => [i.code, i.row])).toEqual([['too-many-cells', undefined]]);
    expect(ms).toBeLessThan(1_000);
  });

  it('guard: an XLSX of a few KB merging a whole sheet, and one of 8,000 merged ranges', async () => {
    const sheet = (merges: string[]) =>
      Buffer.from(
        `${'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Codice obiettivo</t></is></c></row></sheetData>'}<mergeCells>${merges
          .map((ref) => `<mergeCell ref="${ref}"/>`)
          .join('')}</mergeCells></worksheet>`,
      );
    for (const merges of [['A2:XFD1048576'], Array.from({ length: 8_000 }, (_, i) => `A${2 * i + 2}:A${2 * i + 3}`)]) {
      const { read, ms } = await timed(zipOf([{ name: 'xl/worksheets/sheet1.xml', data: sheet(merges) }]), 'xlsx');
      expect(read.issues.map((i) => [i.code, i.row])).toEqual([['too-many-cells', undefined]]);
      expect(ms).toBeLessThan(1_000);
    }
  });

  it('guard: an XLSX of a few KB naming a whole sheet (a print area, a filter)', async () => {
    const file = withPart(
      await workbookOf({
        Obiettivi: [
          ['Codice obiettivo', 'Titolo', 'Unità responsabile'],
          ['A1', 'T', 'u'],
        ],
      }),
      'xl/workbook.xml',
      (xml) =>
        xml.replace(
          '</workbook>',
          '<definedNames><definedName name="_xlnm.Print_Area" localSheetId="0">Obiettivi!$A$1:$XFD$1048576</definedName></definedNames></workbook>',
        ),
    );
    expect(file.length).toBeLessThan(10_000);
    const { read, ms } = await timed(file, 'xlsx');
    expect(read).toEqual({ rows: [{ row: 2, cells: { code: 'A1', title: 'T', responsibleUnit: 'u' } }], issues: [] });
    expect(ms).toBeLessThan(1_000);
  });

  it('guard: a 10 MB CSV of one column', async () => {
    const file = Buffer.from(`Codice obiettivo\n${'a\n'.repeat(5_000_000)}`);
    expect(file.length).toBeGreaterThan(10_000_000);
    const { read, ms } = await timed(file, 'csv');
    expect(read).toEqual({
      rows: [],
      issues: [{ code: 'too-many-rows', severity: 'error', message: 'The file has more than 20000 rows below its header: split the plan into several files.' }],
    });
    expect(ms).toBeLessThan(1_000);
  });

  it('guard: a 9 MB CSV of a header and one line of semicolons', async () => {
    const file = Buffer.from(`${HEADER_CELLS}\r\n${';'.repeat(9_000_000)}\r\n`);
    const { read, ms } = await timed(file, 'csv');
    expect(read).toEqual({
      rows: [],
      issues: [
        {
          code: 'too-many-columns',
          severity: 'error',
          message: 'Row 2 has more than 1000 cells, blank ones included, beyond the 200 columns a file may have.',
        },
      ],
    });
    expect(ms).toBeLessThan(1_000);
  });

  it('guard: a 10 MB CSV of blank lines, and one of blank cells', async () => {
    let { read, ms } = await timed(Buffer.from(`${HEADER_CELLS}\n${'\n'.repeat(10_000_000)}`), 'csv');
    expect(read.issues).toEqual([
      { code: 'too-many-rows', severity: 'error', message: 'The file has more than 40000 lines, blank ones included: split the plan into several files.' },
    ]);
    expect(ms).toBeLessThan(1_000);
    ({ read, ms } = await timed(Buffer.from(`${HEADER_CELLS}\n${`${';'.repeat(150)}\n`.repeat(30_000)}`), 'csv'));
    expect(read.issues).toEqual([
      { code: 'too-many-cells', severity: 'error', message: 'The file has more than 1200000 cells, blank ones included: split the plan into several files.' },
    ]);
    expect(ms).toBeLessThan(1_000);
  });
});
