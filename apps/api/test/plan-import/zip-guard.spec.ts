import { XLSX_ZIP_LIMITS, zipProblem, type ZipLimits } from '../../src/plan-import/spreadsheet/zip-guard';
import { type Worksheet } from 'exceljs';
import { workbookOf, zipOf } from './spreadsheet-files';

const SMALL: ZipLimits = { ...XLSX_ZIP_LIMITS, maxEntries: 3, maxEntryBytes: 1_000, maxTotalBytes: 1_500 };
const text = (n: number) => Buffer.alloc(n, 'a');
/** Why the container is refused as unreadable, undefined when it is not refused. */
async function reason(file: Buffer, limits?: ZipLimits): Promise<string | undefined> {
  const problem = await zipProblem(file, limits);
  if (problem !== undefined) expect(problem.code).toBe('unreadable-file');
  return problem?.message;
}

describe('zipProblem', () => {
  it('passes a workbook exceljs wrote', async () => {
    expect(await reason(await workbookOf({ Obiettivi: [['Codice obiettivo'], ['A']] }))).toBeUndefined();
  });

  it('passes stored and deflated parts within the limits', async () => {
    expect(
      await reason(
        zipOf([
          { name: 'a.xml', data: text(1_000) },
          { name: 'b.xml', data: text(500), method: 0 },
        ]),
        SMALL,
      ),
    ).toBeUndefined();
  });

  it('refuses a part that inflates past its limit, whatever size it claims (a zip bomb)', async () => {
    const bomb = zipOf([{ name: 'sheet1.xml', data: Buffer.alloc(100_000), claimedSize: 10 }]);
    expect(bomb.length).toBeLessThan(1_000);
    expect(await reason(bomb, SMALL)).toBe('the .xlsx file inflates to more than the size allowed');
  });

  it('refuses parts that together inflate past the total', async () => {
    expect(
      await reason(
        zipOf([
          { name: 'a', data: text(800) },
          { name: 'b', data: text(800) },
        ]),
        SMALL,
      ),
    ).toBe('the .xlsx file inflates to more than the size allowed');
  });

  it('refuses a stored part past its limit', async () => {
    expect(await reason(zipOf([{ name: 'a', data: text(1_001), method: 0 }]), SMALL)).toBe('the .xlsx file inflates to more than the size allowed');
  });

  it('refuses too many parts', async () => {
    const entries = ['a', 'b', 'c', 'd'].map((name) => ({ name, data: text(1) }));
    expect(await reason(zipOf(entries), SMALL)).toBe('the .xlsx file has 4 parts, more than the 3 allowed');
  });

  it('refuses an encrypted part, a compression Excel does not write and a ZIP64 archive', async () => {
    expect(await reason(zipOf([{ name: 'a', data: text(1), flags: 1 }]), SMALL)).toBe('the .xlsx file is encrypted: save it without a password');
    expect(await reason(zipOf([{ name: 'a', data: text(1), method: 12 }]), SMALL)).toBe(
      'the .xlsx file uses a compression (method 12) that Excel does not write',
    );
    expect(await reason(zipOf([{ name: 'a', data: text(1) }], { zip64: true }), SMALL)).toBe('the .xlsx file is too large (a ZIP64 archive)');
  });

  it('refuses damaged archives', async () => {
    const sound = zipOf([{ name: 'a.xml', data: text(900) }]);
    expect(await reason(sound.subarray(0, sound.length - 30), SMALL)).toBe('the .xlsx file is damaged: its zip directory is missing');
    const garbled = Buffer.from(sound);
    garbled.fill(0xff, 36, 40);
    expect(await reason(garbled, SMALL)).toBe('the .xlsx file is damaged: a part cannot be decompressed');
    const moved = Buffer.from(sound);
    moved.writeUInt32LE(5, moved.length - 22 + 16);
    expect(await reason(moved, SMALL)).toBe('the .xlsx file is damaged: its zip directory is cut short');
  });

  it('names what a file that is no zip is', async () => {
    expect(await reason(Buffer.from('Codice obiettivo;Titolo\n'))).toBe('it is not an .xlsx workbook (an .xlsx file is a zip archive)');
    expect(await reason(Buffer.alloc(0))).toBe('it is not an .xlsx workbook (an .xlsx file is a zip archive)');
    expect(await reason(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]))).toBe(
      'it is an old Excel .xls file or a password-protected workbook: save it as an .xlsx workbook without a password',
    );
  });
});

