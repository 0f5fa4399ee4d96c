import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ReminderQueries } from '@piao/reminders';
import { Context, type RequestContext } from '../commands/request-context';
import { encodeTime, timeCursor } from './cursors';
import { requireRole } from '../auth/require-role';
import { ReminderDeadLettersQueryDto } from './reminders.dto';
import { ReminderDeadLettersView } from './reminders.schemas';

/** The ente's reminders that could not be sent, with the error: for whoever fixes the address or the policy. */
@ApiTags('reminders')
@ApiBearerAuth()
@Controller('admin/reminders')
export class ReminderDeadLettersController {
  constructor(private readonly queries: ReminderQueries) {}

  @Get('dead-letters')
  @ApiOperation({
    operationId: 'listReminderDeadLetters',
    summary: "The ente's reminders given up and undelivered copies, with the error",
    description: [
      'Roles: admin, segretario.',
      'Reminders given up (`reminders`: nobody to write to, retries spent) and copies not delivered (`deliveries`: a mailbox',
      'refused, retries spent), each newest first and paged on its own (`next` → `cursor=`, `deliveriesNext` →',
      '`deliveriesCursor=`; `limit` for each).',
    ].join('\n'),
  })
  @ApiOkResponse({ type: ReminderDeadLettersView, description: 'One page of each list' })
  async list(@Context() c: RequestContext, @Query() query: ReminderDeadLettersQueryDto) {
    requireRole(c.actor, ['admin', 'segretario'], "the reminders' dead letters");
    const limit = query.limit ?? 50;
    const [reminders, deliveries] = await Promise.all([
      this.queries.failedReminders(c.actor.ente, timeCursor('cursor', query.cursor), limit),
      this.queries.failedDeliveries(c.actor.ente, timeCursor('deliveriesCursor', query.deliveriesCursor), limit),
    ]);
    return {
      reminders: reminders.items,
      next: encodeTime(reminders.next),
      deliveries: deliveries.items,
      deliveriesNext: encodeTime(deliveries.next),
    };
  }
}
