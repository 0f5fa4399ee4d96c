import { ApiProperty } from '@nestjs/swagger';
import { DEADLINE_KINDS, REMINDER_CHANNELS, type ReminderChannel } from '@piao/lifecycle';
import { DEADLINE_STATUSES, type DeadlineStatus } from '@piao/reminders';
import { GiuntaActDto } from '../commands/command-options.dto';
import { nullableRef } from '../openapi/schema-shapes';
import { ReminderPolicyDto } from './reminders.dto';

/**
 * The answers of the reminders' routes (docs/reminders.md): the policy and the preferences (commands on the
 * organisation stream), the ente's deadlines, the in-app inbox, the calendar feed's URL, the reminders' dead letters.
 */

/** Who a deadline or a reminder is for: the responsible unit's head, the Segretario (the plan's, escalations), the NdV. */
const AUDIENCES = ['responsible', 'segretario', 'nucleo'] as const;
const OBJECTIVE_ID = '0b6f3a52-8c1e-4d7a-9f3b-2e5c4a1d7b90';
const PLAN_ID = '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b';
const DEADLINE_ID = `${OBJECTIVE_ID}/phase-end/f1`;
const CURSOR = 'WyIyMDI1LTA3LTMxIiwiMGI2ZjNhNTIvcGhhc2UtZW5kL2YyIl0';
const POSITION = {
  description: 'The position in the global log the command was recorded at: pass it as `after=` to a query to read your own write',
  example: '748/12',
};

/** The recorded reminder policy: read back, it can be sent to PUT as it is. */
export class ReminderPolicyView {
  @ApiProperty({ type: ReminderPolicyDto, description: 'The policy in force (the default until one is adopted)' })
  policy!: ReminderPolicyDto;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'The revision of the organisation stream that adopted it; null for the default',
    example: 14,
  })
  version!: number | null;

  @ApiProperty({ description: 'true while no policy has been adopted: the default applies', example: false })
  default!: boolean;

  @ApiProperty({
    type: String,
    format: 'date',
    nullable: true,
    description: 'The business date of the adoption (its act’s date by default)',
    example: '2025-02-01',
  })
  adoptedOn!: string | null;

  @ApiProperty(nullableRef(GiuntaActDto, 'The act that adopted it; null: none was given'))
  act!: GiuntaActDto | null;

  @ApiProperty({
    type: 'integer',
    minimum: -1,
    description: "The organisation stream's revision now, to send as `expectedRevision` (-1: the ente has no organisation yet)",
    example: 14,
  })
  revision!: number;
}

/** A policy just adopted: a new version. */
export class ReminderPolicyAdoptedResult {
  @ApiProperty({ type: ReminderPolicyDto, description: 'The policy adopted, as recorded' })
  policy!: ReminderPolicyDto;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Its version: the revision of the organisation stream that recorded it', example: 15 })
  version!: number;

  @ApiProperty({ description: 'Always false: an adopted policy is no longer the default', example: false })
  default!: boolean;

  @ApiProperty({ type: 'integer', minimum: 0, description: "The organisation stream's revision after the command", example: 15 })
  revision!: number;

  @ApiProperty({ type: String, nullable: true, ...POSITION })
  position!: string | null;

  @ApiProperty({ type: [String], description: 'The types of the events the command recorded', example: ['ReminderPolicyAdopted'] })
  recorded!: string[];
}

/** How a person hears about their deadlines. */
export class ReminderPreferencesView {
  @ApiProperty({ description: 'The person (`me` resolved to the token’s subject)', example: 'comune-a:dir' })
  personId!: string;

  @ApiProperty({ enum: REMINDER_CHANNELS, isArray: true, description: 'The channels reminders go through', example: ['email', 'in-app'] })
  channels!: ReminderChannel[];

  @ApiProperty({ type: [String], description: 'People of the ente copied on every reminder (delegates)', example: ['comune-a:vice'] })
  copyTo!: string[];

  @ApiProperty({ description: 'true while the person has set none: e-mail and in-app, nobody in copy', example: false })
  default!: boolean;
}

/** Preferences just set. */
export class ReminderPreferencesSetResult extends ReminderPreferencesView {
  @ApiProperty({ type: 'integer', minimum: 0, description: "The organisation stream's revision after the command", example: 16 })
  revision!: number;

