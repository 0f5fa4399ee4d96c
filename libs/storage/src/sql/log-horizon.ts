import { type SqlQuery } from '@piao/event-store';

/**
 * The log horizon: the transaction id below which every row of `es_events` that will ever commit is already
 * visible. A reader runs it as its own statement, then reads with `transaction_id < horizon` in a LATER
 * statement (so with a later snapshot); positions below the horizon are final, and a reader that has passed
 * one can never be overtaken by a late commit.
 *
 * Why not `pg_snapshot_xmin(pg_current_snapshot())`: that is the oldest transaction still running anywhere on
 * the server, in any database, writing anything. A session left idle in a transaction in another database (or
 * a long report in this one) would stall every reader of the log until it ends. The horizon only waits for
 * transactions that write `es_events`.
 *
 * How it is computed, in ONE statement (S1), whose snapshot (xmax, xip: the transactions running when S1
 * began) is taken before `pg_locks` is read:
 *
 *   horizon = least(xmax, the smallest xid in xip that is not a known bystander)
 *
 * where a known bystander is a transaction whose own `transactionid` lock shows up in `pg_locks` and whose
 * virtual transaction holds no writer's lock on `es_events` in this database (`pg_locks.database` filtered on
 * the current database: relation oids are per database). The writer's modes are ROW EXCLUSIVE (what INSERT
 * takes) and the stronger SHARE ROW EXCLUSIVE, EXCLUSIVE and ACCESS EXCLUSIVE; not SHARE UPDATE EXCLUSIVE,
 * which VACUUM, ANALYZE and CREATE INDEX CONCURRENTLY hold for a long time without writing events.
 *
 * The rule writers follow (schema.ts): a transaction that writes `es_events` holds such a lock on it from
 * before it has a transaction id until it ends. A single-statement append does so implicitly: INSERT locks its
 * table at parse time (or, for a prepared statement, when the cached plan is checked), and the transaction id
 * is assigned only when the first row is written. A multi-statement transaction begins with
 * `LOCK TABLE es_events IN ROW EXCLUSIVE MODE`, outside any savepoint (a subtransaction that rolls back
 * releases the locks it took, while the transaction keeps its id).
 *
 * Why it is safe. Take a transaction T with id t < horizon that writes `es_events` and commits. As t < xmax,
 * either T had ended when S1 began (its rows are visible to the read) or t is in xip. In xip, t < horizon means
 * T was seen as a bystander: its transactionid lock was in `pg_locks` without an `es_events` writer's lock.
 * T took that lock before it got t, and t was assigned before S1 began (it is in xip), so T held the lock
 * from before S1 to its end; not seeing it means T had already released its locks, which PostgreSQL does
 * only after T has left the proc array (committed or aborted). The read's snapshot, taken after S1, sees
 * T's rows. Nothing below the horizon can commit after the read.
 *
 * Details that matter:
 * - xmax and xip come from the same statement as `pg_locks`, and the horizon never exceeds xmax: a writer
 *   that gets its id after S1 began gets one >= xmax, and is simply not yet readable.
 * - A transaction in xip with NO transactionid lock in `pg_locks` counts as a possible writer. PostgreSQL
 *   publishes a new xid in the proc array a moment before it inserts the xid's lock, so a writer caught in
 *   that window shows its `es_events` lock but no xid. Joining lock holders to their xid (rather than starting
 *   from xip) would miss it and let the reader pass its events. The conservative choice costs one lower
 *   horizon for one call, in a window of microseconds.
 * - `pg_locks` is not one atomic picture (fast-path locks are read backend by backend, then the main table),
 *   but the argument above only needs "a lock held since before S1 and not seen means the holder had ended".
 *   The locks CTE is materialized, so `pg_locks` is read once per call.
 *
 * What still stalls readers: a transaction that holds a writer's lock on `es_events`, has a transaction id
 * (it has written something: events, or anything after `LOCK TABLE`) and stays open, or is prepared for
 * two-phase commit; it must, since its events take positions below those committed after it. Transactions in
 * other databases, and transactions of this one that hold no such lock, no longer do.
 *
 * PGlite: `pg_locks` works there (single-user backend), but it is never needed: PGlite runs one transaction at
 * a time and a query waits for any open transaction to end, so xip is always empty and the horizon is xmax,
 * i.e. everything committed. The same SQL serves both engines.
 *
 * Cost: when xip is not empty, one scan of the lock table (all lock partitions held in shared mode for a
 * copy), per read.
 */
const LOG_HORIZON = `
  WITH snapshot AS MATERIALIZED (SELECT pg_current_snapshot() AS s),
       locks AS MATERIALIZED (SELECT locktype, database, relation, transactionid, virtualtransaction, mode FROM pg_locks),
       writers AS (
         SELECT virtualtransaction FROM locks
          WHERE locktype = 'relation'
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND relation = 'es_events'::regclass
            AND mode IN ('RowExclusiveLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock')
            AND virtualtransaction IS NOT NULL),
       bystanders AS (
         SELECT transactionid FROM locks
          WHERE locktype = 'transactionid' AND transactionid IS NOT NULL AND virtualtransaction IS NOT NULL
            AND virtualtransaction NOT IN (SELECT virtualtransaction FROM writers))
  SELECT least(pg_snapshot_xmax(s)::text::bigint,
               (SELECT min(running::text::bigint) FROM pg_snapshot_xip(s) AS running
                 WHERE running::xid NOT IN (SELECT transactionid FROM bystanders)))::text AS horizon
    FROM snapshot`;

/**
 * The log horizon as a bigint string, for `transaction_id < $n::bigint`. Run it on its own, before the read:
 * the read's snapshot must be taken after this statement's.
 */
export async function logHorizon(sql: SqlQuery): Promise<string> {
  const [row] = await sql.query<{ horizon: string }>(LOG_HORIZON, [], 'es_log_horizon');
  return row.horizon;
}
