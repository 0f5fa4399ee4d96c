export { openStorage, openSqlDatabase, type SqlDatabaseConfig, type Storage, type StorageConfig } from './storage';
export { EventStoreModule, STORAGE } from './event-store.module';