  @ApiProperty({ type: String, nullable: true, ...POSITION })
  position!: string | null;

  @ApiProperty({ type: [String], description: 'The types of the events the command recorded', example: ['ReminderPreferencesSet'] })
  recorded!: string[];
}

/** A deadline: dated (`dueOn`) or given by the plan only in words (`periodText`). */
export class DeadlineView {
  @ApiProperty({
    description: 'Stable id: `{objectiveId}/{kind}/{ref}` or `plan/{planId}/{kind}/{year}` (the UID of its calendar event)',
    example: DEADLINE_ID,
  })
  deadlineId!: string;

  @ApiProperty({ example: PLAN_ID })
  planId!: string;

  @ApiProperty({ type: String, nullable: true, description: "null for the plan's own deadlines", example: OBJECTIVE_ID })
  objectiveId!: string | null;

  @ApiProperty({ type: String, nullable: true, description: "The objective's code", example: 'S08_01' })
  code!: string | null;

  @ApiProperty({ description: "The objective's or the plan's title", example: 'Sostegno alle famiglie' })
  title!: string;

  @ApiProperty({ enum: DEADLINE_KINDS, example: 'phase-end' })
  kind!: string;

  @ApiProperty({ description: 'The phase or indicator id, the monitoring date, or the year', example: 'f1' })
  ref!: string;

  @ApiProperty({ description: 'What is due', example: 'Analisi dei bisogni' })
  description!: string;

  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'null: the plan gave no date (see `periodText`)', example: '2025-06-30' })
  dueOn!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The period as the plan wrote it: of an undated deadline, or the one `dueOn` was read from ("II trim" → 30/06)',
    example: null,
  })
  periodText!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The responsible unit; null for the plan’s own deadlines', example: 'welfare' })
  unitId!: string | null;

  @ApiProperty({ type: String, nullable: true, description: "The unit's name in the organisation", example: 'Settore Welfare' })
  unitName!: string | null;

  @ApiProperty({ enum: AUDIENCES, description: 'Who is written to about it', example: 'responsible' })
  audience!: string;

  @ApiProperty({ description: 'Still owed (false: met, moved away or cancelled)', example: true })
  open!: boolean;

  @ApiProperty({ description: 'Open and due before today (Italian date)', example: false })
  overdue!: boolean;
}

/** The ente's deadlines: dated by due date, undated apart; each list pages on its own. */
export class DeadlinesView {
  @ApiProperty({ format: 'date', description: '"Today" in Italy, against which `overdue` is judged', example: '2025-06-30' })
  on!: string;

  @ApiProperty({ enum: DEADLINE_STATUSES, example: 'open' })
  status!: DeadlineStatus;

  @ApiProperty({ type: [DeadlineView], description: 'Dated deadlines, by due date then id' })
  items!: DeadlineView[];

  @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page of `items` (`cursor=`); null on the last', example: CURSOR })
  next!: string | null;

  @ApiProperty({ type: [DeadlineView], description: 'Deadlines the plan gave only in words ("II semestre 2025"): no reminder goes out for them' })
  undated!: DeadlineView[];

  @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page of `undated` (`undatedCursor=`); null on the last', example: null })
  undatedNext!: string | null;
}

/** A reminder in the in-app inbox. */
export class InboxMessageView {
  @ApiProperty({
    description: 'The message id (the Message-ID of the e-mail of the same reminder)',
    example: '<3f2a9c0e5b7d41a8c6e0f19b2d4a7e53@piao.example.it>',
  })
  messageId!: string;

  @ApiProperty({ example: DEADLINE_ID })
  deadlineId!: string;

  @ApiProperty({ type: String, nullable: true, example: OBJECTIVE_ID })
  objectiveId!: string | null;

  @ApiProperty({ example: 'Scade oggi: fase "Analisi dei bisogni" (S08_01 – Sostegno alle famiglie)' })
  subject!: string;

  @ApiProperty({
    description: 'The text, with the link to the objective',
    example:
      'Gentile Dirigente Welfare,\n\nti ricordiamo la scadenza seguente:\n\nObiettivo: S08_01 – Sostegno alle famiglie\nFase: Analisi dei bisogni\nScadenza: 30/06/2025\nScade oggi.',
  })
  body!: string;

