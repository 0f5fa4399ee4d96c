import { type CalendarDate } from '../calendar/calendar-date';
import { addDays, workingDayFrom } from './quiet-days';
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
  /** For an overdue step, its place in the series (1, 2, …). */
  overdueIndex?: number;
}

/**
 * The finite reminders of a deadline due on `dueOn` under `policy`: the days before, the day itself and the
 * escalation to the Segretario, each moved off quiet days to the next working day. Steps that land on the same day
 * for the same person collapse into the latest one (a "due tomorrow" on a Monday that is also the due date becomes
 * "due today"). The overdue series is not finite: `overdueStep` gives its steps one at a time.
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

/** The `index`-th reminder while overdue (every `overdueEveryDays` days), or none when the policy has no series. */
export function overdueStep(dueOn: CalendarDate, policy: ReminderPolicy, index: number, audience: ReminderAudience = 'responsible'): ReminderStep | undefined {
  if (policy.overdueEveryDays === null || index < 1) return undefined;
  const on = addDays(dueOn, index * policy.overdueEveryDays);
  return { step: `overdue-${index}@${dueOn}`, audience, sendOn: workingDayFrom(on, policy.patronSaintDay), overdueIndex: index };
}

/**
 * The step of the overdue series that follows step `index` once it has gone out on `today`: the first that goes out
 * after today. Steps whose day is already past were missed (a deadline found long overdue, a send delayed by an
 * outage): the person has just been written to about this deadline, and one message per missed week sent one after
 * the other would bury them.
 */
export function overdueStepAfter(
  dueOn: CalendarDate,
  policy: ReminderPolicy,
  index: number,
  today: CalendarDate,
  audience: ReminderAudience = 'responsible',
): ReminderStep | undefined {
  // The steps' days grow with their index, by at least a day each (overdueEveryDays >= 1): the loop ends.
  for (let next = index + 1; ; next++) {
    const step = overdueStep(dueOn, policy, next, audience);
    if (!step || step.sendOn > today) return step;
  }
}

/** The place of an overdue step in its series, from its name; undefined for any other step. */
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
