import { OBJECTIVE_STREAM, objectiveStreamId, PLAN_STREAM, planStreamId, OrganisationDirectory } from '@piao/application';
import { Controller, Get, Inject, Param, Query, UseInterceptors } from '@nestjs/common';
import { PLAN_ID } from '../validation/route-params';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { personAchievement, scoreOnScale, unitAchievement, type Person } from '@piao/lifecycle';
import { comparePositions, EVENT_STORE, type EventStore } from '@piao/event-store';
import { ReadModelQueries, type ListCursor } from '@piao/read-models';
import { Context, type RequestContext } from '../commands/request-context';
import { evaluationHiddenFrom, seesUnsharedEvaluations } from '../objectives/objective.views';
import { notFound } from '../problem-details/problem';
import { pointOf } from './objective-queries.controller';
import { AsOfQueryDto, ListObjectivesQueryDto, ReadQueryDto } from './query.dto';
import { ReadYourWritesInterceptor } from './read-your-writes';
import {
  DashboardMonitoringDateView,
  PlanAsOfView,
  PlanDashboardView,
  PlanObjectivePageView,
  PlanScoresView,
  READ_SIDE_EXTRA_MODELS,
} from './read-side.schemas';
import { achievementOnBasis, scoringSystemOf } from './scoring-system-of';
import { eventsUpTo, thenAndNow } from './time-travel';
import { decodeCursorParts, encodeCursor } from '../reminders/cursors';

/** Streams folded at once when a whole plan travels in time. */
const TIME_TRAVEL_CONCURRENCY = 16;

