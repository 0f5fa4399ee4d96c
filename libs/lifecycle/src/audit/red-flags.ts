import { isCalendarDate, romeDateOf, type CalendarDate } from '../calendar/calendar-date';
import { definitionChanges } from '../objective/definition-changes';
import { definitionWarnings, type Indicator, type ObjectiveDefinition, type Target } from '../objective/objective-definition';
import { type GiuntaAct, type ObjectiveEvent } from '../objective/objective-events';
import { evolveObjective, type ObjectiveState } from '../objective/objective-state';
import { italianDate, objectiveDeadlines, type Deadline } from '../read-side/deadlines';
import { daysBetween } from '../reminders/quiet-days';
import { levelAfterChange, objectiveAchievement, targetReadingOf } from '../scoring/achievement';
import { DEFAULT_SCORING_SYSTEM } from '../scoring/scoring-system';
import { RED_FLAG_KINDS, type AuditedEvent, type RedFlag, type RedFlagContext, type RedFlagKind, type RedFlagSeverity } from './red-flag';

/*
 * What raises each kind, walking the stream in revision order with the state rebuilt by evolveObjective. The
 * "business date" of an event is its metadata.occurredAt (an ISO instant is read as its date in Italy); the day
 * it was recorded is metadata.recordedAt as a date in Italy. A rule that the decider already enforces is not
 * checked again here: such a flag could never be raised by a real log.
 *
 * - target-lowered-after-monitoring: an event that changes the definition in force (in practice only
 *   ReprogrammingApprovedByGiunta) after a MonitoringReportSubmitted or YearEndReportSubmitted, per indicator:
 *   high when the indicator is removed, its target removed, or the new target is met by every value that met the
 *   old one and by more (at-least lower, at-most higher, by-date later, strict → not strict, exactly → a range
 *   around it, by-date → done at any time); low when the target changed but one side cannot be read or the two
 *   cannot be compared (another unit, a sense turned over, exactly → another exactly): a person must look, nothing
 *   is guessed. A target made harder raises nothing. Events: the latest report before the change, the change.
 * - change-without-giunta-act (high): a ResponsibleReassigned on an objective the Giunta has approved, with no act
 *   in its data nor its metadata; or a Giunta act (approval, reprogramming approval, cancellation, reassignment)
 *   dated after the date the event says it took effect. An approved objective cancelled without an act, a
 *   reprogramming approved without one and a draft edited after approval are refused by the decider.
 * - approval-by-proposer (medium): ObjectiveApprovedByGiunta recorded by whoever recorded the latest
 *   ObjectiveProposed; ReprogrammingApprovedByGiunta by whoever recorded the pending ReprogrammingProposed. The
 *   decider allows it (the Segretario records the Giunta's acts, and may have proposed) and says so in the event
 *   (`recordedByProposer: true`); events recorded before that field are recognised by their authors.
 * - validation-of-own-unit (high): MonitoringReportValidated or YearEndReportValidated recorded by a person who,
 *   on its business date, headed the responsible unit or a contributing unit of the definition then in force. The
 *   submitter validating their own report is refused by the decider, and so, since the segregation of duties
 *   (docs/segregation-of-duties.md), is a validator tied to those units: the flag finds what was recorded before.
 * - evaluation-of-own-unit (high): ObjectiveEvaluated or EvaluationConfirmed recorded by a person who, on its
 *   business date, headed the responsible or a contributing unit, or who submitted the year-end report then
 *   current (the decider refuses that to Evaluate, not to ConfirmEvaluation; it refuses both to a head of those
 *   units since the segregation of duties).
 * - back-dated (medium): any event recorded more than context.backDatingDays calendar days after its business date,
 *   except an imported one (metadata.imported: a past year's history entered by a municipality joining mid-cycle).
 *   Its recording is the import itself, a later and visible act (who imported it and when is in the event, the trail
 *   and the dossier): the gap between the two dates is what an import is, not a sign that the fact was back-dated.
 * - recorded-after-deadline (low): a record that meets a deadline of the objective (objectiveDeadlines on the state
 *   before it) claiming a date on or before it, recorded after it: a phase brought to 100% (claimed date: its
 *   actualEnd, else the business date), a value of an indicator with a due date, or of a unit's share with a due date
 *   of its own (`unitTargets`; claimed: its asOf), a monitoring report or the year-end report (claimed: the business
 *   date). Low: values are often measured at a date and keyed in later in good faith; back-dated catches the gross cases.
 * - evaluation-above-indicators (medium): ObjectiveEvaluated or EvaluationConfirmed whose achievementPercent exceeds
 *   objectiveAchievement(state before it, DEFAULT_SCORING_SYSTEM) by more than context.evaluationTolerancePoints
 *   (an indicator with unit targets and no target of its own counts with its units' mean); nothing when that
 *   achievement is unknown.
 * - weights-not-100 (low): the definition in force of an objective the Giunta has approved has the
 *   phase-weights-not-100 or phase-weight-missing warning of definitionWarnings (blank weights are weights that do
 *   not total 100 as written). Events: the event carrying that definition's text and the approval putting it in force.
 * - no-indicators (medium), indicator-without-target (medium, one per indicator): the no-indicator and
 *   indicator-without-target warnings of the same definition, same events. A draft is not an audit finding.
 * - report-late (low): a MonitoringReportSubmitted recorded after context.campaigns[asOf].dueOn (nothing when the
 *   plan has no such campaign), a YearEndReportSubmitted recorded after context.yearEndDue(horizon.toYear); a
 *   resubmission after a return is not late when an earlier submission of the same report was on time.
 *
 * - An imported event is otherwise audited like any other. Where a rule compares the day an event was recorded with a
 *   deadline (recorded-after-deadline, report-late), the day of an imported event is its business date: the day the
 *   fact was recorded at the time is not known, and the day of the import would make every report of the past year
 *   late. A report imported with a business date after its due date is late all the same.
 *
 * Flags are sorted by the revision of their first event, then by kind in RED_FLAG_KINDS order, then description.
 */
