import { OBJECTIVE_STREAM, objectiveStreamId, OrganisationDirectory } from '@piao/application';
import { Controller, Get, Inject, Param, Query, UseInterceptors } from '@nestjs/common';
import { OBJECTIVE_ID } from '../validation/route-params';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { definitionChanges, objectiveAchievement, scoreOnScale, type ObjectiveState } from '@piao/lifecycle';
import { EVENT_STORE, type EventStore } from '@piao/event-store';
import { ReadModelQueries, type TimelineRow } from '@piao/read-models';
import { Context, type RequestContext } from '../commands/request-context';
import { evaluationHiddenFrom, objectiveView, withheldEvaluation } from '../objectives/objective.views';
import { notFound, validationProblem } from '../problem-details/problem';
import { AsOfQueryDto, ReadQueryDto, TimelineQueryDto } from './query.dto';
import { ReadYourWritesInterceptor } from './read-your-writes';
import { scoringSystemOf } from './scoring-system-of';
import { eventsUpTo, thenAndNow, type PointInTime } from './time-travel';

const REPROGRAMMING_EVENTS = ['ReprogrammingProposed', 'ReprogrammingApprovedByGiunta', 'ReprogrammingRejected', 'ResponsibleReassigned'];
const EVALUATION_EVENTS = ['ObjectiveEvaluated', 'EvaluationShared', 'EvaluationContested', 'EvaluationConfirmed'];

@ApiTags('objective queries')
@ApiBearerAuth()
@Controller('objectives/:objectiveId')
@UseInterceptors(ReadYourWritesInterceptor)
export class ObjectiveQueriesController {
  constructor(
    private readonly queries: ReadModelQueries,
    private readonly directory: OrganisationDirectory,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('timeline')
  @ApiOperation({ summary: 'Audit timeline: each event as who, role, when (business and recorded), what (old → new), why, act' })
  async timeline(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Query() query: TimelineQueryDto) {
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
  @ApiOperation({ summary: 'As first approved vs as it stands, field by field (old → new), with the act and reason of each change' })
  async versions(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Query() _query: ReadQueryDto) {
    const { state, revision } = await this.existing(c, id);
    const rows = await this.queries.timeline(c.actor.ente, id, 0, 100_000, REPROGRAMMING_EVENTS);
    const changes = [];
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
          changes: (row.data as { changes: unknown[] }).changes,
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
  @ApiOperation({ summary: "The NdV's evaluation screen: the computed proposal under the ente's SMVP beside the NdV's decision and motivation" })
  async evaluation(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Query() _query: ReadQueryDto) {
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
  @ApiOperation({ summary: 'Time travel: the objective as it stood at the end of a business date, or right after a revision' })
  async asOf(@Context() c: RequestContext, @Param('objectiveId', OBJECTIVE_ID) id: string, @Query() query: AsOfQueryDto) {
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
