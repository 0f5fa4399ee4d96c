import { zipProblem, type ZipLimits } from '../../src/plan-import/spreadsheet/zip-guard';
import { workbookOf, zipOf } from './spreadsheet-files';

const SMALL: ZipLimits = { maxEntries: 3, maxEntryBytes: 1_000, maxTotalBytes: 1_500 };
const text = (n: number) => Buffer.alloc(n, 'a');

describe('zipProblem', () => {
  it('passes a workbook exceljs wrote', async () => {
    expect(zipProblem(await workbookOf({ Obiettivi: [['Codice obiettivo'], ['A']] }))).toBeUndefined();
  });

  it('passes stored and deflated parts within the limits', () => {
    expect(
      zipProblem(
        zipOf([
          { name: 'a.xml', data: text(1_000) },
          { name: 'b.xml', data: text(500), method: 0 },
        ]),
        SMALL,
      ),
    ).toBeUndefined();
  });

  it('refuses a part that inflates past its limit, whatever size it claims (a zip bomb)', () => {
    const bomb = zipOf([{ name: 'sheet1.xml', data: Buffer.alloc(100_000), claimedSize: 10 }]);
    expect(bomb.length).toBeLessThan(1_000);
    expect(zipProblem(bomb, SMALL)).toBe('the .xlsx file inflates to more than the size allowed');
  });

  it('refuses parts that together inflate past the total', () => {
    expect(
      zipProblem(
        zipOf([
          { name: 'a', data: text(800) },
          { name: 'b', data: text(800) },
        ]),
        SMALL,
      ),
    ).toBe('the .xlsx file inflates to more than the size allowed');
  });

  it('refuses a stored part past its limit', () => {
    expect(zipProblem(zipOf([{ name: 'a', data: text(1_001), method: 0 }]), SMALL)).toBe('the .xlsx file inflates to more than the size allowed');
  });

  it('refuses too many parts', () => {
    const entries = ['a', 'b', 'c', 'd'].map((name) => ({ name, data: text(1) }));
    expect(zipProblem(zipOf(entries), SMALL)).toBe('the .xlsx file has 4 parts, more than the 3 allowed');
  });

  it('refuses an encrypted part, a compression Excel does not write and a ZIP64 archive', () => {
    expect(zipProblem(zipOf([{ name: 'a', data: text(1), flags: 1 }]), SMALL)).toBe('the .xlsx file is encrypted: save it without a password');
    expect(zipProblem(zipOf([{ name: 'a', data: text(1), method: 12 }]), SMALL)).toBe(
      'the .xlsx file uses a compression (method 12) that Excel does not write',
    );
    expect(zipProblem(zipOf([{ name: 'a', data: text(1) }], { zip64: true }), SMALL)).toBe('the .xlsx file is too large (a ZIP64 archive)');
  });

  it('refuses damaged archives', () => {
    const sound = zipOf([{ name: 'a.xml', data: text(900) }]);
    expect(zipProblem(sound.subarray(0, sound.length - 30), SMALL)).toBe('the .xlsx file is damaged: its zip directory is missing');
    const garbled = Buffer.from(sound);
    garbled.fill(0xff, 36, 40);
    expect(zipProblem(garbled, SMALL)).toBe('the .xlsx file is damaged: a part cannot be decompressed');
    const moved = Buffer.from(sound);
    moved.writeUInt32LE(5, moved.length - 22 + 16);
    expect(zipProblem(moved, SMALL)).toBe('the .xlsx file is damaged: its zip directory is cut short');
  });

  it('names what a file that is no zip is', () => {
    expect(zipProblem(Buffer.from('Codice obiettivo;Titolo\n'))).toBe('it is not an .xlsx workbook (an .xlsx file is a zip archive)');
    expect(zipProblem(Buffer.alloc(0))).toBe('it is not an .xlsx workbook (an .xlsx file is a zip archive)');
    expect(zipProblem(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]))).toBe(
      'it is an old Excel .xls file or a password-protected workbook: save it as an .xlsx workbook without a password',
    );
  });
});