@ApiTags('read-side')
@ApiBearerAuth()
@ApiExtraModels(...READ_SIDE_EXTRA_MODELS)
@ApiParam({ name: 'planId', format: 'uuid', description: 'The plan, as `POST /plans` answered it' })
@Controller('plans/:planId')
@UseInterceptors(ReadYourWritesInterceptor)
export class PlanQueriesController {
  constructor(
    private readonly queries: ReadModelQueries,
    private readonly directory: OrganisationDirectory,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('objectives')
  @ApiOperation({
    operationId: 'listPlanObjectives',
    summary: "List a plan's objectives",
    description: [
      'Objectives of the plan by code, filtered by unit (responsible or contributing), responsible person, person involved, status, tag,',
      'an unmet deadline before a date, or Italian full text on title and description (stemmed: `trasparente` finds `trasparenza`).',
      "Pages of `limit` (default 50): pass the answer's `next` as `cursor` for the following page, with the same filters.",
      '',
      'Any role of the ente may call it. Status is as published: an evaluation the NdV has not shared yet shows (and filters) as',
      "`reported` to all but the `nucleo`. `after` waits for a command's position (read-your-writes).",
    ].join('\n'),
  })
  @ApiOkResponse({ type: PlanObjectivePageView, description: 'One page of objectives and the cursor of the next' })
  async list(@Context() c: RequestContext, @Param('planId', PLAN_ID) planId: string, @Query() query: ListObjectivesQueryDto): Promise<PlanObjectivePageView> {
    await this.existingPlan(c, planId);
    const page = await this.queries.listObjectives(
      c.actor.ente,
      planId,
      {
        unitId: query.unitId,
        responsiblePerson: query.responsiblePerson,
        personId: query.personId,
        status: query.status,
        tag: query.tag,
        overdueOn: query.overdueOn,
        text: query.q,
        seesEvaluations: seesUnsharedEvaluations(c.actor),
      },
      query.cursor ? decodeCursor(query.cursor) : undefined,
      query.limit ?? 50,
    );
    return { items: page.items, next: page.next ? encodeListCursor(page.next) : null };
  }

  @Get('dashboard')
  @ApiOperation({
    operationId: 'getPlanDashboard',
    summary: "Get a plan's dashboard",
    description: [
      'Objectives by status and by unit, the weighted progress of each unit, the monitoring campaigns, and at each monitoring date',
      'the phases and indicators behind plan and by how much.',
      '',
      'Any role of the ente may call it; an evaluation not yet shared counts as `reported` to all but the `nucleo`.',
      "`after` waits for a command's position (read-your-writes).",
    ].join('\n'),
  })
  @ApiOkResponse({ type: PlanDashboardView })
  async dashboard(@Context() c: RequestContext, @Param('planId', PLAN_ID) planId: string, @Query() _query: ReadQueryDto): Promise<PlanDashboardView> {
    const plan = await this.existingPlan(c, planId);
    const rows = await this.queries.dashboardRows(c.actor.ente, planId, seesUnsharedEvaluations(c.actor));
    const organisation = await this.directory.load(c.actor.ente);
    const byStatus: Record<string, number> = {};
    const units = new Map<string, { unitId: string; name: string | null; objectives: number; byStatus: Record<string, number>; progress: number[] }>();
    const monitoring = new Map<string, DashboardMonitoringDateView>();
    for (const row of rows) {
      byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
      const unit = units.get(row.responsibleUnitId) ?? {
        unitId: row.responsibleUnitId,
        name: organisation.units[row.responsibleUnitId]?.name ?? null,
        objectives: 0,
        byStatus: {},
        progress: [],
      };
      unit.objectives += 1;
      unit.byStatus[row.status] = (unit.byStatus[row.status] ?? 0) + 1;
      if (row.phasesPercent !== null) unit.progress.push(row.phasesPercent);
      units.set(row.responsibleUnitId, unit);
      for (const gap of row.gaps) {
        const at = monitoring.get(gap.asOf) ?? { asOf: gap.asOf, phasesBehind: [], indicatorsBehind: [] };
        const item = {
          objectiveId: row.objectiveId,
          code: row.code,
          unitId: row.responsibleUnitId,
          id: gap.id,
          planned: gap.planned,
          actual: gap.actual,
          behindBy: gap.behindBy,
        };
        (gap.kind === 'phase' ? at.phasesBehind : at.indicatorsBehind).push(item);
        monitoring.set(gap.asOf, at);
      }
    }
    return {
      planId,
      title: plan.state.title,
      objectives: rows.length,
      byStatus,
      units: [...units.values()]
        .sort((a, b) => a.unitId.localeCompare(b.unitId))
        .map(({ progress, ...unit }) => ({ ...unit, weightedProgressPercent: unitAchievement(progress) ?? null })),
      campaigns: Object.entries(plan.state.campaigns).map(([asOf, c2]) => ({ asOf, dueOn: c2.dueOn, open: c2.open })),
      monitoring: [...monitoring.values()].sort((a, b) => a.asOf.localeCompare(b.asOf)),
    };
  }

  @Get('scores')
  @ApiOperation({
    operationId: 'getPlanScores',
    summary: "Get a plan's scores",
    description: [
      'Achievement and score of every objective (past the draft, not cancelled), of every unit and of every person named with a',
      "% participation, under the ente's SMVP (`POST /organisation/scoring-system`; linear on the mean until one is adopted).",
      "These are computed proposals, not the NdV's evaluation.",
      '',
      "Any role of the ente may call it. `after` waits for a command's position (read-your-writes).",
    ].join('\n'),
  })
  @ApiOkResponse({ type: PlanScoresView })
  async scores(@Context() c: RequestContext, @Param('planId', PLAN_ID) planId: string, @Query() _query: ReadQueryDto): Promise<PlanScoresView> {
    await this.existingPlan(c, planId);
    const system = scoringSystemOf(await this.directory.load(c.actor.ente));
    const rows = await this.queries.scoreRows(c.actor.ente, planId);
    const objectives = rows.map((r) => {
      const percent = achievementOnBasis(system, r.phasesPercent, r.indicatorsPercent);
      return {
        objectiveId: r.objectiveId,
        code: r.code,
        unitId: r.responsibleUnitId,
        percent: percent ?? null,
        score: percent === undefined ? null : scoreOnScale(percent, system.scale),
        // The NdV's until shared: to anyone else an evaluation not yet shared is no evaluation yet.
        evaluationStatus: r.evaluationStatus === 'evaluated' && !seesUnsharedEvaluations(c.actor) ? null : r.evaluationStatus,
        people: r.people,
      };
    });
    const byUnit = new Map<string, (number | undefined)[]>();
    const byPerson = new Map<string, { name: string; shares: { participationPercent: number; objectivePercent?: number }[] }>();
    for (const o of objectives) {
      byUnit.set(o.unitId, [...(byUnit.get(o.unitId) ?? []), o.percent ?? undefined]);
      for (const person of o.people as Person[]) {
        if (typeof person.participationPercent !== 'number') continue;
        const key = person.personId ?? person.name;
        const entry = byPerson.get(key) ?? { name: person.name, shares: [] };
        entry.shares.push({ participationPercent: person.participationPercent, objectivePercent: o.percent ?? undefined });
        byPerson.set(key, entry);
      }
    }
    const scored = (percent: number | undefined) => ({ percent: percent ?? null, score: percent === undefined ? null : scoreOnScale(percent, system.scale) });
    return {
      planId,
      scoringSystem: system,
      objectives: objectives.map(({ people: _people, ...o }) => o),
      units: [...byUnit].map(([unitId, percents]) => ({ unitId, ...scored(unitAchievement(percents)) })),
      people: [...byPerson].map(([personKey, p]) => ({ person: personKey, name: p.name, objectives: p.shares.length, ...scored(personAchievement(p.shares)) })),
    };
  }

  @Get('as-of')
  @ApiOperation({
    operationId: 'getPlanAsOf',
    summary: 'Get a plan as it stood at a date or revision',
    description: [
      'Time travel: the plan and each of its objectives as they stood at the end of a business `date`, or right after a plan',
      '`revision` (each objective then as it stood when that plan event was written). Give exactly one of the two (400 otherwise).',
      'Read from the event log itself, not the read models: `after` is not needed. Before the plan was opened: `existed: false`.',
      '',
      'Any role of the ente may call it; an evaluation not yet shared shows as `reported` to all but the `nucleo`.',
    ].join('\n'),
  })
  @ApiOkResponse({ type: PlanAsOfView })
  async asOf(@Context() c: RequestContext, @Param('planId', PLAN_ID) planId: string, @Query() query: AsOfQueryDto): Promise<PlanAsOfView> {
    const point = pointOf(query);
    const planEvents = await this.store.readStream(planStreamId(planId));
    const { then: plan, revision, now: current } = thenAndNow(PLAN_STREAM, planEvents, eventsUpTo(planEvents, point));
    if (!current || current.ente !== c.actor.ente) throw notFound(`plan ${planId}`);
    if (!plan) return { planId, asOf: point, existed: false };
    // At a plan revision, each objective is cut where the log stood when that plan event was written.
    const logCut = 'revision' in point ? planEvents[revision].position : undefined;
    const objectives = await mapConcurrently(plan.objectives, TIME_TRAVEL_CONCURRENCY, async ({ objectiveId, code }) => {
      const events = await this.store.readStream(objectiveStreamId(objectiveId));
      const count = logCut ? events.filter((e) => comparePositions(e.position, logCut) <= 0).length : eventsUpTo(events, point);
      const { then: state, now } = thenAndNow(OBJECTIVE_STREAM, events, count);
      if (!state) return { objectiveId, code, existed: false };
      const hidden = now !== undefined && evaluationHiddenFrom(c.actor, now);
      return {
        objectiveId,
        code,
        existed: true,
        revision: count - 1,
        status: hidden && state.status === 'evaluated' ? 'reported' : state.status,
        title: state.definition.title,
        responsibleUnitId: state.definition.responsibleUnitId,
        definition: state.definition,
        approvalAct: state.approvalAct ?? null,
        reprogrammings: state.reprogrammings,
      };
    });
    return {
      planId,
      asOf: point,
      existed: true,
      revision,
      status: plan.status,
      title: plan.title,
      approvalAct: plan.approvalAct ?? null,
      campaigns: plan.campaigns,
      objectives,
    };
  }

  private async existingPlan(c: RequestContext, planId: string) {
    const plan = await this.queries.plan(c.actor.ente, planId);
    if (!plan) throw notFound(`plan ${planId}`);
    return plan;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const encodeListCursor = (cursor: ListCursor): string => encodeCursor([cursor.code, cursor.objectiveId]);

function decodeCursor(text: string): ListCursor {
  // The code goes into a query as text (control characters refused), the id as a uuid: it must be one.
  const [code, objectiveId] = decodeCursorParts('cursor', text, (p) => p.length === 2 && UUID.test(p[1]));
  return { code, objectiveId };
}

async function mapConcurrently<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  });
  await Promise.all(lanes);
  return results;
}
