export * from './event-store.port';
export * from './idempotency.port';
export * from './sql-database.port';
export { LogFollower, type LogFollowerOptions } from './log-follower';
export * from './processor-store.port';
