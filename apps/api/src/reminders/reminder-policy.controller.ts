import { Body, Controller, Get, Inject, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RunOrganisationCommand, type CommandOutcome } from '@piao/application';
import { EVENT_STORE, formatPosition, type EventStore } from '@piao/event-store';
import { DEFAULT_REMINDER_POLICY, organisationStreamId, type OrganisationState, type ReminderPolicy } from '@piao/lifecycle';
import { Context, commandRequest, type RequestContext } from '../commands/request-context';
import { ADOPT_REMINDER_POLICY_EXAMPLE, AdoptReminderPolicyDto, policyOf } from './reminders.dto';
import { ReminderPolicyAdoptedResult, ReminderPolicyView } from './reminders.schemas';

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
  @ApiOperation({
    operationId: 'getReminderPolicy',
    summary: 'The reminder policy in force, with its version (or the default)',
    description: [
      'Any role of the ente.',
      'Until the ente adopts one, the default policy with `default: true`, `version: null`. `revision` is the organisation',
      "stream's, to send as `expectedRevision` to `PUT`; the `policy` read can be sent back as it is.",
    ].join('\n'),
  })
  @ApiOkResponse({ type: ReminderPolicyView, description: 'The policy in force' })
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
  @ApiOperation({
    operationId: 'adoptReminderPolicy',
    summary: 'Adopt a reminder policy, as a whole (a new version)',
    description: [
      'Roles: admin, segretario.',
      'A command on the organisation stream (`ReminderPolicyAdopted`): every adoption is a new version, a repeated `PUT` too;',
      '`Idempotency-Key` is not honoured (it is a `PUT`). The deadlines follow the new policy once the `deadlines` processor',
      'has handled it (`GET /deadlines?after=<position>`). 422 `reminder-policy-invalid`, `unknown-person` (a',
      '`segretarioPersonId` or `nucleoPersonIds` the ente has not registered).',
    ].join('\n'),
  })
  @ApiBody({ type: AdoptReminderPolicyDto, examples: ADOPT_REMINDER_POLICY_EXAMPLE })
  @ApiOkResponse({ type: ReminderPolicyAdoptedResult, description: 'Adopted: the new version' })
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
