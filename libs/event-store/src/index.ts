export * from './event-store.port';
export * from './idempotency.port';
export { LogFollower, type LogFollowerOptions } from './log-follower';
export { openStorage, type Storage, type StorageConfig } from './storage';
export { EventStoreModule } from './event-store.module';
