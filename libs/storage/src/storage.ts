import { type EventStore } from '@piao/event-store';
import { type IdempotencyStore } from '@piao/event-store';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store';
import { EventStoreDbIdempotencyStore } from './eventstoredb/eventstoredb-idempotency-store';
import { type SqlClient } from '@piao/event-store';
import { PgliteClient, PostgresClient } from './sql/sql-client';
import { SqlEventStore } from './sql/sql-event-store';
import { SqlIdempotencyStore } from './sql/sql-idempotency-store';

export type StorageConfig =
  { kind: 'pglite'; dataDir?: string } | { kind: 'postgres'; url: string; poolSize?: number } | { kind: 'eventstoredb'; connectionString: string };

/** Everything the application keeps, behind its ports. */
export interface Storage {
  kind: StorageConfig['kind'];
  events: EventStore;
  idempotency: IdempotencyStore;
  /** The SQL database under the events, when they live in one: read models share it, and its transactions. */
  sql?: SqlClient;
}

export type SqlDatabaseConfig = { kind: 'pglite'; dataDir?: string } | { kind: 'postgres'; url: string; poolSize?: number };

/** A PostgreSQL or PGlite database, for what is kept beside an event store that is not SQL. */
export async function openSqlDatabase(config: SqlDatabaseConfig): Promise<SqlClient> {
  return config.kind === 'pglite' ? PgliteClient.open(config.dataDir) : new PostgresClient({ connectionString: config.url, max: config.poolSize ?? 20 });
}

export async function openStorage(config: StorageConfig): Promise<Storage> {
  switch (config.kind) {
    case 'pglite':
    case 'postgres': {
      const sql = await openSqlDatabase(config);
      return { kind: config.kind, events: await SqlEventStore.open(sql), idempotency: new SqlIdempotencyStore(sql), sql };
    }
    case 'eventstoredb': {
      const events = EventStoreDbEventStore.connect(config.connectionString);
      return { kind: config.kind, events, idempotency: new EventStoreDbIdempotencyStore(events.client) };
    }
  }
}
