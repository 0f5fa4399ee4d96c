import { type Role, type DecisionContext } from '../access/actor';
import { type Tenure } from '../access/appointments';
import { actingRole, type Grant, type UnitsInvolved } from '../access/permissions';
import { NotPermitted, violated } from '../access/rule-violation';
import { designationsOf, refuseConflictedReviewer, substitutedSegretario, type ReviewedWork } from '../access/segregation';
import { refuseMalformedCommand } from '../invariants/command-fields';
import { OBJECTIVE_COMMAND_FIELDS } from './objective-command-fields';
import { type ObjectiveCommand, type ObjectiveCommandType } from './objective-commands';
import { definitionChanges } from './definition-changes';
import { definitionWarnings, type ObjectiveDefinition } from './objective-definition';
import { type GiuntaAct, type IndicatorReport, type ObjectiveEvent, type PhaseReport } from './objective-events';
import { type ObjectiveState, type ObjectiveStatus } from './objective-state';

/** Who may issue each command. The whole access policy of the objective lifecycle is this table. */
export const OBJECTIVE_GRANTS: Record<ObjectiveCommandType, readonly Grant[]> = {
  DraftObjective: ['segretario', 'dirigente:responsible'],
  UpdateDraft: ['segretario', 'dirigente:responsible'],
  Propose: ['segretario', 'dirigente:responsible'],
  ReturnForChanges: ['segretario'],
  ApproveByGiunta: ['segretario'],
  RecordPhaseProgress: ['segretario', 'dirigente:involved'],
  RecordIndicatorValue: ['segretario', 'dirigente:involved'],
  SubmitMonitoringReport: ['segretario', 'dirigente:responsible'],
  ValidateMonitoringReport: ['segretario'],
  ReturnMonitoringReport: ['segretario'],
  ProposeReprogramming: ['segretario', 'dirigente:responsible'],
  ApproveReprogramming: ['segretario'],
  RejectReprogramming: ['segretario'],
  ReassignResponsible: ['segretario'],
  Cancel: ['segretario'],
  SubmitYearEndReport: ['segretario', 'dirigente:responsible'],
  ValidateYearEndReport: ['segretario'],
  ReturnYearEndReport: ['segretario'],
  Evaluate: ['nucleo'],
  ShareEvaluation: ['nucleo'],
  ContestEvaluation: ['dirigente:responsible'],
  ConfirmEvaluation: ['nucleo'],
  Close: ['segretario'],
};

/**
 * The acts that judge a unit's work: the Segretario's validations and returns of its reports, and every act of the NdV
 * on it. Nobody performs them on the work of a unit they head or belong to (docs/segregation-of-duties.md).
 */
export const REVIEW_COMMANDS = [
  'ValidateMonitoringReport',
  'ReturnMonitoringReport',
  'ValidateYearEndReport',
  'ReturnYearEndReport',
  'Evaluate',
  'ShareEvaluation',
  'ConfirmEvaluation',
] as const satisfies readonly ObjectiveCommandType[];
type ReviewCommand = Extract<ObjectiveCommand, { type: (typeof REVIEW_COMMANDS)[number] }>;

/** The reviews a designated substitute validator performs in the Segretario's stead. */
const SUBSTITUTABLE: ReadonlySet<ObjectiveCommandType> = new Set([
  'ValidateMonitoringReport',
  'ReturnMonitoringReport',
  'ValidateYearEndReport',
  'ReturnYearEndReport',
]);

export interface ObjectiveDecision {
  events: ObjectiveEvent[];
  role: Role;
  /** In which capacity beyond the role the actor acted, recorded with the events (see capacityOf). */
  capacity?: ActingCapacity;
}

/**
 * `ad-interim`: a dirigente acting for a unit they head ad interim; `vacant-unit`: the Segretario doing what the head
 * of the objective's unit would do, while that unit has no head (BRIEF: a unit whose head left is not left without
 * anyone who may act for it, and the record says who stood in).
 */
export const ACTING_CAPACITIES = ['ad-interim', 'vacant-unit'] as const;
export type ActingCapacity = (typeof ACTING_CAPACITIES)[number];

