import { StreamCommands, type CommandOutcome, fold, OBJECTIVE_STREAM, objectiveStreamId } from '@piao/application';
import { applyDecorators, Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { OBJECTIVE_ID } from '../validation/route-params';
import { CommandBus } from '@nestjs/cqrs';
import { ApiResponse, ApiBearerAuth, ApiExtraModels, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { type ObjectiveCommand, type ObjectiveState } from '@piao/lifecycle';
import { EVENT_STORE, formatPosition, type EventStore } from '@piao/event-store';
import { notFound } from '../problem-details/problem';
import { ApiProblems } from '../openapi/api-problems';
import { ApiCommandBody } from '../commands/command-options.dto';
import { Context, commandRequest, type RequestContext } from '../commands/request-context';
import {
  AsOfDto,
  CommandOptionsDto,
  DefinitionCommandDto,
  EvaluationDto,
  GiuntaActCommandDto,
  IndicatorValueDto,
  MonitoringReportDto,
  PhaseProgressDto,
  ReassignDto,
  YearEndReportDto,
} from './objective-command.dto';
import { DEFINITION_EXAMPLE } from './objective-definition.dto';
import { inBodyTerms, OBJECTIVE_ACTIONS } from './objective-actions';
import { RunObjectiveCommand } from '@piao/application';
import { historyView, objectiveView } from './objective.views';
import { OBJECTIVE_SCHEMA_MODELS, ObjectiveCommandResult, ObjectiveHistoryView, ObjectiveView } from './objective.schemas';
import { asPreconditionFailure, ObjectiveETag, pinnedRevision, Preconditions, type RevisionPreconditions, type RevisionTag } from './if-match';

/** The objective's revision as its strong entity tag, on reads and on command answers. */
export const OBJECTIVE_ETAG = {
  ETag: {
    description: 'The objective’s revision as a strong entity tag, `"<revision>"`: send it back as `If-Match` to pin it (absent on a replayed answer)',
    schema: { type: 'string', example: '"4"' },
  },
};

const IF_MATCH = {
  name: 'If-Match',
  required: false,
  description:
    'The objective’s `ETag` as last read, such as `"4"`: the command runs only if the objective is still at that revision, otherwise 412 ' +
    '(`currentRevision` says where it is). The alternative to `expectedRevision` (both at once must agree); `*` pins nothing. No route requires it.',
  schema: { type: 'string', example: '"4"' },
};

const WHO = {
  responsible: 'Who: the `segretario`, or a `dirigente` heading the responsible unit.',
  involved: 'Who: the `segretario`, or a `dirigente` heading the responsible unit or a contributing one.',
  segretario: 'Who: the `segretario`.',
  review:
    'Who: the `segretario`, never on the work of a unit he heads or works in, nor on a report he submitted himself: there the substitute ' +
    'validator designated under `POST /organisation/substitute-validators` acts in his stead (docs/segregation-of-duties.md).',
  nucleo: 'Who: a member of the Nucleo di Valutazione (`nucleo`), never on the work of a unit they head or belong to or an objective they are named in.',
  contest: 'Who: the `dirigente` heading the responsible unit.',
};

/** A command on an objective: POST, 200 with the objective as it now stands and its ETag; If-Match accepted. */
function ObjectiveCommandRoute(path: string, operationId: string, summary: string, description: string[]): MethodDecorator {
  return applyDecorators(
    Post(path),
    HttpCode(200),
    ApiOperation({ operationId, summary, description: description.join('\n') }),
    ApiHeader(IF_MATCH),
    ApiOkResponse({ type: ObjectiveCommandResult, description: 'The objective as it now stands, with what the command recorded', headers: OBJECTIVE_ETAG }),
    ApiProblems([412, 'The `If-Match` revision is stale: `currentRevision` says where the objective is; reload and retry']),
  );
}

@ApiTags('objectives')
@ApiBearerAuth()
@ApiExtraModels(...OBJECTIVE_SCHEMA_MODELS)
@ApiParam({ name: 'objectiveId', format: 'uuid', description: 'The objective, as drafting it answered' })
@Controller('objectives/:objectiveId')
export class ObjectivesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCommands,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'getObjective',
    summary: 'Get an objective',
    description: [
      'The objective as it stands: its definition, the first-approved one, progress, indicator values, reports, reprogrammings, evaluation.',
      'Read from its own stream, so it includes a command the moment it is answered (no `after` needed).',
      '',
      'Any role of the ente may call it. An evaluation the NdV has not shared yet is shown only to the `nucleo` (to others the',
      'status is `reported` and `evaluation` null). `ETag` is its revision: send it back as `If-Match` on a command.',
    ].join('\n'),
  })
  @ApiOkResponse({ type: ObjectiveView, description: 'The objective and its revision', headers: OBJECTIVE_ETAG })
  @ApiResponse({ status: 304, description: 'Not modified: `If-None-Match` names the objective’s current revision (no body)' })
  async read(@Context() context: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @ObjectiveETag() tag: RevisionTag): Promise<ObjectiveView> {
    const { state, revision } = await this.streams.loadExisting(OBJECTIVE_STREAM, objectiveStreamId(id), context.actor.ente, id);
    tag(revision);
    return objectiveView(state, revision, context.actor);
  }

  @Get('history')
  @ApiOperation({
    operationId: 'getObjectiveHistory',
    summary: "Get an objective's history",
    description: [
      'Every event of the objective, in order, from its own stream: who, in which role, when (business date and recorded), why, on which act, with',
      'its correlation and causation ids and log position.',
      '',
      'Any role of the ente may call it. An evaluation not yet shared is withheld from all but the `nucleo` (its data and reason).',
    ].join('\n'),
  })
  @ApiOkResponse({ type: ObjectiveHistoryView, description: 'The events of the objective' })
  async history(@Context() context: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string): Promise<ObjectiveHistoryView> {
    const events = await this.store.readStream(objectiveStreamId(id));
    const state = fold(OBJECTIVE_STREAM, events);
    // Missing and foreign alike: another ente's objective is not disclosed.
    if (state === undefined || OBJECTIVE_STREAM.enteOf(state) !== context.actor.ente) throw notFound(`objective ${id}`);
    return { objectiveId: id, revision: events.length - 1, events: historyView(events, state, context.actor) };
  }

  @ApiCommandBody(DefinitionCommandDto, 'The whole definition, its critical factors added', {
    definition: { ...DEFINITION_EXAMPLE, criticalFactors: 'Tempi del bando regionale' },
  })
  @ObjectiveCommandRoute('draft', 'updateObjectiveDraft', 'Update the draft of an objective', [
    'Replaces the whole definition of a `draft` or `returned` objective; the changes are recorded field by field.',
    '',
    WHO.responsible,
  ])
  updateDraft(
    @Context() c: RequestContext,
    @Param('objectiveId', OBJECTIVE_ID) id: string,
    @Body() dto: DefinitionCommandDto,
    @Preconditions() p: RevisionPreconditions,
  ) {
    return this.run(c, id, dto, p, OBJECTIVE_ACTIONS['update-draft'].command(dto));
  }

  @ApiCommandBody(CommandOptionsDto, 'Nothing more to say', {})
  @ObjectiveCommandRoute('propose', 'proposeObjective', 'Propose an objective', [
    'Proposes a `draft` or `returned` objective for the plan: the Giunta approves it with the plan (`POST /plans/{planId}/approve`) or alone.',
    '',
    WHO.responsible,
  ])
  propose(
    @Context() c: RequestContext,
    @Param('objectiveId', OBJECTIVE_ID) id: string,
    @Body() dto: CommandOptionsDto,
    @Preconditions() p: RevisionPreconditions,
  ) {
    return this.run(c, id, dto, p, OBJECTIVE_ACTIONS.propose.command(dto));
  }

  @ApiCommandBody(CommandOptionsDto, 'What to change', { reason: 'Indicare la fonte dei dati degli indicatori' })
  @ObjectiveCommandRoute('return', 'returnObjectiveForChanges', 'Return a proposed objective for changes', [
    'Sends a `proposed` objective back to its unit; `reason` (what to change) is required.',
    '',
    WHO.segretario,
  ])
  returnForChanges(
    @Context() c: RequestContext,
    @Param('objectiveId', OBJECTIVE_ID) id: string,
    @Body() dto: CommandOptionsDto,
    @Preconditions() p: RevisionPreconditions,
  ) {
    return this.run(c, id, dto, p, OBJECTIVE_ACTIONS.return.command(dto));
  }

  @ApiCommandBody(GiuntaActCommandDto, "The Giunta's deliberation", { act: { number: '31', date: '2025-03-10' } })
  @ObjectiveCommandRoute('approve', 'approveObjective', 'Record the approval of an objective', [
    "Records the Giunta's approval of this `proposed` objective alone; `act` (the deliberation's number and date) is required, and its date is",
    'the business date of the approval. The definition approved is kept as first approved.',
    '',
    WHO.segretario,
  ])
  approve(
    @Context() c: RequestContext,
    @Param('objectiveId', OBJECTIVE_ID) id: string,
    @Body() dto: GiuntaActCommandDto,
    @Preconditions() p: RevisionPreconditions,
  ) {
    return this.run(c, id, dto, p, OBJECTIVE_ACTIONS.approve.command(dto));
  }

  @ApiCommandBody(PhaseProgressDto, 'Phase f1 at 60%', {
    phaseId: 'f1',
    progressPercent: 60,
    actualStart: '2025-01-15',
    note: 'Analisi completata per 3 quartieri su 5',
  })
  @ObjectiveCommandRoute('phase-progress', 'recordPhaseProgress', 'Record the progress of a phase', [
    'Records how far a phase of an `approved` objective has got (0–100%), and optionally when it actually started or ended.',
    '',
    WHO.involved,
  ])
  phaseProgress(
    @Context() c: RequestContext,
    @Param('objectiveId', OBJECTIVE_ID) id: string,
    @Body() dto: PhaseProgressDto,
    @Preconditions() p: RevisionPreconditions,
  ) {
    return this.run(c, id, dto, p, OBJECTIVE_ACTIONS['phase-progress'].command(dto));
  }

  @ApiCommandBody(IndicatorValueDto, 'Indicator i1 at 31/07', { indicatorId: 'i1', value: '2', asOf: '2025-07-31' })
  @ObjectiveCommandRoute('indicator-values', 'recordIndicatorValue', 'Record the value of an indicator', [
    'Records the value an indicator of an `approved` objective reached at a date, as measured (a number, a %, a date, "Fatto"…).',
    '',
    "With `unitId`, the value of that unit's share of an indicator with a target for each unit (`unitTargets`): kept apart in",
    "`unitIndicatorValues`, it meets that unit's deadline and is scored against that unit's own target (`GET …/evaluation`); a unit",
    'without a target of its own on the indicator is refused, 422 `unit-not-targeted`. Without it, the overall value, as always.',
    '',
    WHO.involved,
  ])
  indicatorValue(
    @Context() c: RequestContext,
    @Param('objectiveId', OBJECTIVE_ID) id: string,
    @Body() dto: IndicatorValueDto,
    @Preconditions() p: RevisionPreconditions,
  ) {
    return this.run(c, id, dto, p, OBJECTIVE_ACTIONS['indicator-value'].command(dto));
  }

  @ApiCommandBody(MonitoringReportDto, 'The report as of 31/07', {
    asOf: '2025-07-31',
    phases: [{ phaseId: 'f1', progressPercent: 60 }],
    indicators: [{ indicatorId: 'i1', value: '2' }],
    problems: "Ritardo nell'uscita del bando regionale",
    correctiveActions: 'Anticipata la raccolta delle domande delle famiglie',
  })
  @ObjectiveCommandRoute('monitoring-reports', 'submitMonitoringReport', 'Submit a monitoring report', [
    'Submits the monitoring report of an `approved` objective as of a monitoring date (31/07 by custom): the progress of its phases, the values',
    'of its indicators, problems met and corrective actions. One report per date; a returned one may be submitted again.',
    '',
    WHO.responsible,
  ])
  submitMonitoring(
    @Context() c: RequestContext,
    @Param('objectiveId', OBJECTIVE_ID) id: string,
    @Body() dto: MonitoringReportDto,
    @Preconditions() p: RevisionPreconditions,
  ) {
    return this.run(c, id, dto, p, OBJECTIVE_ACTIONS['monitoring-report'].command(dto));
  }

  @ApiCommandBody(AsOfDto, 'The report as of 31/07', { asOf: '2025-07-31' })
  @ObjectiveCommandRoute('monitoring-reports/validate', 'validateMonitoringReport', 'Validate a monitoring report', [
    'Validates the report submitted as of `asOf`.',
    '',
    WHO.review,
  ])
  validateMonitoring(
    @Context() c: RequestContext,
    @Param('objectiveId', OBJECTIVE_ID) id: string,
    @Body() dto: AsOfDto,
    @Preconditions() p: RevisionPreconditions,
  ) {
    return this.run(c, id, dto, p, OBJECTIVE_ACTIONS['validate-monitoring-report'].command(dto));
  }

  @ApiCommandBody(AsOfDto, 'The report as of 31/07, and why', { asOf: '2025-07-31', reason: 'Mancano i valori degli indicatori' })
  @ObjectiveCommandRoute('monitoring-reports/return', 'returnMonitoringReport', 'Return a monitoring report', [
    'Returns the report submitted as of `asOf` to its unit; `reason` is required. The unit may then submit it again.',
    '',
    WHO.review,
  ])
  returnMonitoring(
    @Context() c: RequestContext,
    @Param('objectiveId', OBJECTIVE_ID) id: string,
    @Body() dto: AsOfDto,
    @Preconditions() p: RevisionPreconditions,
  ) {
    return this.run(c, id, dto, p, OBJECTIVE_ACTIONS['return-monitoring-report'].command(dto));
  }

  @ApiCommandBody(DefinitionCommandDto, 'The new definition, and why', {
    definition: { ...DEFINITION_EXAMPLE, horizon: { fromYear: 2025, toYear: 2026 } },
    reason: 'Il bando regionale è slittato al 2026',
  })
  @ObjectiveCommandRoute('reprogramming', 'proposeReprogramming', 'Propose a reprogramming', [
    'Proposes a new definition for an `approved` objective, with its motivation in `reason` (required); it takes effect when the Giunta',
    'approves it (`POST …/reprogramming/approve`). One pending reprogramming at a time.',
    '',
    WHO.responsible,
  ])
  proposeReprogramming(
    @Context() c: RequestContext,
    @Param('objectiveId', OBJECTIVE_ID) id: string,
    @Body() dto: DefinitionCommandDto,
    @Preconditions() p: RevisionPreconditions,
  ) {
    return this.run(c, id, dto, p, OBJECTIVE_ACTIONS.reprogramming.command(dto));
  }

  @ApiCommandBody(GiuntaActCommandDto, "The Giunta's deliberation", { act: { number: '87', date: '2025-09-18' } })
  @ObjectiveCommandRoute('reprogramming/approve', 'approveReprogramming', 'Record the approval of a reprogramming', [
    "Records the Giunta's act (`act` required) that makes the pending reprogramming effective; the first-approved definition is kept.",
    '',
    WHO.segretario,
  ])
  approveReprogramming(
    @Context() c: RequestContext,
    @Param('objectiveId', OBJECTIVE_ID) id: string,
    @Body() dto: GiuntaActCommandDto,
    @Preconditions() p: RevisionPreconditions,
  ) {
    return this.run(c, id, dto, p, OBJECTIVE_ACTIONS['approve-reprogramming'].command(dto));
  }

  @ApiCommandBody(CommandOptionsDto, 'Why', { reason: 'La Giunta non approva la riprogrammazione' })
  @ObjectiveCommandRoute('reprogramming/reject', 'rejectReprogramming', 'Reject a reprogramming', [
    'Rejects the pending reprogramming; `reason` is required. The definition in force stays.',
    '',
    WHO.segretario,
  ])
  rejectReprogramming(
    @Context() c: RequestContext,
    @Param('objectiveId', OBJECTIVE_ID) id: string,
    @Body() dto: CommandOptionsDto,
    @Preconditions() p: RevisionPreconditions,
  ) {
    return this.run(c, id, dto, p, OBJECTIVE_ACTIONS['reject-reprogramming'].command(dto));
  }

  @ApiCommandBody(ReassignDto, 'To the Settore Cultura from 01/09', { toUnitId: 'cultura', effectiveOn: '2025-09-01', reason: 'Riorganizzazione dei settori' })
  @ObjectiveCommandRoute('reassign', 'reassignObjective', 'Reassign an objective to another unit', [
    'Moves the objective to another responsible unit (of `GET /organisation`) from `effectiveOn`; the former unit’s work stays part of what is judged.',
    '',
    WHO.segretario,
  ])
  reassign(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Body() dto: ReassignDto, @Preconditions() p: RevisionPreconditions) {
    return this.run(c, id, dto, p, OBJECTIVE_ACTIONS.reassign.command(dto));
  }

  @ApiCommandBody(GiuntaActCommandDto, "Why, and the Giunta's deliberation", {
    reason: 'Venuto meno il finanziamento regionale',
    act: { number: '95', date: '2025-10-02' },
  })
  @ObjectiveCommandRoute('cancel', 'cancelObjective', 'Cancel an objective', [
    "Cancels the objective: `reason` is required, and once approved also the Giunta's `act`. A cancelled objective takes no further command.",
    '',
    WHO.segretario,
  ])
  cancel(
    @Context() c: RequestContext,
    @Param('objectiveId', OBJECTIVE_ID) id: string,
    @Body() dto: GiuntaActCommandDto,
    @Preconditions() p: RevisionPreconditions,
  ) {
    return this.run(c, id, dto, p, OBJECTIVE_ACTIONS.cancel.command(dto));
  }

  @ApiCommandBody(YearEndReportDto, 'The rendicontazione', {
    phases: [
      { phaseId: 'f1', progressPercent: 100 },
      { phaseId: 'f2', progressPercent: 90 },
    ],
    indicators: [{ indicatorId: 'i1', value: '2' }],
    evidence: 'Determinazione n. 1234 del 15/12/2025; registro presenze dello Sportello',
    notes: 'Obiettivo raggiunto con lieve ritardo',
  })
  @ObjectiveCommandRoute('year-end-report', 'submitYearEndReport', 'Submit the year-end report', [
    'Submits the year-end report (rendicontazione) of an `approved` objective: the final progress of its phases, the values of its indicators,',
    'evidence and notes. A returned one may be submitted again.',
    '',
    WHO.responsible,
  ])
  submitYearEnd(
    @Context() c: RequestContext,
    @Param('objectiveId', OBJECTIVE_ID) id: string,
    @Body() dto: YearEndReportDto,
    @Preconditions() p: RevisionPreconditions,
  ) {
    return this.run(c, id, dto, p, OBJECTIVE_ACTIONS['year-end-report'].command(dto));
  }

  @ApiCommandBody(CommandOptionsDto, 'Nothing more to say', {})
  @ObjectiveCommandRoute('year-end-report/validate', 'validateYearEndReport', 'Validate the year-end report', [
    'Validates the submitted year-end report: the objective becomes `reported`, ready for the NdV’s evaluation.',
    '',
    WHO.review,
  ])
  validateYearEnd(
    @Context() c: RequestContext,
    @Param('objectiveId', OBJECTIVE_ID) id: string,
    @Body() dto: CommandOptionsDto,
    @Preconditions() p: RevisionPreconditions,
  ) {
    return this.run(c, id, dto, p, OBJECTIVE_ACTIONS['validate-year-end-report'].command(dto));
  }

  @ApiCommandBody(CommandOptionsDto, 'What is missing', { reason: 'Allegare la documentazione a supporto dei valori' })
  @ObjectiveCommandRoute('year-end-report/return', 'returnYearEndReport', 'Return the year-end report', [
    'Returns the submitted year-end report to its unit; `reason` is required.',
    '',
    WHO.review,
  ])
  returnYearEnd(
    @Context() c: RequestContext,
    @Param('objectiveId', OBJECTIVE_ID) id: string,
    @Body() dto: CommandOptionsDto,
    @Preconditions() p: RevisionPreconditions,
  ) {
    return this.run(c, id, dto, p, OBJECTIVE_ACTIONS['return-year-end-report'].command(dto));
  }

  @ApiCommandBody(EvaluationDto, '90%, and why', { achievementPercent: 90, reason: 'Obiettivo raggiunto con lieve ritardo' })
  @ObjectiveCommandRoute('evaluation', 'evaluateObjective', 'Evaluate an objective', [
    'Records the degree of achievement (`achievementPercent`) the NdV decides for a `reported` objective, with its motivation in `reason`',
    '(required). It stays the NdV’s own until shared (`POST …/evaluation/share`): `GET /objectives/{objectiveId}/evaluation` shows the',
    'proposal the SMVP computes beside it.',
    '',
    WHO.nucleo,
  ])
  evaluate(
    @Context() c: RequestContext,
    @Param('objectiveId', OBJECTIVE_ID) id: string,
    @Body() dto: EvaluationDto,
    @Preconditions() p: RevisionPreconditions,
  ) {
    return this.run(c, id, dto, p, OBJECTIVE_ACTIONS.evaluation.command(dto));
  }

  @ApiCommandBody(CommandOptionsDto, 'Nothing more to say', {})
  @ObjectiveCommandRoute('evaluation/share', 'shareEvaluation', 'Share an evaluation', [
    'Shares the evaluation with the dirigente of the unit.',
    '',
    WHO.nucleo,
  ])
  shareEvaluation(
    @Context() c: RequestContext,
    @Param('objectiveId', OBJECTIVE_ID) id: string,
    @Body() dto: CommandOptionsDto,
    @Preconditions() p: RevisionPreconditions,
  ) {
    return this.run(c, id, dto, p, OBJECTIVE_ACTIONS['share-evaluation'].command(dto));
  }

  @ApiCommandBody(CommandOptionsDto, 'Why', { reason: 'Il ritardo è dovuto al bando regionale, non al settore' })
  @ObjectiveCommandRoute('evaluation/contest', 'contestEvaluation', 'Contest an evaluation', [
    'Contests a shared evaluation; `reason` is required. The NdV then confirms or revises it (`POST …/evaluation/confirm`).',
    '',
    WHO.contest,
  ])
  contestEvaluation(
    @Context() c: RequestContext,
    @Param('objectiveId', OBJECTIVE_ID) id: string,
    @Body() dto: CommandOptionsDto,
    @Preconditions() p: RevisionPreconditions,
  ) {
    return this.run(c, id, dto, p, OBJECTIVE_ACTIONS['contest-evaluation'].command(dto));
  }

  @ApiCommandBody(EvaluationDto, 'Revised to 95%, and why', { achievementPercent: 95, reason: 'Accolte in parte le osservazioni del dirigente' })
  @ObjectiveCommandRoute('evaluation/confirm', 'confirmEvaluation', 'Confirm or revise a contested evaluation', [
    'Decides on a contested evaluation: the same or another `achievementPercent`, with its motivation in `reason` (required). The decision is final.',
    '',
    WHO.nucleo,
  ])
  confirmEvaluation(
    @Context() c: RequestContext,
    @Param('objectiveId', OBJECTIVE_ID) id: string,
    @Body() dto: EvaluationDto,
    @Preconditions() p: RevisionPreconditions,
  ) {
    return this.run(c, id, dto, p, OBJECTIVE_ACTIONS['confirm-evaluation'].command(dto));
  }

  @ApiCommandBody(CommandOptionsDto, 'Nothing more to say', {})
  @ObjectiveCommandRoute('close', 'closeObjective', 'Close an objective', [
    'Closes the objective once its evaluation is final (shared, or confirmed after a contest).',
    '',
    WHO.segretario,
  ])
  close(
    @Context() c: RequestContext,
    @Param('objectiveId', OBJECTIVE_ID) id: string,
    @Body() dto: CommandOptionsDto,
    @Preconditions() p: RevisionPreconditions,
  ) {
    return this.run(c, id, dto, p, OBJECTIVE_ACTIONS.close.command(dto));
  }

  /**
   * Runs a command on the objective, pinned to the revision of `expectedRevision` or `If-Match`: a conflict on a
   * revision If-Match pinned is a 412. The answer carries the objective's new revision as its ETag.
   */
  private async run(
    context: RequestContext,
    objectiveId: string,
    dto: CommandOptionsDto & { act?: GiuntaActCommandDto['act'] },
    preconditions: RevisionPreconditions,
    command: Exclude<ObjectiveCommand, { type: 'DraftObjective' }>,
  ): Promise<ObjectiveCommandResult> {
    const { ifMatch } = preconditions;
    const render = (outcome: CommandOutcome<ObjectiveState>) => commandResult(outcome, context);
    try {
      const expectedRevision = await pinnedRevision(
        dto.expectedRevision,
        ifMatch,
        async () => (await this.streams.load(OBJECTIVE_STREAM, objectiveStreamId(objectiveId), context.actor.ente)).revision,
      );
      const request = commandRequest(context, { ...dto, expectedRevision }, render);
      const outcome: CommandOutcome<ObjectiveState> = await this.commands.execute(new RunObjectiveCommand(objectiveId, command, request));
      preconditions.tag(outcome.revision);
      return render(outcome);
    } catch (error) {
      throw asPreconditionFailure(inBodyTerms(error), ifMatch);
    }
  }
}

export function commandResult(outcome: CommandOutcome<ObjectiveState>, context: RequestContext): ObjectiveCommandResult {
  return {
    ...objectiveView(outcome.state, outcome.revision, context.actor),
    position: outcome.position ? formatPosition(outcome.position) : null,
    recorded: outcome.recorded.map((e) => e.type),
  };
}

// Where the routes' bodies become commands; `definitionOf` is also what drafting (plans.controller.ts) reads a definition with.
export { definitionOf } from './objective-actions';