describe('zipProblem: rows and cells counted while inflating', () => {
  const LIMITS: ZipLimits = { ...XLSX_ZIP_LIMITS, maxSheetRows: 3, maxRows: 10, maxCells: 20, maxMergedRanges: 3 };
  const sheet = (rows: string) => Buffer.from(`<?xml version="1.0"?><worksheet><cols><col min="1" max="3"/></cols><sheetData>${rows}</sheetData></worksheet>`);
  const valued = (n: number) => Array.from({ length: n }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}" t="s"><v>${i}</v></c></row>`).join('');
  const part = (rows: string, name = 'xl/worksheets/sheet1.xml') => ({ name, data: sheet(rows) });

  it('counts the rows of a sheet holding a value, not empty or formatted-only ones, in any form a value takes', async () => {
    const forms = [
      '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="2"/></row>',
      '<row r="2" spans="1:3"><c s="1"/><c\n r="B2" t="inlineStr"><is><t>x</t></is></c></row>',
      '<row r="3"><c><f>A1</f></c></row>',
      '<row r="4"/><row r="5" ht="20" customHeight="1"><c r="A5" s="1"/><c r="B5" s="1"></c></row>',
    ].join('');
    // Rows 1 to 3 hold a value; row 5's `<c …></c>` is counted as one too: an over-count only refuses.
    expect(await zipProblem(zipOf([part(forms.replace('<c r="B5" s="1"></c>', ''))]), LIMITS)).toBeUndefined();
    expect(await zipProblem(zipOf([part(forms)]), LIMITS)).toEqual({
      code: 'too-many-rows',
      message: 'A sheet of the workbook has more than 2 rows below its header: split the plan into several files.',
    });
    expect(await zipProblem(zipOf([part(valued(4))]), LIMITS)).toEqual({
      code: 'too-many-rows',
      message: 'A sheet of the workbook has more than 2 rows below its header: split the plan into several files.',
    });
  });

  it('counts the rows of all the sheets together, empty ones included', async () => {
    const empty = (n: number) => '<row r="9" ht="20"/>'.repeat(n);
    const sheets = (n: number) => [part(valued(3) + empty(n)), part(empty(5), 'xl/worksheets/sheet2.xml')];
    expect(await zipProblem(zipOf(sheets(2)), LIMITS)).toBeUndefined();
    expect(await zipProblem(zipOf(sheets(3)), LIMITS)).toEqual({
      code: 'too-many-rows',
      message: "The workbook's sheets have more than 10 rows in all, empty ones included: split the plan into several files.",
    });
  });

  it('counts the cells of all the sheets together, empty formatted ones included, and the distinct texts', async () => {
    const cells = (n: number) => `<row r="1">${'<c s="1"/>'.repeat(n)}</row>`;
    expect(await zipProblem(zipOf([part(cells(10)), part(cells(10), 'xl/worksheets/sheet2.xml')]), LIMITS)).toBeUndefined();
    expect(await zipProblem(zipOf([part(cells(10)), part(cells(11), 'xl/worksheets/sheet2.xml')]), LIMITS)).toEqual({
      code: 'too-many-cells',
      message:
        "The workbook's sheets have more than 20 cells in all, empty, formatted and merged ones included, more than a plan may have: send the plan's sheet alone, or split the plan into several files.",
    });
    const strings = (n: number) => ({ name: 'xl/sharedStrings.xml', data: Buffer.from(`<sst count="${n}">${'<si><t>a</t></si>'.repeat(n)}</sst>`) });
    expect(await zipProblem(zipOf([strings(20)]), LIMITS)).toBeUndefined();
    expect(await zipProblem(zipOf([strings(21)]), LIMITS)).toEqual({
      code: 'too-many-cells',
      message: "The workbook holds more than 20 distinct texts, more than a plan may have: send the plan's sheet alone, or split the plan into several files.",
    });
  });

  it('counts the cells merged ranges cover, and the ranges, wherever they are', async () => {
    const merged = (...refs: string[]) =>
      part(`${valued(1)}</sheetData><mergeCells count="${refs.length}">${refs.map((ref) => `<mergeCell ref="${ref}"/>`).join('')}</mergeCells><sheetData>`);
    expect(await zipProblem(zipOf([merged('A2:B5', 'c7:D8', '$E$1')]), LIMITS)).toBeUndefined();
    const tooMany = {
      code: 'too-many-cells',
      message:
        "The workbook's sheets have more than 20 cells in all, empty, formatted and merged ones included, more than a plan may have: send the plan's sheet alone, or split the plan into several files.",
    };
    // One cell of the row, then 4 × 5 merged.
    expect(await zipProblem(zipOf([merged('A2:D6')]), LIMITS)).toEqual(tooMany);
    expect(await zipProblem(zipOf([merged('B6:A2', 'A7:A7')]), LIMITS)).toBeUndefined();
    // A whole sheet merged: a 1 KB file exceljs would build 17 billion cells for.
    expect(await zipProblem(zipOf([merged('A1:XFD1048576')]), LIMITS)).toEqual(tooMany);
    expect(await zipProblem(zipOf([merged('A1:A2', 'B1:B2', 'C1:C2'), { ...merged('D1:D2'), name: 'xl/worksheets/sheet2.xml' }]), LIMITS)).toEqual({
      code: 'too-many-cells',
      message: "The workbook's sheets have more than 3 merged ranges, more than a plan may have: unmerge the cells (a row may repeat its objective's code).",
    });
    for (const unreadable of [merged('A1:'), merged('1:2'), part('<mergeCell/>'), part(`<mergeCell x="${'y'.repeat(300)}" ref="A1:B2"/>`)]) {
      expect((await zipProblem(zipOf([unreadable]), LIMITS))?.message).toMatch(/^A merged range of the workbook cannot be read/);
    }
  });

  it('counts the parts exceljs reads as worksheets, and no other', async () => {
    const rows = valued(4);
    for (const name of ['xl/worksheets/sheet2.xml', '/xl/worksheets/sheet1.xml', 'x/xl/worksheets/sheet10.xml.bak']) {
      expect((await zipProblem(zipOf([part(rows, name)]), LIMITS))?.code).toBe('too-many-rows');
    }
    for (const name of ['xl/worksheets/_rels/sheet1.xml.rels', 'xl/media/image1.png', 'xl/chartsheets/sheet1.xml', 'xl/worksheets/foglio1.xml']) {
      expect(await zipProblem(zipOf([part(rows, name)]), LIMITS)).toBeUndefined();
    }
  });

  it('counts stored parts, and rows and tags split across the chunks a part inflates in', async () => {
    expect((await zipProblem(zipOf([{ ...part(valued(4)), method: 0 }]), LIMITS))?.code).toBe('too-many-rows');
    // Rows of uneven lengths over several 64 KiB chunks: one row lost at a boundary would let the larger one pass.
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}"><v>${'9'.repeat(i % 13)}</v></c></row>`).join('');
    const limits = { ...XLSX_ZIP_LIMITS, maxSheetRows: 10_000 };
    expect(sheet(rows(10_000)).length).toBeGreaterThan(6 * 64 * 1024);
    expect(await zipProblem(zipOf([part(rows(10_000))]), limits)).toBeUndefined();
    expect((await zipProblem(zipOf([part(rows(10_001))]), limits))?.code).toBe('too-many-rows');
  });

  it('lets nothing hide a row or a cell from the count', async () => {
    const hidden = '<!-- <c x=" -->' + '<row><c><v>1</v></c></row>'.repeat(4) + '<!-- " -->';
    expect((await zipProblem(zipOf([part(hidden)]), LIMITS))?.code).toBe('too-many-rows');
    const malformed = '<c x=' + '<row><c <row><c>'.repeat(4);
    expect((await zipProblem(zipOf([part(malformed)]), LIMITS))?.code).toBe('too-many-rows');
  });

  it('passes a workbook exceljs wrote at the limits, and refuses one row, cell or merged range more', async () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => [`C${i}`, 'T', i]);
    expect(await zipProblem(await workbookOf({ Obiettivi: rows(3), Istruzioni: rows(3) }), LIMITS)).toBeUndefined();
    expect((await zipProblem(await workbookOf({ Obiettivi: rows(3), Istruzioni: rows(4) }), LIMITS))?.code).toBe('too-many-rows');
    expect((await zipProblem(await workbookOf({ Obiettivi: rows(3), Istruzioni: [...rows(2), ['x', 'y', 'z', 'w', 'v', 'u']] }), LIMITS))?.code).toBe(
      'too-many-cells',
    );
    const merges = (n: number) => (sheet: Worksheet) => ['A1:A2', 'B1:B2', 'C1:C2', 'A3:C3'].slice(0, n).forEach((range) => sheet.mergeCells(range));
    expect(await zipProblem(await workbookOf({ Obiettivi: rows(3) }, merges(3)), LIMITS)).toBeUndefined();
    expect((await zipProblem(await workbookOf({ Obiettivi: rows(3) }, merges(4)), LIMITS))?.message).toMatch(/more than 3 merged ranges/);
  });
});
