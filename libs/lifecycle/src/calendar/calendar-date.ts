/**
 * A calendar date without time zone, as municipal acts carry it ("DGC n. 31 del 10/03/2022").
 * Stored and exchanged as ISO `YYYY-MM-DD`; the Italian `DD/MM/YYYY` is accepted on input
 * because that is how users copy dates from deliberations.
 */
export type CalendarDate = string;

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const ITALIAN = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** Returns the ISO form of a real calendar date, or undefined for text that is not one (e.g. 31/09/2024). */
export function parseCalendarDate(text: string): CalendarDate | undefined {
  let year: number, month: number, day: number;
  const iso = ISO.exec(text);
  const italian = ITALIAN.exec(text);
  if (iso) [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (italian) [day, month, year] = [Number(italian[1]), Number(italian[2]), Number(italian[3])];
  else return undefined;
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1) return undefined;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > lastDay) return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function isCalendarDate(text: unknown): text is CalendarDate {
  return typeof text === 'string' && ISO.test(text) && parseCalendarDate(text) === text;
}

// Building an Intl formatter costs far more than using one: build it once.
const ROME_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar date of an instant in Italy, where every ente of this system lives. */
export function romeDateOf(instant: Date): CalendarDate {
  const hour = Math.floor(instant.getTime() / HOUR_MS);
  // An invalid date (Intl's own RangeError), or one before 1900, when Rome's offset was not whole hours.
  if (!(hour >= FROM_1900)) return ROME_DATE.format(instant);
  let date = ROME_DATES.get(hour);
  if (date === undefined) {
    if (ROME_DATES.size >= ROME_DATES_KEPT) ROME_DATES.clear();
    date = ROME_DATE.format(instant);
    ROME_DATES.set(hour, date);
  }
  return date;
}

/**
 * Rome's date by hour of UTC time, worked out once: Italy's offset is a whole number of hours (since 1893) and
 * changes on the hour, so every instant of one UTC hour has the same date there. Read models and red flags ask for the
 * date of every event's recording time; Intl's formatting is what costs.
 */
const HOUR_MS = 3_600_000;
const FROM_1900 = Date.UTC(1900, 0, 1) / HOUR_MS;
const ROME_DATES = new Map<number, CalendarDate>();
const ROME_DATES_KEPT = 50_000;