export function objectiveRedFlags(objectiveId: string, events: readonly AuditedEvent[], context: RedFlagContext): RedFlag[] {
  const found: Found[] = [];
  const raise = (kind: RedFlagKind, severity: RedFlagSeverity, description: string, proof: AuditedEvent[]) =>
    found.push({ kind, severity, description, proof: [...proof].sort((a, b) => a.revision - b.revision) });
  const history: History = { onTime: new Set() };
  let state: ObjectiveState | undefined;

  for (const event of events) {
    const before = state;
    const domainEvent = { type: event.type, data: event.data } as ObjectiveEvent;
    state = evolveObjective(before, domainEvent, { actorId: event.metadata.actor.id });
    const on = businessDateOf(event);
    // An imported event's recording at the time is not known: its business date stands for it (see above).
    const recordedOn = event.metadata.imported ? on : dayOf(event.metadata.recordedAt);
    const walked: Walked = { event, domainEvent, after: state, on, recordedOn };
    if (before) {
      loweredTargets(walked, before, history, raise);
      changeWithoutAct(walked, before, raise);
      approvalByProposer(walked, history, raise);
      ownUnit(walked, before, history, context, raise);
      recordedAfterDeadline(walked, before, context, raise);
      evaluationAboveIndicators(walked, before, context, raise);
      reportLate(walked, before, history, context, raise);
    }
    backDated(walked, context, raise);
    remember(walked, history);
  }
  if (state && state.approvedDefinition && history.inForce) definitionFlags(state.definition, history.inForce, raise);

  const order = (kind: RedFlagKind) => RED_FLAG_KINDS.indexOf(kind);
  const firstRevision = (f: Found) => f.proof[0]?.revision ?? -1;
  return found
    .sort(
      (a, b) =>
        firstRevision(a) - firstRevision(b) ||
        order(a.kind) - order(b.kind) ||
        compareText(a.description, b.description) ||
        compareText(a.proof.map((e) => e.id).join(), b.proof.map((e) => e.id).join()),
    )
    .map((f) => ({
      kind: f.kind,
      severity: f.severity,
      objectiveId,
      code: state?.code ?? '',
      description: f.description,
      eventIds: f.proof.map((e) => e.id),
    }));
}

interface Found {
  kind: RedFlagKind;
  severity: RedFlagSeverity;
  description: string;
  proof: AuditedEvent[];
}

