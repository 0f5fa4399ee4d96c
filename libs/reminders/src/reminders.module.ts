import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Global, Inject, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { CLOCK, ProcessorsHost, type Clock } from '@piao/application';
import { PROCESSOR_STORE, type ProcessorStore, type SqlClient } from '@piao/event-store';
import { DeadlinesProcessor } from './deadlines/deadlines.processor';
import { REMINDER_MIGRATIONS } from './reminder.migrations';
import { openMailTransport, type MailSettings, type MailTransport } from './sending/mail-transport';
import { InProcessReminderSender } from './sending/in-process-sender';
import { ReminderSender } from './sending/reminder-sender';
import { ReminderQueries } from './reminder-queries';
import { CalendarFeeds } from './calendar/calendar-feed';

export interface RemindersOptions {
  sql: SqlClient;
  mail: MailSettings;
  /** Links in messages and calendar feed URLs start with it. */
  baseUrl: string;
  /** Sends from the outbox in this process (the embedded default, no Redis); apps/worker does it otherwise. */
  sendInProcess: boolean;
  pollMs: number;
  maxAttempts: number;
  /** How long a sender's claim on a reminder lasts (see ReminderSenderOptions.claimMs). */
  claimMs: number;
  /** Reminders the in-process sender delivers side by side. */
  concurrency: number;
  leaseMs: number;
}

export const REMINDERS_OPTIONS = Symbol('RemindersOptions');
export const MAIL_TRANSPORT = Symbol('MailTransport');

/**
 * The deadlines processor (registered with the application's processors), the reminder sender and, on the embedded
 * default, the loop that sends from the outbox in this process.
 */
@Global()
@Module({})
export class RemindersModule implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Reminders');

  constructor(
    private readonly host: ProcessorsHost,
    @Inject(REMINDERS_OPTIONS) private readonly options: RemindersOptions,
    @Inject(InProcessReminderSender) private readonly inProcess: InProcessReminderSender,
    @Inject(MAIL_TRANSPORT) private readonly mail: MailTransport,
  ) {}

  static forRootAsync(options: { useFactory: (...deps: never[]) => Promise<RemindersOptions>; inject?: (string | symbol)[] }): DynamicModule {
    return {
      module: RemindersModule,
      providers: [
        {
          provide: REMINDERS_OPTIONS,
          useFactory: async (...deps: never[]) => {
            const resolved = await options.useFactory(...deps);
            await resolved.sql.migrate(REMINDER_MIGRATIONS);
            return resolved;
          },
          inject: options.inject ?? [],
        },
        { provide: MAIL_TRANSPORT, useFactory: (o: RemindersOptions) => openMailTransport(o.mail), inject: [REMINDERS_OPTIONS] },
        {
          provide: ReminderSender,
          useFactory: (o: RemindersOptions, mail: MailTransport, clock: Clock) =>
            new ReminderSender(o.sql, mail, clock, { baseUrl: o.baseUrl, messageIdDomain: new URL(o.baseUrl).hostname || 'localhost', claimMs: o.claimMs }),
          inject: [REMINDERS_OPTIONS, MAIL_TRANSPORT, CLOCK],
        },
        {
          provide: InProcessReminderSender,
          useFactory: (o: RemindersOptions, sender: ReminderSender, store: ProcessorStore, clock: Clock) =>
            new InProcessReminderSender(sender, o.sql, store, clock, {
              holder: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
              leaseMs: o.leaseMs,
              pollMs: o.pollMs,
              maxAttempts: o.maxAttempts,
              concurrency: o.concurrency,
              onError: (error) => new Logger('Reminders').error(`sender: ${error instanceof Error ? error.message : String(error)}`),
            }),
          inject: [REMINDERS_OPTIONS, ReminderSender, PROCESSOR_STORE, CLOCK],
        },
        { provide: ReminderQueries, useFactory: (o: RemindersOptions, clock: Clock) => new ReminderQueries(o.sql, clock), inject: [REMINDERS_OPTIONS, CLOCK] },
        {
          provide: CalendarFeeds,
          useFactory: (o: RemindersOptions, clock: Clock) => new CalendarFeeds(o.sql, clock, { baseUrl: o.baseUrl }),
          inject: [REMINDERS_OPTIONS, CLOCK],
        },
      ],
      exports: [REMINDERS_OPTIONS, MAIL_TRANSPORT, ReminderSender, InProcessReminderSender, ReminderQueries, CalendarFeeds],
    };
  }

  onModuleInit(): void {
    this.host.register(new DeadlinesProcessor());
  }

  onApplicationBootstrap(): void {
    if (!this.options.sendInProcess) return;
    this.logger.log(
      `sending reminders in this process (no REDIS_URL), e-mail ${this.options.mail.smtpUrl ? 'through SMTP' : `to ${this.options.mail.folder}`}`,
    );
    this.inProcess.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.inProcess.stop();
    this.mail.close();
  }
}
