import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  continuationRole,
  copiedObjective,
  decideObjective,
  decidePlan,
  evolvePlan,
  planContinuation,
  RuleViolation,
  valuesReached,
  violated,
  type CopiedFrom,
  type DefinitionWarning,
  type ObjectiveDecision,
  type ObjectiveEvent,
  type ObjectiveState,
  type PlanEvent,
  type PlanKind,
  type PlanState,
} from '@piao/lifecycle';
import { EVENT_STORE, type EventStore } from '@piao/event-store';
import { type CommandRequest } from '../commands/command-request';
import { StreamCommands, type CommandOutcome } from '../commands/stream-commands';
import { OBJECTIVE_STREAM, objectiveStreamId, PLAN_STREAM, planStreamId } from '../commands/stream-types';
import { definitionForDraft, objectiveIdFor } from '../objectives/objective.commands';
import { OrganisationDirectory } from '../organisation/organisation.commands';

/** An objective of the source plan that continues, by its code there, with its code in the new plan (the same by default). */
export interface ContinuedObjectiveChoice {
  code: string;
  newCode?: string;
}

/** Continue an approved plan into the next year, with a copy of the objectives chosen (issue 13, item 6). */
export class ContinuePlan {
  constructor(
    readonly sourcePlanId: string,
    readonly objectives: readonly ContinuedObjectiveChoice[],
    readonly options: { title?: string; kind?: PlanKind },
    readonly request: CommandRequest,
  ) {}
}

/** One copy drafted in the new plan. */
export interface ContinuedObjective {
  objectiveId: string;
  code: string;
  copiedFrom: CopiedFrom;
  /** The source objective's code in its plan. */
  sourceCode: string;
  /**
   * The copy's warnings: its definition's and what the copy could not carry over (`baseline-not-updated`,
   * `target-date-past`, `date-outside-horizon`, `date-past`).
   */
  warnings: DefinitionWarning[];
}

export interface ContinuationOutcome {
  plan: CommandOutcome<PlanState>;
  objectives: ContinuedObjective[];
  /** Every event type recorded, the plan's first. */
  recorded: string[];
}

/**
 * The new plan's id follows from the source plan and the year it opens (UUID v5, as objectiveIdFor): the same request
 * repeated finds the plan it opened, and a second continuation into the same year is refused (`plan-already-exists`).
 * The name cannot be an objective code (codes have no `:`), so it never meets an objective's id of the source plan.
 */
export function continuationPlanId(sourcePlanId: string, fromYear: number): string {
  return objectiveIdFor(sourcePlanId, `continuation:${fromYear}`);
}

/**
 * Opens the next year's plan and drafts in it a copy of each objective chosen (plan-continuation.ts in the lifecycle says
 * what the copy keeps and changes), in one append: the new plan's stream (PlanOpened with `continues`, then an
 * ObjectiveAttached per copy) and each copy's stream (ObjectiveDrafted with `copiedFrom`, caused by the PlanOpened). On
 * PostgreSQL and PGlite that is one transaction, so a refused copy writes nothing at all. On EventStoreDB the plan's
 * stream is written first: a process that stops before the copies leaves them attached but missing, and drafting one of
 * them again under its code (`POST /plans/{planId}/objectives`) fills the gap.
 *
 * The source objectives are read as they stand; they are not written, so a change to one while the command runs does
 * not make it run again. Two continuations of the same plan into the same year that run together: the first to commit
 * opens the plan, the other is refused `plan-already-exists` (on retry, when its append meets the plan's stream, or
 * when it finds a copy drafted meanwhile: then the plan's stream is read again rather than answering
 * `objective-code-taken`).
 */
