import { openStorage, type Storage, type StorageConfig } from '@piao/storage';
import { createTestDatabase } from './postgres';

export interface StorageUnderTest {
  name: StorageConfig['kind'];
  config: StorageConfig;
  open: () => Promise<Storage>;
  dispose: () => Promise<void>;
}

/**
 * The adapters every contract runs against: PostgreSQL and PGlite always, EventStoreDB when a server is
 * configured (none can run on the development machines).
 */
export const ADAPTERS: StorageConfig['kind'][] = ['postgres', 'pglite', ...(process.env.EVENTSTORE_CONNECTION_STRING ? (['eventstoredb'] as const) : [])];

export async function storageUnderTest(kind: StorageConfig['kind']): Promise<StorageUnderTest> {
  if (kind === 'postgres') {
    const db = await createTestDatabase();
    const config: StorageConfig = { kind, url: db.url, poolSize: 20 };
    return { name: kind, config, open: () => openStorage(config), dispose: db.drop };
  }
  if (kind === 'pglite') {
    const config: StorageConfig = { kind };
    return { name: kind, config, open: () => openStorage(config), dispose: async () => undefined };
  }
  const config: StorageConfig = { kind, connectionString: process.env.EVENTSTORE_CONNECTION_STRING!, database: { kind: 'pglite' } };
  return { name: kind, config, open: () => openStorage(config), dispose: async () => undefined };
}
