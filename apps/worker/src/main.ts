import 'reflect-metadata';
import { type LogLevel, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfigOrExit } from '@piao/config';
import { testClockFrom } from './test-clock';
import { WorkerModule } from './worker.module';

/**
 * The worker (`npm run worker`): sends the reminders of the outbox through a BullMQ queue in Redis, and builds the
 * audit dossiers through another (docs/audit.md), beside
 * an API (and projector) sharing its database. REDIS_URL is required; so is a database other processes can reach
 * (PostgreSQL), since the API writes the outbox (through its processors, or the projector's) and the worker reads it.
 *
 * It runs no processor unless its own environment says RUN_PROCESSORS=true (the default of the setting, true, is the
 * API's): then it follows the log too, as a projector would, and the leases keep one instance of each processor active.
 *
 * SIGTERM / SIGINT: the dispatcher stops, the workers take no new job and finish the active ones, then the
 * connections close (Nest's shutdown hooks); nothing is lost, since whatever was not done stays in Redis and the outbox.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const problems: string[] = [];
  if (!config.REDIS_URL) problems.push('REDIS_URL: required by the reminder worker (e.g. redis://localhost:6379)');
  if (config.EVENT_STORE === 'pglite' || (config.EVENT_STORE === 'eventstoredb' && !config.DATABASE_URL)) {
    problems.push('EVENT_STORE/DATABASE_URL: the worker shares the database of the API, so it needs PostgreSQL (EVENT_STORE=postgres, or DATABASE_URL)');
  }
  const clock = testClockFrom(process.env, config.NODE_ENV);
  if (typeof clock === 'string') problems.push(clock);
  if (problems.length > 0) {
    // One line, as loadConfigOrExit prints it: what the service's journal shows of a process that will not start.
    console.error(new ConfigError(problems).message);
    process.exit(78); // EX_CONFIG
  }
  const app = await NestFactory.createApplicationContext(
    WorkerModule.forRoot(config, { runProcessors: process.env.RUN_PROCESSORS === 'true', clock: clock as Exclude<typeof clock, string> }),
    { logger: nestLogLevels(config.LOG_LEVEL), abortOnError: false },
  );
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.init();
}

function nestLogLevels(level: string): LogLevel[] | false {
  if (level === 'silent') return false;
  const order: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  const upTo = { silent: -1, fatal: 0, error: 1, warn: 2, info: 3, debug: 4, trace: 5 }[level] ?? 3;
  return order.slice(0, upTo + 1);
}

void main().catch((error: unknown) => {
  new Logger('ReminderWorker').error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
