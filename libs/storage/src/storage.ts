import { type CommandRecords, type EventStore, type ProcessorStore, type SqlClient } from '@piao/event-store';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store';
import { PgliteClient, PostgresClient } from './sql/sql-client';
import { migrate, SqlEventStore } from './sql/sql-event-store';
import { SqlCommandRecords } from './sql/sql-command-records';
import { SqlProcessorStore } from './sql/sql-processor-store';

export type StorageConfig =
  | { kind: 'pglite'; dataDir?: string }
  | { kind: 'postgres'; url: string; poolSize?: number }
  /** `database` keeps what EventStoreDB does not: command records, processor checkpoints, read models. */
  | { kind: 'eventstoredb'; connectionString: string; database: SqlDatabaseConfig };

/** Everything the application keeps, behind its ports. */
export interface Storage {
  kind: StorageConfig['kind'];
  events: EventStore;
  commands: CommandRecords;
  processors: ProcessorStore;
  /**
   * The SQL database beside the events: the events' own with PostgreSQL and PGlite, a separate one with
   * EventStoreDB. Command records, processor checkpoints, leases, dead letters and read models live there.
   */
  sql: SqlClient;
}

export type SqlDatabaseConfig = { kind: 'pglite'; dataDir?: string } | { kind: 'postgres'; url: string; poolSize?: number };

/** A PostgreSQL or PGlite database, for what is kept beside an event store that is not SQL. */
export async function openSqlDatabase(config: SqlDatabaseConfig): Promise<SqlClient> {
  return config.kind === 'pglite' ? PgliteClient.open(config.dataDir) : new PostgresClient({ connectionString: config.url, max: config.poolSize ?? 10 });
}

export async function openStorage(config: StorageConfig): Promise<Storage> {
  switch (config.kind) {
    case 'pglite':
    case 'postgres': {
      const sql = await openSqlDatabase(config);
      const events = await SqlEventStore.open(sql);
      return { kind: config.kind, events, commands: events.commands, processors: new SqlProcessorStore(sql), sql };
    }
    case 'eventstoredb': {
      const sql = await openSqlDatabase(config.database);
      await migrate(sql);
      const commands = new SqlCommandRecords(sql);
      return {
        kind: config.kind,
        events: await EventStoreDbEventStore.open(config.connectionString, commands),
        commands,
        processors: new SqlProcessorStore(sql),
        sql,
      };
    }
  }
}
