import { Controller, Get, Header, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CalendarFeeds, REMINDERS_OPTIONS, type RemindersOptions } from '@piao/reminders';
import { Public } from '../auth/auth.guard';
import { Context, type RequestContext } from '../commands/request-context';
import { IgnoresIdempotencyKey } from '../idempotency/idempotency.interceptor';
import { notFound } from '../problem-details/problem';
import { CALENDAR_TOKEN } from '../validation/route-params';
import { CalendarFeedView } from './reminders.schemas';

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
  @ApiOperation({
    operationId: 'renewCalendarFeedUrl',
    summary: 'A new secret URL of my deadlines calendar',
    description: [
      'Any role. The URL (`{PUBLIC_BASE_URL}/calendar/{token}.ics`) is the feed’s only credential: the previous one stops',
      'working. Not a command: each call issues a new secret (a retry too) and `Idempotency-Key` is ignored; only the',
      'secret’s hash is kept, so the URL is shown this once.',
    ].join('\n'),
  })
  @ApiCreatedResponse({ type: CalendarFeedView, description: 'The new URL' })
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
  @ApiOperation({
    operationId: 'getCalendarFeed',
    // Public: no bearer token (an explicit empty requirement, not a forgotten one).
    security: [],
    summary: 'The deadlines calendar (iCalendar) of the URL’s owner',
    description: [
      'Public: the URL is the secret (calendar applications send no token). The open dated deadlines of the units the',
      'URL’s owner heads today, one all-day event each (UID: the deadline id, so a moved date moves the event). An',
      'unknown, replaced or malformed URL is a plain 404.',
    ].join('\n'),
  })
  @ApiParam({
    name: 'token',
    description: 'The secret of the URL `POST /people/me/calendar-feed` gave',
    example: 'k3J9x2QeVt7mWz0aLpN4sR8uYb6cHd1fGh5Jk7Lm9Np',
  })
  @ApiOkResponse({
    description: 'The calendar (RFC 5545)',
    content: {
      'text/calendar': {
        schema: { type: 'string' },
        example: [
          'BEGIN:VCALENDAR',
          'VERSION:2.0',
          'PRODID:-//piao-cycle//scadenze//IT',
          'X-WR-CALNAME:Scadenze PIAO – Dirigente Welfare',
          'BEGIN:VEVENT',
          'UID:0b6f3a52-8c1e-4d7a-9f3b-2e5c4a1d7b90/phase-end/f1',
          'DTSTAMP:20250630T100000Z',
          'DTSTART;VALUE=DATE:20250630',
          'DTEND;VALUE=DATE:20250701',
          'SUMMARY:Scadenza fase: Analisi dei bisogni (S08_01 – Sostegno alle famiglie)',
          'END:VEVENT',
          'END:VCALENDAR',
        ].join('\r\n'),
      },
    },
  })
  async feed(@Param('token', CALENDAR_TOKEN) token: string) {
    const owner = await this.feeds.owner(token);
    if (!owner) throw notFound('calendar feed');
    return this.feeds.feed(owner);
  }
}