type Raise = (kind: RedFlagKind, severity: RedFlagSeverity, description: string, proof: AuditedEvent[]) => void;

interface Walked {
  event: AuditedEvent;
  domainEvent: ObjectiveEvent;
  after: ObjectiveState;
  /** The business date, undefined when the log holds something that is not a date. */
  on?: CalendarDate;
  recordedOn?: CalendarDate;
}

/** What the walk has seen so far that the state does not keep: which events did what. */
interface History {
  proposal?: AuditedEvent;
  reprogrammingProposal?: AuditedEvent;
  /** The latest monitoring or year-end submission: a change after it was made knowing the results. */
  report?: AuditedEvent;
  yearEndSubmission?: AuditedEvent;
  /** The latest event carrying the draft's text, and the one carrying the pending reprogramming's. */
  draftText?: AuditedEvent;
  reprogrammingText?: AuditedEvent;
  /** The definition in force: the event carrying its text and the Giunta's approval that put it in force. */
  inForce?: [AuditedEvent, AuditedEvent];
  /** Reports (as-of date, or "year-end") with a submission on time: a resubmission after a return is not late. */
  onTime: Set<string>;
}

function remember({ event, domainEvent }: Walked, history: History): void {
  switch (domainEvent.type) {
    case 'ObjectiveDrafted':
    case 'ObjectiveDraftUpdated':
      history.draftText = event;
      break;
    case 'ObjectiveProposed':
      history.proposal = event;
      break;
    case 'ObjectiveApprovedByGiunta':
      if (history.draftText) history.inForce = [history.draftText, event];
      break;
    case 'ReprogrammingProposed':
      history.reprogrammingProposal = event;
      history.reprogrammingText = event;
      break;
    case 'ReprogrammingApprovedByGiunta':
      if (history.reprogrammingText) history.inForce = [history.reprogrammingText, event];
      break;
    case 'MonitoringReportSubmitted':
      history.report = event;
      break;
    case 'YearEndReportSubmitted':
      history.report = event;
      history.yearEndSubmission = event;
      break;
  }
}

// ---- target-lowered-after-monitoring ----

function loweredTargets({ event, domainEvent, after }: Walked, before: ObjectiveState, history: History, raise: Raise): void {
  const report = history.report;
  if (!report || after.definition === before.definition) return;
  const act = actOf(domainEvent, event);
  const when = `dopo ${reportName(report)}${act ? ` (${actText(act)})` : ''}`;
  for (const old of before.definition.indicators) {
    const current = after.definition.indicators.find((i) => i.id === old.id);
    if (!current) {
      const target = hasTarget(old) ? ` (target «${old.target!.text}»)` : '';
      raise('target-lowered-after-monitoring', 'high', `Indicatore ${old.id} «${old.description}»${target} eliminato ${when}.`, [report, event]);
      continue;
    }
    // The indicator's own target, then each unit's own on it, compared as the same indicator with that target.
    const pairs: [string, Indicator, Indicator][] = [[`dell'indicatore ${old.id}`, old, current]];
    for (const unitTarget of old.unitTargets ?? []) {
      const now = current.unitTargets?.find((t) => t.unitId === unitTarget.unitId);
      pairs.push([`dell'unità ${unitTarget.unitId} sull'indicatore ${old.id}`, { ...old, target: unitTarget.target }, { ...current, target: now?.target }]);
    }
    for (const [whose, before, after] of pairs) {
      if (definitionChanges(before.target, after.target).length === 0) continue;
      if (!hasTarget(before)) continue; // a target given where there was none makes nothing easier
      const from = `«${before.target!.text}»`;
      if (!hasTarget(after)) {
        raise('target-lowered-after-monitoring', 'high', `Target ${whose} eliminato (era ${from}) ${when}.`, [report, event]);
        continue;
      }
      const to = `«${after.target!.text}»`;
      const comparison = compareTargets(before, after);
      if (comparison === 'easier') {
        raise('target-lowered-after-monitoring', 'high', `Target ${whose} ${easedVerb(before, after)} da ${from} a ${to} ${when}.`, [report, event]);
      } else if (comparison === 'unknown') {
        raise(
          'target-lowered-after-monitoring',
          'low',
          `Target ${whose} cambiato da ${from} a ${to} ${when}: non si può stabilire automaticamente se sia più facile da raggiungere.`,
          [report, event],
        );
      }
    }
  }
}