  @ApiProperty({ format: 'date-time', example: '2025-06-30T06:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When first marked read; null while unread', example: null })
  readAt!: string | null;
}

export class InboxPageView {
  @ApiProperty({ type: [InboxMessageView], description: 'Newest first' })
  items!: InboxMessageView[];

  @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page (`cursor=`); null on the last', example: null })
  next!: string | null;
}

export class UnreadCountView {
  @ApiProperty({ type: 'integer', description: 'Unread in-app reminders', minimum: 0, example: 1 })
  unread!: number;
}

export class CalendarFeedView {
  @ApiProperty({
    description: 'The secret URL of my deadlines calendar, to subscribe to (shown once: only its hash is kept)',
    example: 'https://performance.comune.example.it/calendar/k3J9x2QeVt7mWz0aLpN4sR8uYb6cHd1fGh5Jk7Lm9Np.ics',
  })
  url!: string;
}

/** A reminder given up: nobody could be written to, or its retries ran out. */
export class FailedReminderView {
  @ApiProperty({ example: '9d2c41f07a3b5e8c6d1f0a2b4c6e8f0a1b3c5d7e' })
  reminderId!: string;

  @ApiProperty({ example: DEADLINE_ID })
  deadlineId!: string;

  @ApiProperty({
    description: 'The step of the policy: `before-{days}@{dueOn}`, `on-the-day@…`, `overdue-{n}@…` (the n-th reminder while overdue), `escalation@…`',
    example: 'before-7@2025-06-30',
  })
  step!: string;

  @ApiProperty({ enum: AUDIENCES, example: 'responsible' })
  audience!: string;

  @ApiProperty({ format: 'date', example: '2025-06-30' })
  dueOn!: string;

  @ApiProperty({ format: 'date-time', description: 'When it was to go out', example: '2025-06-23T06:00:00.000Z' })
  sendAt!: string;

  @ApiProperty({ type: 'integer', minimum: 0, example: 5 })
  attempts!: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why it was given up',
    example: 'nobody to write to: the unit has no head and the policy names no Segretario',
  })
  error!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2025-06-23T06:20:00.000Z' })
  failedAt!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The deadline’s, while it is known', example: OBJECTIVE_ID })
  objectiveId!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'S08_01' })
  code!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Sostegno alle famiglie' })
  title!: string | null;

  @ApiProperty({ type: String, enum: DEADLINE_KINDS, nullable: true, example: 'phase-end' })
  kind!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Analisi dei bisogni' })
  description!: string | null;
}

/** One recipient's copy of a reminder that could not be delivered. */
export class FailedDeliveryView {
  @ApiProperty({ example: '5e1b7c9d0f2a4c6e8a0b2d4f6a8c0e2b4d6f8a0c' })
  deliveryKey!: string;

  @ApiProperty({ example: '9d2c41f07a3b5e8c6d1f0a2b4c6e8f0a1b3c5d7e' })
  reminderId!: string;

  @ApiProperty({ example: DEADLINE_ID })
  deadlineId!: string;

  @ApiProperty({ example: 'before-7@2025-06-30' })
  step!: string;

  @ApiProperty({ description: 'The recipient', example: 'comune-a:dir' })
  personId!: string;

  @ApiProperty({ type: String, nullable: true, example: 'dirigente.welfare@comune.example.it' })
  email!: string | null;

  @ApiProperty({ enum: REMINDER_CHANNELS, isArray: true, example: ['email', 'in-app'] })
  channels!: string[];

  @ApiProperty({ type: 'integer', minimum: 0, example: 5 })
  attempts!: number;

  @ApiProperty({ type: String, nullable: true, example: '550 5.1.1 mailbox unavailable' })
  error!: string | null;

  @ApiProperty({ format: 'date-time', example: '2025-06-23T06:00:00.000Z' })
  createdAt!: string;
}

/** The ente's reminders given up and undelivered copies, each list newest first and paged on its own. */
export class ReminderDeadLettersView {
  @ApiProperty({ type: [FailedReminderView] })
  reminders!: FailedReminderView[];

  @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page of `reminders` (`cursor=`)', example: null })
  next!: string | null;

  @ApiProperty({ type: [FailedDeliveryView] })
  deliveries!: FailedDeliveryView[];

  @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page of `deliveries` (`deliveriesCursor=`)', example: null })
  deliveriesNext!: string | null;
}
