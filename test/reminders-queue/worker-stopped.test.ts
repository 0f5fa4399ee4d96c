import { report as printLine } from '../support/faults';
import { describeExit } from '../support/api-process';
import { deliveryReport, openBed, outboxOf, seed, spawnWorker, until, type Bed } from './queue-harness';

/**
 * SIGTERM in the middle of a burst of 100 due reminders: the worker stops dispatching, takes no new job, finishes the
 * deliveries in flight and exits; nothing is half done (no claim left on a row, no job left active in Redis). Started
 * again, it sends the rest: every reminder exactly once, not even a raw duplicate.
 */
describe('reminder worker stopped (SIGTERM) in the middle of a burst', () => {
  let bed: Bed;
  let due: string[];

  beforeAll(async () => {
    bed = await openBed({ db: 12, mailDelayMs: 50 });
    due = await seed(bed, 'comune-stop', [{ sub: 'gallo', name: 'Sara Gallo', email: 'gallo@comune-stop.it', unitId: 'scuola', objectives: 10, phases: 10 }]);
  }, 120_000);
  afterAll(async () => {
    await bed?.close();
  });

  it('finishes the deliveries in flight and loses no job', async () => {
    const first = spawnWorker(bed.workerEnv(-1_000));
    await first.ready();
    await until(
      () => bed.mailbox.messages.length >= 20,
      60_000,
      () => first.stdout(),
    );
    const stopping = Date.now();
    const exit = await first.kill('SIGTERM');
    const tookMs = Date.now() - stopping;
    expect(['signal SIGTERM', 'exit code 0']).toContain(describeExit(exit));
    expect(first.stdout()).toMatch(/stopping: no new delivery is taken/);
    expect(first.stdout()).toMatch(/ReminderWorker.*stopped/);
    const atStop = await outboxOf(bed.sql, due);
    expect(atStop.pending).toBeGreaterThan(0);
    // Nothing half done: no row still claimed, no job still active, every message accepted is marked sent.
    expect(await bed.sql.query(`SELECT reminder_id FROM rem_outbox WHERE claimed_until IS NOT NULL`)).toEqual([]);
    expect(await bed.deliveries.getActiveCount()).toBe(0);
    expect(bed.mailbox.messages).toHaveLength(atStop.sent);

    const second = spawnWorker(bed.workerEnv(-1_000));
    await second.ready();
    await until(
      async () => (await outboxOf(bed.sql, due)).sent === due.length,
      60_000,
      async () => JSON.stringify(await outboxOf(bed.sql, due)),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const report = await deliveryReport(bed, due);
    printLine(
      `SIGTERM burst: stopped in ${tookMs} ms with ${atStop.sent} of ${due.length} sent; after the restart ${report.raw} raw messages, ${report.distinct} distinct, ${report.duplicates} duplicates`,
    );
    expect(report.raw).toBe(due.length);
    expect(report.distinct).toBe(due.length);
    await second.kill('SIGTERM');
  }, 180_000);
});