function hasTarget(indicator: Indicator): boolean {
  return indicator.target !== undefined && indicator.target !== null && indicator.target.text.trim() !== '';
}

/**
 * What meets a target, as a set: numbers between two bounds (either open), or something done by a date (or at
 * any time). A target is easier when its set holds the old one's and more.
 */
type Goal =
  { kind: 'number'; unit?: string; low?: Bound; high?: Bound; change?: 'increase' | 'decrease' } | { kind: 'done'; by?: CalendarDate } | { kind: 'unknown' };
interface Bound {
  value: number;
  strict: boolean;
}

function goalOf(indicator: Indicator): Goal {
  const reading = targetReadingOf(indicator);
  if (reading.status === 'unread') return { kind: 'unknown' };
  // A change ("riduzione del 10%") is a level once the baseline says from where; without one it is compared only with
  // another change in the same direction (its amount), never with a level.
  const level = reading.change ? levelAfterChange(reading.target, reading.change, indicator.baseline) : reading.target;
  const target: Target = typeof level === 'string' ? reading.target : level;
  const change = typeof level === 'string' ? { change: reading.change } : {};
  const bound = (strict: boolean): Bound | undefined => (typeof target.value === 'number' ? { value: target.value, strict } : undefined);
  const unit = { ...(target.unit ? { unit: target.unit } : {}), ...change };
  switch (target.sense) {
    case 'at-least':
      return bound(target.strict === true) ? { kind: 'number', ...unit, low: bound(target.strict === true) } : { kind: 'unknown' };
    case 'at-most':
      return bound(target.strict === true) ? { kind: 'number', ...unit, high: bound(target.strict === true) } : { kind: 'unknown' };
    case 'exactly':
      return bound(false) ? { kind: 'number', ...unit, low: bound(false), high: bound(false) } : { kind: 'unknown' };
    case 'by-date':
      return target.date ? { kind: 'done', by: target.date } : { kind: 'unknown' };
    case 'done':
      return { kind: 'done' };
    default:
      return { kind: 'unknown' };
  }
}

function compareTargets(old: Indicator, current: Indicator): 'easier' | 'same' | 'harder' | 'unknown' {
  const [a, b] = [goalOf(old), goalOf(current)];
  if (a.kind === 'number' && b.kind === 'number') {
    // A unit given on one side only is the same target written more or less fully.
    if (a.unit && b.unit && a.unit !== b.unit) return 'unknown';
    if (a.change !== b.change) return 'unknown';
    return ordered(contains(b, a), contains(a, b));
  }
  if (a.kind === 'done' && b.kind === 'done') {
    const later = (x?: CalendarDate, y?: CalendarDate) => x === undefined || (y !== undefined && x >= y); // undefined: any time
    return ordered(later(b.by, a.by), later(a.by, b.by));
  }
  return 'unknown';
}

function ordered(newHoldsOld: boolean, oldHoldsNew: boolean): 'easier' | 'same' | 'harder' | 'unknown' {
  if (newHoldsOld && oldHoldsNew) return 'same';
  if (newHoldsOld) return 'easier';
  if (oldHoldsNew) return 'harder';
  return 'unknown';
}

/** Whether every number meeting `inner` meets `outer`. */
function contains(outer: { low?: Bound; high?: Bound }, inner: { low?: Bound; high?: Bound }): boolean {
  const lowHolds =
    !outer.low ||
    (inner.low !== undefined && (inner.low.value > outer.low.value || (inner.low.value === outer.low.value && (!outer.low.strict || inner.low.strict))));
  const highHolds =
    !outer.high ||
    (inner.high !== undefined && (inner.high.value < outer.high.value || (inner.high.value === outer.high.value && (!outer.high.strict || inner.high.strict))));
  return lowHolds && highHolds;
}

/** The word an auditor would use for how the target was eased. */
function easedVerb(old: Indicator, current: Indicator): string {
  const [a, b] = [goalOf(old), goalOf(current)];
  if (a.kind === 'number' && b.kind === 'number') {
    if (a.low && !a.high && b.low && !b.high && b.low.value < a.low.value) return 'abbassato';
    if (a.high && !a.low && b.high && !b.low && b.high.value > a.high.value) return 'alzato';
  }
  if (a.kind === 'done' && b.kind === 'done' && a.by && b.by) return 'posticipato';
  return 'allentato';
}

