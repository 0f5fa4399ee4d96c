import { type SqlMigration } from '@piao/event-store';

/**
 * An event id is unique within its stream instead of across the whole log. The log-wide index on a random UUID put
 * every append on a random page of an index that grows with the log: on 1,000,000 events the WAL written per event
 * grew from about 1,000 to 2,400 bytes (each page touched first after a checkpoint is written whole) and the append
 * rate fell with it; an index on (stream_id, event_id) is written where the stream's earlier events are, and its WAL
 * per event stays flat (bench/README.md, "Append as the log grows"). What the ids guard is unchanged: a command sent
 * again under its Idempotency-Key derives the same ids and writes to the same stream, a creation included (its new
 * stream's id is derived from the key too, application/commands/event-ids.ts), so the copy is still refused once
 * the key's record is purged; EventStoreDB deduplicates by id within a stream as well. On an existing log it builds
 * the new index over every event once, in the migration's transaction (a few seconds per million events, writers
 * waiting meanwhile).
 */
export const migration0011EventIdUniquePerStream: SqlMigration = {
  name: '0011-event-id-unique-per-stream',
  async up(tx) {
    await tx.query(`ALTER TABLE es_events ADD CONSTRAINT es_events_stream_event_id UNIQUE (stream_id, event_id)`);
    await tx.query(`ALTER TABLE es_events DROP CONSTRAINT es_events_event_id`);
  },
};
