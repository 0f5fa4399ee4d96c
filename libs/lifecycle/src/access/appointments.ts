import { type CalendarDate } from '../calendar/calendar-date';

/**
 * A person's time in a unit: a headship, or an assignment to work in it. `to` is the last day; absent while
 * open-ended.
 */
export interface Tenure {
  unitId: string;
  personId: string;
  from: CalendarDate;
  to?: CalendarDate;
  /** A headship ad interim: a head appointed for a time to a unit whose head left (recorded on every act of theirs). */
  interim?: boolean;
}

/** The act that designates a substitute validator: a decree of the Sindaco or a deliberation, by number and date. */
export interface DesignationAct {
  number: string;
  date: CalendarDate;
}

/**
 * A person designated by the ente to validate, in the Segretario's stead, the reports the Segretario may not validate
 * because they are of a unit he heads or works in (TUEL art. 97 c. 5: the vicesegretario, or another validator).
 */
export interface SubstituteValidator {
  personId: string;
  /** The Segretario substituted. */
  segretarioPersonId: string;
  from: CalendarDate;
  to?: CalendarDate;
  act: DesignationAct;
}

/**
 * What the segregation of duties reads of the ente's organisation: who headed and who worked in which unit when, and
 * who validates in the Segretario's stead. The organisation's state is one (OrganisationState satisfies it); the
 * lists added after the first release are optional, as an organisation folded before them lacks them.
 */
export interface Appointments {
  headships: readonly Tenure[];
  unitAssignments?: readonly Tenure[];
  substituteValidators?: readonly SubstituteValidator[];
}