function reportName(report: AuditedEvent): string {
  if (report.type === 'MonitoringReportSubmitted') return `il monitoraggio al ${italianDate((report.data as { asOf: CalendarDate }).asOf)}`;
  const on = businessDateOf(report);
  return `la rendicontazione finale${on ? ` del ${italianDate(on)}` : ''}`;
}

// ---- change-without-giunta-act ----

function isApprovalAct(event: ObjectiveEvent): boolean {
  return event.type === 'ObjectiveApprovedByGiunta' || event.type === 'ReprogrammingApprovedByGiunta' || event.type === 'ObjectiveCancelled';
}

function changeWithoutAct({ event, domainEvent, on }: Walked, before: ObjectiveState, raise: Raise): void {
  const act = actOf(domainEvent, event);
  if (domainEvent.type === 'ResponsibleReassigned') {
    const { fromUnitId, toUnitId, effectiveOn } = domainEvent.data;
    const moved = `Obiettivo trasferito dall'unità ${fromUnitId} all'unità ${toUnitId} con effetto dal ${italianDate(effectiveOn)}`;
    if (!act) {
      // Before the Giunta approves it the objective is still the proposer's to shape.
      if (before.approvedDefinition) raise('change-without-giunta-act', 'high', `${moved}, dopo l'approvazione, senza una deliberazione di Giunta.`, [event]);
    } else if (act.date > effectiveOn) {
      raise('change-without-giunta-act', 'high', `${moved}, anteriore alla ${actText(act)} su cui si fonda.`, [event]);
    }
    return;
  }
  if (!isApprovalAct(domainEvent) || !act || !on || act.date <= on) return;
  const what =
    domainEvent.type === 'ObjectiveApprovedByGiunta'
      ? "Approvazione dell'obiettivo"
      : domainEvent.type === 'ReprogrammingApprovedByGiunta'
        ? 'Approvazione della riprogrammazione'
        : "Annullamento dell'obiettivo";
  raise('change-without-giunta-act', 'high', `${what} con effetto dal ${italianDate(on)}, anteriore alla ${actText(act)} su cui si fonda.`, [event]);
}

/** The act an event rests on: in its data where the event carries one, else in its metadata. */
function actOf(domainEvent: ObjectiveEvent, event: AuditedEvent): GiuntaAct | undefined {
  const data = domainEvent.data as { act?: GiuntaAct } | undefined;
  const act = data?.act ?? event.metadata.act;
  return act && isCalendarDate(act.date) ? act : undefined;
}

function actText(act: GiuntaAct): string {
  return `DGC n. ${act.number} del ${italianDate(act.date)}`;
}

// ---- approval-by-proposer ----

function approvalByProposer({ event, domainEvent }: Walked, history: History, raise: Raise): void {
  const proposal =
    domainEvent.type === 'ObjectiveApprovedByGiunta'
      ? history.proposal
      : domainEvent.type === 'ReprogrammingApprovedByGiunta'
        ? history.reprogrammingProposal
        : undefined;
  const said = (domainEvent.data as { recordedByProposer?: unknown }).recordedByProposer === true;
  if (!proposal || (!said && proposal.metadata.actor.id !== event.metadata.actor.id)) return;
  const what = domainEvent.type === 'ObjectiveApprovedByGiunta' ? "la proposta dell'obiettivo" : 'la proposta di riprogrammazione';
  const act = actOf(domainEvent, event);
  raise(
    'approval-by-proposer',
    'medium',
    `${personName(event)} ha registrato sia ${what} sia la sua approvazione da parte della Giunta${act ? ` (${actText(act)})` : ''}.`,
    [proposal, event],
  );
}

// ---- validation-of-own-unit, evaluation-of-own-unit ----

