import { Injectable } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  decideOrganisation,
  unitsHeadedBy,
  type Actor,
  type DecisionContext,
  type OrganisationCommand,
  type OrganisationState,
  decisionContext,
} from '@piao/lifecycle';
import { type CommandRequest } from '../commands/command-request';
import { StreamCommands, type CommandOutcome } from '../commands/stream-commands';
import { organisationStream, organisationStreamId } from '../commands/stream-types';

export class RunOrganisationCommand {
  constructor(
    readonly command: OrganisationCommand,
    readonly request: CommandRequest,
  ) {}
}

@CommandHandler(RunOrganisationCommand)
export class RunOrganisationCommandHandler implements ICommandHandler<RunOrganisationCommand, CommandOutcome<OrganisationState>> {
  constructor(private readonly streams: StreamCommands) {}

  execute({ command, request }: RunOrganisationCommand): Promise<CommandOutcome<OrganisationState>> {
    const ente = request.actor.ente;
    return this.streams.run(
      organisationStream(ente),
      organisationStreamId(ente),
      request,
      (state, today) => decideOrganisation(state!, command, decisionContext(request.actor, today)),
      { mustExist: false, id: ente },
    );
  }
}

/** The ente's organisation as of now: units, people and who heads what when. */
@Injectable()
export class OrganisationDirectory {
  constructor(private readonly streams: StreamCommands) {}

  async load(ente: string): Promise<OrganisationState> {
    return (await this.streams.load(organisationStream(ente), organisationStreamId(ente), ente)).state!;
  }

  /**
   * The organisation, and the context of a decision the actor takes today with the units they head today; the
   * organisation is also the context's appointments, which the segregation of duties reads (who headed or worked in
   * which unit when, who validates in the Segretario's stead).
   */
  async contextFor(actor: Actor): Promise<{ organisation: OrganisationState; context: DecisionContext }> {
    const organisation = await this.load(actor.ente);
    const today = this.streams.today();
    return { organisation, context: decisionContext(actor, today, unitsHeadedBy(organisation, actor.id, today), organisation) };
  }
}
