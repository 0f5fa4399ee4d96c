import { Global, Inject, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type SqlClient } from '@piao/event-store';
import { ProjectionRunner } from './projection-runner';
import { ReadModelQueries } from './read-model-queries';

/** The SQL database holding the read models: the event store's own when it is SQL. */
export const READ_MODEL_SQL = Symbol('ReadModelSql');

export interface ReadModelsOptions {
  sql: SqlClient;
  /** Whether this process projects the log; otherwise another process does, and this one only reads. */
  runProjections: boolean;
  /** Close the database on shutdown: only when it is not the event store's. */
  ownsDatabase: boolean;
}

const OPTIONS = Symbol('ReadModelsOptions');

/** Provides ReadModelQueries, READ_MODEL_SQL and the ProjectionRunner, started with the application when asked to. */
@Global()
@Module({})
export class ReadModelsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(OPTIONS) private readonly options: ReadModelsOptions,
    private readonly runner: ProjectionRunner,
  ) {}

  static forRootAsync(options: { useFactory: (...deps: never[]) => Promise<ReadModelsOptions>; inject?: (string | symbol)[] }): DynamicModule {
    return {
      module: ReadModelsModule,
      providers: [
        {
          provide: OPTIONS,
          useFactory: async (...deps: never[]) => {
            const resolved = await options.useFactory(...deps);
            await ProjectionRunner.migrate(resolved.sql);
            return resolved;
          },
          inject: options.inject ?? [],
        },
        { provide: READ_MODEL_SQL, useFactory: (o: ReadModelsOptions) => o.sql, inject: [OPTIONS] },
        { provide: ReadModelQueries, useFactory: (o: ReadModelsOptions) => new ReadModelQueries(o.sql), inject: [OPTIONS] },
        {
          provide: ProjectionRunner,
          useFactory: (events: EventStore, o: ReadModelsOptions) => new ProjectionRunner(events, o.sql),
          inject: [EVENT_STORE, OPTIONS],
        },
      ],
      exports: [READ_MODEL_SQL, ReadModelQueries, ProjectionRunner],
    };
  }

  onApplicationBootstrap(): void {
    if (this.options.runProjections) this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
    if (this.options.ownsDatabase) await this.options.sql.close();
  }
}
