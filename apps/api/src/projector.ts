import 'reflect-metadata';
import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SingleBar } from 'cli-progress';
import { CLOCK, ProcessorsHost, type Clock } from '@piao/application';
import { EVENT_STORE, PROCESSOR_STORE, type EventStore, type ProcessorStore, type SqlClient } from '@piao/event-store';
import { READ_MODEL_SQL, rebuildReadModels } from '@piao/read-models';
import { loadConfigOrExit } from '@piao/config';
import { DataFolderLocked } from '@piao/storage';
import { ProcessingModule } from './processing.module';

/**
 * The processors as their own process (`npm run projector`), for when the API runs with RUN_PROCESSORS=false: the
 * read models, the plan processor, and the retention of command records. Several projectors may run: each
 * processor's lease keeps one active and the others waiting to take over.
 *
 * With `--rebuild` (`npm run read-models:rebuild`) it rebuilds the read models beside the live ones, with a progress
 * bar, switches them in and exits; the API keeps answering meanwhile. PGlite belongs to one process: with it, ask
 * the running API instead (POST /admin/read-models/rebuild).
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const rebuild = process.argv.includes('--rebuild');
  const app = await NestFactory.createApplicationContext(ProcessingModule.forRoot(config, { runProcessors: !rebuild }), {
    logger: ['error', 'warn', 'log'],
    abortOnError: false,
  });
  const logger = new Logger('Projector');

  if (!rebuild) {
    await app.init();
    logger.log(`running the processors ${app.get(ProcessorsHost).names().join(', ')}`);
    // Stopping lets each processor finish its batch and release its lease, for a standby to take over at once.
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void app.close().then(() => process.exit(0)));
    return;
  }
  const events = app.get<EventStore>(EVENT_STORE);
  const total = await events.countAfter({ commit: -1n, prepare: -1n }, Number.MAX_SAFE_INTEGER);
  const bar = new SingleBar({
    format: 'read models [{bar}] {percentage}% | {value}/{total} events | {rate} events/s',
    stream: process.stderr,
    noTTYOutput: true,
    notTTYSchedule: 2_000,
    hideCursor: true,
  });
  const began = performance.now();
  bar.start(Math.max(total, 1), 0, { rate: 0 });
  const result = await rebuildReadModels({
    sql: app.get<SqlClient>(READ_MODEL_SQL),
    events,
    processors: app.get<ProcessorStore>(PROCESSOR_STORE),
    clock: app.get<Clock>(CLOCK),
    holder: `${hostname()}:${process.pid}:rebuild`,
    onBatch: (applied) => {
      if (applied > bar.getTotal()) bar.setTotal(applied);
      bar.update(applied, { rate: Math.round(applied / Math.max((performance.now() - began) / 1000, 0.001)) });
    },
  });
  bar.stop();
  const seconds = (performance.now() - began) / 1000;
  console.error(
    `rebuilt the read models from ${result.events} events in ${seconds.toFixed(1)} s (${Math.round(result.events / Math.max(seconds, 0.001))} events/s)`,
  );
  await app.close();
}

void main().catch((error: unknown) => {
  // A data folder held by another process is told by its message alone.
  console.error(error instanceof DataFolderLocked ? error.message : error);
  process.exit(1);
});
