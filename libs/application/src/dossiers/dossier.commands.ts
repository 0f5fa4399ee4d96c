import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideDossierRequest, decisionContext, dossierStreamId, type DossierCommand, type DossierRequest, type OrganisationState } from '@piao/lifecycle';
import { StreamNotFound } from '../commands/command-errors';
import { type CommandRequest } from '../commands/command-request';
import { StreamCommands, type CommandOutcome } from '../commands/stream-commands';
import {
  DOSSIER_STREAM,
  OBJECTIVE_STREAM,
  objectiveStreamId,
  organisationStream,
  organisationStreamId,
  PLAN_STREAM,
  planStreamId,
} from '../commands/stream-types';

export class RequestDossier {
  constructor(
    readonly command: DossierCommand,
    readonly request: CommandRequest,
  ) {}
}

/**
 * Records a dossier request, once what it is about exists in the requester's ente: the objective, the plan or the
 * unit (404 otherwise, as for any other command on something that does not exist there).
 */
@CommandHandler(RequestDossier)
export class RequestDossierHandler implements ICommandHandler<RequestDossier, CommandOutcome<DossierRequest>> {
  constructor(private readonly streams: StreamCommands) {}

  execute({ command, request }: RequestDossier): Promise<CommandOutcome<DossierRequest>> {
    return this.streams.execute(request, async (unit) => {
      const { kind, id } = command.scope;
      if (kind === 'objective') await unit.load(OBJECTIVE_STREAM, objectiveStreamId(id), { id, mustExist: true });
      else if (kind === 'plan') await unit.load(PLAN_STREAM, planStreamId(id), { id, mustExist: true });
      else {
        const organisation = await unit.load(organisationStream(command.ente), organisationStreamId(command.ente), { id: command.ente });
        // Own keys only: a unit named `constructor` or `__proto__` does not exist.
        if (!Object.hasOwn((organisation.state as OrganisationState).units, id)) throw new StreamNotFound(`unit ${id}`);
      }
      const stream = dossierStreamId(command.dossierId);
      const loaded = await unit.load(DOSSIER_STREAM, stream, { id: command.dossierId, addressed: true });
      return unit.write<DossierRequest>(stream, decideDossierRequest(loaded.state, command, decisionContext(request.actor, unit.today)));
    });
  }
}
