import { Global, Inject, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { CLOCK, ProcessorsHost, type Clock } from '@piao/application';
import { EVENT_STORE, PROCESSOR_STORE, type EventStore, type ProcessorStore, type SqlClient } from '@piao/event-store';
import { AUDIT_MIGRATIONS } from './audit.migrations';
import { CheckpointSigner } from './checkpoints/checkpoint-signer';
import { loadOrCreateSignerKey } from './checkpoints/signer-key-file';
import { AuditHashingProcessor } from './hashing/audit-hashing.processor';
import { AuditProofs } from './proofs/audit-proofs';
import { AuditTrail } from './trail/audit-trail';
import { DossiersProcessor } from './dossier/dossiers.processor';
import { DossierWorker } from './dossier/dossier-worker';

export interface AuditOptions {
  sql: SqlClient;
  /** The log's name in its checkpoints. */
  origin: string;
  /** Where the installation's signing key is (created there when absent). */
  signerKeyFile: string;
  /** Checkpoints are signed by this process every so often (the process that runs the processors); 0: never. */
  checkpointEveryMs: number;
  /**
   * How this process builds the queued dossiers (several may: they share the table's claims): `loop`, by looking at
   * the table itself (the embedded default); `queue`, when a queue's jobs ask (apps/worker with Redis, through
   * `dossierWorker().buildById`); `off`, not at all.
   */
  dossierBuilder: 'loop' | 'queue' | 'off';
  /** The processors a dossier reads the output of (the read models, the audit hashing). */
  dossierAwaits: string[];
  dossierPollMs: number;
}

export const AUDIT_OPTIONS = Symbol('AuditOptions');

/** This process's dossier builder, once the module has started it (none where `dossierBuilder` is `off`). */
export class DossierBuilder {
  worker?: DossierWorker;
}

/** The audit-hashing processor (registered with the application's processors), its tables, and the checkpoint signer. */
@Global()
@Module({})
export class AuditModule implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private signer?: CheckpointSigner;
  private dossiers?: DossierWorker;

  constructor(
    @Inject(ProcessorsHost) private readonly host: ProcessorsHost,
    @Inject(AUDIT_OPTIONS) private readonly options: AuditOptions,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROCESSOR_STORE) private readonly processors: ProcessorStore,
    private readonly builder: DossierBuilder,
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
        { provide: AuditProofs, useFactory: (o: AuditOptions, events: EventStore) => new AuditProofs(o.sql, events), inject: [AUDIT_OPTIONS, EVENT_STORE] },
        { provide: AuditTrail, useFactory: (o: AuditOptions) => new AuditTrail(o.sql), inject: [AUDIT_OPTIONS] },
        DossierBuilder,
      ],
      exports: [AUDIT_OPTIONS, AuditProofs, AuditTrail, DossierBuilder],
    };
  }

  onModuleInit(): void {
    this.host.register(new AuditHashingProcessor());
    this.host.register(new DossiersProcessor());
  }

  /** This process's dossier builder, when it runs one. */
  dossierWorker(): DossierWorker | undefined {
    return this.dossiers;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.startSigner();
    if (this.options.dossierBuilder !== 'off') {
      this.dossiers = new DossierWorker(this.options.sql, this.store, this.processors, this.clock, {
        claimMs: 10 * 60_000,
        pollMs: this.options.dossierPollMs,
        awaits: this.options.dossierAwaits,
        maxAttempts: 3,
        maxWaitMs: 60 * 60_000,
        // Where this process signs checkpoints, a dossier waiting for one gets it now rather than at the next period.
        signNow: this.signer ? async () => this.signer!.signIfGrown() : undefined,
        onError: (error) => this.logger.warn(`building a dossier: ${error instanceof Error ? error.message : String(error)}`),
      });
      this.builder.worker = this.dossiers;
      if (this.options.dossierBuilder === 'loop') this.dossiers.start();
    }
  }

  private async startSigner(): Promise<void> {
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
    await this.dossiers?.stop();
    await this.signer?.stop();
  }
}
