export { CLOCK, ManualClock, SystemClock, type Clock } from './clock/clock.port';
export { actorOf, FAIL_POINTS, requestFollowing, type CommandRequest, type FailPoint, type IdempotentRequest } from './commands/command-request';
export { createdId } from './commands/event-ids';
export { CommandContended, CommandReplayed, IdempotencyKeyExpired, IdempotencyKeyReused, StreamNotFound } from './commands/command-errors';
export {
  StreamCommands,
  CommandUnit,
  type CommandOutcome,
  type Decided,
  type DomainEvent,
  type MetadataOverrides,
  type ScopedStream,
} from './commands/stream-commands';
export {
  fold,
  DOSSIER_STREAM,
  OBJECTIVE_STREAM,
  PLAN_STREAM,
  organisationStream,
  objectiveStreamId,
  organisationStreamId,
  planStreamId,
  type StreamType,
} from './commands/stream-types';
export { DraftObjective, RunObjectiveCommand, objectiveIdFor } from './objectives/objective.commands';
export { RunPlanCommand } from './plans/plan.commands';
export { ContinuePlan, continuationPlanId, type ContinuationOutcome, type ContinuedObjective, type ContinuedObjectiveChoice } from './plans/plan-continuation';
export {
  ImportObjectives,
  ImportRefused,
  type ImportItem,
  type ImportLine,
  type ImportOutcome,
  type ImportProblem,
  type ImportProgress,
} from './plan-import/plan-import.commands';
export { inTurns } from './plan-import/in-turns';
export {
  ImportPlanHistory,
  HistoryRefused,
  MAX_HISTORY_STEPS,
  type HistoryDraft,
  type HistoryLine,
  type HistoryObjectiveCommand,
  type HistoryOutcome,
  type HistoryPlanCommand,
  type HistoryProblem,
  type HistoryStep,
} from './plan-history/plan-history.commands';
export { RequestDossier } from './dossiers/dossier.commands';
export { PlanProcessor, PLAN_PROCESSOR } from './plans/plan-processor';
export { OrganisationDirectory, RunOrganisationCommand } from './organisation/organisation.commands';
export { ApplicationModule } from './application.module';
export { CommandRecordsRetention } from './idempotency/command-records-retention';
export { ProcessorsHost, type ProcessorLag } from './processors/processors-host';
export { ProcessorRunner, type ProcessorRunnerOptions, type RunnerState } from './processors/processor-runner';
export { type Processor } from './processors/processor';
export { PROCESSING, type ProcessingOptions } from './processors/processing-options';
