import { createHash } from 'node:crypto';
import { type Clock } from '@piao/application';
import { type SqlClient, type SqlQuery } from '@piao/event-store';
import {
  DEFAULT_REMINDER_PREFERENCES,
  headOf,
  isQuietDay,
  overdueIndexOf,
  overdueStepAfter,
  romeDateOf,
  sendInstant,
  workingDayFrom,
  type OrganisationState,
  type ReminderAudience,
} from '@piao/lifecycle';
import { policyOf, reminderIdOf } from '../deadlines/deadlines.projection';
import { MailRefused, type MailTransport } from './mail-transport';
import { reminderMessage } from './reminder-message';

/** What became of one outbox row when a sender took it up. */
export type DeliveryOutcome =
  | { outcome: 'sent'; recipients: number }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'settled' }
  | { outcome: 'not-yet'; at: Date }
  | { outcome: 'postponed'; at: Date }
  /** Another sender is delivering it right now (or died doing so less than `claimMs` ago): try again later. */
  | { outcome: 'busy' }
  | { outcome: 'failed'; reason: string };

/** A message could not leave this time (the SMTP server down, a 4xx answer): the row stays pending, to be tried again. */
export class DeliveryDeferred extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeliveryDeferred';
  }
}

interface OutboxRow {
  reminder_id: string;
  ente: string;
  deadline_id: string;
  step: string;
  audience: ReminderAudience;
  due_on: string;
  send_at: Date;
  status: string;
  policy_revision: number;
}

interface DeadlineRow {
  deadline_id: string;
  objective_id: string | null;
  code: string | null;
  title: string;
  kind: string;
  description: string;
  due_on: string | null;
  unit_id: string | null;
  open: boolean;
}

interface Recipient {
  personId: string;
  name: string;
  email?: string;
  channels: string[];
  copyOf?: string;
}

export interface ReminderSenderOptions {
  /** The link in each message points under it: `${baseUrl}/objectives/{id}`. */
  baseUrl: string;
  /** The host part of each Message-ID. */
  messageIdDomain: string;
  /**
   * How long a sender's claim on a reminder lasts: a sender killed mid-delivery holds it this long, after which
   * another delivers what was not marked sent. Longer than the mail transport's timeouts.
   */
  claimMs?: number;
}

/**
 * Delivers one reminder of the outbox, whichever sender asks (the in-process loop of the embedded default, or a
 * BullMQ job in apps/worker): it re-reads the row and its deadline, skips what is no longer due, finds who heads the
 * unit today, and hands each recipient's message to the channels they chose. Each (deadline, step, recipient) has one
 * row in rem_deliveries, claimed before the message leaves and marked sent after: a retry or a crash never sends what
 * was marked sent, and a message whose fate a crash left unknown goes again with the same Message-ID.
 */
export class ReminderSender {
  constructor(
    private readonly sql: SqlClient,
    private readonly mail: MailTransport,
    private readonly clock: Clock,
    private readonly options: ReminderSenderOptions,
  ) {}

  async deliver(reminderId: string): Promise<DeliveryOutcome> {
    const now = this.clock.now();
    const [row] = await this.sql.query<OutboxRow>(
      `SELECT reminder_id, ente, deadline_id, step, audience, to_char(due_on, 'YYYY-MM-DD') AS due_on, send_at, status, policy_revision
         FROM rem_outbox WHERE reminder_id = $1`,
      [reminderId],
    );
    if (!row || row.status !== 'pending') return { outcome: 'settled' };
    if (new Date(row.send_at).getTime() > now.getTime()) return { outcome: 'not-yet', at: new Date(row.send_at) };
    const organisation = await this.organisation(row.ente);
    const policy = policyOf(organisation);
    const today = romeDateOf(now);
    if (isQuietDay(today, policy.patronSaintDay)) {
      // Late (a worker or Redis was down): it still never goes out on a weekend or a holiday.
      const sendOn = workingDayFrom(today, policy.patronSaintDay);
      const at = sendInstant(sendOn, policy.sendHour);
      await this.sql.query(`UPDATE rem_outbox SET send_on = $2, send_at = $3, queued_at = NULL WHERE reminder_id = $1 AND status = 'pending'`, [
        reminderId,
        sendOn,
        at,
      ]);
      return { outcome: 'postponed', at };
    }
    const [claim] = await this.sql.query<{ reminder_id: string }>(
      `UPDATE rem_outbox SET claimed_until = clock_timestamp() + make_interval(secs => $2::double precision / 1000)
        WHERE reminder_id = $1 AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < clock_timestamp()) RETURNING reminder_id`,
      [reminderId, this.options.claimMs ?? 60_000],
    );
    if (!claim) return { outcome: 'busy' };
    try {
      // Every way out of deliverClaimed releases the claim in the statement that records its outcome.
      return await this.deliverClaimed(row, now, today, organisation);
    } catch (error) {
      if (!(error instanceof DeliveryDeferred)) {
        await this.sql.query(`UPDATE rem_outbox SET claimed_until = NULL WHERE reminder_id = $1`, [reminderId]).catch(() => undefined);
      }
      throw error;
    }
  }

