import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  decideObjective,
  decidePlan,
  decisionContext,
  decideGiuntaApproval,
  evolveObjective,
  evolvePlan,
  NotPermitted,
  RuleViolation,
  unitsHeadedBy,
  type Actor,
  type CalendarDate,
  type DecisionContext,
  type GiuntaAct,
  type ObjectiveCommand,
  type ObjectiveDefinition,
  type ObjectiveEvent,
  type ObjectiveState,
  type OrganisationState,
  type PlanCommand,
  type PlanEvent,
  type PlanState,
  type Role,
} from '@piao/lifecycle';
import { EVENT_STORE, type EventStore, type ImportedMark, type LogPosition } from '@piao/event-store';
import { type CommandRequest } from '../commands/command-request';
import { StreamCommands, type CommandUnit, type DomainEvent, type MetadataOverrides } from '../commands/stream-commands';
import { OBJECTIVE_STREAM, objectiveStreamId, PLAN_STREAM, planStreamId } from '../commands/stream-types';
import { definitionForDraft, objectiveCommandFor, objectiveIdFor } from '../objectives/objective.commands';
import { OrganisationDirectory } from '../organisation/organisation.commands';

/** A history holds at most this many steps: a year of a large plan is a few thousand. */
export const MAX_HISTORY_STEPS = 5_000;

/** What a step does to the plan itself. */
export type HistoryPlanCommand = Extract<
  PlanCommand,
  { type: 'SubmitPlan' | 'ApprovePlan' | 'OpenMonitoringCampaign' | 'CloseMonitoringCampaign' | 'ClosePlan' }
>;
/** What a step does to one of the plan's objectives, already there. */
export type HistoryObjectiveCommand = Exclude<ObjectiveCommand, { type: 'DraftObjective' }>;
/** A step that drafts an objective into the plan under the step's code (its id follows from the plan and the code). */
export interface HistoryDraft {
  type: 'DraftObjective';
  definition: ObjectiveDefinition;
}

/** Why a step is refused: the field (a path into the request, `steps.3.occurredOn`) when one is to blame, and the rule. */
export interface HistoryProblem {
  field?: string;
  rule: string;
  message: string;
}

/** One step of a past year's history as read from the request: who did what, in which role, on which day. */
export interface HistoryStep {
  /** The action as the request names it (`propose`, `open-monitoring-campaign`…), for the report. */
  action: string;
  /** The objective's code in the plan; absent for the plan's own steps. */
  objective?: string;
  /** The person (registered in the ente's organisation) who did it, and the role they did it in. */
  by: string;
  role: Role;
  /** The business date it happened on. */
  occurredOn: CalendarDate;
  act?: GiuntaAct;
  reason?: string;
  /** What it does; absent when the step could not be read, and then `problem` says why. */
  command?: HistoryPlanCommand | HistoryObjectiveCommand | HistoryDraft;
  problem?: HistoryProblem;
}

/** What became of one step: `applied` (decided; written unless the run is a dry run or the history is refused), `refused`, `not-run`. */
export interface HistoryLine {
  index: number;
  action: string;
  objective?: string;
  status: 'applied' | 'refused' | 'not-run';
  /** The types of the events the step recorded (or would record), in order. */
  events: string[];
  problem?: HistoryProblem;
}

export interface HistoryOutcome {
  lines: HistoryLine[];
  /** True once every step's events were appended. */
  applied: boolean;
  position?: LogPosition;
}

/** Imports a past year's history of a plan: its steps, each decided on its business date, all written at once or none. */
export class ImportPlanHistory {
  constructor(
    readonly planId: string,
    readonly steps: HistoryStep[],
    readonly dryRun: boolean,
    /** The administrator's or the Segretario's request: they import; the steps say who did each thing. */
    readonly request: CommandRequest,
  ) {}
}

/** A real run of a history with a refused step: nothing was written; `outcome` says which step and why. */
export class HistoryRefused extends Error {
  constructor(readonly outcome: HistoryOutcome) {
    const refused = outcome.lines.filter((l) => l.status === 'refused');
    super(`${refused.length} of ${outcome.lines.length} steps cannot be imported (the first: step ${refused[0]?.index}): nothing was written`);
    this.name = 'HistoryRefused';
  }
}

