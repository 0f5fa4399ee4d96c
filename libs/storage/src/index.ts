export { openStorage, openSqlDatabase, type SqlDatabaseConfig, type Storage, type StorageConfig } from './storage';
export { EventStoreModule, STORAGE } from './event-store.module';
export { DataFolderLocked } from './sql/pglite-folder-lock';
export { SqlProcessorStore } from './sql/sql-processor-store';
export { EVENT_STORE_MIGRATIONS } from './migrations/event-store.migrations';
