import { createHash } from 'node:crypto';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  decideObjective,
  decidePlan,
  indicatorTypeCatalogue,
  resolveIndicatorTypes,
  resolvePersonRoles,
  violated,
  type ObjectiveCommand,
  type ObjectiveDefinition,
  type ObjectiveState,
  type OrganisationState,
} from '@piao/lifecycle';
import { type CommandRequest } from '../commands/command-request';
import { StreamCommands, type CommandOutcome } from '../commands/stream-commands';
import { OBJECTIVE_STREAM, objectiveStreamId, PLAN_STREAM, planStreamId } from '../commands/stream-types';
import { OrganisationDirectory } from '../organisation/organisation.commands';
import { createdId } from '../commands/event-ids';

export class RunObjectiveCommand {
  constructor(
    readonly objectiveId: string,
    readonly command: Exclude<ObjectiveCommand, { type: 'DraftObjective' }>,
    readonly request: CommandRequest,
  ) {}
}

@CommandHandler(RunObjectiveCommand)
export class RunObjectiveCommandHandler implements ICommandHandler<RunObjectiveCommand, CommandOutcome<ObjectiveState>> {
  constructor(
    private readonly streams: StreamCommands,
    private readonly directory: OrganisationDirectory,
  ) {}

  async execute({ objectiveId, command: given, request }: RunObjectiveCommand): Promise<CommandOutcome<ObjectiveState>> {
    const { organisation, context } = await this.directory.contextFor(request.actor);
    const command = objectiveCommandFor(organisation, given);
    return this.streams.run(OBJECTIVE_STREAM, objectiveStreamId(objectiveId), request, (state) => decideObjective(state, command, context), {
      mustExist: true,
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
 * Drafting writes the objective's stream and attaches it to its plan in one append: the plan's state (open or
 * closed, the codes it holds) and the objective's are decided on together, so a refused draft writes nothing and
 * an accepted one is in its plan. On EventStoreDB, which cannot append to two streams at once, the plan processor
 * attaches a draft whose process stopped in between.
 */
@CommandHandler(DraftObjective)
export class DraftObjectiveHandler implements ICommandHandler<DraftObjective, CommandOutcome<ObjectiveState>> {
  constructor(
    private readonly streams: StreamCommands,
    private readonly directory: OrganisationDirectory,
  ) {}

  async execute({ planId, code: givenCode, definition: given, request }: DraftObjective): Promise<CommandOutcome<ObjectiveState>> {
    const ente = request.actor.ente;
    const { organisation, context } = await this.directory.contextFor(request.actor);
    const definition = definitionForDraft(organisation, given);
    const objectiveId = givenCode ? objectiveIdFor(planId, givenCode) : createdId(request.idempotency);
    // The client addresses a new objective: a revision it pins means nothing here.
    return this.streams.execute({ ...request, expectedRevision: undefined }, async (unit) => {
      const plan = await unit.load(PLAN_STREAM, planStreamId(planId), { id: planId, mustExist: true });
      const code = givenCode ?? `${plan.state!.fromYear}_OB_${objectiveId.slice(0, 8).toUpperCase()}`;
      // The plan decides first: a closed plan or a code it holds is the answer, whatever the objective says.
      const attached = decidePlan(plan.state, { type: 'AttachObjective', objectiveId, code }, context, definition.responsibleUnitId);
      const objective = await unit.load(OBJECTIVE_STREAM, objectiveStreamId(objectiveId), { id: objectiveId, addressed: true });
      // The code is the client's field only when the client gave it (a generated one is not in the body).
      if (objective.state) violated('objective-code-taken', `the plan already has an objective ${code}`, givenCode ? 'code' : undefined);
      const outcome = unit.write<ObjectiveState>(
        objectiveStreamId(objectiveId),
        decideObjective(undefined, { type: 'DraftObjective', objectiveId, planId, ente, code, definition }, context),
      );
      unit.write(planStreamId(planId), attached);
      return outcome;
    });
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

function requireKnownUnits(
  organisation: OrganisationState,
  command: Pick<ObjectiveCommand, 'type'> & Partial<{ definition: ObjectiveDefinition; toUnitId: string }>,
): void {
  const definition = command.definition;
  // Each unit named, with the field that names it: the problem points at the first unknown one.
  const named: [field: string, id: unknown][] =
    (command.type === 'DraftObjective' || command.type === 'UpdateDraft' || command.type === 'ProposeReprogramming') && definition
      ? [
          ['definition.responsibleUnitId', definition.responsibleUnitId],
          ...(Array.isArray(definition.contributingUnitIds) ? definition.contributingUnitIds : []).map((id, index): [string, unknown] => [
            `definition.contributingUnitIds.${index}`,
            id,
          ]),
        ]
      : command.type === 'ReassignResponsible' && command.toUnitId
        ? [['toUnitId', command.toUnitId]]
        : [];
  const unknown = named.filter(([, id]) => typeof id !== 'string' || !Object.hasOwn(organisation.units, id));
  if (unknown.length > 0) {
    violated('unknown-unit', `the ente has no unit ${unknown.map(([, id]) => String(id)).join(', ')}: create it under /organisation first`, unknown[0][0]);
  }
}

/**
 * A definition entering an objective (a draft, its update, a reprogramming) as the ente reads it: its indicators'
 * types checked against the ente's catalogue and resolved from the type as written (`resolveIndicatorTypes`), its
 * people's parts read from their roles as written (`resolvePersonRoles`).
 */
function asTheEnteReadsIt(organisation: OrganisationState, definition: ObjectiveDefinition): ObjectiveDefinition {
  return resolvePersonRoles(resolveIndicatorTypes(definition, indicatorTypeCatalogue(organisation)));
}

function withKnownIndicatorTypes<C extends RunObjectiveCommand['command']>(organisation: OrganisationState, command: C): C {
  if (command.type !== 'UpdateDraft' && command.type !== 'ProposeReprogramming') return command;
  const definition = asTheEnteReadsIt(organisation, command.definition);
  return definition === command.definition ? command : { ...command, definition };
}

/**
 * What a command on an existing objective checks and resolves against the ente's organisation before it is decided:
 * the units it names exist, its definition's indicator types are the ente's. A history import does the same per step.
 */
export function objectiveCommandFor<C extends RunObjectiveCommand['command']>(organisation: OrganisationState, given: C): C {
  requireKnownUnits(organisation, given);
  return withKnownIndicatorTypes(organisation, given);
}

/**
 * What drafting checks and resolves of a definition against the ente's organisation (its units, its indicator types,
 * its people's parts), whatever the path: a draft, an import, the copies a plan continuation makes, a history step.
 */
export function definitionForDraft(organisation: OrganisationState, definition: ObjectiveDefinition): ObjectiveDefinition {
  requireKnownUnits(organisation, { type: 'DraftObjective', definition });
  return asTheEnteReadsIt(organisation, definition);
}