/** A rule broken by a step: by one of its fields, when one is to blame. */
class StepRefused extends RuleViolation {
  constructor(
    override readonly field: string | undefined,
    rule: string,
    message: string,
  ) {
    super(rule, message, field);
  }
}

const PLAN_STEPS: ReadonlySet<string> = new Set(['SubmitPlan', 'ApprovePlan', 'OpenMonitoringCampaign', 'CloseMonitoringCampaign', 'ClosePlan']);

/** The roles whose steps check the others' (the NdV, the RPCT): the importer may not claim them for themself. */
const REVIEWER_ROLES: ReadonlySet<Role> = new Set<Role>(['nucleo', 'rpct']);

/**
 * A municipality joining mid-cycle enters last year's plan and what happened to it (issue 13, item 4). Each step is
 * decided by the deciders every command goes through, as its person could have done it **on its business date**: the
 * actor is the step's person in the step's role, `today` is the step's date, and the units they head are those they
 * headed that day (so a dirigente who has left may act for last year, and one appointed since may not). Every event
 * then records that person, role and date, and beside them `imported` (who imported it, when).
 *
 * A history only extends a history: every stream a step touches holds nothing but imported events (the plan's own
 * `PlanOpened` aside, the plan being opened through `POST /plans`), and no step is dated before the last business date
 * its stream already records. So no history slips back-dated steps into a live plan or objective, where the red flags
 * that judge live recording (`back-dated`, `recorded-after-deadline`) would never see them.
 *
 * All steps are one command: each stream is loaded once, the steps' events are folded in memory one step after
 * another, and each stream is written once at the end with all its events, in one append (one transaction on
 * PostgreSQL and PGlite). A step refused stops the deciding (the steps after it depend on it) and nothing is written.
 */
@CommandHandler(ImportPlanHistory)
export class ImportPlanHistoryHandler implements ICommandHandler<ImportPlanHistory, HistoryOutcome> {
  constructor(
    private readonly streams: StreamCommands,
    private readonly directory: OrganisationDirectory,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ planId, steps, dryRun, request }: ImportPlanHistory): Promise<HistoryOutcome> {
    const organisation = await this.directory.load(request.actor.ente);
    const problems = ownProblems(steps, organisation, this.streams.today(), request.actor.id);
    const { result, position } = await this.streams.executeWithPosition(dryRun ? { ...request, idempotency: undefined } : request, async (unit) => {
      const imported = { by: { id: request.actor.id, name: request.actor.name }, at: unit.recordedAt };
      const history = new HistoryUnit(unit, this.store, planId, organisation, imported);
      await history.start();
      const lines: HistoryLine[] = [];
      let refused = false;
      for (const [index, step] of steps.entries()) {
        const line = { index, action: step.action, ...(step.objective !== undefined ? { objective: step.objective } : {}) };
        const problem = problems[index];
        if (problem) {
          lines.push({ ...line, status: 'refused', events: [], problem });
          refused = true;
        } else if (refused) {
          lines.push({ ...line, status: 'not-run', events: [] });
        } else {
          try {
            lines.push({ ...line, status: 'applied', events: await history.apply(step, index) });
          } catch (error) {
            if (!(error instanceof RuleViolation) && !(error instanceof NotPermitted)) throw error;
            const field = error instanceof StepRefused && error.field !== undefined ? { field: error.field } : {};
            lines.push({ ...line, status: 'refused', events: [], problem: { ...field, rule: error.rule, message: `${who(step)}: ${error.message}` } });
            refused = true;
          }
        }
      }
      const outcome: HistoryOutcome = { lines, applied: false };
      if (dryRun) return outcome;
      if (refused) throw new HistoryRefused(outcome);
      history.write(request.actor.roles[0] ?? 'admin');
      return { ...outcome, applied: true };
    });
    return position ? { ...result, position } : result;
  }
}

/** The step's person, role and date, as a refusal names them. */
function who(step: HistoryStep): string {
  return `${step.by} as ${step.role} on ${step.occurredOn}`;
}

/**
 * What refuses a step whatever the steps before it did: a field it could not be read by, a business date after today
 * or before a step before it, a person the ente has not registered, the importer in a reviewer's role, a person in
 * another role than in their earlier steps, an act dated after the step.
 *
 * The dates and roles a later step is compared with are those of the steps without a problem of their own: a mistyped
 * date or role in one step is reported there, not again on every good step after it.
 */
