import { type SqlMigration, type SqlQuery } from '@piao/event-store';
import { migration0005OutboxPendingSince } from './reminder-lag';

/**
 * Migration 4: the reminders' tables.
 * - rem_objectives, rem_plans, rem_organisations: the deadlines processor's own fold of the streams it follows
 *   (it does not read the read models: each processor stands on its own checkpoint).
 * - rem_deadlines: every deadline, open or closed, dated or only described in words.
 * - rem_outbox: each reminder of each deadline (deadline, step, audience, send time), written by the processor in
 *   the transaction that moves its checkpoint; the senders (in-process or apps/worker through BullMQ) read it.
 *   A sender claims a row (claimed_until) while it delivers it, so that two senders never deliver one reminder side by side.
 * - rem_deliveries: one row per (deadline, step, recipient), the key that makes a delivery happen once.
 * - rem_inbox: the in-app channel. rem_calendar_feeds: the hash of each person's secret calendar URL.
 */
const migration0004Reminders: SqlMigration = {
  name: '0004-reminders',
  async up(tx: SqlQuery): Promise<void> {
    const statements = [
      `CREATE TABLE rem_objectives (
         objective_id uuid PRIMARY KEY,
         ente         text NOT NULL,
         plan_id      text NOT NULL,
         revision     integer NOT NULL,
         awaiting_evaluation boolean NOT NULL,
         state        jsonb NOT NULL
       )`,
      `CREATE INDEX rem_objectives_plan ON rem_objectives (plan_id)`,
      `CREATE INDEX rem_objectives_ente ON rem_objectives (ente)`,
      `CREATE TABLE rem_plans (plan_id text PRIMARY KEY, ente text NOT NULL, revision integer NOT NULL, state jsonb NOT NULL)`,
      `CREATE INDEX rem_plans_ente ON rem_plans (ente)`,
      `CREATE TABLE rem_organisations (
         ente            text PRIMARY KEY,
         revision        integer NOT NULL,
         policy_revision integer NOT NULL,
         state           jsonb NOT NULL
       )`,
      `CREATE TABLE rem_deadlines (
         deadline_id  text PRIMARY KEY,
         ente         text NOT NULL,
         plan_id      text NOT NULL,
         objective_id uuid,
         code         text,
         title        text NOT NULL,
         kind         text NOT NULL,
         ref          text NOT NULL,
         description  text NOT NULL,
         due_on       date,
         period_text  text,
         unit_id      text,
         audience     text NOT NULL,
         open         boolean NOT NULL
       )`,
      `CREATE INDEX rem_deadlines_ente ON rem_deadlines (ente, due_on)`,
      `CREATE INDEX rem_deadlines_objective ON rem_deadlines (objective_id)`,
      `CREATE INDEX rem_deadlines_plan ON rem_deadlines (plan_id)`,
      `CREATE TABLE rem_outbox (
         reminder_id     text PRIMARY KEY,
         ente            text NOT NULL,
         deadline_id     text NOT NULL,
         step            text NOT NULL,
         audience        text NOT NULL,
         due_on          date NOT NULL,
         send_on         date NOT NULL,
         send_at         timestamptz NOT NULL,
         policy_revision integer NOT NULL,
         status          text NOT NULL,
         queued_at       timestamptz,
         attempts        integer NOT NULL DEFAULT 0,
         next_attempt_at timestamptz,
         last_error      text,
         settled_at      timestamptz,
         outcome         text,
         claimed_until   timestamptz
       )`,
      `CREATE INDEX rem_outbox_deadline ON rem_outbox (deadline_id)`,
      `CREATE INDEX rem_outbox_pending ON rem_outbox (send_at) WHERE status = 'pending'`,
      `CREATE INDEX rem_outbox_unqueued ON rem_outbox (send_at) WHERE status = 'pending' AND queued_at IS NULL`,
      `CREATE TABLE rem_deliveries (
         delivery_key text PRIMARY KEY,
         reminder_id  text NOT NULL,
         ente         text NOT NULL,
         deadline_id  text NOT NULL,
         step         text NOT NULL,
         person_id    text NOT NULL,
         email        text,
         channels     text[] NOT NULL,
         message_id   text NOT NULL,
         status       text NOT NULL,
         attempts     integer NOT NULL DEFAULT 0,
         error        text,
         created_at   timestamptz NOT NULL,
         sent_at      timestamptz
       )`,
      `CREATE INDEX rem_deliveries_failed ON rem_deliveries (ente) WHERE status = 'failed'`,
      `CREATE TABLE rem_inbox (
         message_id   text PRIMARY KEY,
         ente         text NOT NULL,
         person_id    text NOT NULL,
         deadline_id  text NOT NULL,
         objective_id uuid,
         subject      text NOT NULL,
         body         text NOT NULL,
         created_at   timestamptz NOT NULL,
         read_at      timestamptz
       )`,
      `CREATE INDEX rem_inbox_person ON rem_inbox (ente, person_id, created_at DESC)`,
      `CREATE TABLE rem_calendar_feeds (
         ente         text NOT NULL,
         person_id    text NOT NULL,
         token_sha256 text NOT NULL UNIQUE,
         created_at   timestamptz NOT NULL,
         PRIMARY KEY (ente, person_id)
       )`,
    ];
    for (const statement of statements) await tx.query(statement);
  },
};

/**
 * Migration 12: the digest of the deadlines last written for each objective and plan (deadlines.projection.ts). Empty
 * on the rows already there: their deadlines are worked out and compared once more at their next event, as before.
 */
const migration0012DeadlinesDigest: SqlMigration = {
  name: '0012-deadlines-digest',
  async up(tx: SqlQuery): Promise<void> {
    await tx.query(`ALTER TABLE rem_objectives ADD COLUMN deadlines_digest text`);
    await tx.query(`ALTER TABLE rem_plans ADD COLUMN deadlines_digest text`);
  },
};

/** The reminders' migrations, in order (numbering: libs/storage/src/migrations/migrator.ts). */
export const REMINDER_MIGRATIONS: readonly SqlMigration[] = [migration0004Reminders, migration0005OutboxPendingSince, migration0012DeadlinesDigest];
