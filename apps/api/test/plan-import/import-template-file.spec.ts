import { Workbook } from 'exceljs';
import { IMPORT_COLUMNS } from '../../src/plan-import/spreadsheet/import-columns';
import { templateCsv, templateXlsx } from '../../src/plan-import/spreadsheet/import-template-file';
import { objectivesFromRows } from '../../src/plan-import/spreadsheet/rows-to-objectives';
import { readSpreadsheet } from '../../src/plan-import/spreadsheet/spreadsheet-rows';

const EXAMPLE_OBJECTIVE = {
  code: '2025_S08_04',
  rows: [2],
  definition: {
    title: 'Sostegno alle famiglie',
    responsibleUnitId: 'welfare',
    responsiblePerson: 'DAL PIAZ BARBARA',
    horizon: { fromYear: 2025, toYear: 2025 },
    phases: [{ id: 'f1', description: 'Monitorare lo Sportello Legale per le famiglie', plannedStart: '2025-01-01', plannedEnd: '2025-12-31', weight: 50 }],
    indicators: [{ id: 'i1', description: 'Attività avviate dello Sportello Family Point', typeAsWritten: 'efficacia', target: { text: 'almeno n. 2' } }],
  },
};

async function workbook(): Promise<Workbook> {
  const book = new Workbook();
  await book.xlsx.load((await templateXlsx()) as unknown as Parameters<typeof book.xlsx.load>[0]);
  return book;
}

describe('templateCsv', () => {
  it('is the header row and the example row, ; separated, with a BOM and CRLF', () => {
    const csv = templateCsv();
    expect(csv.startsWith('\uFEFFCodice obiettivo;Titolo;Descrizione;Finalità;')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(lines[0].split(';')).toEqual(IMPORT_COLUMNS.map((c) => c.header));
    expect(lines[1].split(';')).toEqual(IMPORT_COLUMNS.map((c) => ('example' in c ? c.example : '')));
  });

  it('reads back as one objective without issues', async () => {
    const read = await readSpreadsheet(Buffer.from(templateCsv(), 'utf8'), 'csv');
    expect(read.issues).toEqual([]);
    expect(objectivesFromRows(read.rows, { fromYear: 2025, toYear: 2027 })).toEqual({ objectives: [EXAMPLE_OBJECTIVE], issues: [] });
  });
});

describe('templateXlsx', () => {
  it('reads back as one objective without issues', async () => {
    const read = await readSpreadsheet(await templateXlsx(), 'xlsx');
    expect(read.issues).toEqual([]);
    expect(objectivesFromRows(read.rows, { fromYear: 2025, toYear: 2027 })).toEqual({ objectives: [EXAMPLE_OBJECTIVE], issues: [] });
  });

  it('writes the sheet "Obiettivi": bold frozen headers, the example row with real dates and numbers, widths, text columns', async () => {
    const book = await workbook();
    expect(book.worksheets.map((s) => s.name)).toEqual(['Obiettivi', 'Istruzioni']);
    const sheet = book.getWorksheet('Obiettivi');
    if (!sheet) throw new Error('no sheet Obiettivi');
    expect(sheet.actualRowCount).toBe(2);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', xSplit: 1, ySplit: 1 });
    IMPORT_COLUMNS.forEach((column, index) => {
      const cell = sheet.getCell(1, index + 1);
      expect([cell.value, cell.font?.bold]).toEqual([column.header, true]);
      expect(sheet.getColumn(index + 1).width).toBeGreaterThanOrEqual(14);
    });
    const at = (key: string) => sheet.getCell(2, IMPORT_COLUMNS.findIndex((c) => c.key === key) + 1);
    expect(at('phaseStart').value).toEqual(new Date(Date.UTC(2025, 0, 1)));
    expect(at('phaseStart').numFmt).toBe('dd/mm/yyyy');
    expect(at('phaseWeight').value).toBe(50);
    expect(at('code').value).toBe('2025_S08_04');
    expect(at('strategicObjective').numFmt).toBe('@');
  });

  it('writes the sheet "Istruzioni": how rows work, then each column with its help', async () => {
    const sheet = (await workbook()).getWorksheet('Istruzioni');
    if (!sheet) throw new Error('no sheet Istruzioni');
    const texts: string[][] = [];
    sheet.eachRow((row) => texts.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))));
    expect(texts[0]).toEqual(['Come compilare il foglio "Obiettivi"']);
    expect(texts[1][0]).toContain('stesso "Codice obiettivo"');
    const table = texts.findIndex((row) => row[0] === 'Colonna');
    expect(texts[table]).toEqual(['Colonna', 'Parte', 'Come compilarla', 'Esempio']);
    expect(texts.slice(table + 1)).toEqual(
      IMPORT_COLUMNS.map((c) => {
        const part = { objective: 'Obiettivo', phase: 'Fase', indicator: 'Indicatore', person: 'Persona', resource: 'Risorsa' }[c.part];
        return 'example' in c ? [c.header, part, c.help, c.example] : [c.header, part, c.help];
      }),
    );
  });
});
