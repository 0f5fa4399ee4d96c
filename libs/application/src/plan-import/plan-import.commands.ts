import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  decideObjective,
  decidePlan,
  definitionFingerprint,
  definitionWarnings,
  evolvePlan,
  NotPermitted,
  RuleViolation,
  targetReadingOf,
  type DefinitionWarning,
  type ObjectiveDefinition,
  type ObjectiveDecision,
  type OrganisationState,
  type PlanEvent,
  type PlanState,
  type Role,
  type TargetReading,
  unitNamed,
} from '@piao/lifecycle';
import { type LogPosition } from '@piao/event-store';
import { type CommandRequest } from '../commands/command-request';
import { StreamCommands } from '../commands/stream-commands';
import { OBJECTIVE_STREAM, objectiveStreamId, PLAN_STREAM, planStreamId } from '../commands/stream-types';
import { definitionForDraft, objectiveIdFor } from '../objectives/objective.commands';
import { OrganisationDirectory } from '../organisation/organisation.commands';
import { inTurns } from './in-turns';

/** Why an objective of an import cannot be created: a field and a rule, or a lifecycle rule. */
export interface ImportProblem {
  field?: string;
  rule: string;
  message: string;
}

/** One objective read from the file: its definition when it could be read, otherwise what is wrong with it. */
export interface ImportItem {
  code: string;
  /** Where the objective was read from: spreadsheet rows, or its index in a JSON document. */
  rows: number[];
  definition?: ObjectiveDefinition;
  problems: ImportProblem[];
}

/** What the import does (or, on a dry run, would do) with one objective. */
export interface ImportLine {
  code: string;
  /** Its title as read from the file (absent when the objective could not be read). */
  title?: string;
  rows: number[];
  objectiveId?: string;
  /** `create`: drafted into the plan; `unchanged`: already in the plan with this very definition; `refused`: see problems. */
  action: 'create' | 'unchanged' | 'refused';
  problems: ImportProblem[];
  warnings: DefinitionWarning[];
  /** Each target's reading: the indicator's own, and each unit's own (`unitId`). */
  targets: { indicatorId: string; unitId?: string; text: string; reading: TargetReading }[];
}

export interface ImportOutcome {
  lines: ImportLine[];
  /** True once the objectives to create were appended (or when there was nothing to create). */
  applied: boolean;
  position?: LogPosition;
}

/** How far an import has gone: what it is doing, and how many of how many objectives it has done. */
export interface ImportProgress {
  stage: 'reading' | 'checking' | 'deciding' | 'appending';
  done: number;
  total: number;
}

/** Imports objectives into an open plan as one batch: every one is created, in one append, or none is. */
export class ImportObjectives {
  constructor(
    readonly planId: string,
    readonly items: ImportItem[],
    readonly dryRun: boolean,
    readonly request: CommandRequest,
    readonly onProgress: (progress: ImportProgress) => void = () => undefined,
  ) {}
}

/** A real run of an import with objectives it cannot create: nothing was written; `lines` says what to fix. */
export class ImportRefused extends Error {
  constructor(
    readonly outcome: ImportOutcome,
    message = `${outcome.lines.filter((l) => l.action === 'refused').length} of ${outcome.lines.length} objectives cannot be imported: nothing was written`,
  ) {
    super(message);
    this.name = 'ImportRefused';
  }
}

/**
 * Every objective is decided as a draft of its own would be (same rules, same grants, same code-derived id), against
 * the plan as the objectives before it in the file leave it; then either all are appended together with their
 * attachments to the plan, or nothing is. An objective already in the plan with the same definition is `unchanged`,
 * so importing the same file twice changes nothing the second time.
 */
@CommandHandler(ImportObjectives)
export class ImportObjectivesHandler implements ICommandHandler<ImportObjectives, ImportOutcome> {
  constructor(
    private readonly streams: StreamCommands,
    private readonly directory: OrganisationDirectory,
  ) {}

