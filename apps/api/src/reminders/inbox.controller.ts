import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ReminderQueries } from '@piao/reminders';
import { Context, type RequestContext } from '../commands/request-context';
import { IgnoresIdempotencyKey } from '../idempotency/idempotency.interceptor';
import { notFound } from '../problem-details/problem';
import { encodeTime, timeCursor } from './cursors';
import { PageQueryDto } from './reminders.dto';
import { MESSAGE_ID } from '../validation/route-params';

/** The in-app channel: the reminders written to the person of the token, newest first. Nobody reads another's inbox. */
@ApiTags('reminders')
@ApiBearerAuth()
@Controller('people/me/inbox')
export class InboxController {
  constructor(private readonly queries: ReminderQueries) {}

  @Get()
  @ApiOperation({ summary: 'My in-app reminders, newest first (paged): any role' })
  async list(@Context() c: RequestContext, @Query() query: PageQueryDto) {
    const page = await this.queries.inbox(c.actor.ente, c.actor.id, timeCursor('cursor', query.cursor), query.limit ?? 50);
    return { items: page.items, next: encodeTime(page.next) };
  }

  @Get('unread-count')
  @ApiOperation({ summary: 'How many of my in-app reminders are unread: any role' })
  async unread(@Context() c: RequestContext) {
    return { unread: await this.queries.unreadCount(c.actor.ente, c.actor.id) };
  }

  @Post(':messageId/read')
  @HttpCode(200)
  @IgnoresIdempotencyKey()
  @ApiOperation({ summary: 'Mark one of my in-app reminders read (again: the first time stays); another person’s is a 404' })
  async markRead(@Context() c: RequestContext, @Param('messageId', MESSAGE_ID) messageId: string) {
    const message = await this.queries.markRead(c.actor.ente, c.actor.id, messageId);
    if (!message) throw notFound(`message ${messageId}`);
    return message;
  }
}
