import fc from 'fast-check';
import { foldText, formatItalianNumber, readDate, readNumber, readYesNo } from '../../src/plan-import/spreadsheet/import-cells';

describe('readDate', () => {
  it.each([
    ['31/12/2025', '2025-12-31'],
    ['1/7/2025', '2025-07-01'],
    ['01/07/2025', '2025-07-01'],
    ['31.05.2023', '2023-05-31'],
    ['31-12-2025', '2025-12-31'],
    ['2025-12-31', '2025-12-31'],
    ['2025-1-5', '2025-01-05'],
    ['29/02/2024', '2024-02-29'],
    ['  31/12/2025 ', '2025-12-31'],
  ])('reads %s as %s', (text, date) => {
    expect(readDate(text)).toEqual({ status: 'read', date, twoDigitYear: false });
  });

  it.each([
    ['31/12/25', '2025-12-31'],
    ['1.7.25', '2025-07-01'],
    ['30-06-26', '2026-06-30'],
  ])('reads the two-digit year of %s as 20YY: %s', (text, date) => {
    expect(readDate(text)).toEqual({ status: 'read', date, twoDigitYear: true });
  });

  it.each(['31/02/2025', '00/01/2025', '29/02/2025', '31/04/2025', '12/13/2025', '2025-02-30', '31/12/1850'])('knows %s is no day of the calendar', (text) => {
    expect(readDate(text)).toEqual({ status: 'not-a-day' });
  });

  it.each(['entro giugno', 'II trim', '', '31/12', '31/12-2025', '31/12/2025 10:00', '12/31/2025x', 'A.S. 2022/2023', '2025/12/31', '31/12/025'])(
    'does not read %j as a date',
    (text) => {
      expect(readDate(text)).toEqual({ status: 'unreadable' });
    },
  );
});

describe('readNumber', () => {
  it.each([
    ['50', 50],
    ['50,00', 50],
    ['0,5', 0.5],
    ['0.5', 0.5],
    ['12.5', 12.5],
    ['1.500', 1500],
    ['150.000,00', 150000],
    ['1.234.567,89', 1234567.89],
    ['1234,56', 1234.56],
    ['-3', -3],
    ['0.500', 0.5],
    ['0,3', 0.3],
  ])('reads %s as %d', (text, value) => {
    expect(readNumber(text)).toBe(value);
  });

  it.each(['1,234.50', '1.23.4', 'circa 5', '-', '', '5%', '€ 5', '1e3', '12,', ',5', '1 000', 'Infinity', '0x10'])('does not read %j as a number', (text) => {
    expect(readNumber(text)).toBeUndefined();
  });

  it('takes a trailing % only when asked', () => {
    expect(readNumber('20%', { percent: true })).toBe(20);
    expect(readNumber('12,5 %', { percent: true })).toBe(12.5);
    expect(readNumber('%20', { percent: true })).toBeUndefined();
    expect(readNumber('20%')).toBeUndefined();
  });

  it('takes a € or EUR before or after an amount only when asked', () => {
    expect(readNumber('€ 252.118', { euro: true })).toBe(252118);
    expect(readNumber('2.000,00 €', { euro: true })).toBe(2000);
    expect(readNumber('121.992,00', { euro: true })).toBe(121992);
    expect(readNumber('€1.000', { euro: true })).toBe(1000);
    expect(readNumber('1.000 EUR', { euro: true })).toBe(1000);
    expect(readNumber('euro 15', { euro: true })).toBe(15);
    expect(readNumber('€ 252.118')).toBeUndefined();
    expect(readNumber('€ € 5', { euro: true })).toBeUndefined();
  });
});

describe('readYesNo', () => {
  it.each(['sì', 'SI', 'si', 's', 'X', 'yes', 'true', 'Vero', '1', ' Sì '])('reads %j as yes', (text) => {
    expect(readYesNo(text)).toBe(true);
  });
  it.each(['no', 'NO', 'n', 'false', 'falso', '0', '', '  '])('reads %j as no', (text) => {
    expect(readYesNo(text)).toBe(false);
  });
  it.each(['forse', 'sì/no', 'y', '2', 'on'])('reads %j as neither', (text) => {
    expect(readYesNo(text)).toBeUndefined();
  });
});

describe('formatItalianNumber', () => {
  it.each([
    [50, '50'],
    [0.5, '0,5'],
    [0.1 + 0.2, '0,3'],
    [1234.5, '1234,5'],
    [-2.25, '-2,25'],
    [-0, '0'],
    [1e21, '1000000000000000000000'],
    [1e-7, '0,0000001'],
    [2 / 3, '0,6666666667'],
    [252118, '252118'],
    [Number.MAX_VALUE, '∞'],
  ])('writes %d as %s', (value, text) => {
    expect(formatItalianNumber(value)).toBe(text);
  });

  it('writes what toLocaleString writes, for any number (generated)', () => {
    const reference = (value: number) => {
      const rounded = Number(value.toPrecision(10));
      return rounded === 0 ? '0' : rounded.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 }).replace('.', ',');
    };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ noNaN: true, noDefaultInfinity: true }),
          fc.integer().map((n) => n / 100),
        ),
        (value) => formatItalianNumber(value) === reference(value),
      ),
      { numRuns: 20_000, seed: 20_261_202 },
    );
  });

  it('guard, not a benchmark: 200,000 numbers in well under a second (toLocaleString took 3.6 s)', () => {
    const started = Date.now();
    for (let n = 0; n < 200_000; n++) formatItalianNumber(n + 0.25);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('foldText', () => {
  it('takes off case, accents and extra spaces', () => {
    expect(foldText('  Attività   Gestionale ')).toBe('attivita gestionale');
  });
});
