import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { AppConfig } from '@piao/config';
import { AuthModule } from '../auth/auth.module';
import { DASHBOARD_PATH, QueueDashboardAuth, queueDashboardRouter } from './queue-dashboard';
import { QueueDashboardController } from './queue-dashboard.controller';
import { ReminderOperations } from './reminder-operations';

/**
 * The operations side of the reminders in the API: ReminderOperations (the outbox's lag for /health/ready and
 * /metrics, in both modes; the queues' counts with Redis) and, when REDIS_URL is set, the queue dashboard (bull-board)
 * under /admin/queues with its sign-in (see QueueDashboardController).
 */
@Module({})
export class ReminderOperationsModule implements NestModule {
  constructor(
    private readonly config: AppConfig,
    private readonly operations: ReminderOperations,
  ) {}

  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ReminderOperationsModule,
      imports: [AuthModule],
      controllers: config.REDIS_URL ? [QueueDashboardController] : [],
      providers: [ReminderOperations, QueueDashboardAuth],
      exports: [ReminderOperations],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    if (!this.config.REDIS_URL) return;
    consumer.apply(QueueDashboardAuth, queueDashboardRouter(this.operations)).forRoutes(DASHBOARD_PATH);
  }
}
