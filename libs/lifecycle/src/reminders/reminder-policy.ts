import { isCalendarDate, type CalendarDate } from '../calendar/calendar-date';
import { textFlaw } from '../invariants/json-values';

/** A day of the year, `MM-DD`: a patron saint's day, a campaign's reference or due day. */
export type MonthDay = string;

/** A monitoring campaign every year of an objective's horizon: reports as of `asOf`, due on `dueOn` (same year). */
export interface CampaignCalendarEntry {
  asOf: MonthDay;
  dueOn: MonthDay;
}

/**
 * When an ente writes to its people about deadlines (BRIEF §5). Adopted as a whole, as an event of the ente's
 * organisation stream: each adoption is a version, and the deadlines follow the latest one.
 */
export interface ReminderPolicy {
  /** Days before the due date on which to write, e.g. [30, 7, 1]. */
  daysBefore: number[];
  onTheDay: boolean;
  /** Every N days while overdue; null: once overdue, only the escalation. */
  overdueEveryDays: number | null;
  /** The Segretario is written to once the deadline is this many days overdue; null: never. */
  escalateAfterDaysOverdue: number | null;
  /** Hour of the day (Italian time) at which reminders go out. */
  sendHour: number;
  /** The patron saint's day of the municipality: a quiet day like a national holiday. */
  patronSaintDay?: MonthDay;
  /** The monitoring campaigns of every year: by default the report on the situation at 31/07, due 31/07. */
  monitoringCampaigns: CampaignCalendarEntry[];
  /** The plan's own approval, in its first year (31 January for the PIAO). */
  planApprovalDue: MonthDay;
  /** The year-end report, in the year after the objective's last year. */
  yearEndReportDue: MonthDay;
  /** The NdV's validation of the Relazione sulla performance, in the year after the plan's last year. */
  ndvValidationDue: MonthDay;
  /** Who is written to for a vacant unit, for the plan's own deadlines and for escalations. */
  segretarioPersonId?: string;
  /** Who is written to about the NdV's validation. */
  nucleoPersonIds?: string[];
}

export const DEFAULT_REMINDER_POLICY: ReminderPolicy = Object.freeze({
  daysBefore: [30, 7, 1],
  onTheDay: true,
  overdueEveryDays: 7,
  escalateAfterDaysOverdue: 15,
  sendHour: 8,
  // The plans measure their phases "al 31 luglio" (target_31_lug): the report on that date is due that day.
  monitoringCampaigns: [{ asOf: '07-31', dueOn: '07-31' }],
  planApprovalDue: '01-31',
  yearEndReportDue: '01-31',
  ndvValidationDue: '06-30',
}) as ReminderPolicy;

const MONTH_DAY = /^(\d{2})-(\d{2})$/;

/** `MM-DD` in `year`; 29 February in a year without it is the 28th. */
export function dateInYear(monthDay: MonthDay, year: number): CalendarDate {
  const candidate = `${year}-${monthDay}`;
  return isCalendarDate(candidate) ? candidate : `${year}-${monthDay.slice(0, 2)}-28`;
}

function isMonthDay(value: unknown): value is MonthDay {
  return typeof value === 'string' && MONTH_DAY.test(value) && isCalendarDate(`2024-${value}`);
}

const FIELDS = new Set<string>([
  'daysBefore',
  'onTheDay',
  'overdueEveryDays',
  'escalateAfterDaysOverdue',
  'sendHour',
  'patronSaintDay',
  'monitoringCampaigns',
  'planApprovalDue',
  'yearEndReportDue',
  'ndvValidationDue',
  'segretarioPersonId',
  'nucleoPersonIds',
]);

/** What is wrong with a policy, each naming its field; empty when it can be adopted. */
export function reminderPolicyProblems(input: unknown): string[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return ['policy: must be an object'];
  const p = input as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(p)) if (!FIELDS.has(key)) problems.push(`policy.${key}: is not a field of a reminder policy`);
  const days = p.daysBefore;
  if (!Array.isArray(days) || days.length > 10 || days.some((d) => !Number.isInteger(d) || (d as number) < 1 || (d as number) > 366)) {
    problems.push('policy.daysBefore: must be a list of at most 10 whole numbers of days from 1 to 366');
  } else if (new Set(days).size !== days.length) problems.push('policy.daysBefore: a day is listed twice');
  if (typeof p.onTheDay !== 'boolean') problems.push('policy.onTheDay: must be true or false');
  for (const key of ['overdueEveryDays', 'escalateAfterDaysOverdue'] as const) {
    const v = p[key];
    if (v !== null && (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 366))
      problems.push(`policy.${key}: must be null or a whole number of days from 1 to 366`);
  }
  if (!Number.isInteger(p.sendHour) || (p.sendHour as number) < 0 || (p.sendHour as number) > 23)
    problems.push('policy.sendHour: must be a whole hour from 0 to 23');
  if (p.patronSaintDay !== undefined && !isMonthDay(p.patronSaintDay)) problems.push('policy.patronSaintDay: must be a day of the year as MM-DD');
  for (const key of ['planApprovalDue', 'yearEndReportDue', 'ndvValidationDue'] as const) {
    if (!isMonthDay(p[key])) problems.push(`policy.${key}: must be a day of the year as MM-DD`);
  }
  const campaigns = p.monitoringCampaigns;
  if (!Array.isArray(campaigns) || campaigns.length > 12) problems.push('policy.monitoringCampaigns: must be a list of at most 12 campaigns');
  else {
    campaigns.forEach((c: unknown, i) => {
      const entry = (typeof c === 'object' && c !== null ? c : {}) as Record<string, unknown>;
      if (!isMonthDay(entry.asOf) || !isMonthDay(entry.dueOn) || Object.keys(entry).some((k) => k !== 'asOf' && k !== 'dueOn')) {
        problems.push(`policy.monitoringCampaigns[${i}]: must be { asOf, dueOn } as MM-DD`);
      } else if (entry.dueOn < entry.asOf) problems.push(`policy.monitoringCampaigns[${i}]: is due before its reference day`);
    });
    const asOfs = campaigns.map((c: { asOf?: unknown }) => c?.asOf);
    if (new Set(asOfs).size !== asOfs.length) problems.push('policy.monitoringCampaigns: two campaigns share a reference day');
  }
  if (p.segretarioPersonId !== undefined && !isPersonId(p.segretarioPersonId)) problems.push('policy.segretarioPersonId: must be a person id');
  const nucleo = p.nucleoPersonIds;
  if (nucleo !== undefined && (!Array.isArray(nucleo) || nucleo.length > 10 || !nucleo.every(isPersonId))) {
    problems.push('policy.nucleoPersonIds: must be a list of at most 10 person ids');
  }
  return problems;
}

/** A person's id as the organisation registers it: any non-empty text a log can carry (e.g. `auth0|123`). */
export function isPersonId(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && value.length <= 200 && textFlaw(value) === undefined;
}

export const REMINDER_CHANNELS = ['email', 'in-app'] as const;
export type ReminderChannel = (typeof REMINDER_CHANNELS)[number];

/** How a person wants to hear: e-mail, in-app or both; and whom to copy (their delegates). */
export interface ReminderPreferences {
  channels: ReminderChannel[];
  copyTo: string[];
}

export const DEFAULT_REMINDER_PREFERENCES: ReminderPreferences = Object.freeze({ channels: ['email', 'in-app'], copyTo: [] }) as ReminderPreferences;
