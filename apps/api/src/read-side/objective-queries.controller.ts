import { OBJECTIVE_STREAM, objectiveStreamId, OrganisationDirectory } from '@piao/application';
import { Controller, Get, Inject, Param, Query, UseInterceptors } from '@nestjs/common';
import { OBJECTIVE_ID } from '../validation/route-params';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { definitionChanges, objectiveAchievement, scoreOnScale, type ObjectiveState } from '@piao/lifecycle';
import { EVENT_STORE, type EventStore } from '@piao/event-store';
import { ReadModelQueries, type TimelineRow } from '@piao/read-models';
import { Context, type RequestContext } from '../commands/request-context';
import { evaluationHiddenFrom, objectiveView, withheldEvaluation } from '../objectives/objective.views';
import { notFound, validationProblem } from '../problem-details/problem';
import {
  FieldChangeView,
  ObjectiveAsOfView,
  ObjectiveEvaluationView,
  ObjectiveNotYetView,
  ObjectiveTimelineView,
  ObjectiveVersionChangeView,
  ObjectiveVersionsView,
  OBJECTIVE_SCHEMA_MODELS,
} from '../objectives/objective.schemas';
import { AsOfQueryDto, ReadQueryDto, TimelineQueryDto } from './query.dto';
import { ReadYourWritesInterceptor } from './read-your-writes';
import { scoringSystemOf } from './scoring-system-of';
import { eventsUpTo, thenAndNow, type PointInTime } from './time-travel';

const REPROGRAMMING_EVENTS = ['ReprogrammingProposed', 'ReprogrammingApprovedByGiunta', 'ReprogrammingRejected', 'ResponsibleReassigned'];
const EVALUATION_EVENTS = ['ObjectiveEvaluated', 'EvaluationShared', 'EvaluationContested', 'EvaluationConfirmed'];

const ANY_ROLE = 'Any role of the ente may call it.';
const AFTER = "`after` waits for a command's position (read-your-writes).";