@CommandHandler(ContinuePlan)
export class ContinuePlanHandler implements ICommandHandler<ContinuePlan, ContinuationOutcome> {
  constructor(
    private readonly streams: StreamCommands,
    private readonly directory: OrganisationDirectory,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ sourcePlanId, objectives, options, request }: ContinuePlan): Promise<ContinuationOutcome> {
    const ente = request.actor.ente;
    const { organisation, context } = await this.directory.contextFor(request.actor);
    // The client addresses a plan that does not exist yet: a revision it pins means nothing here.
    return this.streams.execute({ ...request, expectedRevision: undefined }, async (unit) => {
      // Another ente's plan is not found, whoever asks; then only the Segretario goes on, before any rule reads the plan.
      const source = (await unit.load(PLAN_STREAM, planStreamId(sourcePlanId), { id: sourcePlanId, mustExist: true })).state!;
      continuationRole(context);
      const next = planContinuation(source, options.title);
      const planId = continuationPlanId(sourcePlanId, next.fromYear);
      const target = await unit.load(PLAN_STREAM, planStreamId(planId), { id: planId });
      const opened = decidePlan(
        target.state,
        { type: 'OpenPlan', planId, ente, kind: options.kind ?? source.kind, ...next, continues: { planId: sourcePlanId } },
        context,
      );
      const planEvents: PlanEvent[] = [...opened.events];
      let plan = opened.events.reduce<PlanState | undefined>((state, event) => evolvePlan(state, event), target.state);
      const copies: { objectiveId: string; decision: ObjectiveDecision; continued: ContinuedObjective }[] = [];

      for (const [index, choice] of objectives.entries()) {
        const field = `objectives.${index}.code`;
        const code = choice.newCode ?? choice.code;
        const entry = source.objectives.find((o) => o.code === choice.code);
        if (!entry) violated('unknown-objective', `${field}: the plan has no objective ${choice.code}`, field);
        const loaded = await unit.load(OBJECTIVE_STREAM, objectiveStreamId(entry.objectiveId), { id: entry.objectiveId });
        if (!loaded.state) violated('unknown-objective', `${field}: objective ${choice.code} of the plan cannot be read`, field);
        const events = await this.eventsOf(entry.objectiveId, loaded.revision);
        const copy = naming(field, () => copiedObjective(loaded.state!, valuesReached(events, source.fromYear), source.fromYear));
        const definition = naming(field, () => definitionForDraft(organisation, copy.definition));
        const objectiveId = objectiveIdFor(planId, code);
        const codeField = choice.newCode === undefined ? field : `objectives.${index}.newCode`;
        const attached = naming(codeField, () => decidePlan(plan, { type: 'AttachObjective', objectiveId, code }, context, definition.responsibleUnitId));
        plan = attached.events.reduce<PlanState | undefined>((state, event) => evolvePlan(state, event), plan);
        planEvents.push(...attached.events);
        const existing = await unit.load(OBJECTIVE_STREAM, objectiveStreamId(objectiveId), { id: objectiveId });
        if (existing.state) {
          // The new plan did not exist when this attempt read it, so the copy was drafted since by a continuation that
          // committed meanwhile (the same request sent twice): the refusal is that one's, not a code taken.
          const now = await unit.load(PLAN_STREAM, planStreamId(planId), { id: planId });
          if (now.state) violated('plan-already-exists', `plan ${planId} already exists`);
          violated('objective-code-taken', `${codeField}: the plan already has an objective ${code}`, codeField);
        }
        const copiedFrom: CopiedFrom = { planId: sourcePlanId, objectiveId: entry.objectiveId, revision: loaded.revision };
        const decision = naming(field, () =>
          decideObjective(undefined, { type: 'DraftObjective', objectiveId, planId, ente, code, definition, copiedFrom, copyWarnings: copy.warnings }, context),
        );
        copies.push({ objectiveId, decision, continued: { objectiveId, code, copiedFrom, sourceCode: choice.code, warnings: [] } });
      }

      const written = unit.write<PlanState>(planStreamId(planId), { role: opened.role, events: planEvents });
      const openedEventId = written.recorded[0].id;
      const drafted = copies.map(({ objectiveId, decision, continued }) => {
        const outcome = unit.write<ObjectiveState>(objectiveStreamId(objectiveId), decision, openedEventId);
        return { outcome, continued: { ...continued, warnings: outcome.state.warnings } };
      });
      return {
        plan: written,
        objectives: drafted.map((d) => d.continued),
        recorded: [...written.recorded, ...drafted.flatMap((d) => d.outcome.recorded)].map((e) => e.type),
      };
    });
  }

  /** The objective's events up to the revision its state was loaded at: what the copy reads the values reached from. */
  private async eventsOf(objectiveId: string, revision: number): Promise<ObjectiveEvent[]> {
    const stored = await this.store.readStream(objectiveStreamId(objectiveId));
    return stored.filter((e) => e.revision <= revision).map((e) => ({ type: e.type, data: e.data }) as ObjectiveEvent);
  }
}

/**
 * A rule broken by one of the objectives chosen says which one: `objectives.2.code: …`, and names that field (a field
 * the copy's own decision blames is the copied objective's, not the request's).
 */
function naming<T>(field: string, decide: () => T): T {
  try {
    return decide();
  } catch (error) {
    if (error instanceof RuleViolation) throw new RuleViolation(error.rule, `${field}: ${error.message}`, field);
    throw error;
  }
}
