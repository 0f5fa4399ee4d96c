/**
 * The event-store schema, for PostgreSQL and PGlite alike. Its tables are created and changed by versioned
 * migrations (../migrations/, 0001-event-store first), applied at start under the advisory lock SCHEMA_LOCK_ID, so
 * that several processes starting together apply each one once.
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

/**
 * The advisory lock schema changes are applied under (../migrations/migrator.ts). The same number as before there were
 * migrations, so a process of the previous version starting beside a new one waits for it, and the other way round.
 */
export const SCHEMA_LOCK_ID = 7_140_021_001;
