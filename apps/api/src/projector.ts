import { SingleBar } from 'cli-progress';
import { openSqlDatabase, openStorage } from '@piao/storage';
import { ProjectionRunner } from '@piao/read-models';
import { loadConfigOrExit } from './config/app-config';

/**
 * The read-model projection as its own process (`npm run projector`), for when the API runs with
 * RUN_PROJECTIONS=false; with `--rebuild` it empties the read models, replays the whole log with a progress bar
 * and exits (`npm run read-models:rebuild`). PGlite belongs to one process: with it, stop the API first.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const rebuild = process.argv.includes('--rebuild');
  const storage = await openStorage(config.storage());
  const sql = storage.sql ?? (await openSqlDatabase(config.readModelDatabase()));
  await ProjectionRunner.migrate(sql);
  if (rebuild) await ProjectionRunner.reset(sql);

  const start = (await ProjectionRunner.checkpoint(sql)).position;
  const total = await storage.events.countAfter(start, Number.MAX_SAFE_INTEGER);
  const bar = new SingleBar({
    format: 'read models [{bar}] {percentage}% | {value}/{total} events | {rate} events/s',
    stream: process.stderr,
    noTTYOutput: true,
    notTTYSchedule: 2_000,
    hideCursor: true,
  });
  const began = Date.now();
  let applied = 0;
  bar.start(Math.max(total, 1), 0, { rate: 0 });
  const runner = new ProjectionRunner(storage.events, sql, {
    onBatch: (_, batch) => {
      applied += batch.length;
      const rate = Math.round(applied / Math.max((Date.now() - began) / 1000, 0.001));
      if (applied > bar.getTotal()) bar.setTotal(applied);
      bar.update(applied, { rate });
    },
    onError: (error) => console.error(`projection batch failed, retrying: ${(error as Error).message}`),
  });

  const close = async () => {
    await runner.stop();
    if (!storage.sql) await sql.close();
    await storage.events.close();
  };

  if (rebuild) {
    await runner.catchUp();
    bar.stop();
    const seconds = (Date.now() - began) / 1000;
    console.error(`rebuilt the read models from ${applied} events in ${seconds.toFixed(1)} s (${Math.round(applied / Math.max(seconds, 0.001))} events/s)`);
    await close();
    return;
  }
  // Caught up, the bar has done its job; from then on the runner follows the log quietly.
  await runner.catchUp();
  bar.stop();
  console.error(`read models caught up (${applied} events); following the log`);
  runner.start();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void close().then(() => process.exit(0));
    });
  }
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