/** The capacity the actor acts in on this objective today, when it is not plainly their role's. */
export function capacityOf(role: Role, grants: readonly Grant[], context: DecisionContext, units: UnitsInvolved): ActingCapacity | undefined {
  const headships = context.appointments?.headships;
  if (!headships) return undefined;
  const inForce = (h: Tenure) => h.from <= context.today && (h.to === undefined || context.today <= h.to);
  const unitIds = [units.responsibleUnitId, ...(units.contributingUnitIds ?? [])];
  if (role === 'dirigente') {
    const mine = headships.filter((h) => h.personId === context.actor.id && unitIds.includes(h.unitId) && inForce(h));
    return mine.length > 0 && mine.every((h) => h.interim) ? 'ad-interim' : undefined;
  }
  const aDirigenteCould = grants.some((g) => g.startsWith('dirigente:'));
  if (role === 'segretario' && aDirigenteCould && !headships.some((h) => h.unitId === units.responsibleUnitId && inForce(h))) return 'vacant-unit';
  return undefined;
}

/**
 * The objective lifecycle (BRIEF §4) as one pure function: given the current state, a command and who issues it,
 * the events to record, or a RuleViolation / NotPermitted naming the rule.
 */
export function decideObjective(state: ObjectiveState | undefined, command: ObjectiveCommand, context: DecisionContext): ObjectiveDecision {
  refuseMalformedCommand(command, OBJECTIVE_COMMAND_FIELDS); // before anything reads it: nothing malformed reaches the log
  const what = command.type;
  if (command.type === 'DraftObjective') {
    if (state) violated('objective-already-exists', `objective ${command.objectiveId} already exists`);
    const role = actingRole(OBJECTIVE_GRANTS.DraftObjective, context, command.definition, what);
    const { objectiveId, planId, ente, code, definition, copiedFrom, copyWarnings = [] } = command;
    const capacity = capacityOf(role, OBJECTIVE_GRANTS.DraftObjective, context, definition);
    const warnings = [...definitionWarnings(definition), ...copyWarnings.map((w) => ({ code: w.code, message: w.message }))];
    const source = copiedFrom ? { copiedFrom: { planId: copiedFrom.planId, objectiveId: copiedFrom.objectiveId, revision: copiedFrom.revision } } : {};
    return {
      role,
      ...(capacity ? { capacity } : {}),
      events: [{ type: 'ObjectiveDrafted', data: { objectiveId, planId, ente, code, definition, warnings, ...source } }],
    };
  }
  if (!state) return violated('objective-not-found', 'the objective does not exist');
  const review = isReview(command) ? reviewedWork(state, command) : undefined;
  const substituteFor = review && SUBSTITUTABLE.has(command.type) ? substitutedSegretario(context, review) : undefined;
  // A designated substitute validator acts in the Segretario's capacity, whatever roles their token carries.
  const role = substituteFor ? 'segretario' : roleUnderGrants(command.type, context, state);
  if (review) {
    const instead = SUBSTITUTABLE.has(command.type)
      ? 'the report is validated by the vicesegretario or by the substitute validator the ente designates (POST /organisation/substitute-validators)'
      : 'another member of the Nucleo di Valutazione acts';
    refuseConflictedReviewer(context, review, what, instead);
  }
  const substitute = substituteFor ? { substituteFor } : {};
  const capacity = substituteFor ? undefined : capacityOf(role, OBJECTIVE_GRANTS[command.type], context, state.definition);
  const decided = (...events: ObjectiveEvent[]): ObjectiveDecision => ({ role, ...(capacity ? { capacity } : {}), events });
  const me = context.actor.id;
  if (state.status === 'closed' || state.status === 'cancelled') {
    violated('objective-terminated', `the objective is ${state.status}: nothing more can be recorded on it`);
  }

  switch (command.type) {
    case 'UpdateDraft': {
      requireStatus(state, ['draft', 'returned'], 'draft-not-editable', 'only a draft or an objective returned for changes can be edited');
      if (role === 'dirigente') actingRole(['dirigente:responsible'], context, command.definition, 'moving the objective to another unit');
      const changes = definitionChanges(state.definition, command.definition);
      if (changes.length === 0) violated('nothing-changed', 'the new definition is identical to the current one');
      return decided({ type: 'ObjectiveDraftUpdated', data: { definition: command.definition, changes, warnings: definitionWarnings(command.definition) } });
    }
    case 'Propose':
      requireStatus(state, ['draft', 'returned'], 'not-a-draft', 'only a draft or a returned objective can be proposed');
      return decided({ type: 'ObjectiveProposed', data: {} });
    case 'ReturnForChanges':
      requireStatus(state, ['proposed'], 'not-proposed', 'only a proposed objective can be returned for changes');
      return decided({
        type: 'ObjectiveReturnedForChanges',
        data: { reason: requireText(command.reason, 'reason-required', 'returning an objective needs a reason', 'reason') },
      });
    case 'ApproveByGiunta': {
      requireStatus(state, ['proposed'], 'not-proposed', 'the Giunta approves only proposed objectives');
      const act = requireAct(command.act, context);
      return decided({
        type: 'ObjectiveApprovedByGiunta',
        data: {
          act,
          ...(command.planApprovalEventId ? { planApprovalEventId: command.planApprovalEventId } : {}),
          ...(command.definitionHash ? { definitionHash: command.definitionHash } : {}),
          ...(state.proposedBy === me ? { recordedByProposer: true as const } : {}),
        },
      });
    }
    case 'RecordPhaseProgress': {
      requireApproved(state, 'recording progress');
      const phase = state.definition.phases.find((p) => p.id === command.phaseId);
      if (!phase) violated('unknown-phase', `the objective has no phase ${command.phaseId}`, 'phaseId');
      if (phase.cancelled) violated('phase-cancelled', `phase ${command.phaseId} was cancelled`, 'phaseId');
      if (command.actualStart && command.actualEnd && command.actualEnd < command.actualStart) {
        violated('end-before-start', 'the actual end precedes the actual start', 'actualEnd');
      }
      notInFuture(command.actualStart, context, 'actual start', 'actualStart');
      notInFuture(command.actualEnd, context, 'actual end', 'actualEnd');
      const { phaseId, progressPercent, actualStart, actualEnd, note } = command;
      return decided({ type: 'PhaseProgressRecorded', data: compact({ phaseId, progressPercent, actualStart, actualEnd, note }) });
    }
    case 'RecordIndicatorValue': {
      requireApproved(state, 'recording an indicator value');
      const indicator = state.definition.indicators.find((i) => i.id === command.indicatorId);
      if (!indicator) violated('unknown-indicator', `the objective has no indicator ${command.indicatorId}`, 'indicatorId');
      // A unit's share is recorded only against a target of its own: otherwise there is nothing to score it against.
      if (command.unitId !== undefined && !(indicator.unitTargets ?? []).some((u) => u.unitId === command.unitId)) {
        const targeted = (indicator.unitTargets ?? []).map((u) => u.unitId);
        violated(
          'unit-not-targeted',
          `unitId: indicator ${indicator.id} has no target for unit ${command.unitId}` +
            (targeted.length ? ` (units with a target of their own: ${targeted.join(', ')})` : ' (it has no target for any unit)'),
          'unitId',
        );
      }
      notInFuture(command.asOf, context, 'the value date', 'asOf');
      const { indicatorId, value, asOf, note, unitId } = command;
      return decided({ type: 'IndicatorValueRecorded', data: compact({ indicatorId, unitId, value, asOf, note }) });
    }
    case 'SubmitMonitoringReport': {
      requireApproved(state, 'a monitoring report');
      const existing = state.monitoringReports[command.asOf];
      if (existing && existing.status !== 'returned') {
        violated('monitoring-report-already-submitted', `a monitoring report as of ${command.asOf} is already ${existing.status}`);
      }
      requireKnownItems(state.definition, command.phases, command.indicators);
      const { asOf, phases, indicators, problems, correctiveActions } = command;
      return decided({ type: 'MonitoringReportSubmitted', data: compact({ asOf, phases, indicators, problems, correctiveActions }) });
    }
    case 'ValidateMonitoringReport':
    case 'ReturnMonitoringReport': {
      const report = state.monitoringReports[command.asOf];
      if (report?.status !== 'submitted') violated('no-monitoring-report-to-review', `there is no submitted monitoring report as of ${command.asOf}`);
      if (report.submittedBy === me) violated('self-validation-forbidden', 'nobody validates or returns their own monitoring report');
      if (command.type === 'ValidateMonitoringReport') return decided({ type: 'MonitoringReportValidated', data: { asOf: command.asOf, ...substitute } });
      return decided({
        type: 'MonitoringReportReturned',
        data: { asOf: command.asOf, reason: requireText(command.reason, 'reason-required', 'returning a report needs a reason', 'reason'), ...substitute },
      });
    }
    case 'ProposeReprogramming': {
      if (state.status !== 'approved') violated('reprogramming-needs-approved-objective', 'a reprogramming needs an approved objective');
      if (state.pendingReprogramming) violated('reprogramming-already-pending', 'a reprogramming is already awaiting the Giunta');
      if (state.yearEndReport && state.yearEndReport.status !== 'returned') {
        violated('year-end-report-submitted', 'the year-end report is already submitted: the objective can no longer be reprogrammed');
      }
      const motivation = requireText(command.motivation, 'motivation-required', 'a reprogramming needs a motivation', 'motivation');
      const changes = definitionChanges(state.definition, command.definition);
      if (changes.length === 0) violated('nothing-changed', 'the reprogramming changes nothing');
      if (role === 'dirigente') actingRole(['dirigente:responsible'], context, command.definition, 'moving the objective to another unit');
      return decided({
        type: 'ReprogrammingProposed',
        data: { definition: command.definition, changes, warnings: definitionWarnings(command.definition), motivation },
      });
    }
    case 'ApproveReprogramming': {
      if (!state.pendingReprogramming) violated('no-pending-reprogramming', 'there is no reprogramming awaiting the Giunta');
      if (!command.act) violated('giunta-act-required', "only the Giunta's act makes a reprogramming effective", 'act');
      const act = requireAct(command.act, context);
      const byProposer = state.pendingReprogramming.proposedBy === me ? { recordedByProposer: true as const } : {};
      return decided({ type: 'ReprogrammingApprovedByGiunta', data: { act, changes: state.pendingReprogramming.changes, ...byProposer } });
    }
    case 'RejectReprogramming':
      if (!state.pendingReprogramming) violated('no-pending-reprogramming', 'there is no reprogramming awaiting the Giunta');
      return decided({
        type: 'ReprogrammingRejected',
        data: { reason: requireText(command.reason, 'reason-required', 'a rejection needs a reason', 'reason') },
      });
    case 'ReassignResponsible': {
      if (command.toUnitId === state.definition.responsibleUnitId) violated('nothing-changed', 'the objective already belongs to that unit', 'toUnitId');
      // The reassignment applies when recorded: a future date would make it effective early.
      notInFuture(command.effectiveOn, context, 'the reassignment', 'effectiveOn');
      return decided({
        type: 'ResponsibleReassigned',
        data: { fromUnitId: state.definition.responsibleUnitId, toUnitId: command.toUnitId, effectiveOn: command.effectiveOn },
      });
    }
    case 'Cancel': {
      const reason = requireText(command.reason, 'reason-required', 'cancelling an objective needs a reason', 'reason');
      const approved = !['draft', 'proposed', 'returned'].includes(state.status);
      // An approved objective is the Giunta's: only another act of the Giunta removes it.
      if (approved && !command.act) violated('giunta-act-required', 'cancelling an approved objective needs a Giunta act', 'act');
      const act = command.act ? requireAct(command.act, context) : undefined;
      return decided({ type: 'ObjectiveCancelled', data: compact({ reason, act }) });
    }
    case 'SubmitYearEndReport': {
      requireApproved(state, 'the year-end report');
      if (state.pendingReprogramming) violated('reprogramming-pending', 'a reprogramming awaits the Giunta: report after its decision');
      if (state.yearEndReport && state.yearEndReport.status !== 'returned') {
        violated('year-end-report-already-submitted', `the year-end report is already ${state.yearEndReport.status}`);
      }
      requireKnownItems(state.definition, command.phases, command.indicators);
      const { phases, indicators, evidence, notes } = command;
      return decided({ type: 'YearEndReportSubmitted', data: compact({ phases, indicators, evidence, notes }) });
    }
    case 'ValidateYearEndReport':
    case 'ReturnYearEndReport': {
      if (state.yearEndReport?.status !== 'submitted') violated('no-year-end-report-to-review', 'there is no submitted year-end report');
      if (state.yearEndReport.submittedBy === me) violated('self-validation-forbidden', 'nobody validates or returns their own year-end report');
      if (command.type === 'ValidateYearEndReport') return decided({ type: 'YearEndReportValidated', data: { ...substitute } });
      return decided({
        type: 'YearEndReportReturned',
        data: { reason: requireText(command.reason, 'reason-required', 'returning a report needs a reason', 'reason'), ...substitute },
      });
    }
    case 'Evaluate': {
      requireStatus(state, ['reported'], 'evaluation-needs-validated-report', 'the NdV evaluates after the year-end report is validated');
      if (state.yearEndReport?.submittedBy === me) violated('self-evaluation-forbidden', 'nobody evaluates their own report');
      const motivation = requireText(command.motivation, 'motivation-required', 'an evaluation needs a motivation', 'motivation');
      return decided({ type: 'ObjectiveEvaluated', data: { achievementPercent: command.achievementPercent, motivation } });
    }
    case 'ShareEvaluation':
      if (state.evaluation?.status !== 'evaluated') violated('evaluation-not-ready', 'there is no evaluation waiting to be shared');
      return decided({ type: 'EvaluationShared', data: {} });
    case 'ContestEvaluation':
      if (state.evaluation?.status !== 'shared') violated('evaluation-not-shared', 'only a shared evaluation can be contested');
      return decided({ type: 'EvaluationContested', data: { reason: requireText(command.reason, 'reason-required', 'contesting needs a reason', 'reason') } });
    case 'ConfirmEvaluation': {
      if (state.evaluation?.status !== 'contested') violated('evaluation-not-contested', 'only a contested evaluation is confirmed or revised');
      const motivation = requireText(command.motivation, 'motivation-required', 'the answer to a contestation needs a motivation', 'motivation');
      return decided({ type: 'EvaluationConfirmed', data: { achievementPercent: command.achievementPercent, motivation } });
    }
    case 'Close': {
      const evaluation = state.evaluation?.status;
      if (evaluation !== 'shared' && evaluation !== 'confirmed') {
        violated('evaluation-not-final', 'an objective closes once its evaluation is shared and not under contestation');
      }
      return decided({ type: 'ObjectiveClosed', data: {} });
    }
  }
}