  async execute({ planId, items, dryRun, request, onProgress }: ImportObjectives): Promise<ImportOutcome> {
    const ente = request.actor.ente;
    const { organisation, context } = await this.directory.contextFor(request.actor);
    const { result, position } = await this.streams.executeWithPosition(dryRun ? { ...request, idempotency: undefined } : request, async (unit) => {
      const plan = await unit.load(PLAN_STREAM, planStreamId(planId), { id: planId, mustExist: true, addressed: true });
      const ids = items.map((item) => objectiveIdFor(planId, item.code));
      const existing = await Promise.all(ids.map((id) => unit.load(OBJECTIVE_STREAM, objectiveStreamId(id), { id })));
      let planState = plan.state as PlanState;
      const attached: PlanEvent[] = [];
      let planRole: Role | undefined;
      const drafts: { objectiveId: string; decision: ObjectiveDecision }[] = [];
      const seen = new Set<string>();
      const decide = (item: ImportItem, i: number): ImportLine => {
        const objectiveId = ids[i];
        const line: ImportLine = {
          code: item.code,
          ...(item.definition?.title ? { title: item.definition.title } : {}),
          rows: item.rows,
          objectiveId,
          action: 'refused',
          problems: [...item.problems],
          warnings: [],
          targets: [],
        };
        if (seen.has(item.code))
          line.problems.push({ field: 'code', rule: 'duplicate-code', message: `objective ${item.code} appears more than once in the file` });
        seen.add(item.code);
        if (!item.definition || line.problems.length > 0) return line;
        try {
          const definition = definitionForDraft(organisation, withUnitIds(item.definition, organisation));
          line.warnings = definitionWarnings(definition);
          line.targets = definition.indicators.flatMap((indicator) => [
            ...(indicator.target || !indicator.unitTargets
              ? [{ indicatorId: indicator.id, text: indicator.target?.text ?? '', reading: targetReadingOf(indicator) }]
              : []),
            ...(indicator.unitTargets ?? []).map(({ unitId, target }) => ({
              indicatorId: indicator.id,
              unitId,
              text: target.text,
              reading: targetReadingOf({ ...indicator, target }),
            })),
          ]);
          const current = existing[i].state;
          if (current) {
            if (definitionFingerprint(current.definition) === definitionFingerprint(definition)) return { ...line, action: 'unchanged' };
            throw new RuleViolation(
              'objective-code-taken',
              `the plan already has an objective ${item.code} with another definition: change it through the objective's own routes`,
              'code',
            );
          }
          // Decided as a draft of its own would be, against the plan as the objectives before it leave it.
          const attach = decidePlan(planState, { type: 'AttachObjective', objectiveId, code: item.code }, context, definition.responsibleUnitId);
          const decision = decideObjective(undefined, { type: 'DraftObjective', objectiveId, planId, ente, code: item.code, definition }, context);
          planState = attach.events.reduce(evolvePlan, planState);
          attached.push(...attach.events);
          planRole = attach.role;
          drafts.push({ objectiveId, decision });
          return { ...line, action: 'create' };
        } catch (error) {
          if (!(error instanceof RuleViolation) && !(error instanceof NotPermitted)) throw error;
          // The field a rule blames is the file's: `code`, or a path in the objective's definition.
          const field = error instanceof RuleViolation && error.field !== undefined ? { field: error.field } : {};
          line.problems.push({ ...field, rule: error.rule, message: error.message });
          return line;
        }
      };
      const lines = await inTurns(items, (done) => onProgress({ stage: 'deciding', done, total: items.length }), decide);
      const outcome: ImportOutcome = { lines, applied: false };
      if (dryRun) return outcome;
      if (lines.some((l) => l.action === 'refused')) throw new ImportRefused(outcome);
      if (drafts.length === 0) return { ...outcome, applied: true };
      onProgress({ stage: 'appending', done: drafts.length, total: items.length });
      for (const { objectiveId, decision } of drafts) unit.write(objectiveStreamId(objectiveId), decision);
      unit.write(planStreamId(planId), { events: attached, role: planRole! });
      return { ...outcome, applied: true };
    });
    return position ? { ...result, position } : result;
  }
}

/** The definition with the units named as the ente names them (by id or by name) replaced by their ids. */
function withUnitIds(definition: ObjectiveDefinition, organisation: OrganisationState): ObjectiveDefinition {
  const resolve = (written: string, field: string): string => {
    const unitId = unitNamed(organisation, written);
    if (unitId === undefined) {
      throw new RuleViolation('unknown-unit', `the ente has no unit "${written}" (by id or by name): create it under /organisation first`, field);
    }
    return unitId;
  };
  const contributing = definition.contributingUnitIds?.map((u, i) => resolve(u, `definition.contributingUnitIds.${i}`));
  const indicators = definition.indicators.map((indicator, i) =>
    indicator.unitTargets
      ? {
          ...indicator,
          unitTargets: indicator.unitTargets.map((t, j) => ({ ...t, unitId: resolve(t.unitId, `definition.indicators.${i}.unitTargets.${j}.unitId`) })),
        }
      : indicator,
  );
  return {
    ...definition,
    indicators,
    responsibleUnitId: resolve(definition.responsibleUnitId, 'definition.responsibleUnitId'),
    ...(contributing ? { contributingUnitIds: contributing } : {}),
    ...(definition.coordinatingUnitId !== undefined ? { coordinatingUnitId: resolve(definition.coordinatingUnitId, 'definition.coordinatingUnitId') } : {}),
  };
}
