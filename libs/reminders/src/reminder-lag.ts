import { type SqlMigration, type SqlQuery } from '@piao/event-store';

/**
 * Migration 5: when each outbox row became pending at its current send time (`pending_since`), kept by a trigger so
 * that every writer of rem_outbox (the deadlines processor's inserts and revivals, the sender's next overdue step and
 * its postponements) keeps it without knowing of it: set on insert, and on an update that makes a row pending again
 * or moves its send time. The reminders' lag needs it: a reminder written today for a deadline already past (an
 * objective approved late) is due since long ago by its send time, yet has waited for the sender only since now.
 */
export const migration0005OutboxPendingSince: SqlMigration = {
  name: '0005-outbox-pending-since',
  async up(tx: SqlQuery): Promise<void> {
    await tx.query(`ALTER TABLE rem_outbox ADD COLUMN pending_since timestamptz NOT NULL DEFAULT now()`);
    await tx.query(`CREATE FUNCTION rem_outbox_pending_since() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status = 'pending' AND (TG_OP = 'INSERT' OR OLD.status <> 'pending' OR OLD.send_at IS DISTINCT FROM NEW.send_at) THEN
          NEW.pending_since := now();
        END IF;
        RETURN NEW;
      END $$`);
    await tx.query(`CREATE TRIGGER rem_outbox_pending_since BEFORE INSERT OR UPDATE ON rem_outbox FOR EACH ROW EXECUTE FUNCTION rem_outbox_pending_since()`);
  },
};

/** The pending reminders whose time has come, and how long the one waiting longest has waited: the sending lag. */
export interface ReminderLag {
  /** Pending rows whose send time has passed. */
  due: number;
  /** The send time of the one waiting longest. */
  oldestDueAt: Date | null;
  /** How long it has waited, in seconds (0 when nothing is due). */
  lagSeconds: number;
}

/**
 * The lag of whichever sender runs (the in-process loop or apps/worker): a due reminder normally leaves within a
 * second or two; one waiting longer means the sender is down, stuck, or cannot reach the mail server. A reminder has
 * waited since its send time, or since it became pending if that was later (written late, brought back, moved): the
 * lesser of the two ages. The first is measured on the application's clock (`now`, as the senders decide what is
 * due), the second on the database's (which stamps `pending_since`): each age within one clock.
 */
export async function reminderLag(sql: SqlQuery, now: Date): Promise<ReminderLag> {
  const [row] = await sql.query<{ due: number; lag: number | string | null; oldest: Date | string | null }>(
    `SELECT count(*)::int AS due,
            max(LEAST(extract(epoch FROM ($1::timestamptz - send_at)), extract(epoch FROM (now() - pending_since))))::float8 AS lag,
            (array_agg(send_at ORDER BY LEAST($1::timestamptz - send_at, now() - pending_since) DESC))[1] AS oldest
       FROM rem_outbox WHERE status = 'pending' AND send_at <= $1`,
    [now],
  );
  const lag = row?.lag === null || row?.lag === undefined ? 0 : Math.max(0, Number(row.lag));
  return { due: row?.due ?? 0, oldestDueAt: row?.oldest ? new Date(row.oldest) : null, lagSeconds: lag };
}