  private async deliverClaimed(row: OutboxRow, now: Date, today: string, organisation: OrganisationState | undefined): Promise<DeliveryOutcome> {
    const reminderId = row.reminder_id;
    const [deadline] = await this.sql.query<DeadlineRow>(
      `SELECT deadline_id, objective_id::text AS objective_id, code, title, kind, description, to_char(due_on, 'YYYY-MM-DD') AS due_on, unit_id, open
         FROM rem_deadlines WHERE deadline_id = $1`,
      [row.deadline_id],
    );
    if (!deadline || !deadline.open) return this.settle(row, 'skipped', 'the deadline was met or cancelled');
    if (deadline.due_on !== row.due_on) return this.settle(row, 'skipped', `the deadline moved to ${deadline.due_on}`);
    // A later step for the same due date due as well, whatever became of it: pending, or already sent or failed by
    // another lane or worker (two steps of one deadline due at once are delivered side by side; looking at pending
    // ones only, the earlier would go out after the later one was settled). A step of an earlier due date (the
    // deadline moved since) says nothing of this one.
    const [later] = await this.sql.query<{ step: string }>(
      `SELECT step FROM rem_outbox
        WHERE deadline_id = $1 AND audience = $2 AND due_on = $5::date AND status IN ('pending', 'sent', 'failed') AND send_at > $3 AND send_at <= $4
        LIMIT 1`,
      [row.deadline_id, row.audience, row.send_at, now, row.due_on],
    );
    if (later) return this.settle(row, 'skipped', `a later reminder (${later.step}) is due as well: only that one goes out`);

    const recipients = this.recipients(row.audience, deadline.unit_id, today, organisation);
    if (recipients.length === 0) {
      return this.settle(
        row,
        'failed',
        `nobody to write to: ${row.audience === 'responsible' ? 'the unit is vacant and ' : ''}the reminder policy names no Segretario`,
      );
    }
    const unitName = deadline.unit_id ? organisation?.units[deadline.unit_id]?.name : undefined;
    const subject = {
      kind: deadline.kind,
      description: deadline.description,
      code: deadline.code,
      title: deadline.title,
      objectiveId: deadline.objective_id,
      dueOn: row.due_on,
      unitName,
    };
    let deferred: string | undefined;
    let sent = 0;
    /** Deliveries that left now: marked sent together with the row's outcome, in one transaction. */
    const leftNow: string[] = [];
    const refusals: string[] = [];
    for (const recipient of recipients) {
      const message = reminderMessage(subject, {
        recipientName: recipient.name,
        today,
        escalation: row.step.startsWith('escalation@'),
        copyOf: recipient.copyOf,
        baseUrl: this.options.baseUrl,
      });
      try {
        const result = await this.deliverTo(row, deadline, recipient, message);
        if (typeof result === 'object' && 'refused' in result) refusals.push(`${recipient.personId}: ${result.refused}`);
        else sent += 1;
        if (typeof result === 'object' && 'key' in result) leftNow.push(result.key);
      } catch (error) {
        if (!(error instanceof DeliveryDeferred)) throw error;
        deferred = error.message;
      }
    }
    if (deferred !== undefined) {
      await this.sql.transaction(async (tx) => {
        await this.markSent(tx, leftNow);
        await tx.query(`UPDATE rem_outbox SET attempts = attempts + 1, last_error = $2, claimed_until = NULL WHERE reminder_id = $1`, [reminderId, deferred]);
      });
      throw new DeliveryDeferred(deferred);
    }
    return sent > 0
      ? this.settle(row, 'sent', `${sent} of ${recipients.length} recipients`, leftNow)
      : this.settle(row, 'failed', `every recipient refused: ${refusals.join('; ')}`, leftNow);
  }

