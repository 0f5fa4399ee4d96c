import { Global, Inject, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { ProcessorsHost } from '@piao/application';
import { type SqlClient } from '@piao/event-store';
import { ReadModelQueries } from './read-model-queries';
import { ReadModelsProjection } from './read-models.processor';

/** The SQL database holding the read models: the event store's own when it is SQL. */
export const READ_MODEL_SQL = Symbol('ReadModelSql');

export interface ReadModelsOptions {
  sql: SqlClient;
}

const OPTIONS = Symbol('ReadModelsOptions');

/**
 * Provides ReadModelQueries and READ_MODEL_SQL, and registers the projection with the processors of the application
 * (which run it in the process that runs processors).
 */
@Global()
@Module({})
export class ReadModelsModule implements OnModuleInit {
  constructor(
    private readonly host: ProcessorsHost,
    @Inject(ReadModelsProjection) private readonly projection: ReadModelsProjection,
  ) {}

  static forRootAsync(options: { useFactory: (...deps: never[]) => Promise<ReadModelsOptions>; inject?: (string | symbol)[] }): DynamicModule {
    return {
      module: ReadModelsModule,
      providers: [
        {
          provide: OPTIONS,
          useFactory: async (...deps: never[]) => {
            const resolved = await options.useFactory(...deps);
            await ReadModelsProjection.migrate(resolved.sql);
            return resolved;
          },
          inject: options.inject ?? [],
        },
        { provide: READ_MODEL_SQL, useFactory: (o: ReadModelsOptions) => o.sql, inject: [OPTIONS] },
        { provide: ReadModelQueries, useFactory: (o: ReadModelsOptions) => new ReadModelQueries(o.sql), inject: [OPTIONS] },
        { provide: ReadModelsProjection, useValue: new ReadModelsProjection() },
      ],
      exports: [READ_MODEL_SQL, ReadModelQueries, ReadModelsProjection],
    };
  }

  onModuleInit(): void {
    this.host.register(this.projection);
  }
}
