import { Global, Inject, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { ProcessorsHost } from '@piao/application';
import { type SqlClient } from '@piao/event-store';
import { AUDIT_MIGRATIONS } from './audit.migrations';
import { AuditHashingProcessor } from './hashing/audit-hashing.processor';

export interface AuditOptions {
  sql: SqlClient;
}

export const AUDIT_OPTIONS = Symbol('AuditOptions');

/** The audit-hashing processor (registered with the application's processors) and its tables. */
@Global()
@Module({})
export class AuditModule implements OnModuleInit {
  constructor(
    @Inject(ProcessorsHost) private readonly host: ProcessorsHost,
    @Inject(AUDIT_OPTIONS) readonly options: AuditOptions,
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
      ],
      exports: [AUDIT_OPTIONS],
    };
  }

  onModuleInit(): void {
    this.host.register(new AuditHashingProcessor());
  }
}