function isReview(command: ObjectiveCommand): command is ReviewCommand {
  return (REVIEW_COMMANDS as readonly string[]).includes(command.type);
}

/**
 * The work a review judges and the period it looks at: a monitoring report, from the start of the objective's horizon
 * to its as-of date; the year-end report and the NdV's acts, the whole horizon.
 */
function reviewedWork(state: ObjectiveState, command: ReviewCommand): ReviewedWork {
  const { responsibleUnitId, contributingUnitIds, horizon, people } = state.definition;
  const from = `${horizon.fromYear}-01-01`;
  const end = command.type === 'ValidateMonitoringReport' || command.type === 'ReturnMonitoringReport' ? command.asOf : `${horizon.toYear}-12-31`;
  return {
    unitIds: [...new Set([responsibleUnitId, ...(contributingUnitIds ?? []), ...(state.formerUnitIds ?? [])])],
    personIds: (people ?? []).map((p) => p.personId).filter((id): id is string => typeof id === 'string' && id !== ''),
    from: end < from ? end : from,
    to: end,
  };
}

/**
 * The role under the command's grants. A designated substitute validator refused them is told why: they validate only
 * the reports the Segretario may not.
 */
function roleUnderGrants(type: ObjectiveCommandType, context: DecisionContext, state: ObjectiveState): Role {
  try {
    return actingRole(OBJECTIVE_GRANTS[type], context, state.definition, type);
  } catch (error) {
    if (!(error instanceof NotPermitted) || !SUBSTITUTABLE.has(type) || designationsOf(context).length === 0) throw error;
    throw new NotPermitted(
      error.rule,
      `${type}: a substitute validator validates only the reports of units the Segretario heads or belongs to, and those are not`,
    );
  }
}

