import { readAsOf, todayInRome } from './as-of-date';

describe('the day of a past view', () => {
  it('reads dd/mm/yyyy and yyyy-mm-dd as the same day', () => {
    expect(readAsOf('02/12/2026', '2026-12-03')).toEqual({ date: '2026-12-02' });
    expect(readAsOf(' 2/3/2025 ', '2026-12-03')).toEqual({ date: '2025-03-02' });
    expect(readAsOf('2025-03-02', '2026-12-03')).toEqual({ date: '2025-03-02' });
  });

  it('names a day that does not exist, or text that is not a day', () => {
    expect(readAsOf('31/02/2025', '2026-12-03')).toEqual({ error: 'invalid' });
    expect(readAsOf('29/02/2025', '2026-12-03')).toEqual({ error: 'invalid' });
    expect(readAsOf('ieri', '2026-12-03')).toEqual({ error: 'invalid' });
    expect(readAsOf('', '2026-12-03')).toEqual({ error: 'invalid' });
    expect(readAsOf('29/02/2024', '2026-12-03')).toEqual({ date: '2024-02-29' });
  });

  it('takes today and refuses tomorrow', () => {
    expect(readAsOf('03/12/2026', '2026-12-03')).toEqual({ date: '2026-12-03' });
    expect(readAsOf('04/12/2026', '2026-12-03')).toEqual({ error: 'future' });
  });

  it('counts today as the day in Italy: 23:30 UTC on 31/12 is already 01/01 in Rome', () => {
    expect(todayInRome(new Date('2025-12-31T23:30:00Z'))).toBe('2026-01-01');
    expect(todayInRome(new Date('2025-07-31T21:59:00Z'))).toBe('2025-07-31');
  });
});
