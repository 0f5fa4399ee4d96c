import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ReminderQueries } from '@piao/reminders';
import { Context, type RequestContext } from '../commands/request-context';
import { IgnoresIdempotencyKey } from '../idempotency/idempotency.interceptor';
import { notFound } from '../problem-details/problem';
import { encodeTime, timeCursor } from './cursors';
import { PageQueryDto } from './reminders.dto';
import { InboxMessageView, InboxPageView, UnreadCountView } from './reminders.schemas';
import { MESSAGE_ID } from '../validation/route-params';

/** The in-app channel: the reminders written to the person of the token, newest first. Nobody reads another's inbox. */
@ApiTags('reminders')
@ApiBearerAuth()
@Controller('people/me/inbox')
export class InboxController {
  constructor(private readonly queries: ReminderQueries) {}

  @Get()
  @ApiOperation({
    operationId: 'listInboxMessages',
    summary: 'My in-app reminders, newest first',
    description: 'Any role: the reminders written to the person of the token through the in-app channel (`next` → `cursor=`).',
  })
  @ApiOkResponse({ type: InboxPageView, description: 'One page' })
  async list(@Context() c: RequestContext, @Query() query: PageQueryDto) {
    const page = await this.queries.inbox(c.actor.ente, c.actor.id, timeCursor('cursor', query.cursor), query.limit ?? 50);
    return { items: page.items, next: encodeTime(page.next) };
  }

  @Get('unread-count')
  @ApiOperation({
    operationId: 'countUnreadInboxMessages',
    summary: 'How many of my in-app reminders are unread',
    description: 'Any role: the person of the token.',
  })
  @ApiOkResponse({ type: UnreadCountView, description: 'The count' })
  async unread(@Context() c: RequestContext) {
    return { unread: await this.queries.unreadCount(c.actor.ente, c.actor.id) };
  }

  @Post(':messageId/read')
  @HttpCode(200)
  @IgnoresIdempotencyKey()
  @ApiOperation({
    operationId: 'markInboxMessageRead',
    summary: 'Mark one of my in-app reminders read',
    description: [
      'Any role, on their own messages only: anybody else’s is a 404, as an unknown one.',
      'Idempotent in itself (marked again, the first `readAt` stays): not a command, `Idempotency-Key` is ignored.',
    ].join('\n'),
  })
  @ApiParam({ name: 'messageId', description: 'The message’s `messageId`, URL-encoded', example: '<3f2a9c0e5b7d41a8c6e0f19b2d4a7e53@piao.example.it>' })
  @ApiOkResponse({ type: InboxMessageView, description: 'The message, read' })
  async markRead(@Context() c: RequestContext, @Param('messageId', MESSAGE_ID) messageId: string) {
    const message = await this.queries.markRead(c.actor.ente, c.actor.id, messageId);
    if (!message) throw notFound(`message ${messageId}`);
    return message;
  }
}
