/**
 * The event-store schema, for PostgreSQL and PGlite alike. Applied at start under an advisory lock, so that
 * several processes starting together do not race; every statement is idempotent.
 *
 * Ordering of the global log: `global_position` comes from a sequence, taken when a row is inserted, so a
 * transaction may commit after another one that holds a higher number; a reader paging by `global_position`
 * alone would step over the late one for ever. Each row also records its transaction id, and readers only
 * return rows of transactions older than the oldest one still running (`pg_snapshot_xmin`), ordered by
 * (transaction id, global position). Once a reader has passed a position, nothing can commit before it.
 *
 * Optimistic concurrency: there is no table of streams. The unique (stream_id, revision) index is the arbiter:
 * two writers expecting the same revision both try to insert the next one, and the second fails.
 */
export const SCHEMA_LOCK_ID = 7_140_021_001;

export const SCHEMA = [
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
  `CREATE TABLE IF NOT EXISTS es_checkpoints (
     name            text PRIMARY KEY,
     commit_position bigint NOT NULL,
     prepare_position bigint NOT NULL,
     updated_at      timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE TABLE IF NOT EXISTS http_idempotency (
     scope        text NOT NULL,
     key          text NOT NULL,
     request_hash text NOT NULL,
     status       integer,
     body         jsonb,
     locked_until timestamptz NOT NULL,
     created_at   timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (scope, key)
   )`,
];