function ownProblems(steps: HistoryStep[], organisation: OrganisationState, today: CalendarDate, importer: string): (HistoryProblem | undefined)[] {
  // The latest date so far: a step goes after every step before it, not only after the one just before.
  let latest: { index: number; on: CalendarDate } | undefined;
  const roles = new Map<string, { index: number; role: Role }>();
  const problemOf = (step: HistoryStep, index: number): HistoryProblem | undefined => {
    if (step.problem) return step.problem;
    const at = (field: string) => `steps.${index}.${field}`;
    const on = step.occurredOn;
    if (on > today) return { field: at('occurredOn'), rule: 'date-in-future', message: `the business date ${on} is after today (${today})` };
    if (latest && on < latest.on) {
      return {
        field: at('occurredOn'),
        rule: 'steps-out-of-order',
        message: `step ${index} happened on ${on}, before step ${latest.index} (${latest.on}): the steps go in the order they happened`,
      };
    }
    if (!Object.hasOwn(organisation.people, step.by)) {
      return { field: at('by'), rule: 'unknown-person', message: `the ente has not registered ${step.by}: register them under /organisation/people first` };
    }
    if (step.by === importer && REVIEWER_ROLES.has(step.role)) {
      return {
        field: at('by'),
        rule: 'importer-as-reviewer',
        message: `${step.by} imports this history and may not appear in it as ${step.role}: nothing but the importer's word says who sat in the NdV or was the RPCT, so that claim must be someone else's`,
      };
    }
    const first = roles.get(step.by);
    if (first && first.role !== step.role) {
      return {
        field: at('role'),
        rule: 'role-changes',
        message: `${step.by} acts as ${step.role} in step ${index} and as ${first.role} in step ${first.index}: within a history a person acts in one role`,
      };
    }
    if (step.act && step.act.date > on) {
      return { field: at('act.date'), rule: 'act-after-business-date', message: `the act is dated ${step.act.date}, after the step's business date ${on}` };
    }
    return undefined;
  };
  return steps.map((step, index) => {
    const problem = problemOf(step, index);
    if (!problem) {
      if (!latest || step.occurredOn >= latest.on) latest = { index, on: step.occurredOn };
      if (!roles.has(step.by)) roles.set(step.by, { index, role: step.role });
    }
    return problem;
  });
}

/** What a stream held before the history: the events recorded live (not imported) and its last business date. */
interface StreamPast {
  /** How many events were recorded live, the plan's own opening aside, and the last of them. */
  live: number;
  lastLive?: { type: string; on: CalendarDate };
  lastOn?: CalendarDate;
}

/** A stream as the history has it so far: loaded once, then evolved in memory by each step's events. */
interface Touched<S> {
  kind: 'plan' | 'objective';
  streamId: string;
  /** The revision it was loaded at: what the history appends after, and what the steps are checked against. */
  revision: number;
  state: S | undefined;
  events: DomainEvent[];
  /** Read the first time a step touches the stream. */
  past?: Promise<StreamPast>;
}

/** One attempt at the history: the streams it touched, in the order it first touched them. */
class HistoryUnit {
  private plan!: Touched<PlanState>;
  private readonly objectives = new Map<string, Touched<ObjectiveState>>();

  constructor(
    private readonly unit: CommandUnit,
    private readonly store: EventStore,
    private readonly planId: string,
    private readonly organisation: OrganisationState,
    private readonly imported: ImportedMark,
  ) {}

  async start(): Promise<void> {
    const streamId = planStreamId(this.planId);
    const plan = await this.unit.load(PLAN_STREAM, streamId, { id: this.planId, mustExist: true, addressed: true });
    this.plan = { kind: 'plan', streamId, revision: plan.revision, state: plan.state, events: [] };
  }

