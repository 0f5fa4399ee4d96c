import { Module, type DynamicModule } from '@nestjs/common';
import { ApplicationModule, type Clock } from '@piao/application';
import { ReadModelsModule } from '@piao/read-models';
import { EventStoreModule, STORAGE, type Storage } from '@piao/storage';
import { AppConfig, ConfigurationModule } from '@piao/config';

/**
 * Storage, the application and the read models: what the API and the projector process share. `runProcessors`
 * says whether this process runs the processors that follow the log.
 */
@Module({})
export class ProcessingModule {
  static forRoot(config: AppConfig, options: { runProcessors: boolean; clock?: Clock }): DynamicModule {
    return {
      module: ProcessingModule,
      global: true,
      imports: [
        ConfigurationModule.forRoot(config),
        EventStoreModule.forRootAsync({ useFactory: () => config.storage() }),
        ApplicationModule.forRoot({
          runProcessors: options.runProcessors,
          leaseMs: config.PROCESSOR_LEASE_MS,
          idempotencyRetentionDays: config.IDEMPOTENCY_RETENTION_DAYS,
          ...(config.FAIL_POINTS === 'true' ? { crash: () => process.kill(process.pid, 'SIGKILL') } : {}),
          clock: options.clock,
        }),
        ReadModelsModule.forRootAsync({ useFactory: async (storage: Storage) => ({ sql: storage.sql }), inject: [STORAGE] }),
      ],
    };
  }
}