function requireStatus(state: ObjectiveState, allowed: ObjectiveStatus[], rule: string, message: string): void {
  if (!allowed.includes(state.status)) violated(rule, `${message} (the objective is ${state.status})`);
}

function requireApproved(state: ObjectiveState, what: string): void {
  requireStatus(state, ['approved'], 'objective-not-approved', `${what} needs an objective approved by the Giunta`);
}

function requireText(text: string | undefined, rule: string, message: string, field: string): string {
  if (!text || text.trim() === '') violated(rule, message, field);
  return text.trim();
}

function requireAct(act: GiuntaAct | undefined, context: DecisionContext): GiuntaAct {
  if (!act) return violated('giunta-act-required', 'this step rests on a deliberation of the Giunta: give its number and date', 'act');
  notInFuture(act.date, context, 'the act', 'act.date');
  return act;
}

function notInFuture(date: string | undefined, context: DecisionContext, what: string, field: string): void {
  if (date && date > context.today) violated('date-in-future', `${what} is dated ${date}, after today (${context.today})`, field);
}

function requireKnownItems(definition: ObjectiveDefinition, phases: PhaseReport[], indicators: IndicatorReport[]): void {
  for (const [index, { phaseId }] of phases.entries()) {
    if (!definition.phases.some((p) => p.id === phaseId)) violated('unknown-phase', `the objective has no phase ${phaseId}`, `phases.${index}.phaseId`);
  }
  for (const [index, { indicatorId }] of indicators.entries()) {
    if (!definition.indicators.some((i) => i.id === indicatorId)) {
      violated('unknown-indicator', `the objective has no indicator ${indicatorId}`, `indicators.${index}.indicatorId`);
    }
  }
}

/** Drops undefined fields so that stored events carry only what was said. */
function compact<T extends object>(data: T): T {
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined)) as T;
}