function ownUnit({ event, domainEvent, on }: Walked, before: ObjectiveState, history: History, context: RedFlagContext, raise: Raise): void {
  const actorId = event.metadata.actor.id;
  const headed = on ? headedUnits(before.definition, context.unitsHeadedBy(actorId, on)) : undefined;
  const heads = headed ? `che il ${italianDate(on!)} dirigeva ${headed}` : undefined;
  switch (domainEvent.type) {
    case 'MonitoringReportValidated':
      if (heads)
        raise('validation-of-own-unit', 'high', `Monitoraggio al ${italianDate(domainEvent.data.asOf)} validato da ${personName(event)}, ${heads}.`, [event]);
      return;
    case 'YearEndReportValidated':
      if (heads) raise('validation-of-own-unit', 'high', `Rendicontazione finale validata da ${personName(event)}, ${heads}.`, [event]);
      return;
    case 'ObjectiveEvaluated':
    case 'EvaluationConfirmed': {
      const submission = before.yearEndReport?.submittedBy === actorId ? history.yearEndSubmission : undefined;
      if (!heads && !submission) return;
      const reasons = [heads, submission ? 'che aveva presentato la rendicontazione finale' : undefined].filter((r) => r !== undefined).join(' e ');
      const what = domainEvent.type === 'ObjectiveEvaluated' ? 'Valutazione del Nucleo' : 'Decisione sulla contestazione della valutazione';
      raise(
        'evaluation-of-own-unit',
        'high',
        `${what} (${percentText(domainEvent.data.achievementPercent)}) registrata da ${personName(event)}, ${reasons}.`,
        submission ? [submission, event] : [event],
      );
      return;
    }
  }
}

/** The objective's units among those headed, in words; undefined when none. */
function headedUnits(definition: ObjectiveDefinition, headed: ReadonlySet<string>): string | undefined {
  const parts: string[] = [];
  if (headed.has(definition.responsibleUnitId)) parts.push(`l'unità responsabile ${definition.responsibleUnitId}`);
  const contributing = [...new Set(definition.contributingUnitIds ?? [])].filter((u) => u !== definition.responsibleUnitId && headed.has(u));
  if (contributing.length === 1) parts.push(`l'unità concorrente ${contributing[0]}`);
  if (contributing.length > 1) parts.push(`le unità concorrenti ${contributing.join(', ')}`);
  return parts.length ? parts.join(' e ') : undefined;
}

// ---- back-dated ----

function backDated({ event, on, recordedOn }: Walked, context: RedFlagContext, raise: Raise): void {
  if (!on || !recordedOn || event.metadata.imported) return;
  const days = daysBetween(on, recordedOn);
  if (days <= context.backDatingDays) return;
  raise(
    'back-dated',
    'medium',
    `Registrazione «${eventLabel(event)}» datata ${italianDate(on)} ma inserita il ${italianDate(recordedOn)}, ${days} giorni dopo (limite: ${context.backDatingDays}).`,
    [event],
  );
}

// ---- recorded-after-deadline ----

function recordedAfterDeadline({ event, domainEvent, on, recordedOn }: Walked, before: ObjectiveState, context: RedFlagContext, raise: Raise): void {
  const claim = claimedOnTime(domainEvent, before, on);
  if (!claim || !recordedOn) return;
  const due = objectiveDeadlines(before, context.campaigns, context.yearEndDue).find((d) => d.kind === claim.deadline && d.ref === claim.ref)?.dueOn;
  if (!due || claim.on > due || recordedOn <= due) return;
  raise(
    'recorded-after-deadline',
    'low',
    `${claim.what}, entro la scadenza del ${italianDate(due)}, ma la registrazione è del ${italianDate(recordedOn)}, a scadenza passata.`,
    [event],
  );
}

