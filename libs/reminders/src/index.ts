export { RemindersModule, REMINDERS_OPTIONS, MAIL_TRANSPORT, type RemindersOptions } from './reminders.module';
export { DeadlinesProcessor, DEADLINES } from './deadlines/deadlines.processor';
export { reminderIdOf } from './deadlines/deadlines.projection';
export { REMINDER_MIGRATIONS } from './reminder.migrations';
export { ReminderSender, DeliveryDeferred, type DeliveryOutcome } from './sending/reminder-sender';
export { InProcessReminderSender, REMINDER_SENDER, retryDelayMs } from './sending/in-process-sender';
export { openMailTransport, MailRefused, type MailTransport, type MailSettings, type OutgoingMail } from './sending/mail-transport';
export {
  ReminderQueries,
  DEADLINE_STATUSES,
  type DeadlineStatus,
  type DeadlineFilters,
  type DeadlineItem,
  type DatedCursor,
  type UndatedCursor,
  type TimeCursor,
  type Page,
  type FailedReminder,
  type FailedDelivery,
  type InboxMessage,
} from './reminder-queries';
export { CalendarFeeds, type FeedOwner } from './calendar/calendar-feed';
export * from './queue/reminder-queue';
export { reminderLag, type ReminderLag } from './reminder-lag';
