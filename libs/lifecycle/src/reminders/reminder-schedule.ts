import { type CalendarDate } from '../calendar/calendar-date';
import { addDays, daysBetween, workingDayFrom } from './quiet-days';
import { type ReminderPolicy } from './reminder-policy';

/** Who a reminder is for: the head of the responsible unit (on the day it is sent), the Segretario, the NdV. */
export type ReminderAudience = 'responsible' | 'segretario' | 'nucleo';

/**
 * One reminder of a deadline: its step names the due date it counts from (`before-7@2026-03-31`), so that a
 * deadline moved by a reprogramming gets new reminders and a reminder already sent for the old date is never
 * mistaken for one of the new date.
 */
export interface ReminderStep {
  step: string;
  audience: ReminderAudience;
  /** The working day it goes out. */
  sendOn: CalendarDate;
  /** For an overdue step, its number in the series (1, 2, …): how many overdue reminders of the deadline so far, this one included. */
  overdueIndex?: number;
}

/**
 * The finite reminders of a deadline due on `dueOn` under `policy`: the days before, the day itself and the
 * escalation to the Segretario, each moved off quiet days to the next working day. Steps that land on the same day
 * for the same person collapse into the latest one (a "due tomorrow" on a Monday that is also the due date becomes
 * "due today"). The overdue series is not finite: its first step is here, and `overdueStepAfter` gives each next one.
 */
export function reminderSteps(dueOn: CalendarDate, policy: ReminderPolicy, audience: ReminderAudience = 'responsible'): ReminderStep[] {
  const nominal: { step: string; on: CalendarDate }[] = [...new Set(policy.daysBefore)]
    .sort((a, b) => b - a)
    .map((days) => ({ step: `before-${days}@${dueOn}`, on: addDays(dueOn, -days) }));
  if (policy.onTheDay) nominal.push({ step: `on-the-day@${dueOn}`, on: dueOn });
  const bySendDay = new Map<CalendarDate, ReminderStep>();
  for (const { step, on } of nominal) {
    const sendOn = workingDayFrom(on, policy.patronSaintDay);
    bySendDay.set(sendOn, { step, audience, sendOn }); // later steps come later: the last one wins its day
  }
  const steps = [...bySendDay.values()];
  const first = overdueStep(dueOn, policy, 1, audience);
  if (first && (steps.length === 0 || first.sendOn > steps[steps.length - 1].sendOn)) steps.push(first);
  if (policy.escalateAfterDaysOverdue !== null) {
    const on = addDays(dueOn, policy.escalateAfterDaysOverdue);
    steps.push({ step: `escalation@${dueOn}`, audience: 'segretario', sendOn: workingDayFrom(on, policy.patronSaintDay) });
  }
  return steps;
}

/**
 * The step at place `index` of the policy's overdue grid (`index` × `overdueEveryDays` days after the due date), named
 * `overdue-{index}`: the series' first step (index 1, where place and number agree); the later ones come from
 * `overdueStepAfter`, whose names count the messages. None when the policy has no series.
 */
export function overdueStep(dueOn: CalendarDate, policy: ReminderPolicy, index: number, audience: ReminderAudience = 'responsible'): ReminderStep | undefined {
  if (policy.overdueEveryDays === null || index < 1) return undefined;
  return { step: `overdue-${index}@${dueOn}`, audience, sendOn: overdueGridDay(dueOn, policy, policy.overdueEveryDays, index), overdueIndex: index };
}

/** The working day of place `place` in the policy's overdue grid: `place` × `every` days after the due date, off quiet days. */
function overdueGridDay(dueOn: CalendarDate, policy: ReminderPolicy, every: number, place: number): CalendarDate {
  return workingDayFrom(addDays(dueOn, place * every), policy.patronSaintDay);
}

/**
 * The step of the overdue series that follows step `index` once it has gone out on `today`, under `policy` (the one in
 * force now, which may not be the one step `index` was written under). Its day is the first of the policy's series
 * (`overdueEveryDays` apart, counted from the due date, as for a deadline that never saw another policy) that goes out
 * after today. Days already past were missed (a deadline found long overdue, a send delayed by an outage, a policy that
 * wrote to people more often): the person has just been written to about this deadline, and one message per missed
 * week sent one after the other would bury them.
 *
 * Its name is the next in the series (`overdue-{index + 1}`), whatever day it falls on: names must keep growing, since
 * a step's name is its key in the outbox and a name once sent is never written again. The name is not the step's
 * place in the policy's grid: a series that went from every day to every week after twenty messages goes on the next
 * week, where the twenty-first day of the weekly grid would be twenty weeks on.
 */
export function overdueStepAfter(
  dueOn: CalendarDate,
  policy: ReminderPolicy,
  index: number,
  today: CalendarDate,
  audience: ReminderAudience = 'responsible',
): ReminderStep | undefined {
  const every = policy.overdueEveryDays;
  if (every === null) return undefined;
  // Start a little before today's place in the grid: a day moved off quiet days (a long weekend with a holiday and the
  // patron saint's day) goes out at most a few days later than its own, never a week.
  let place = Math.max(1, Math.floor((daysBetween(dueOn, today) - 7) / every));
  // The grid's days grow by at least a day each (overdueEveryDays >= 1): the loop ends.
  for (; ; place++) {
    const sendOn = overdueGridDay(dueOn, policy, every, place);
    if (sendOn > today) return { step: `overdue-${index + 1}@${dueOn}`, audience, sendOn, overdueIndex: index + 1 };
  }
}

/** The number of an overdue step in its series, from its name; undefined for any other step. */
export function overdueIndexOf(step: string): number | undefined {
  const match = /^overdue-(\d+)@/.exec(step);
  return match ? Number(match[1]) : undefined;
}

/** The instant a reminder goes out: `hour` o'clock in Italy on `date`, whatever the daylight-saving offset. */
export function sendInstant(date: CalendarDate, hour: number): Date {
  const key = `${date}T${hour}`;
  let instant = SEND_INSTANTS.get(key);
  if (instant === undefined) {
    if (SEND_INSTANTS.size >= SEND_INSTANTS_KEPT) SEND_INSTANTS.clear();
    instant = romeHourToInstant(date, hour);
    SEND_INSTANTS.set(key, instant);
  }
  return new Date(instant);
}

/**
 * Instants worked out already, by day and hour: the deadlines processor asks for the same few hundred days again on
 * every batch (each objective's schedule is rebuilt when it changes), and Intl's formatting is the slow part.
 */
const SEND_INSTANTS = new Map<string, number>();
const SEND_INSTANTS_KEPT = 20_000;

function romeHourToInstant(date: CalendarDate, hour: number): number {
  const guess = Date.parse(`${date}T${String(hour).padStart(2, '0')}:00:00Z`);
  // The offset of Rome at that moment (one or two hours): read it back from the formatted time.
  const shown = ROME_TIME.formatToParts(new Date(guess));
  const part = (type: string) => Number(shown.find((p) => p.type === type)?.value);
  const romeAsUtc = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour') % 24, part('minute'));
  return guess - (romeAsUtc - guess);
}

const ROME_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Rome',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
