import { Global, Inject, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { CLOCK, ProcessorsHost, type Clock } from '@piao/application';
import { type SqlClient } from '@piao/event-store';
import { AUDIT_MIGRATIONS } from './audit.migrations';
import { CheckpointSigner } from './checkpoints/checkpoint-signer';
import { loadOrCreateSignerKey } from './checkpoints/signer-key-file';
import { AuditHashingProcessor } from './hashing/audit-hashing.processor';
import { AuditProofs } from './proofs/audit-proofs';

export interface AuditOptions {
  sql: SqlClient;
  /** The log's name in its checkpoints. */
  origin: string;
  /** Where the installation's signing key is (created there when absent). */
  signerKeyFile: string;
  /** Checkpoints are signed by this process every so often (the process that runs the processors); 0: never. */
  checkpointEveryMs: number;
}

export const AUDIT_OPTIONS = Symbol('AuditOptions');

/** The audit-hashing processor (registered with the application's processors), its tables, and the checkpoint signer. */
@Global()
@Module({})
export class AuditModule implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private signer?: CheckpointSigner;

  constructor(
    @Inject(ProcessorsHost) private readonly host: ProcessorsHost,
    @Inject(AUDIT_OPTIONS) private readonly options: AuditOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  static forRootAsync(options: { useFactory: (...deps: never[]) => Promise<AuditOptions>; inject?: (string | symbol)[] }): DynamicModule {
    return {
      module: AuditModule,
      providers: [
        {
          provide: AUDIT_OPTIONS,
          useFactory: async (...deps: never[]) => {
            const resolved = await options.useFactory(...deps);
            await resolved.sql.migrate(AUDIT_MIGRATIONS);
            return resolved;
          },
          inject: options.inject ?? [],
        },
        { provide: AuditProofs, useFactory: (o: AuditOptions) => new AuditProofs(o.sql), inject: [AUDIT_OPTIONS] },
      ],
      exports: [AUDIT_OPTIONS, AuditProofs],
    };
  }

  onModuleInit(): void {
    this.host.register(new AuditHashingProcessor());
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.checkpointEveryMs <= 0) return;
    let key: Awaited<ReturnType<typeof loadOrCreateSignerKey>>;
    try {
      key = await loadOrCreateSignerKey(this.options.signerKeyFile, this.options.origin);
    } catch (error) {
      // The hashing and every other processor go on; only the signing stops, loudly, until the key is fixed.
      this.logger.error(`audit checkpoints are NOT being signed: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (key.created) this.logger.log(`created the audit signing key in ${this.options.signerKeyFile}`);
    this.logger.log(`audit checkpoints of ${this.options.origin} are signed by the verifier key ${key.verifierKey}`);
    this.signer = new CheckpointSigner(this.options.sql, this.clock, {
      origin: this.options.origin,
      signer: key.signer,
      everyMs: this.options.checkpointEveryMs,
      onError: (error) => this.logger.warn(`signing a checkpoint: ${error instanceof Error ? error.message : String(error)}`),
    });
    this.signer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.signer?.stop();
  }
}
