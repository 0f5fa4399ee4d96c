export * from './event-store.port';
export * from './idempotency.port';
export * from './sql-database.port';
export * from './processor-store.port';
