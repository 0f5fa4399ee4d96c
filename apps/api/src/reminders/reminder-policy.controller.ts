import { Body, Controller, Get, Inject, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RunOrganisationCommand, type CommandOutcome } from '@piao/application';
import { EVENT_STORE, formatPosition, type EventStore } from '@piao/event-store';
import { DEFAULT_REMINDER_POLICY, organisationStreamId, type OrganisationState, type ReminderPolicy } from '@piao/lifecycle';
import { Context, commandRequest, type RequestContext } from '../commands/request-context';
import { AdoptReminderPolicyDto, policyOf } from './reminders.dto';

/**
 * The ente's reminder policy (BRIEF §5): adopted as a whole by the Segretario or the administrator, each adoption a
 * new version (the revision of the organisation stream that recorded it); the default applies until the first.
 */
@ApiTags('reminders')
@ApiBearerAuth()
@Controller('organisation/reminder-policy')
export class ReminderPolicyController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The reminder policy in force, with its version (or the default, `default: true`): any role of the ente' })
  async read(@Context() c: RequestContext) {
    // Read from the organisation stream itself: a policy just adopted is the one answered.
    const events = await this.store.readStream(organisationStreamId(c.actor.ente));
    const adopted = events.filter((e) => e.type === 'ReminderPolicyAdopted').at(-1);
    const revision = events.length > 0 ? events[events.length - 1].revision : -1;
    if (!adopted) return { policy: DEFAULT_REMINDER_POLICY, version: null, default: true, adoptedOn: null, act: null, revision };
    return {
      policy: (adopted.data as { policy: ReminderPolicy }).policy,
      version: adopted.revision,
      default: false,
      adoptedOn: adopted.metadata.occurredAt,
      act: adopted.metadata.act ?? null,
      revision,
    };
  }

  @Put()
  @ApiOperation({ summary: 'Adopt a reminder policy, as a whole (a new version): admin or segretario' })
  async adopt(@Context() c: RequestContext, @Body() dto: AdoptReminderPolicyDto) {
    const policy = policyOf(dto.policy);
    const render = (outcome: CommandOutcome<OrganisationState>) => ({
      policy,
      version: outcome.revision,
      default: false,
      revision: outcome.revision,
      position: outcome.position ? formatPosition(outcome.position) : null,
      recorded: outcome.recorded.map((e) => e.type),
    });
    return render(await this.commands.execute(new RunOrganisationCommand({ type: 'AdoptReminderPolicy', policy }, commandRequest(c, dto, render))));
  }
}