@ApiTags('read-side')
@ApiBearerAuth()
@ApiExtraModels(...OBJECTIVE_SCHEMA_MODELS, ObjectiveAsOfView, ObjectiveNotYetView)
@ApiParam({ name: 'objectiveId', format: 'uuid', description: 'The objective, as drafting it answered' })
@Controller('objectives/:objectiveId')
@UseInterceptors(ReadYourWritesInterceptor)
export class ObjectiveQueriesController {
  constructor(
    private readonly queries: ReadModelQueries,
    private readonly directory: OrganisationDirectory,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('timeline')
  @ApiOperation({
    operationId: 'getObjectiveTimeline',
    summary: "Get an objective's audit timeline",
    description: [
      'Each event of the objective from the read model: who, in which role, when (business date and recorded), what it changed (old → new),',
      'why and on which act. From `fromRevision`, at most `limit` events.',
      '',
      `${ANY_ROLE} An evaluation not yet shared is withheld from all but the \`nucleo\` (its data, motivation and changes). ${AFTER}`,
    ].join('\n'),
  })
  @ApiOkResponse({ type: ObjectiveTimelineView, description: 'The events, in order' })
  async timeline(
    @Context() c: RequestContext,
    @Param('objectiveId', OBJECTIVE_ID) id: string,
    @Query() query: TimelineQueryDto,
  ): Promise<ObjectiveTimelineView> {
    const record = await this.existing(c, id);
    const rows = await this.queries.timeline(c.actor.ente, id, query.fromRevision ?? 0, query.limit ?? 1000);
    const hidden = evaluationHiddenFrom(c.actor, record.state);
    return {
      objectiveId: id,
      revision: record.revision,
      events: rows.map((row) => (hidden && row.type === 'ObjectiveEvaluated' ? withheldEvaluation(row) : row)),
    };
  }

  @Get('versions')
  @ApiOperation({
    operationId: 'getObjectiveVersions',
    summary: "Compare an objective's versions",
    description: [
      'The objective as the Giunta first approved it beside it as it stands, field by field (old → new), and each reprogramming or reassignment',
      'since, with its act, motivation, who proposed and who recorded it.',
      '',
      `${ANY_ROLE} ${AFTER}`,
    ].join('\n'),
  })
  @ApiOkResponse({ type: ObjectiveVersionsView, description: 'First approved and current definitions, and the changes between them' })
  async versions(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Query() _query: ReadQueryDto): Promise<ObjectiveVersionsView> {
    const { state, revision } = await this.existing(c, id);
    const rows = await this.queries.timeline(c.actor.ente, id, 0, 100_000, REPROGRAMMING_EVENTS);
    const changes: ObjectiveVersionChangeView[] = [];
    let proposal: TimelineRow | undefined;
    for (const row of rows) {
      if (row.type === 'ReprogrammingProposed') proposal = row;
      else if (row.type === 'ReprogrammingRejected') proposal = undefined;
      else if (row.type === 'ReprogrammingApprovedByGiunta') {
        changes.push({
          kind: 'reprogramming',
          act: row.act,
          approvedOn: row.occurredAt,
          recordedAt: row.recordedAt,
          recordedBy: row.actor,
          motivation: (proposal?.data as { motivation?: string } | undefined)?.motivation ?? proposal?.reason ?? null,
          proposedBy: proposal?.actor ?? null,
          proposedOn: proposal?.occurredAt ?? null,
          changes: (row.data as { changes: FieldChangeView[] }).changes,
        });
        proposal = undefined;
      } else if (row.type === 'ResponsibleReassigned') {
        changes.push({
          kind: 'reassignment',
          act: row.act,
          approvedOn: row.occurredAt,
          recordedAt: row.recordedAt,
          recordedBy: row.actor,
          motivation: row.reason,
          changes: row.changes,
        });
      }
    }
    return {
      objectiveId: id,
      revision,
      approvalAct: state.approvalAct ?? null,
      asFirstApproved: state.approvedDefinition ?? null,
      current: state.definition,
      // Field by field, first approved → current; each change below says which act made it and why.
      differences: state.approvedDefinition ? definitionChanges(state.approvedDefinition, state.definition) : [],
      changes,
      pendingReprogramming: state.pendingReprogramming ?? null,
    };
  }

  @Get('evaluation')
  @ApiOperation({
    operationId: 'getObjectiveEvaluation',
    summary: "Get an objective's evaluation",
    description: [
      "The NdV's evaluation screen: the achievement and score the ente's SMVP computes from the progress and values recorded (the proposal),",
      "beside the NdV's decision, its motivation and how far it differs from the proposal, and the evaluation's history.",
      '',
      `${ANY_ROLE} The decision and history are shown only to the \`nucleo\` until the evaluation is shared. ${AFTER}`,
    ].join('\n'),
  })
  @ApiOkResponse({ type: ObjectiveEvaluationView, description: 'The proposal and the decision' })
  async evaluation(
    @Context() c: RequestContext,
    @Param('objectiveId', OBJECTIVE_ID) id: string,
    @Query() _query: ReadQueryDto,
  ): Promise<ObjectiveEvaluationView> {
    const { state } = await this.existing(c, id);
    const system = scoringSystemOf(await this.directory.load(c.actor.ente));
    const proposal = objectiveAchievement(state, system);
    const hidden = evaluationHiddenFrom(c.actor, state);
    const decisions = hidden ? [] : await this.queries.timeline(c.actor.ente, id, 0, 100_000, EVALUATION_EVENTS);
    const last = [...decisions].reverse().find((d) => d.type === 'ObjectiveEvaluated' || d.type === 'EvaluationConfirmed');
    const decided = last && (last.data as { achievementPercent: number; motivation: string });
    return {
      objectiveId: id,
      scoringSystem: system,
      proposal,
      decision:
        decided && state.evaluation
          ? {
              status: state.evaluation.status,
              achievementPercent: decided.achievementPercent,
              score: scoreOnScale(decided.achievementPercent, system.scale),
              motivation: decided.motivation,
              decidedBy: last.actor,
              decidedOn: last.occurredAt,
              differsFromProposalBy: proposal.percent === undefined ? null : Math.round((decided.achievementPercent - proposal.percent) * 100) / 100,
            }
          : null,
      history: decisions.map((d) => ({ type: d.type, actor: d.actor, occurredAt: d.occurredAt, reason: d.reason, data: d.data })),
    };
  }

  @Get('as-of')
  @ApiOperation({
    operationId: 'getObjectiveAsOf',
    summary: 'Get an objective as of a date or revision',
    description: [
      'Time travel: the objective as it stood at the end of a business `date` (events of later business dates left out), or right after a',
      '`revision` of its stream; give exactly one of the two. Before its first event: `existed: false`. Read from its own stream.',
      '',
      `${ANY_ROLE} An evaluation not shared today stays hidden from all but the \`nucleo\`, whatever the date asked.`,
    ].join('\n'),
  })
  @ApiOkResponse({
    description: 'The objective as it stood, or `existed: false`',
    schema: { oneOf: [{ $ref: getSchemaPath(ObjectiveAsOfView) }, { $ref: getSchemaPath(ObjectiveNotYetView) }] },
  })
  async asOf(
    @Context() c: RequestContext,
    @Param('objectiveId', OBJECTIVE_ID) id: string,
    @Query() query: AsOfQueryDto,
  ): Promise<ObjectiveAsOfView | ObjectiveNotYetView> {
    const point = pointOf(query);
    const events = await this.store.readStream(objectiveStreamId(id));
    const { then: state, revision, now } = thenAndNow(OBJECTIVE_STREAM, events, eventsUpTo(events, point));
    if (!now || now.ente !== c.actor.ente) throw notFound(`objective ${id}`);
    // Before its first event the objective did not exist yet: say so rather than invent an empty one.
    if (!state) return { objectiveId: id, asOf: point, existed: false };
    // What is hidden now stays hidden in the past: an unshared evaluation is the NdV's even as of an earlier date.
    const view = objectiveView(state, revision, c.actor);
    return { asOf: point, existed: true, ...(evaluationHiddenFrom(c.actor, now) ? { ...view, evaluation: null, status: hiddenStatus(state) } : view) };
  }

  private async existing(c: RequestContext, id: string) {
    const record = await this.queries.objective(c.actor.ente, id);
    if (!record) throw notFound(`objective ${id}`);
    return record;
  }
}

export function pointOf(query: AsOfQueryDto): PointInTime {
  if ((query.date === undefined) === (query.revision === undefined)) {
    throw validationProblem([{ field: 'date', rule: 'exactlyOne', message: 'give either date or revision, not both nor neither' }]);
  }
  return query.date !== undefined ? { date: query.date } : { revision: query.revision! };
}

function hiddenStatus(state: ObjectiveState): string {
  return state.status === 'evaluated' ? 'reported' : state.status;
}
