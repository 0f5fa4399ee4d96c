import { romeDateOf } from '@piao/lifecycle';

/** What Intl says, asked every time: the reference the kept dates are checked against. */
const intl = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome', year: 'numeric', month: '2-digit', day: '2-digit' });
const reference = (instant: Date) => intl.format(instant);

describe("Rome's date of an instant", () => {
  it('turns at midnight in Italy: 23:00 UTC in winter, 22:00 UTC in summer', () => {
    expect(romeDateOf(new Date('2025-01-15T22:59:59.999Z'))).toBe('2025-01-15');
    expect(romeDateOf(new Date('2025-01-15T23:00:00.000Z'))).toBe('2025-01-16');
    expect(romeDateOf(new Date('2025-07-15T21:59:59.999Z'))).toBe('2025-07-15');
    expect(romeDateOf(new Date('2025-07-15T22:00:00.000Z'))).toBe('2025-07-16');
  });

  it('agrees with Intl at every minute around both daylight-saving changes and New Year, asked in any order', () => {
    const starts = ['2025-03-29T20:00:00Z', '2025-10-25T20:00:00Z', '2025-12-31T20:00:00Z', '2026-03-28T20:00:00Z'];
    const instants = starts.flatMap((start) => Array.from({ length: 60 * 30 }, (_, m) => new Date(Date.parse(start) + m * 60_000)));
    // Backwards first, then forwards: an hour's date kept from one instant must hold for every other of that hour.
    for (const instant of [...instants].reverse()) expect(romeDateOf(instant)).toBe(reference(instant));
    for (const instant of instants) expect(romeDateOf(instant)).toBe(reference(instant));
  });

  it('agrees with Intl on random instants over two centuries', () => {
    for (let i = 0; i < 5_000; i++) {
      const instant = new Date(Date.UTC(1950, 0, 1) + Math.floor(Math.random() * 200 * 365.25 * 86_400_000));
      expect(romeDateOf(instant)).toBe(reference(instant));
    }
  });

  it('refuses an invalid date as Intl does', () => {
    expect(() => romeDateOf(new Date('not a date'))).toThrow(RangeError);
  });
});
