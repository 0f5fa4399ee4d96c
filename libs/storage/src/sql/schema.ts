/**
 * The event-store schema, for PostgreSQL and PGlite alike. Applied at start under an advisory lock, so that
 * several processes starting together do not race; every statement is idempotent.
 *
 * Ordering of the global log: `global_position` comes from a sequence, taken when a row is inserted, so a
 * transaction may commit after another one that holds a higher number; a reader paging by `global_position`
 * alone would step over the late one for ever. Each row also records its transaction id, and readers only
 * return rows below the log horizon (log-horizon.ts), ordered by (transaction id, global position): the
 * oldest transaction still running that may write `es_events`, found from the locks it holds on the table.
 * Once a reader has passed a position, nothing can commit before it, provided writers follow this rule:
 *
 *   A transaction that writes es_events must hold a lock on es_events in ROW EXCLUSIVE mode (or SHARE ROW
 *   EXCLUSIVE, EXCLUSIVE, ACCESS EXCLUSIVE) before it writes anything else, that is before it has a
 *   transaction id, and keep it until it ends. A single-statement append does it implicitly (INSERT locks its
 *   table before it writes a row). A multi-statement transaction begins with
 *   `LOCK TABLE es_events IN ROW EXCLUSIVE MODE`, outside any savepoint (a lock taken in a subtransaction
 *   that rolls back is released). A transaction that writes another table first, then es_events, can have
 *   its events skipped by a reader for ever.
 *
 * The price: a transaction holding that lock and left open stalls every reader of the log until it ends.
 * Transactions in other databases of the server, and transactions of this one that do not hold the lock, do
 * not.
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
