import { Controller, Get, Header, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CalendarFeeds, REMINDERS_OPTIONS, type RemindersOptions } from '@piao/reminders';
import { Public } from '../auth/auth.guard';
import { Context, type RequestContext } from '../commands/request-context';
import { IgnoresIdempotencyKey } from '../idempotency/idempotency.interceptor';
import { notFound } from '../problem-details/problem';
import { CALENDAR_TOKEN } from '../validation/route-params';

/**
 * A person's deadlines as an iCalendar feed at a secret URL, for their calendar application to subscribe to. The URL
 * is the only credential of the feed (calendar applications send no bearer token): asking for a new one replaces it,
 * and an unknown or replaced one is a plain 404 that says nothing else.
 */
@ApiTags('reminders')
@Controller()
export class CalendarFeedController {
  private readonly baseUrl: string;

  constructor(
    private readonly feeds: CalendarFeeds,
    @Inject(REMINDERS_OPTIONS) options: RemindersOptions,
  ) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  @Post('people/me/calendar-feed')
  @HttpCode(201)
  // Not a command: each call issues a new secret (a retry too), and the secret is never stored to be replayed.
  @IgnoresIdempotencyKey()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'A new secret URL of my deadlines calendar (the previous one stops working): any role' })
  async rotate(@Context() c: RequestContext) {
    const token = await this.feeds.rotate(c.actor.ente, c.actor.id);
    return { url: `${this.baseUrl}/calendar/${token}.ics` };
  }

  @Get('calendar/:token.ics')
  @Public()
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @Header('Cache-Control', 'private, no-cache')
  @Header('Referrer-Policy', 'no-referrer')
  @ApiProduces('text/calendar')
  @ApiOperation({ summary: 'The deadlines calendar (iCalendar) of the URL’s owner: public, the URL is the secret' })
  async feed(@Param('token', CALENDAR_TOKEN) token: string) {
    const owner = await this.feeds.owner(token);
    if (!owner) throw notFound('calendar feed');
    return this.feeds.feed(owner);
  }
}