/** The deadline a record meets and the date it claims to meet it on; undefined for a record that meets none. */
function claimedOnTime(
  event: ObjectiveEvent,
  before: ObjectiveState,
  on: CalendarDate | undefined,
): { deadline: Deadline['kind']; ref: string; on: CalendarDate; what: string } | undefined {
  switch (event.type) {
    case 'PhaseProgressRecorded': {
      const { phaseId, progressPercent, actualEnd } = event.data;
      // Only the record that completes the phase meets its deadline; partial progress claims nothing.
      if (progressPercent < 100 || (before.progress[phaseId]?.progressPercent ?? 0) >= 100) return undefined;
      const claimed = actualEnd ?? on;
      return claimed === undefined
        ? undefined
        : { deadline: 'phase-end', ref: phaseId, on: claimed, what: `Fase ${phaseId} indicata come completata al ${italianDate(claimed)}` };
    }
    case 'IndicatorValueRecorded': {
      const { indicatorId, asOf, value, unitId } = event.data;
      // A unit's share meets that unit's own deadline (ref `<indicator>/<unit>`), the overall value the indicator's.
      if (unitId !== undefined) {
        const what = `Valore «${value}» della quota dell'unità ${unitId} sull'indicatore ${indicatorId} al ${italianDate(asOf)}`;
        return { deadline: 'indicator-due', ref: `${indicatorId}/${unitId}`, on: asOf, what };
      }
      return { deadline: 'indicator-due', ref: indicatorId, on: asOf, what: `Valore «${value}» dell'indicatore ${indicatorId} al ${italianDate(asOf)}` };
    }
    case 'MonitoringReportSubmitted': {
      const asOf = event.data.asOf;
      return on === undefined
        ? undefined
        : { deadline: 'monitoring-report', ref: asOf, on, what: `Monitoraggio al ${italianDate(asOf)} con data di presentazione ${italianDate(on)}` };
    }
    case 'YearEndReportSubmitted': {
      const ref = String(before.definition.horizon.toYear);
      return on === undefined
        ? undefined
        : { deadline: 'year-end-report', ref, on, what: `Rendicontazione finale con data di presentazione ${italianDate(on)}` };
    }
    default:
      return undefined;
  }
}

// ---- evaluation-above-indicators ----

function evaluationAboveIndicators({ event, domainEvent }: Walked, before: ObjectiveState, context: RedFlagContext, raise: Raise): void {
  if (domainEvent.type !== 'ObjectiveEvaluated' && domainEvent.type !== 'EvaluationConfirmed') return;
  const computed = objectiveAchievement(before, DEFAULT_SCORING_SYSTEM).percent;
  const decided = domainEvent.data.achievementPercent;
  if (computed === undefined || !(decided - computed > context.evaluationTolerancePoints)) return;
  const what = domainEvent.type === 'ObjectiveEvaluated' ? 'Valutazione del Nucleo' : 'Decisione sulla contestazione della valutazione';
  raise(
    'evaluation-above-indicators',
    'medium',
    `${what} al ${percentText(decided)} contro un raggiungimento calcolato da fasi e indicatori del ${percentText(computed)} ` +
      `(${numberText(decided - computed)} punti in più, tolleranza ${numberText(context.evaluationTolerancePoints)}).`,
    [event],
  );
}

// ---- report-late ----

function reportLate({ event, domainEvent, recordedOn }: Walked, before: ObjectiveState, history: History, context: RedFlagContext, raise: Raise): void {
  if (!recordedOn) return;
  let report: { key: string; due?: CalendarDate; what: string };
  if (domainEvent.type === 'MonitoringReportSubmitted') {
    const asOf = domainEvent.data.asOf;
    const due = Object.hasOwn(context.campaigns, asOf) ? context.campaigns[asOf].dueOn : undefined;
    report = { key: asOf, due, what: `Monitoraggio al ${italianDate(asOf)} presentato` };
  } else if (domainEvent.type === 'YearEndReportSubmitted') {
    report = { key: 'year-end', due: context.yearEndDue(before.definition.horizon.toYear), what: 'Rendicontazione finale presentata' };
  } else {
    return;
  }
  if (!report.due || history.onTime.has(report.key)) return;
  if (recordedOn <= report.due) {
    history.onTime.add(report.key);
    return;
  }
  raise('report-late', 'low', `${report.what} il ${italianDate(recordedOn)}, oltre la scadenza del ${italianDate(report.due)}.`, [event]);
}

// ---- weights-not-100, no-indicators, indicator-without-target ----

