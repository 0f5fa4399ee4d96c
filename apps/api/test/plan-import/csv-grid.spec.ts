import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { csvDelimiter, csvRefusal, type CsvLimits } from '../../src/plan-import/spreadsheet/csv-grid';
import { importError, type ImportIssue } from '../../src/plan-import/spreadsheet/import-issue';
import { columnLetters } from '../../src/plan-import/spreadsheet/spreadsheet-grid';

const SMALL: CsvLimits = { dataRows: 3, columns: 3, lines: 8, lineCells: 6, cells: 24 };

/**
 * What csvRefusal must find, worked out from the records csv-parse itself gives (with the options readCsvGrid
 * passes): the same checks in the same order, cell by cell and line by line.
 */
function expected(text: string, delimiter: ';' | ',', limits: CsvLimits): ImportIssue | undefined | 'unreadable' {
  let records: string[][];
  try {
    records = parse(text, { delimiter, bom: true, relax_column_count: true, relax_quotes: true }) as string[][];
  } catch {
    return 'unreadable';
  }
  let cells = 0;
  let filledLines = 0;
  for (const [index, fields] of records.entries()) {
    const row = index + 1;
    for (const [at, field] of fields.entries()) {
      const column = at + 1;
      cells += 1;
      if (column > limits.lineCells) {
        return importError(
          'too-many-columns',
          `Row ${row} has more than ${limits.lineCells} cells, blank ones included, beyond the ${limits.columns} columns a file may have.`,
        );
      }
      if (cells > limits.cells) {
        return importError('too-many-cells', `The file has more than ${limits.cells} cells, blank ones included: split the plan into several files.`);
      }
      if (field.trim() !== '' && column > limits.columns) {
        return importError(
          'too-many-columns',
          `Row ${row} has a value in column ${columnLetters(column)}, beyond the ${limits.columns} columns a file may have.`,
        );
      }
    }
    if (fields.some((field) => field.trim() !== '')) filledLines += 1;
    if (filledLines > limits.dataRows + 1) {
      return importError('too-many-rows', `The file has more than ${limits.dataRows} rows below its header: split the plan into several files.`);
    }
    if (row > limits.lines) {
      return importError('too-many-rows', `The file has more than ${limits.lines} lines, blank ones included: split the plan into several files.`);
    }
  }
  return undefined;
}

describe('csvRefusal', () => {
  it('splits lines and cells as csv-parse does, whatever the quotes, line breaks and blanks (generated texts)', () => {
    const char = fc.constantFrom(';', ',', '"', '"', '\r', '\n', '\r\n', 'a', ' ', '\t', '\u00a0', '\uFEFF', 'è');
    fc.assert(
      fc.property(fc.array(char, { maxLength: 80 }), fc.constantFrom<';' | ','>(';', ','), (chars, delimiter) => {
        const text = chars.join('');
        const want = expected(text, delimiter, SMALL);
        const got = csvRefusal(text, delimiter, SMALL);
        // A quote csv-parse finds never closed: it reports it; the scan may have refused the file before it.
        if (want === 'unreadable') return got === undefined || ['too-many-rows', 'too-many-columns', 'too-many-cells'].includes(got.code);
        expect(got).toEqual(want);
        return true;
      }),
      { numRuns: 5_000, seed: 20_261_202 },
    );
  });

  it.each([
    ['A;B\r\n1;2\r\n', undefined],
    ['a;b;c;"x"', importError('too-many-columns', 'Row 1 has a value in column D, beyond the 3 columns a file may have.')],
    ['a;b;c; ;\t;', undefined],
    ['a;b;c;;;;', importError('too-many-columns', 'Row 1 has more than 6 cells, blank ones included, beyond the 3 columns a file may have.')],
    ['h\n1\n2\n3\n"4\n5"\n', importError('too-many-rows', 'The file has more than 3 rows below its header: split the plan into several files.')],
    ['h\n1\n\n2\n\n3\n', undefined],
    ['h\n\n\n\n\n\n\n\n\n', importError('too-many-rows', 'The file has more than 8 lines, blank ones included: split the plan into several files.')],
    // The first line break met sets the others: after CRLF, a lone LF is text in a cell.
    ['h\r\n1\n2\n3\n4\n5\n', undefined],
    // A quote opens a quoted cell only as its first character.
    ['h\nx"\n1\n2\n3\n', importError('too-many-rows', 'The file has more than 3 rows below its header: split the plan into several files.')],
  ])('%j', (text, issue) => {
    expect(csvRefusal(text, ';', SMALL)).toEqual(issue);
  });
});

describe('csvDelimiter', () => {
  it.each([
    ['a;b;c\n1,2,3', ';'],
    ['a,b;c', ';'],
    ['a,b,c;d', ','],
    ['"a;b",c,d', ','],
    ['\n \r\n a;b', ';'],
    ['uno', ','],
    ['\uFEFFa;b', ';'],
  ])('%j → %s', (text, delimiter) => {
    expect(csvDelimiter(text)).toBe(delimiter);
  });
});
