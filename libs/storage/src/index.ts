export { openStorage, openSqlDatabase, type SqlDatabaseConfig, type Storage, type StorageConfig } from './storage';
export { EventStoreModule, STORAGE } from './event-store.module';
export { DataFolderLocked } from './sql/pglite-folder-lock';
export { SqlProcessorStore } from './sql/sql-processor-store';