function definitionFlags(definition: ObjectiveDefinition, inForce: [AuditedEvent, AuditedEvent], raise: Raise): void {
  const codes = new Set(definitionWarnings(definition).map((w) => w.code));
  const proof = [...inForce];
  if (codes.has('phase-weights-not-100') || codes.has('phase-weight-missing')) {
    const active = definition.phases.filter((p) => !p.cancelled);
    const weights = active.map((p) => p.weight).filter((w): w is number => typeof w === 'number');
    const blank = active.length - weights.length;
    const total = weights.reduce((sum, w) => sum + w, 0);
    const blankText = `${blank} ${blank === 1 ? 'fase' : 'fasi'} su ${active.length} ${blank === 1 ? 'è' : 'sono'} senza peso`;
    const description =
      weights.length === 0
        ? `Nessuna delle ${active.length} fasi dell'obiettivo in vigore ha un peso.`
        : Math.abs(total - 100) < 1e-9
          ? `Nell'obiettivo in vigore ${blankText}: le altre sommano a 100 e ${blank === 1 ? 'quella senza peso non conta' : 'quelle senza peso non contano'} nel punteggio.`
          : `I pesi delle fasi dell'obiettivo in vigore sommano a ${numberText(total)} anziché 100${blank > 0 ? ` e ${blankText}` : ''}.`;
    raise('weights-not-100', 'low', description, proof);
  }
  if (codes.has('no-indicator')) raise('no-indicators', 'medium', "L'obiettivo in vigore non ha alcun indicatore.", proof);
  for (const indicator of definition.indicators) {
    if (
      codes.has('indicator-without-target') &&
      !hasTarget(indicator) &&
      !(indicator.unitTargets ?? []).some((u) => hasTarget({ ...indicator, target: u.target }))
    ) {
      raise('indicator-without-target', 'medium', `L'indicatore ${indicator.id} «${indicator.description}» dell'obiettivo in vigore non ha un target.`, proof);
    }
  }
}

// ---- dates, names, numbers ----

function businessDateOf(event: AuditedEvent): CalendarDate | undefined {
  return dayOf(event.metadata.occurredAt);
}

/** A business date as written, or the date in Italy of an instant; undefined for anything else. */
function dayOf(text: string | undefined): CalendarDate | undefined {
  if (typeof text !== 'string') return undefined;
  if (isCalendarDate(text)) return text;
  const instant = Date.parse(text);
  return Number.isNaN(instant) ? undefined : romeDateOf(new Date(instant));
}

function personName(event: AuditedEvent): string {
  const { name, id } = event.metadata.actor;
  return name && name.trim() !== '' ? name : id;
}

const EVENT_LABELS: Record<string, string> = {
  ObjectiveDrafted: "bozza dell'obiettivo",
  ObjectiveDraftUpdated: 'modifica della bozza',
  ObjectiveProposed: "proposta dell'obiettivo",
  ObjectiveReturnedForChanges: 'restituzione per modifiche',
  ObjectiveApprovedByGiunta: 'approvazione della Giunta',
  PhaseProgressRecorded: 'avanzamento di fase',
  IndicatorValueRecorded: 'valore di indicatore',
  MonitoringReportSubmitted: 'report di monitoraggio',
  MonitoringReportValidated: 'validazione del monitoraggio',
  MonitoringReportReturned: 'restituzione del monitoraggio',
  ReprogrammingProposed: 'proposta di riprogrammazione',
  ReprogrammingApprovedByGiunta: 'approvazione della riprogrammazione',
  ReprogrammingRejected: 'rigetto della riprogrammazione',
  ResponsibleReassigned: 'cambio di unità responsabile',
  ObjectiveCancelled: "annullamento dell'obiettivo",
  YearEndReportSubmitted: 'rendicontazione finale',
  YearEndReportValidated: 'validazione della rendicontazione finale',
  YearEndReportReturned: 'restituzione della rendicontazione finale',
  ObjectiveEvaluated: 'valutazione del Nucleo',
  EvaluationShared: 'comunicazione della valutazione',
  EvaluationContested: 'contestazione della valutazione',
  EvaluationConfirmed: 'decisione sulla contestazione',
  ObjectiveClosed: "chiusura dell'obiettivo",
};

function eventLabel(event: AuditedEvent): string {
  return Object.hasOwn(EVENT_LABELS, event.type) ? EVENT_LABELS[event.type] : event.type;
}

/** 70.5 as an Italian writes it: "70,5". */
function numberText(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0+$/, '').replace('.', ',');
}

function percentText(n: number): string {
  return `${numberText(n)}%`;
}

/** By code unit, not by locale: the dossier's bytes must not depend on the machine that builds it. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
