import { Controller, Get, Inject, Query, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CLOCK, OrganisationDirectory, type Clock } from '@piao/application';
import { romeDateOf } from '@piao/lifecycle';
import { DEADLINES, ReminderQueries, type DeadlineItem } from '@piao/reminders';
import { Context, type RequestContext } from '../commands/request-context';
import { validationProblem } from '../problem-details/problem';
import { ReadsFrom, ReadYourWritesInterceptor } from '../read-side/read-your-writes';
import { datedCursor, encodeCursor, undatedCursor } from './cursors';
import { requireRole } from '../auth/require-role';
import { DeadlinesQueryDto } from './reminders.dto';
import { DeadlinesView } from './reminders.schemas';

/**
 * The ente's deadlines for those who oversee it: the dated ones by due date, and apart from them those the plan gave
 * only in words ("II trimestre"), for which no reminder can go out until somebody dates them.
 */
@ApiTags('reminders')
@ApiBearerAuth()
@Controller('deadlines')
@UseInterceptors(ReadYourWritesInterceptor)
@ReadsFrom(DEADLINES)
export class DeadlinesController {
  constructor(
    private readonly queries: ReminderQueries,
    private readonly directory: OrganisationDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'listDeadlines',
    summary: "The ente's deadlines, dated by due date and undated apart",
    description: [
      'Roles: segretario, nucleo, rpct, admin.',
      'Dated deadlines in `items` by due date (`next` → `cursor=`); those the plan gave only in words (`periodText`) in',
      '`undated` (`undatedNext` → `undatedCursor=`): no reminder goes out for them. `status` is `open` by default; `from`/`to`',
      'filter the dated ones; `limit` is the size of each list. Read from the `deadlines` processor: `after=<position>`',
      "waits for a command's effect. `overdue` is judged on today's Italian date (`on`).",
    ].join('\n'),
  })
  @ApiOkResponse({ type: DeadlinesView, description: 'One page of each list' })
  async list(@Context() c: RequestContext, @Query() query: DeadlinesQueryDto) {
    requireRole(c.actor, ['segretario', 'nucleo', 'rpct', 'admin'], "the ente's deadlines");
    if (query.from && query.to && query.to < query.from) {
      throw validationProblem([{ field: 'to', rule: 'notBefore', message: 'to must not be before from' }]);
    }
    const filters = { status: query.status ?? 'open', unitId: query.unitId, kind: query.kind, from: query.from, to: query.to };
    const limit = query.limit ?? 50;
    const [dated, undated, organisation] = await Promise.all([
      this.queries.datedDeadlines(c.actor.ente, filters, datedCursor(query.cursor), limit),
      this.queries.undatedDeadlines(c.actor.ente, filters, undatedCursor(query.undatedCursor), limit),
      this.directory.load(c.actor.ente),
    ]);
    const today = romeDateOf(this.clock.now());
    const view = (d: DeadlineItem) => ({
      ...d,
      unitName: d.unitId ? (organisation.units[d.unitId]?.name ?? null) : null,
      overdue: d.open && d.dueOn !== null && d.dueOn < today,
    });
    return {
      on: today,
      status: filters.status,
      items: dated.items.map(view),
      next: dated.next ? encodeCursor([dated.next.dueOn, dated.next.deadlineId]) : null,
      undated: undated.items.map(view),
      undatedNext: undated.next ? encodeCursor([undated.next.code, undated.next.deadlineId]) : null,
    };
  }
}
