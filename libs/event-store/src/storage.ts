import { type EventStore } from './event-store.port';
import { type IdempotencyStore } from './idempotency.port';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store';
import { EventStoreDbIdempotencyStore } from './eventstoredb/eventstoredb-idempotency-store';
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
}

export async function openStorage(config: StorageConfig): Promise<Storage> {
  switch (config.kind) {
    case 'pglite': {
      const sql = await PgliteClient.open(config.dataDir);
      return { kind: config.kind, events: await SqlEventStore.open(sql), idempotency: new SqlIdempotencyStore(sql) };
    }
    case 'postgres': {
      const sql = new PostgresClient({ connectionString: config.url, max: config.poolSize ?? 20 });
      return { kind: config.kind, events: await SqlEventStore.open(sql), idempotency: new SqlIdempotencyStore(sql) };
    }
    case 'eventstoredb': {
      const events = EventStoreDbEventStore.connect(config.connectionString);
      return { kind: config.kind, events, idempotency: new EventStoreDbIdempotencyStore(events.client) };
    }
  }
}
