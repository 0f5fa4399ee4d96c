import { report as printLine } from '../support/faults';
import { describeExit } from '../support/api-process';
import { deliveryReport, openBed, outboxOf, SEND_AT, seed, spawnWorker, until, type Bed } from './queue-harness';

/**
 * The worker (apps/worker, a child process) is SIGKILLed in the middle of a burst of 300 due reminders, then started
 * again: every reminder is delivered; each delivery key has exactly one distinct Message-ID; the raw duplicates (a
 * message the SMTP server accepted twice) are only those of deliveries in flight when the process died, so at most
 * the worker's concurrency. The mail server holds each message 30 ms so that the burst lasts a few seconds.
 */
describe('reminder worker killed (SIGKILL) in the middle of a burst', () => {
  const CONCURRENCY = 8;
  let bed: Bed;
  let due: string[];

  beforeAll(async () => {
    bed = await openBed({ db: 9, mailDelayMs: 30 });
    due = await seed(bed, 'comune-burst', [
      { sub: 'rossi', name: 'Mario Rossi', email: 'rossi@comune-burst.it', unitId: 'welfare', objectives: 30, phases: 10 },
    ]);
  }, 120_000);
  afterAll(async () => {
    await bed?.close();
  });

  it('delivers every reminder after a restart, a duplicate only for what was in flight', async () => {
    expect(due).toHaveLength(300);
    // The worker's clock is already past the send time: the whole outbox is due at once.
    // The shortest claim the configuration allows, so that the restarted worker waits 30 s, not 60, for what was in flight.
    const workerSettings = { REMINDER_WORKER_CONCURRENCY: String(CONCURRENCY), REMINDER_CLAIM_SECONDS: '30' };
    const env = bed.workerEnv(-1_000, workerSettings);
    const first = spawnWorker(env);
    await first.ready();
    await until(
      () => bed.mailbox.messages.length >= 100,
      60_000,
      () => `${bed.mailbox.messages.length} messages; worker:\n${first.stdout()}\n${first.stderr()}`,
    );
    const exit = await first.kill('SIGKILL');
    const atKill = bed.mailbox.messages.length;
    const afterKill = await outboxOf(bed.sql, due);
    expect(describeExit(exit)).toBe('signal SIGKILL');
    expect(afterKill.pending).toBeGreaterThan(0); // killed in the middle, not after the end

    const second = spawnWorker(bed.workerEnv(-1_000, workerSettings));
    await second.ready();
    // In-flight reminders wait for their claim (30 s) and BullMQ's lock (30 s) to run out.
    await until(
      async () => (await outboxOf(bed.sql, due)).sent === due.length,
      150_000,
      async () => `${JSON.stringify(await outboxOf(bed.sql, due))}; worker:\n${second.stdout().slice(-3000)}\n${second.stderr().slice(-3000)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // nothing more arrives
    const report = await deliveryReport(bed, due);
    printLine(
      `SIGKILL burst: ${due.length} reminders; ${atKill} messages accepted before the kill (${afterKill.sent} rows marked sent, ${afterKill.pending} pending); ` +
        `after the restart ${report.raw} raw messages, ${report.distinct} distinct Message-IDs, ${report.duplicates} raw duplicates ` +
        `on ${report.duplicatedKeys.length} delivery keys (each at most twice: ${report.duplicatedKeys.every(([, n]) => n === 2)}); concurrency ${CONCURRENCY}`,
    );
    expect(report.deliveries.filter((d) => d.status === 'sent')).toHaveLength(due.length);
    expect(report.distinct).toBe(due.length);
    expect(report.keys).toBe(due.length);
    expect(report.keysWithSeveralIds).toEqual([]);
    expect(report.unknownKeys).toEqual([]);
    expect(report.duplicates).toBeLessThanOrEqual(CONCURRENCY);
    expect(report.duplicatedKeys.every(([, n]) => n === 2)).toBe(true);
    expect(bed.mailbox.messages.every((m) => m.to.join() === 'rossi@comune-burst.it')).toBe(true);
    // Nothing left in the queue: the reminders still to come (the plan's own deadlines, months ahead) wait in the
    // outbox, beyond the queue's horizon (24 h), unqueued.
    const counts = await bed.deliveries.getJobCounts('waiting', 'active', 'failed', 'delayed');
    expect(counts).toMatchObject({ waiting: 0, active: 0, failed: 0, delayed: 0 });
    const later = await bed.sql.query<{ send_at: Date; queued_at: Date | null }>(`SELECT send_at, queued_at FROM rem_outbox WHERE status = 'pending'`);
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((r) => r.send_at.getTime() > SEND_AT.getTime() + 24 * 3_600_000 && r.queued_at === null)).toBe(true);
    await second.kill('SIGTERM');
  }, 240_000);
});
