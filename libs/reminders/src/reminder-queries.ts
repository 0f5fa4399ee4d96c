import { type Clock } from '@piao/application';
import { type SqlClient } from '@piao/event-store';

export const DEADLINE_STATUSES = ['open', 'closed', 'all'] as const;
export type DeadlineStatus = (typeof DEADLINE_STATUSES)[number];

export interface DeadlineFilters {
  /** Open (still owed), closed (met, moved away or cancelled) or both. */
  status: DeadlineStatus;
  unitId?: string;
  kind?: string;
  /** Dated deadlines only: due on or after / on or before (YYYY-MM-DD). */
  from?: string;
  to?: string;
}

/** A deadline as the Segretario lists it: dated (`dueOn`) or given by the plan only in words (`periodText`). */
export interface DeadlineItem {
  deadlineId: string;
  planId: string;
  objectiveId: string | null;
  code: string | null;
  title: string;
  kind: string;
  ref: string;
  description: string;
  dueOn: string | null;
  periodText: string | null;
  unitId: string | null;
  audience: string;
  open: boolean;
}

/** Keyset of the dated list: (due date, deadline id) of the last row of the previous page. */
export interface DatedCursor {
  dueOn: string;
  deadlineId: string;
}

/** Keyset of the undated list: (code, deadline id) of the last row of the previous page. */
export interface UndatedCursor {
  code: string;
  deadlineId: string;
}

/** Keyset of a list newest first: the instant (microseconds since 1970) and id of the last row of the previous page. */
export interface TimeCursor {
  atMicros: string;
  id: string;
}

export interface Page<T, C> {
  items: T[];
  next?: C;
}

/** A reminder of the outbox given up: nobody could be written to, or its retries ran out. */
export interface FailedReminder {
  reminderId: string;
  deadlineId: string;
  step: string;
  audience: string;
  dueOn: string;
  sendAt: string;
  attempts: number;
  error: string | null;
  failedAt: string | null;
  objectiveId: string | null;
  code: string | null;
  title: string | null;
  kind: string | null;
  description: string | null;
}

/** One recipient's copy of a reminder that could not be delivered (a mailbox refused it, or retries ran out). */
export interface FailedDelivery {
  deliveryKey: string;
  reminderId: string;
  deadlineId: string;
  step: string;
  personId: string;
  email: string | null;
  channels: string[];
  attempts: number;
  error: string | null;
  createdAt: string;
}

export interface InboxMessage {
  messageId: string;
  deadlineId: string;
  objectiveId: string | null;
  subject: string;
  body: string;
  createdAt: string;
  readAt: string | null;
}

const DEADLINE_COLUMNS = `deadline_id AS "deadlineId", plan_id AS "planId", objective_id::text AS "objectiveId", code, title, kind, ref, description,
  to_char(due_on, 'YYYY-MM-DD') AS "dueOn", period_text AS "periodText", unit_id AS "unitId", audience, open`;

/** An instant as ISO 8601 in UTC, the same from PostgreSQL and PGlite. */
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** An instant as whole microseconds since 1970: exact, so that a keyset cursor finds its row again. */
const micros = (column: string) => `(extract(epoch FROM ${column}) * 1000000)::bigint::text`;
const fromMicros = (param: string) => `(timestamptz 'epoch' + ${param}::bigint * interval '1 microsecond')`;

/**
 * The reminders' reads for the API, each scoped to one ente (and, for the inbox, to one person): the ente's
 * deadlines, dated and undated; the reminders given up (dead letters); a person's in-app messages.
 */
export class ReminderQueries {
  constructor(
    private readonly sql: SqlClient,
    private readonly clock: Clock,
  ) {}

  /** Dated deadlines by due date (then id), filtered, one page. */
  async datedDeadlines(ente: string, filters: DeadlineFilters, after: DatedCursor | undefined, limit: number): Promise<Page<DeadlineItem, DatedCursor>> {
    const { where, params, add } = deadlineWhere(ente, filters);
    where.push('due_on IS NOT NULL');
    if (filters.from) add((n) => `due_on >= ${n}::date`, filters.from);
    if (filters.to) add((n) => `due_on <= ${n}::date`, filters.to);
    if (after) {
      params.push(after.dueOn, after.deadlineId);
      where.push(`(due_on, deadline_id) > ($${params.length - 1}::date, $${params.length})`);
    }
    params.push(limit + 1);
    const rows = await this.sql.query<DeadlineItem>(
      `SELECT ${DEADLINE_COLUMNS} FROM rem_deadlines WHERE ${where.join(' AND ')} ORDER BY due_on, deadline_id LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items, next: rows.length > limit && last ? { dueOn: last.dueOn!, deadlineId: last.deadlineId } : undefined };
  }

  /** Deadlines the plan gave only in words ("II trimestre"): no reminder goes out for them. By code, then id. */
  async undatedDeadlines(
    ente: string,
    filters: Omit<DeadlineFilters, 'from' | 'to'>,
    after: UndatedCursor | undefined,
    limit: number,
  ): Promise<Page<DeadlineItem, UndatedCursor>> {
    const { where, params } = deadlineWhere(ente, filters);
    where.push('due_on IS NULL', 'period_text IS NOT NULL');
    if (after) {
      params.push(after.code, after.deadlineId);
      where.push(`(COALESCE(code, ''), deadline_id) > ($${params.length - 1}, $${params.length})`);
    }
    params.push(limit + 1);
    const rows = await this.sql.query<DeadlineItem>(
      `SELECT ${DEADLINE_COLUMNS} FROM rem_deadlines WHERE ${where.join(' AND ')} ORDER BY COALESCE(code, ''), deadline_id LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items, next: rows.length > limit && last ? { code: last.code ?? '', deadlineId: last.deadlineId } : undefined };
  }

