/**
 * What each processor costs per event, on the log an HTTP load just wrote: run by `npm run bench:http` when the API ran
 * without its processors (RUN_PROCESSORS=false). The API is stopped first; then each processor catches up alone, from
 * the start of that log, in this process (one at a time, on a quiet machine), and its rate and the CPU this process
 * spent per event are reported. The sum of the CPU per event is what the processors add to each command when they run
 * in the API's process (the default), and what a separate projector process takes off it.
 * The plan processor is not measured: it reacts to a few plan events only (an approval, a closing) and appends through
 * the application's commands, which need the whole application around it.
 */
import { ProcessorRunner, SystemClock, type Processor } from '@piao/application';
import { AUDIT_MIGRATIONS, AuditHashingProcessor } from '@piao/audit';
import { LOG_START } from '@piao/event-store';
import { READ_MODEL_MIGRATIONS, ReadModelsProjection } from '@piao/read-models';
import { DeadlinesProcessor, REMINDER_MIGRATIONS } from '@piao/reminders';
import { openStorage } from '@piao/storage';
import { DossiersProcessor } from '../libs/audit/src/dossier/dossiers.processor';
import { fmt } from './measure';

export async function measureProcessors(databaseUrl: string): Promise<string> {
  const storage = await openStorage({ kind: 'postgres', url: databaseUrl, poolSize: 4 });
  try {
    // Applied by the API at its start already; here so that this runs on any database of the log.
    for (const migrations of [READ_MODEL_MIGRATIONS, REMINDER_MIGRATIONS, AUDIT_MIGRATIONS]) await storage.sql.migrate(migrations);
    const events = await storage.events.countAfter(LOG_START, 100_000_000);
    const processors: Processor[] = [new ReadModelsProjection(), new DeadlinesProcessor(), new AuditHashingProcessor(), new DossiersProcessor()];
    const lines = [
      `Each processor catching up alone over the ${events.toLocaleString('en')} events the load wrote (the API stopped):\n`,
      '| processor | batch | events/s | ms per event (wall) | CPU of this process per event (ms) |',
      '|---|---|---|---|---|',
    ];
    let cpuSum = 0;
    for (const processor of processors) {
      const runner = new ProcessorRunner(processor, storage.events, storage.processors, new SystemClock(), { holder: 'bench', leaseMs: 600_000 });
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      await runner.catchUp();
      const wall = performance.now() - t0;
      const used = process.cpuUsage(cpu);
      await runner.stop();
      const cpuPerEvent = (used.user + used.system) / 1000 / events;
      cpuSum += cpuPerEvent;
      console.error(`  ${processor.name}: ${fmt(events / (wall / 1000), 0)} events/s`);
      lines.push(
        `| ${processor.name} | ${processor.batchSize ?? 500} | ${fmt(events / (wall / 1000), 0)} | ${fmt(wall / events, 3)} | ${fmt(cpuPerEvent, 3)} |`,
      );
    }
    lines.push(`| all four | | | | ${fmt(cpuSum, 3)} |`);
    return lines.join('\n');
  } finally {
    await storage.events.close();
  }
}
