import { type SqlMigration, type SqlQuery } from '@piao/event-store';

/**
 * Migration 1: the event store's schema as the code created it before there were migrations (es_events, command
 * records, processor leases, checkpoints and dead letters; the retired es_checkpoints and http_idempotency dropped).
 * Its statements are idempotent, and must stay so, because it also adopts a database made by that code, where some or
 * all of it already exists. Later migrations are plain statements: they run once. How es_events is ordered and the
 * rule its writers follow: ../sql/schema.ts.
 *
 * With EventStoreDB the events are not here, but this still runs on the SQL database beside it (command records,
 * processor tables); es_events stays empty there.
 */
const STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS es_events (
     transaction_id  bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
     global_position bigint GENERATED ALWAYS AS IDENTITY,
     event_id        uuid   NOT NULL,
     stream_id       text   NOT NULL,
     revision        bigint NOT NULL,
     type            text   NOT NULL,
     data            jsonb  NOT NULL,
     metadata        jsonb  NOT NULL,
     stored_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
     PRIMARY KEY (transaction_id, global_position),
     CONSTRAINT es_events_stream_revision UNIQUE (stream_id, revision),
     CONSTRAINT es_events_event_id UNIQUE (event_id)
   )`,
  `DROP TABLE IF EXISTS es_checkpoints`,
  `DROP TABLE IF EXISTS http_idempotency`,
  // A command sent with an Idempotency-Key, inserted by the same statement as its events (or alone, for an answer that
  // appended nothing). The scope is two columns: ente and subject are never concatenated into one string.
  `CREATE TABLE IF NOT EXISTS command_records (
     ente             text NOT NULL,
     subject          text NOT NULL,
     key              text NOT NULL,
     request_hash     text NOT NULL,
     status           integer NOT NULL,
     body             jsonb NOT NULL,
     commit_position  bigint,
     prepare_position bigint,
     recorded_at      timestamptz NOT NULL,
     CONSTRAINT command_records_key PRIMARY KEY (ente, subject, key)
   )`,
  `CREATE INDEX IF NOT EXISTS command_records_recorded_at ON command_records (recorded_at)`,
  // Processors: one lease, one checkpoint and the dead letters of each processor that follows the log.
  `CREATE TABLE IF NOT EXISTS processor_leases (
     name        text PRIMARY KEY,
     holder      text NOT NULL,
     expires_at  timestamptz NOT NULL,
     acquired_at timestamptz NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS processor_checkpoints (
     name             text PRIMARY KEY,
     commit_position  bigint NOT NULL,
     prepare_position bigint NOT NULL,
     events           bigint NOT NULL DEFAULT 0,
     updated_at       timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE TABLE IF NOT EXISTS processor_dead_letters (
     id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     processor           text NOT NULL,
     commit_position     bigint NOT NULL,
     prepare_position    bigint NOT NULL,
     event_id            uuid NOT NULL,
     stream_id           text NOT NULL,
     ente                text,
     event               jsonb NOT NULL,
     error               text NOT NULL,
     attempts            integer NOT NULL,
     held_back           boolean NOT NULL,
     parked_at           timestamptz NOT NULL DEFAULT now(),
     replay_requested_at timestamptz,
     resolved_at         timestamptz,
     CONSTRAINT processor_dead_letters_event UNIQUE (processor, event_id)
   )`,
  `CREATE INDEX IF NOT EXISTS processor_dead_letters_open ON processor_dead_letters (processor, stream_id) WHERE resolved_at IS NULL`,
];

export const migration0001EventStore: SqlMigration = {
  name: '0001-event-store',
  async up(tx: SqlQuery): Promise<void> {
    for (const statement of STATEMENTS) await tx.query(statement);
  },
};