  /** Decides one step on the streams as the steps before it left them, and folds its events in; their types. */
  async apply(step: HistoryStep, index: number): Promise<string[]> {
    const actor: Actor = { id: step.by, name: this.organisation.people[step.by].name, ente: this.plan.state!.ente, roles: [step.role] };
    const context = decisionContext(actor, step.occurredOn, unitsHeadedBy(this.organisation, step.by, step.occurredOn), this.organisation);
    const command = step.command!;
    if (command.type === 'DraftObjective') return this.draft(step, index, command.definition, context);
    if (PLAN_STEPS.has(command.type)) {
      const planCommand = command as HistoryPlanCommand;
      if (planCommand.type === 'ApprovePlan') return this.approvePlan(step, index, planCommand, context);
      await this.extends(this.plan, 'the plan', step, index);
      const decision = decidePlan(this.plan.state, planCommand, context);
      return this.recordOnPlan(decision.events, this.metadata(step, decision.role));
    }
    const target = await this.objectiveCoded(step.objective!, index);
    await this.extends(target, `the objective ${step.objective}`, step, index, `steps.${index}.objective`);
    const decision = decideObjective(target.state, objectiveCommandFor(this.organisation, command as HistoryObjectiveCommand), context);
    return this.recordOn(target, decision.events, this.metadata(step, decision.role, decision.capacity));
  }

  /** Writes each stream touched once, with all its events: the objectives first (as drafting does), then the plan. */
  write(role: Role): void {
    for (const stream of [...this.objectives.values(), this.plan]) {
      if (stream.events.length > 0) this.unit.write(stream.streamId, { events: stream.events, role }); // every event names its own actor
    }
  }

  /** Drafting under a code: decided on the plan (open, the codes it holds) and on the objective, as a draft through the API. */
  private async draft(step: HistoryStep, index: number, given: ObjectiveDefinition, context: DecisionContext): Promise<string[]> {
    const code = step.objective!;
    await this.extends(this.plan, 'the plan', step, index);
    const definition = definitionForDraft(this.organisation, given);
    const objectiveId = objectiveIdFor(this.planId, code);
    const attached = decidePlan(this.plan.state, { type: 'AttachObjective', objectiveId, code }, context, definition.responsibleUnitId);
    const target = await this.objective(objectiveId);
    if (target.state) throw new StepRefused(`steps.${index}.objective`, 'objective-code-taken', `the plan already has an objective ${code}`);
    const ente = this.plan.state!.ente;
    const drafted = decideObjective(undefined, { type: 'DraftObjective', objectiveId, planId: this.planId, ente, code, definition }, context);
    return [
      ...this.recordOn(target, drafted.events, this.metadata(step, drafted.role, drafted.capacity)),
      ...this.recordOnPlan(attached.events, this.metadata(step, attached.role)),
    ];
  }

  /**
   * The Giunta's act approves the plan and every objective proposed at that moment, each with the fingerprint of the
   * text it saw and the plan event's id (also its causation), as `POST /plans/{planId}/approve` does.
   */
  private async approvePlan(
    step: HistoryStep,
    index: number,
    command: Extract<PlanCommand, { type: 'ApprovePlan' }>,
    context: DecisionContext,
  ): Promise<string[]> {
    await this.extends(this.plan, 'the plan', step, index);
    const members = await Promise.all(this.plan.state!.objectives.map(({ objectiveId }) => this.objective(objectiveId)));
    const planApprovalEventId = this.unit.nextEventId();
    const states = members.map((m) => m.state).filter((state): state is ObjectiveState => state !== undefined);
    const decided = decideGiuntaApproval(this.plan.state, states, command, context, planApprovalEventId);
    const approved = decided.objectives.map(({ objectiveId, decision }) => ({ target: members.find((m) => m.state?.objectiveId === objectiveId)!, decision }));
    // Read together (an approval may touch hundreds of objectives), then checked in the plan's order.
    await Promise.all(approved.map(({ target }) => (target.past ??= this.pastOf(target))));
    for (const { target } of approved) {
      const code = this.plan.state!.objectives.find((o) => o.objectiveId === target.state!.objectiveId)?.code;
      await this.extends(target, `the objective ${code}`, step, index);
    }
    return [
      ...this.recordOnPlan(decided.plan.events, this.metadata(step, decided.plan.role), planApprovalEventId),
      ...approved.flatMap(({ target, decision }) =>
        this.recordOn(target, decision.events, this.metadata(step, decision.role, decision.capacity, planApprovalEventId)),
      ),
    ];
  }

