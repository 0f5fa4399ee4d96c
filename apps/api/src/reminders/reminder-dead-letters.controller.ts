import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ReminderQueries } from '@piao/reminders';
import { Context, type RequestContext } from '../commands/request-context';
import { encodeTime, timeCursor } from './cursors';
import { requireRole } from '../auth/require-role';
import { ReminderDeadLettersQueryDto } from './reminders.dto';

/** The ente's reminders that could not be sent, with the error: for whoever fixes the address or the policy. */
@ApiTags('reminders')
@ApiBearerAuth()
@Controller('admin/reminders')
export class ReminderDeadLettersController {
  constructor(private readonly queries: ReminderQueries) {}

  @Get('dead-letters')
  @ApiOperation({ summary: 'Reminders given up (`reminders`) and undelivered copies (`deliveries`), newest first, with the error: admin, segretario' })
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
