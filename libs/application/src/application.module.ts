import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CLOCK, SystemClock, type Clock } from './clock/clock.port';
import { StreamCommands } from './commands/stream-commands';
import { DraftObjectiveHandler, RunObjectiveCommandHandler } from './objectives/objective.commands';
import { OrganisationDirectory, RunOrganisationCommandHandler } from './organisation/organisation.commands';
import { PlanApproval } from './plans/plan-approval';
import { PlanMembership } from './plans/plan-membership';
import { PlanProcessor } from './plans/plan-processor';
import { PROCESSING, type ProcessingOptions } from './processors/processing-options';
import { ProcessorsHost } from './processors/processors-host';
import { CommandRecordsRetention } from './idempotency/command-records-retention';
import { RunPlanCommandHandler } from './plans/plan.commands';
import { ContinuePlanHandler } from './plans/plan-continuation';
import { RequestDossierHandler } from './dossiers/dossier.commands';
import { ImportObjectivesHandler } from './plan-import/plan-import.commands';
import { ImportPlanHistoryHandler } from './plan-history/plan-history.commands';

/**
 * The application: command handling (load → decide → append, with idempotency and retries), the processors that
 * follow the log, and the clock. It needs EVENT_STORE and COMMAND_RECORDS from the storage module.
 */
@Module({})
export class ApplicationModule {
  static forRoot(options: ProcessingOptions & { clock?: Clock }): DynamicModule {
    return {
      module: ApplicationModule,
      global: true,
      imports: [CqrsModule.forRoot()],
      providers: [
        { provide: PROCESSING, useValue: options },
        { provide: CLOCK, useValue: options.clock ?? new SystemClock() },
        StreamCommands,
        ProcessorsHost,
        CommandRecordsRetention,
        OrganisationDirectory,
        PlanMembership,
        PlanApproval,
        PlanProcessor,
        RunOrganisationCommandHandler,
        RunPlanCommandHandler,
        ContinuePlanHandler,
        RunObjectiveCommandHandler,
        DraftObjectiveHandler,
        RequestDossierHandler,
        ImportObjectivesHandler,
        ImportPlanHistoryHandler,
      ],
      exports: [CLOCK, PROCESSING, StreamCommands, ProcessorsHost, CommandRecordsRetention, OrganisationDirectory, PlanProcessor],
    };
  }
}
