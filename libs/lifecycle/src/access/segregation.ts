import { type CalendarDate } from '../calendar/calendar-date';
import { type DecisionContext } from './actor';
import { type Appointments, type SubstituteValidator, type Tenure } from './appointments';
import { NotPermitted } from './rule-violation';

/**
 * The work an act judges: the units that did it (the responsible unit, the contributing ones, and any unit it was
 * taken from), the people the objective names, and the period the act looks at. A person tied to it on any day of
 * that period, or today, may not judge it: a head who left in March would judge their own months, and the head
 * appointed since would judge the unit they now answer for.
 */
export interface ReviewedWork {
  unitIds: readonly string[];
  personIds: readonly string[];
  from: CalendarDate;
  to: CalendarDate;
}

/** Why a person may not judge a piece of work: the rule clients see, and what ties them to it, in words. */
export interface Conflict {
  rule: 'reviewer-heads-unit' | 'reviewer-belongs-to-unit' | 'reviewer-involved-in-objective';
  reason: string;
}

function inPeriod(tenure: { from: CalendarDate; to?: CalendarDate }, from: CalendarDate, to: CalendarDate, today: CalendarDate): boolean {
  const overlaps = tenure.from <= to && (tenure.to === undefined || from <= tenure.to);
  const coversToday = tenure.from <= today && (tenure.to === undefined || today <= tenure.to);
  return overlaps || coversToday;
}

/**
 * What ties `personId` to the work, if anything: a headship of one of its units (today or on a day of the period), an
 * assignment to one of them (likewise), or a place among the objective's people. `headedToday` adds the units the
 * decision's context says the person heads today (the actor's, when the appointments are not known).
 */
export function conflictOf(
  personId: string,
  work: ReviewedWork,
  appointments: Appointments | undefined,
  today: CalendarDate,
  headedToday: ReadonlySet<string> = new Set(),
): Conflict | undefined {
  const units = new Set(work.unitIds);
  const period = `from ${work.from} to ${work.to}`;
  const held = (tenures: readonly Tenure[] = []) => [
    ...new Set(tenures.filter((t) => t.personId === personId && units.has(t.unitId) && inPeriod(t, work.from, work.to, today)).map((t) => t.unitId)),
  ];
  const headed = [...new Set([...work.unitIds.filter((u) => headedToday.has(u)), ...held(appointments?.headships)])];
  if (headed.length > 0) {
    return { rule: 'reviewer-heads-unit', reason: `${personId} heads, or headed ${period}, unit ${headed.join(', ')}, whose work this is` };
  }
  const assigned = held(appointments?.unitAssignments);
  if (assigned.length > 0) {
    return { rule: 'reviewer-belongs-to-unit', reason: `${personId} works, or worked ${period}, in unit ${assigned.join(', ')}, whose work this is` };
  }
  if (work.personIds.includes(personId)) {
    return { rule: 'reviewer-involved-in-objective', reason: `${personId} is among the people involved in the objective` };
  }
  return undefined;
}

/**
 * Refuses the actor who would judge work they are tied to (docs/segregation-of-duties.md): NotPermitted, whatever the
 * state, since nothing the actor can do to the objective makes them fit to judge it. `hint` says who acts instead.
 */
export function refuseConflictedReviewer(context: DecisionContext, work: ReviewedWork, what: string, hint?: string): void {
  const conflict = conflictOf(context.actor.id, work, context.appointments, context.today, context.unitsHeaded);
  if (conflict)
    throw new NotPermitted(conflict.rule, `${what}: nobody validates or evaluates work they answer for, and ${conflict.reason}${hint ? `; ${hint}` : ''}`);
}

/** Whether a dated appointment is in force on a date. */
function inForce(appointment: { from: CalendarDate; to?: CalendarDate }, on: CalendarDate): boolean {
  return appointment.from <= on && (appointment.to === undefined || on <= appointment.to);
}

/** The designations naming the actor that are in force today. */
export function designationsOf(context: DecisionContext): SubstituteValidator[] {
  return (context.appointments?.substituteValidators ?? []).filter((d) => d.personId === context.actor.id && inForce(d, context.today));
}

/**
 * The Segretario the actor validates for, if the actor is designated to substitute (today) a Segretario who may not
 * judge this work himself; undefined otherwise.
 */
export function substitutedSegretario(context: DecisionContext, work: ReviewedWork): string | undefined {
  return designationsOf(context).find((d) => conflictOf(d.segretarioPersonId, work, context.appointments, context.today) !== undefined)?.segretarioPersonId;
}
