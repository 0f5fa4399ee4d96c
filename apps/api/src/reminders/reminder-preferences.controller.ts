import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { OrganisationDirectory, RunOrganisationCommand, type CommandOutcome } from '@piao/application';
import { formatPosition } from '@piao/event-store';
import { DEFAULT_REMINDER_PREFERENCES, type OrganisationState } from '@piao/lifecycle';
import { Context, commandRequest, type RequestContext } from '../commands/request-context';
import { notFound } from '../problem-details/problem';
import { requireRole } from '../auth/require-role';
import { personOf } from './reminder-access';
import { REMINDER_PREFERENCES_EXAMPLE, ReminderPreferencesDto } from './reminders.dto';
import { ReminderPreferencesSetResult, ReminderPreferencesView } from './reminders.schemas';
import { PERSON_ID } from '../validation/route-params';

/** How a person hears about their deadlines (e-mail, in-app or both) and whom they copy: theirs to set, or the administrator's. */
@ApiTags('reminders')
@ApiBearerAuth()
@ApiParam({
  name: 'personId',
  description: 'The person (their `sub` at the identity provider), or `me` for the token’s own',
  example: 'me',
})
@Controller('people/:personId/reminder-preferences')
export class ReminderPreferencesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly directory: OrganisationDirectory,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'getReminderPreferences',
    summary: "A person's reminder channels and copies",
    description: [
      'The person themselves (`me`), or admin for anybody of the ente.',
      '`default: true` (e-mail and in-app, nobody in copy) until set; 404 for a person the ente has not registered.',
    ].join('\n'),
  })
  @ApiOkResponse({ type: ReminderPreferencesView, description: 'The preferences in force' })
  async read(@Context() c: RequestContext, @Param('personId', PERSON_ID) personId: string) {
    const person = personOf(c.actor, personId);
    if (person !== c.actor.id) requireRole(c.actor, ['admin'], "reading another person's reminder preferences");
    const organisation = await this.directory.load(c.actor.ente);
    if (!organisation.people[person]) throw notFound(`person ${person}`);
    const set = organisation.reminderPreferences?.[person];
    const { channels, copyTo } = set ?? DEFAULT_REMINDER_PREFERENCES;
    return { personId: person, channels, copyTo, default: set === undefined };
  }

  @Put()
  @ApiOperation({
    operationId: 'setReminderPreferences',
    summary: "Set a person's reminder channels and copies",
    description: [
      'The person themselves (`me`), or admin for anybody of the ente.',
      'A command on the organisation stream (`ReminderPreferencesSet`); `Idempotency-Key` is not honoured (it is a `PUT`).',
      'At least one channel; copies are registered people of the ente other than the person, at most 10. 422 `unknown-person`',
      '(the person or a copy not registered), `value-invalid` (copying oneself).',
    ].join('\n'),
  })
  @ApiBody({ type: ReminderPreferencesDto, examples: REMINDER_PREFERENCES_EXAMPLE })
  @ApiOkResponse({ type: ReminderPreferencesSetResult, description: 'Set' })
  async set(@Context() c: RequestContext, @Param('personId', PERSON_ID) personId: string, @Body() dto: ReminderPreferencesDto) {
    const person = personOf(c.actor, personId);
    const render = (outcome: CommandOutcome<OrganisationState>) => {
      const saved = outcome.state.reminderPreferences?.[person] ?? { channels: dto.channels, copyTo: dto.copyTo ?? [] };
      return {
        personId: person,
        channels: saved.channels,
        copyTo: saved.copyTo,
        default: false,
        revision: outcome.revision,
        position: outcome.position ? formatPosition(outcome.position) : null,
        recorded: outcome.recorded.map((e) => e.type),
      };
    };
    const command = {
      type: 'SetReminderPreferences' as const,
      personId: person,
      channels: [...dto.channels],
      ...(dto.copyTo !== undefined ? { copyTo: [...dto.copyTo] } : {}),
    };
    return render(await this.commands.execute(new RunOrganisationCommand(command, commandRequest(c, dto, render))));
  }
}
