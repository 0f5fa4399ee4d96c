import { OrganisationDirectory, CLOCK, type Clock } from '@piao/application';
import { Controller, Inject, Get, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { addDays, daysBetween, objectiveDeadlines, romeDateOf, unitsHeadedBy, NotPermitted, type Actor, type ObjectiveState } from '@piao/lifecycle';
import { ReadModelQueries } from '@piao/read-models';
import { Context, type RequestContext } from '../commands/request-context';
import { evaluationHiddenFrom } from '../objectives/objective.views';
import { OnDateQueryDto } from './query.dto';
import { ReadYourWritesInterceptor } from './read-your-writes';
import { PersonDeadlinesView, PersonObjectivesView } from './read-side.schemas';
import { PERSON_ID } from '../validation/route-params';
import { personOf } from '../reminders/reminder-access';

/** Roles that oversee the whole ente and may look at anybody's objectives and deadlines. */
const OVERSIGHT = ['segretario', 'nucleo', 'rpct', 'admin'];

@ApiTags('read-side')
@ApiBearerAuth()
@ApiParam({
  name: 'personId',
  description: "`me` for oneself, or a person's id (their `sub` at the identity provider)",
  schema: { type: 'string', maxLength: 200, example: 'me' },
})
@Controller('people/:personId')
@UseInterceptors(ReadYourWritesInterceptor)
export class PeopleQueriesController {
  constructor(
    private readonly queries: ReadModelQueries,
    private readonly directory: OrganisationDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('objectives')
  @ApiOperation({
    operationId: 'listPersonObjectives',
    summary: "List a person's objectives",
    description: [
      '"My objectives" (`me` for oneself): across the plans, the objectives of the units the person heads on the day `on` (today,',
      'Italian date, by default), as responsible or contributing unit, and those naming the person among their people.',
      '',
      'The person themself, or a `segretario`, `nucleo`, `rpct` or `admin` (anybody else: 403 `others-objectives`). An evaluation',
      "not yet shared shows as `reported` to all but the `nucleo`. `after` waits for a command's position (read-your-writes).",
    ].join('\n'),
  })
  @ApiOkResponse({ type: PersonObjectivesView })
  async objectives(
    @Context() c: RequestContext,
    @Param('personId', PERSON_ID) personId: string,
    @Query() query: OnDateQueryDto,
  ): Promise<PersonObjectivesView> {
    const { person, on, units, records } = await this.load(c.actor, personId, query.on);
    return {
      personId: person,
      on,
      unitsHeaded: units,
      objectives: records.map(({ objectiveId, state, revision }) => ({
        objectiveId,
        planId: state.planId,
        code: state.code,
        title: state.definition.title,
        status: evaluationHiddenFrom(c.actor, state) ? 'reported' : state.status,
        revision,
        role: roleIn(state, units, person),
      })),
    };
  }

  @Get('deadlines')
  @ApiOperation({
    operationId: 'listPersonDeadlines',
    summary: "List a person's deadlines",
    description: [
      '"My deadlines" (`me` for oneself): what the units the person heads on the day `on` (today, Italian date, by default) owe on',
      'their approved objectives and have not met: overdue (due before that day) and upcoming (due within `horizonDays`, 30 by',
      'default), each by due date. Read from the read models; `GET /deadlines` is the ente-wide list of the reminders.',
      '',
      'The person themself, or a `segretario`, `nucleo`, `rpct` or `admin` (anybody else: 403 `others-objectives`).',
      "`after` waits for a command's position (read-your-writes).",
    ].join('\n'),
  })
  @ApiOkResponse({ type: PersonDeadlinesView })
  async deadlines(@Context() c: RequestContext, @Param('personId', PERSON_ID) personId: string, @Query() query: OnDateQueryDto): Promise<PersonDeadlinesView> {
    const { person, on, units, records } = await this.load(c.actor, personId, query.on);
    const responsible = records.filter((r) => units.includes(r.state.definition.responsibleUnitId));
    const plans = await this.queries.plans(c.actor.ente, [...new Set(responsible.map((r) => r.state.planId))]);
    const horizon = addDays(on, query.horizonDays ?? 30);
    const overdue = [];
    const upcoming = [];
    for (const { objectiveId, state } of responsible) {
      for (const deadline of objectiveDeadlines(state, plans.get(state.planId)?.campaigns ?? {})) {
        if (deadline.met) continue;
        const item = { objectiveId, code: state.code, title: state.definition.title, unitId: state.definition.responsibleUnitId, ...deadline };
        if (deadline.dueOn < on) overdue.push({ ...item, daysOverdue: daysBetween(deadline.dueOn, on) });
        else if (deadline.dueOn <= horizon) upcoming.push({ ...item, daysLeft: daysBetween(on, deadline.dueOn) });
      }
    }
    const byDate = (a: { dueOn: string }, b: { dueOn: string }) => a.dueOn.localeCompare(b.dueOn);
    return { personId: person, on, unitsHeaded: units, overdue: overdue.sort(byDate), upcoming: upcoming.sort(byDate) };
  }

  private async load(actor: Actor, personId: string, onDate?: string) {
    const person = personOf(actor, personId);
    if (person !== actor.id && !actor.roles.some((r) => OVERSIGHT.includes(r))) {
      throw new NotPermitted('others-objectives', "only the Segretario, the NdV, the RPCT and the administrator read another person's objectives");
    }
    const on = onDate ?? romeDateOf(this.clock.now());
    const units = [...unitsHeadedBy(await this.directory.load(actor.ente), person, on)].sort();
    const records = await this.queries.objectivesOf(actor.ente, units, person);
    return { person, on, units, records };
  }
}

function roleIn(state: ObjectiveState, units: string[], personId: string): string {
  if (units.includes(state.definition.responsibleUnitId)) return 'responsible';
  if ((state.definition.contributingUnitIds ?? []).some((u) => units.includes(u))) return 'contributing';
  return (state.definition.people ?? []).some((p) => p.personId === personId) ? 'participant' : 'other';
}