  private async markSent(tx: SqlQuery, keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await tx.query(`UPDATE rem_deliveries SET status = 'sent', sent_at = $2, error = NULL WHERE delivery_key = ANY($1::text[]) AND status = 'sending'`, [
      keys,
      this.clock.now(),
    ]);
  }

  /**
   * A reminder that kept failing (its retries are spent): every delivery not sent is marked failed with the error,
   * and the row leaves the queue for the dead-letter list.
   */
  async giveUp(reminderId: string, error: string): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.query(`UPDATE rem_deliveries SET status = 'failed', error = $2 WHERE reminder_id = $1 AND status = 'sending'`, [reminderId, error]);
      await tx.query(`UPDATE rem_outbox SET status = 'failed', outcome = $2, last_error = $2, settled_at = $3 WHERE reminder_id = $1 AND status = 'pending'`, [
        reminderId,
        error,
        this.clock.now(),
      ]);
    });
  }

  /**
   * `{ key }` when the message left now (marked sent with the row's outcome, in one transaction), 'before' when it
   * had left on an earlier attempt, `{ refused }` with the server's answer when it refused it for good.
   */
  private async deliverTo(
    row: OutboxRow,
    deadline: DeadlineRow,
    recipient: Recipient,
    message: { subject: string; text: string },
  ): Promise<{ key: string } | 'before' | { refused: string }> {
    const key = `${row.deadline_id}|${row.step}|${recipient.personId}`;
    const messageId = `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@${this.options.messageIdDomain}>`;
    const email = recipient.channels.includes('email') ? recipient.email : undefined;
    const inApp = recipient.channels.includes('in-app') || !email; // nobody is left without a channel
    const now = this.clock.now();
    const claimed = await this.sql.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO rem_deliveries (delivery_key, reminder_id, ente, deadline_id, step, person_id, email, channels, message_id, status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'sending', $10) ON CONFLICT (delivery_key) DO NOTHING`,
        [key, row.reminder_id, row.ente, row.deadline_id, row.step, recipient.personId, email ?? null, recipient.channels, messageId, now],
      );
      if (inApp) {
        await tx.query(
          `INSERT INTO rem_inbox (message_id, ente, person_id, deadline_id, objective_id, subject, body, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (message_id) DO NOTHING`,
          [messageId, row.ente, recipient.personId, row.deadline_id, deadline.objective_id, message.subject, message.text, now],
        );
      }
      const [delivery] = await tx.query<{ status: string }>(`SELECT status FROM rem_deliveries WHERE delivery_key = $1 FOR UPDATE`, [key]);
      return delivery.status;
    });
    if (claimed === 'sent') return 'before';
    if (claimed === 'failed') return { refused: 'refused on an earlier attempt' };
    if (email) {
      try {
        await this.mail.send({ to: email, subject: message.subject, text: message.text, messageId });
      } catch (error) {
        const text = error instanceof Error ? error.message : String(error);
        if (error instanceof MailRefused) {
          await this.sql.query(`UPDATE rem_deliveries SET status = 'failed', error = $2, attempts = attempts + 1 WHERE delivery_key = $1`, [key, text]);
          return { refused: text };
        }
        await this.sql.query(`UPDATE rem_deliveries SET attempts = attempts + 1, error = $2 WHERE delivery_key = $1`, [key, text]);
        throw new DeliveryDeferred(`${recipient.personId}: ${text}`);
      }
    }
    return { key };
  }

  /** Settles the row and, for a step of the overdue series of a deadline still open, writes the next one. */
  private async settle(row: OutboxRow, status: 'sent' | 'skipped' | 'failed', outcome: string, leftNow: string[] = []): Promise<DeliveryOutcome> {
    await this.sql.transaction(async (tx: SqlQuery) => {
      await this.markSent(tx, leftNow);
      const [settled] = await tx.query<{ reminder_id: string }>(
        `UPDATE rem_outbox SET status = $2, outcome = $3, settled_at = $4, claimed_until = NULL,
                last_error = CASE WHEN $2 = 'failed' THEN $3 ELSE last_error END
          WHERE reminder_id = $1 AND status = 'pending' RETURNING reminder_id`,
        [row.reminder_id, status, outcome, this.clock.now()],
      );
      const index = overdueIndexOf(row.step);
      if (!settled || index === undefined || status === 'skipped') return;
      // The series goes on under the policy in force now, not the one the row was written under: the deadlines
      // processor may have adopted another while this step was being delivered, and it does not look at this deadline
      // again until what it owes changes (its digest), so a step refused here would end the series.
      const [current] = await tx.query<{ state: OrganisationState; policy_revision: number }>(
        `SELECT state, policy_revision FROM rem_organisations WHERE ente = $1`,
        [row.ente],
      );
      const policyNow = policyOf(current?.state);
      const revisionNow = current?.policy_revision ?? -1;
      // The first step after today: a step sent late (the deadline found long overdue, an outage) does not make the
      // sender write, and send at once, every step missed since.
      const next = overdueStepAfter(row.due_on, policyNow, index, romeDateOf(this.clock.now()), row.audience);
      if (!next) return;
      // Written only while the deadline is still open at the same date, under the policy version just read. A row of
      // that name may be there already and never sent: superseded (a step of an earlier policy or date, named before
      // steps were numbered one after the other, or dropped when the deadline moved and came back), or pending. It is
      // brought back as the next step, as the deadlines processor does; left alone, the series would stop at it.
      await tx.query(
        `INSERT INTO rem_outbox (reminder_id, ente, deadline_id, step, audience, due_on, send_on, send_at, policy_revision, status)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending'
          WHERE EXISTS (SELECT 1 FROM rem_deadlines d WHERE d.deadline_id = $3 AND d.open AND d.due_on = $6::date)
            AND COALESCE((SELECT o.policy_revision FROM rem_organisations o WHERE o.ente = $2), -1) = $9
         ON CONFLICT (reminder_id) DO UPDATE SET status = 'pending', send_on = excluded.send_on, send_at = excluded.send_at,
                policy_revision = excluded.policy_revision, queued_at = CASE WHEN rem_outbox.send_at = excluded.send_at THEN rem_outbox.queued_at END
          WHERE rem_outbox.status IN ('pending', 'superseded')`,
        [
          reminderIdOf(row.deadline_id, next.step),
          row.ente,
          row.deadline_id,
          next.step,
          row.audience,
          row.due_on,
          next.sendOn,
          sendInstant(next.sendOn, policyNow.sendHour),
          revisionNow,
        ],
      );
    });
    if (status === 'sent') return { outcome: 'sent', recipients: Number(/^\d+/.exec(outcome)?.[0] ?? 0) };
    return status === 'skipped' ? { outcome: 'skipped', reason: outcome } : { outcome: 'failed', reason: outcome };
  }

  /** The head of the unit today (a vacant unit: the Segretario), with their delegates in copy; or the Segretario; or the NdV. */
  private recipients(audience: ReminderAudience, unitId: string | null, today: string, organisation: OrganisationState | undefined): Recipient[] {
    if (!organisation) return [];
    const policy = policyOf(organisation);
    const person = (personId: string, copyOf?: string): Recipient[] => {
      const p = organisation.people[personId];
      if (!p) return [];
      const preferences = organisation.reminderPreferences?.[personId] ?? DEFAULT_REMINDER_PREFERENCES;
      return [{ personId, name: p.name, email: p.email, channels: preferences.channels, copyOf }];
    };
    const segretario = policy.segretarioPersonId ? person(policy.segretarioPersonId) : [];
    if (audience === 'segretario') return segretario;
    if (audience === 'nucleo') {
      const nucleo = (policy.nucleoPersonIds ?? []).flatMap((id) => person(id));
      return nucleo.length > 0 ? nucleo : segretario;
    }
    const head = unitId ? headOf(organisation, unitId, today) : undefined;
    if (!head) return segretario;
    const preferences = organisation.reminderPreferences?.[head] ?? DEFAULT_REMINDER_PREFERENCES;
    const headName = organisation.people[head]?.name ?? head;
    return [...person(head), ...preferences.copyTo.filter((id) => id !== head).flatMap((id) => person(id, headName))];
  }

  private async organisation(ente: string): Promise<OrganisationState | undefined> {
    const [row] = await this.sql.query<{ state: OrganisationState }>(`SELECT state FROM rem_organisations WHERE ente = $1`, [ente]);
    return row?.state;
  }
}
