import { Module, type DynamicModule } from '@nestjs/common';
import { ApplicationModule, type Clock } from '@piao/application';
import { AUDIT_HASHING, AuditModule } from '@piao/audit';
import { ReadModelsModule } from '@piao/read-models';
import { RemindersModule } from '@piao/reminders';
import { EventStoreModule, STORAGE, type Storage } from '@piao/storage';
import { AppConfig, ConfigurationModule } from '@piao/config';

/**
 * Storage, the application, the read models, the reminders and the audit hashing: what the API and the projector process share. `runProcessors`
 * says whether this process runs the processors that follow the log.
 */
@Module({})
export class ProcessingModule {
  static forRoot(config: AppConfig, options: { runProcessors: boolean; clock?: Clock; dossierBuilder?: 'loop' | 'queue' | 'off' }): DynamicModule {
    return {
      module: ProcessingModule,
      global: true,
      imports: [
        ConfigurationModule.forRoot(config),
        EventStoreModule.forRootAsync({ useFactory: () => config.storage() }),
        ApplicationModule.forRoot({
          runProcessors: options.runProcessors,
          leaseMs: config.PROCESSOR_LEASE_MS,
          gatherMs: config.PROCESSOR_GATHER_MS,
          idempotencyRetentionDays: config.IDEMPOTENCY_RETENTION_DAYS,
          ...(config.FAIL_POINTS === 'true' ? { crash: () => process.kill(process.pid, 'SIGKILL') } : {}),
          clock: options.clock,
        }),
        ReadModelsModule.forRootAsync({ useFactory: async (storage: Storage) => ({ sql: storage.sql }), inject: [STORAGE] }),
        RemindersModule.forRootAsync({
          useFactory: async (storage: Storage) => ({
            sql: storage.sql,
            mail: { smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, folder: config.MAIL_FOLDER, connections: config.REMINDER_WORKER_CONCURRENCY },
            baseUrl: config.PUBLIC_BASE_URL,
            // Without Redis, whichever process runs the processors sends the reminders too; with it, apps/worker does.
            sendInProcess: options.runProcessors && !config.REDIS_URL,
            pollMs: config.REMINDER_POLL_MS,
            maxAttempts: config.REMINDER_MAX_ATTEMPTS,
            claimMs: config.REMINDER_CLAIM_SECONDS * 1000,
            concurrency: config.REMINDER_WORKER_CONCURRENCY,
            leaseMs: config.PROCESSOR_LEASE_MS,
          }),
          inject: [STORAGE],
        }),
        AuditModule.forRootAsync({
          useFactory: async (storage: Storage) => ({
            sql: storage.sql,
            origin: config.auditOrigin(),
            signerKeyFile: config.AUDIT_SIGNER_KEY_FILE,
            // Signed by whichever process runs the processors, as the tree grows there.
            checkpointEveryMs: options.runProcessors ? config.AUDIT_CHECKPOINT_SECONDS * 1000 : 0,
            // Without Redis, whichever process runs the processors builds the dossiers too; with it, apps/worker does.
            dossierBuilder: options.dossierBuilder ?? (options.runProcessors && !config.REDIS_URL ? 'loop' : 'off'),
            // The builder reads the log and the tree only (not the read models).
            dossierAwaits: [AUDIT_HASHING],
            dossierPollMs: 1_000,
          }),
          inject: [STORAGE],
        }),
      ],
    };
  }
}
