import { type CalendarDate } from '../calendar/calendar-date';
import { type Campaigns } from '../read-side/deadlines';

/**
 * What the RPCT and the NdV look for in a history (BRIEF §6). Each kind is raised by `objectiveRedFlags`
 * (red-flags.ts) from the events of one objective and the facts it needs around them; every flag names the events
 * that prove it, so that a reader can check it against the log and its leaf hashes.
 */
export const RED_FLAG_KINDS = [
  'target-lowered-after-monitoring',
  'change-without-giunta-act',
  'approval-by-proposer',
  'validation-of-own-unit',
  'evaluation-of-own-unit',
  'back-dated',
  'recorded-after-deadline',
  'evaluation-above-indicators',
  'weights-not-100',
  'no-indicators',
  'indicator-without-target',
  'report-late',
] as const;
export type RedFlagKind = (typeof RED_FLAG_KINDS)[number];

export const RED_FLAG_SEVERITIES = ['high', 'medium', 'low'] as const;
export type RedFlagSeverity = (typeof RED_FLAG_SEVERITIES)[number];

export interface RedFlag {
  kind: RedFlagKind;
  severity: RedFlagSeverity;
  objectiveId: string;
  /** The objective's code in its plan, for people. */
  code: string;
  /** One sentence in Italian that a reader of the dossier understands without the kind's name. */
  description: string;
  /** The events that prove it, in log order (empty only for a flag about the definition as it stands). */
  eventIds: string[];
}

/** An event of an objective's stream as the audit reads it: what the log holds, nothing derived. */
export interface AuditedEvent {
  id: string;
  revision: number;
  type: string;
  data: unknown;
  metadata: {
    actor: { id: string; name: string; role: string };
    occurredAt: string;
    recordedAt: string;
    reason?: string;
    act?: { number: string; date: string };
    /** Present on an event imported with a past year's history: who imported it, when (see red-flags.ts on what it changes). */
    imported?: { by: { id: string; name: string }; at: string };
  };
}

/** The facts around an objective's history that its own stream does not hold. */
export interface RedFlagContext {
  /** The units a person headed on a date, from the ente's organisation (as it was then). */
  unitsHeadedBy(personId: string, on: CalendarDate): ReadonlySet<string>;
  /** The monitoring campaigns of the objective's plan: as-of date → due date. */
  campaigns: Campaigns;
  /** When the year-end report of a plan ending in `toYear` is due. */
  yearEndDue(toYear: number): CalendarDate;
  /** An event recorded more than this many days after its business date is back-dated. */
  backDatingDays: number;
  /** An evaluation more than this many points above the achievement computed from the indicators is flagged. */
  evaluationTolerancePoints: number;
}

export const DEFAULT_BACK_DATING_DAYS = 30;
export const DEFAULT_EVALUATION_TOLERANCE_POINTS = 10;
