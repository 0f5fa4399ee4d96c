import { createHash, randomUUID } from 'node:crypto';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  decideObjective,
  RuleViolation,
  violated,
  type ObjectiveCommand,
  type ObjectiveDefinition,
  type ObjectiveState,
  type OrganisationState,
} from '@piao/lifecycle';
import { OrganisationDirectory } from '../organisation/organisation.commands';
import { type CommandRequest } from '../event-sourcing/command-request';
import { StreamCommands, type CommandOutcome } from '../event-sourcing/stream-commands';
import { OBJECTIVE_STREAM, objectiveStreamId, PLAN_STREAM, planStreamId } from '../event-sourcing/stream-types';
import { PlanMembership } from '../plans/plan-membership';

export class RunObjectiveCommand {
  constructor(
    readonly objectiveId: string,
    readonly command: ObjectiveCommand,
    readonly request: CommandRequest,
  ) {}
}

@CommandHandler(RunObjectiveCommand)
export class RunObjectiveCommandHandler implements ICommandHandler<RunObjectiveCommand, CommandOutcome<ObjectiveState>> {
  constructor(
    private readonly streams: StreamCommands,
    private readonly directory: OrganisationDirectory,
  ) {}

  async execute({ objectiveId, command, request }: RunObjectiveCommand): Promise<CommandOutcome<ObjectiveState>> {
    const { organisation, context } = await this.directory.contextFor(request.actor);
    requireKnownUnits(organisation, command);
    return this.streams.run(OBJECTIVE_STREAM, objectiveStreamId(objectiveId), request, (state) => decideObjective(state, command, context), {
      mustExist: command.type !== 'DraftObjective',
      id: objectiveId,
    });
  }
}

export class DraftObjective {
  constructor(
    readonly planId: string,
    readonly code: string | undefined,
    readonly definition: ObjectiveDefinition,
    readonly request: CommandRequest,
  ) {}
}

/**
 * Drafting writes the objective's stream first, then attaches it to the plan. Should the process die in
 * between, the plan processor attaches it from the stored ObjectiveDrafted event.
 */
@CommandHandler(DraftObjective)
export class DraftObjectiveHandler implements ICommandHandler<DraftObjective, CommandOutcome<ObjectiveState>> {
  constructor(
    private readonly streams: StreamCommands,
    private readonly commands: CommandBus,
    private readonly membership: PlanMembership,
  ) {}

  async execute({ planId, code: givenCode, definition, request }: DraftObjective): Promise<CommandOutcome<ObjectiveState>> {
    const ente = request.actor.ente;
    const plan = (await this.streams.loadExisting(PLAN_STREAM, planStreamId(planId), ente, planId)).state;
    if (plan.status === 'closed') violated('plan-closed', 'the plan is closed');
    const objectiveId = givenCode ? objectiveIdFor(planId, givenCode) : randomUUID();
    const code = givenCode ?? `${plan.fromYear}_OB_${objectiveId.slice(0, 8).toUpperCase()}`;
    if (plan.objectives.some((o) => o.code === code)) violated('objective-code-taken', `the plan already has an objective ${code}`);
    let outcome: CommandOutcome<ObjectiveState>;
    try {
      outcome = await this.commands.execute(
        new RunObjectiveCommand(
          objectiveId,
          { type: 'DraftObjective', objectiveId, planId, ente, code, definition },
          { ...request, expectedRevision: undefined },
        ),
      );
    } catch (error) {
      if (error instanceof RuleViolation && error.rule === 'objective-already-exists')
        violated('objective-code-taken', `the plan already has an objective ${code}`);
      throw error;
    }
    await this.membership.attach(planId, objectiveId, code, definition.responsibleUnitId, request);
    return outcome;
  }
}

/**
 * A coded objective's id is derived from its plan and code (UUID v5 with the plan id as namespace), so two
 * concurrent drafts of the same code collide on the stream itself.
 */
export function objectiveIdFor(planId: string, code: string): string {
  const namespace = Buffer.from(planId.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(namespace).update(code, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function requireKnownUnits(organisation: OrganisationState, command: ObjectiveCommand): void {
  const ids =
    command.type === 'DraftObjective' || command.type === 'UpdateDraft' || command.type === 'ProposeReprogramming'
      ? [command.definition.responsibleUnitId, ...(command.definition.contributingUnitIds ?? [])]
      : command.type === 'ReassignResponsible'
        ? [command.toUnitId]
        : [];
  const unknown = ids.filter((id) => !organisation.units[id]);
  if (unknown.length > 0) violated('unknown-unit', `the ente has no unit ${unknown.join(', ')}: create it under /organisation first`);
}
