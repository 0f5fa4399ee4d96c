import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { type Clock } from '@piao/application';
import { ProcessingModule } from './processing.module';
import { ReminderOperationsModule } from './reminder-operations/reminder-operations.module';
import { AuthGuard } from './auth/auth.guard';
import { AuthModule } from './auth/auth.module';
import { AppConfig } from '@piao/config';
import { HealthController } from './health/health.controller';
import { ProcessorsController } from './admin/processors.controller';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { RefusalRecords } from './idempotency/refusal-records';
import { MetricsController } from './metrics/metrics.controller';
import { ObjectiveQueriesController } from './read-side/objective-queries.controller';
import { PeopleQueriesController } from './read-side/people-queries.controller';
import { PlanQueriesController } from './read-side/plan-queries.controller';
import { ReadYourWritesInterceptor } from './read-side/read-your-writes';
import { ObjectivesController } from './objectives/objectives.controller';
import { OrganisationController } from './organisation/organisation.controller';
import { PlansController } from './plans/plans.controller';
import { SessionController } from './web-session/session.controller';
import { ReviewQueueController } from './read-side/review-queue.controller';
import { IdentityProviderSignInController } from './web-session/identity-provider-sign-in.controller';
import { IdentityProviderSignIn } from './web-session/identity-provider-sign-in';
import { PlanImportController } from './plan-import/plan-import.controller';
import { PlanHistoryController } from './plan-history/plan-history.controller';
import { CalendarFeedController } from './reminders/calendar-feed.controller';
import { DeadlinesController } from './reminders/deadlines.controller';
import { InboxController } from './reminders/inbox.controller';
import { ReminderDeadLettersController } from './reminders/reminder-dead-letters.controller';
import { AuditProofsController } from './audit/audit-proofs.controller';
import { AuditTrailController } from './audit/audit-trail.controller';
import { DossiersController } from './audit/dossiers.controller';
import { RedFlagsController } from './audit/red-flags.controller';
import { TransparencyController } from './transparency/transparency.controller';
import { ReminderPolicyController } from './reminders/reminder-policy.controller';
import { ReminderPreferencesController } from './reminders/reminder-preferences.controller';
import { ProblemDetailsFilter } from './problem-details/problem-details.filter';
import { createValidationPipe } from './validation/validation-pipe';
import { requestLogOptions } from './request-log/request-log-options';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, clock?: Clock): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ProcessingModule.forRoot(config, { runProcessors: config.RUN_PROCESSORS === 'true', clock }),
        AuthModule,
        ReminderOperationsModule.forRoot(config),
        TerminusModule.forRoot({ logger: false }),
        LoggerModule.forRoot({ pinoHttp: requestLogOptions(config.LOG_LEVEL) }),
      ],
      controllers: [
        HealthController,
        ProcessorsController,
        MetricsController,
        OrganisationController,
        PlansController,
        PlanImportController,
        PlanHistoryController,
        ObjectivesController,
        PlanQueriesController,
        ObjectiveQueriesController,
        PeopleQueriesController,
        ReviewQueueController,
        ReminderPolicyController,
        ReminderPreferencesController,
        DeadlinesController,
        InboxController,
        CalendarFeedController,
        ReminderDeadLettersController,
        AuditProofsController,
        AuditTrailController,
        DossiersController,
        RedFlagsController,
        TransparencyController,
        SessionController,
        IdentityProviderSignInController,
      ],
      providers: [
        IdentityProviderSignIn,
        ReadYourWritesInterceptor,
        { provide: APP_GUARD, useClass: AuthGuard },
        RefusalRecords,
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
    };
  }
}
