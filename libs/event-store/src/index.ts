export * from './event-store.port';
export * from './idempotency.port';
export { LogFollower, type LogFollowerOptions } from './log-follower';
export { openStorage, openSqlDatabase, type SqlDatabaseConfig, type Storage, type StorageConfig } from './storage';
export { type SqlClient, type SqlQuery } from './sql/sql-client';
export { EventStoreModule, STORAGE } from './event-store.module';