  /** The objective the plan holds under `code` (as the steps before left the plan). */
  private async objectiveCoded(code: string, index: number): Promise<Touched<ObjectiveState>> {
    const member = this.plan.state!.objectives.find((o) => o.code === code);
    if (!member) throw new StepRefused(`steps.${index}.objective`, 'unknown-objective', `the plan has no objective ${code}`);
    return this.objective(member.objectiveId);
  }

  /** An objective's stream, loaded the first time a step touches it. */
  private async objective(objectiveId: string): Promise<Touched<ObjectiveState>> {
    const known = this.objectives.get(objectiveId);
    if (known) return known;
    const streamId = objectiveStreamId(objectiveId);
    const loaded = await this.unit.load(OBJECTIVE_STREAM, streamId, { id: objectiveId });
    // Another step may have loaded it while this one waited.
    const touched = this.objectives.get(objectiveId) ?? { kind: 'objective', streamId, revision: loaded.revision, state: loaded.state, events: [] };
    this.objectives.set(objectiveId, touched);
    return touched;
  }

  /**
   * Refuses a step on a stream that holds events recorded live (`stream-has-live-events`), or that already records a
   * business date after the step's (`step-before-stream-history`): a history only goes on from a history.
   */
  private async extends(target: Touched<unknown>, name: string, step: HistoryStep, index: number, field?: string): Promise<void> {
    const past = await (target.past ??= this.pastOf(target));
    if (past.live > 0) {
      const last = past.lastLive!;
      throw new StepRefused(
        field,
        'stream-has-live-events',
        `step ${index} touches ${name}, whose stream holds ${past.live} event(s) recorded live, not imported (the last: ${last.type} on ${last.on}): a history may only extend a history, never a live plan or objective`,
      );
    }
    if (past.lastOn !== undefined && step.occurredOn < past.lastOn) {
      throw new StepRefused(
        `steps.${index}.occurredOn`,
        'step-before-stream-history',
        `step ${index} is dated ${step.occurredOn}, before ${past.lastOn}, the last business date ${name} already records: a history goes on from there`,
      );
    }
  }

  /** The stream's events up to the revision it was loaded at (a later one makes the append fail, and the history run again). */
  private async pastOf(target: Touched<unknown>): Promise<StreamPast> {
    const past: StreamPast = { live: 0 };
    if (target.revision < 0) return past;
    for (const event of await this.store.readStream(target.streamId)) {
      if (event.revision > target.revision) break;
      const { imported, occurredAt } = event.metadata;
      const opening = target.kind === 'plan' && event.revision === 0 && event.type === 'PlanOpened';
      if (!imported && !opening) {
        past.live++;
        past.lastLive = { type: event.type, on: occurredAt };
      }
      if (past.lastOn === undefined || occurredAt > past.lastOn) past.lastOn = occurredAt;
    }
    return past;
  }

  /** The plan's events folded into it, each with the step's metadata (the first with `firstId`, when given); their types. */
  private recordOnPlan(events: PlanEvent[], metadata: MetadataOverrides, firstId?: string): string[] {
    events.forEach((event, i) => {
      this.plan.state = evolvePlan(this.plan.state, event);
      this.plan.events.push({ ...event, metadata, ...(i === 0 && firstId ? { id: firstId } : {}) });
    });
    return events.map((e) => e.type);
  }

  /** An objective's events folded into it, each with the step's metadata; their types. */
  private recordOn(target: Touched<ObjectiveState>, events: ObjectiveEvent[], metadata: MetadataOverrides): string[] {
    for (const event of events) {
      target.state = evolveObjective(target.state, event, { actorId: metadata.actor!.id });
      target.events.push({ ...event, metadata });
    }
    return events.map((e) => e.type);
  }

  /** What each event of the step records: the historical person, role and date, its act and reason, and the import. */
  private metadata(step: HistoryStep, role: Role, capacity?: string, causationId?: string): MetadataOverrides {
    return {
      actor: { id: step.by, name: this.organisation.people[step.by].name, role, ...(capacity ? { capacity } : {}) },
      occurredAt: step.occurredOn,
      act: step.act ? { number: step.act.number, date: step.act.date } : undefined,
      reason: step.reason,
      causationId,
      imported: this.imported,
    };
  }
}