  /** The ente's reminders given up (outbox rows `failed`), newest first. */
  async failedReminders(ente: string, after: TimeCursor | undefined, limit: number): Promise<Page<FailedReminder, TimeCursor>> {
    const at = 'COALESCE(o.settled_at, o.send_at)';
    const params: unknown[] = [ente];
    let keyset = '';
    if (after) {
      params.push(after.atMicros, after.id);
      keyset = `AND (${at}, o.reminder_id) < (${fromMicros(`$${params.length - 1}`)}, $${params.length})`;
    }
    params.push(limit + 1);
    const rows = await this.sql.query<FailedReminder & { at_micros: string }>(
      `SELECT o.reminder_id AS "reminderId", o.deadline_id AS "deadlineId", o.step, o.audience, to_char(o.due_on, 'YYYY-MM-DD') AS "dueOn",
              ${iso('o.send_at')} AS "sendAt", o.attempts, COALESCE(o.last_error, o.outcome) AS error, ${iso('o.settled_at')} AS "failedAt",
              d.objective_id::text AS "objectiveId", d.code, d.title, d.kind, d.description, ${micros(at)} AS at_micros
         FROM rem_outbox o LEFT JOIN rem_deadlines d ON d.deadline_id = o.deadline_id
        WHERE o.ente = $1 AND o.status = 'failed' ${keyset}
        ORDER BY ${at} DESC, o.reminder_id DESC LIMIT $${params.length}`,
      params,
    );
    return timePage(rows, limit, (r) => r.reminderId);
  }

  /** The ente's undelivered copies (rem_deliveries `failed`), newest first. */
  async failedDeliveries(ente: string, after: TimeCursor | undefined, limit: number): Promise<Page<FailedDelivery, TimeCursor>> {
    const params: unknown[] = [ente];
    let keyset = '';
    if (after) {
      params.push(after.atMicros, after.id);
      keyset = `AND (created_at, delivery_key) < (${fromMicros(`$${params.length - 1}`)}, $${params.length})`;
    }
    params.push(limit + 1);
    const rows = await this.sql.query<FailedDelivery & { at_micros: string }>(
      `SELECT delivery_key AS "deliveryKey", reminder_id AS "reminderId", deadline_id AS "deadlineId", step, person_id AS "personId", email, channels,
              attempts, error, ${iso('created_at')} AS "createdAt", ${micros('created_at')} AS at_micros
         FROM rem_deliveries WHERE ente = $1 AND status = 'failed' ${keyset}
        ORDER BY created_at DESC, delivery_key DESC LIMIT $${params.length}`,
      params,
    );
    return timePage(rows, limit, (r) => r.deliveryKey);
  }

  /** A person's in-app messages, newest first. */
  async inbox(ente: string, personId: string, after: TimeCursor | undefined, limit: number): Promise<Page<InboxMessage, TimeCursor>> {
    const params: unknown[] = [ente, personId];
    let keyset = '';
    if (after) {
      params.push(after.atMicros, after.id);
      keyset = `AND (created_at, message_id) < (${fromMicros(`$${params.length - 1}`)}, $${params.length})`;
    }
    params.push(limit + 1);
    const rows = await this.sql.query<InboxMessage & { at_micros: string }>(
      `SELECT ${INBOX_COLUMNS}, ${micros('created_at')} AS at_micros
         FROM rem_inbox WHERE ente = $1 AND person_id = $2 ${keyset}
        ORDER BY created_at DESC, message_id DESC LIMIT $${params.length}`,
      params,
    );
    return timePage(rows, limit, (r) => r.messageId);
  }

  async unreadCount(ente: string, personId: string): Promise<number> {
    const [row] = await this.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM rem_inbox WHERE ente = $1 AND person_id = $2 AND read_at IS NULL`, [
      ente,
      personId,
    ]);
    return row?.n ?? 0;
  }

  /**
   * Marks one of the person's own messages read (once: reading it again keeps the first time). Undefined when the
   * person has no such message, whoever else might.
   */
  async markRead(ente: string, personId: string, messageId: string): Promise<InboxMessage | undefined> {
    const [row] = await this.sql.query<InboxMessage>(
      `UPDATE rem_inbox SET read_at = COALESCE(read_at, $4) WHERE ente = $1 AND person_id = $2 AND message_id = $3 RETURNING ${INBOX_COLUMNS}`,
      [ente, personId, messageId, this.clock.now()],
    );
    return row;
  }
}

const INBOX_COLUMNS = `message_id AS "messageId", deadline_id AS "deadlineId", objective_id::text AS "objectiveId", subject, body,
  ${iso('created_at')} AS "createdAt", ${iso('read_at')} AS "readAt"`;

function deadlineWhere(ente: string, filters: Omit<DeadlineFilters, 'from' | 'to'>) {
  const where = ['ente = $1'];
  const params: unknown[] = [ente];
  const add = (clause: (n: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (filters.status === 'open') where.push('open');
  else if (filters.status === 'closed') where.push('NOT open');
  if (filters.unitId) add((n) => `unit_id = ${n}`, filters.unitId);
  if (filters.kind) add((n) => `kind = ${n}`, filters.kind);
  return { where, params, add };
}

function timePage<T extends { at_micros: string }>(rows: T[], limit: number, idOf: (row: T) => string): Page<Omit<T, 'at_micros'>, TimeCursor> {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => {
      const item: Partial<T> = { ...row };
      delete item.at_micros;
      return item as Omit<T, 'at_micros'>;
    }),
    next: rows.length > limit && last ? { atMicros: last.at_micros, id: idOf(last) } : undefined,
  };
}
