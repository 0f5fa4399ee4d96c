import { report as printLine } from '../support/faults';
import { RECONCILER_SCHEDULER_ID, reminderJobId } from '@piao/reminders';
import { deliveryReport, openBed, SEND_AT, seed, sleep, spawnWorker, until, type Bed } from './queue-harness';

/**
 * Redis loses its data while reminders are pending. The test flushes the test's own Redis database (FLUSHDB on its
 * index: for the worker the same loss as a FLUSHALL, without wiping what other runs keep on the same server). The
 * reminders are dispatched by the running worker, so their rows are marked queued and the dispatcher will not look at
 * them again: only the reconciler can put them back.
 *
 * 1. A flush well before the send time: the reconciler's scheduler is gone too; the worker's timer creates it again,
 *    and its run puts a job back for every pending row within the queue's horizon (the 20 due at 08:00; the later ones,
 *    months ahead, were never queued and are not now).
 * 2. A flush half a second before the send time: the reminders come due while Redis has nothing of them, and are sent
 *    once the reconciler has run again (at most REMINDER_RECONCILE_SECONDS later): late, and once each.
 */
describe('Redis loses its data while reminders are pending', () => {
  const RECONCILE_SECONDS = 4;
  let bed: Bed;

  beforeAll(async () => {
    bed = await openBed({ db: 10 });
  }, 60_000);
  afterAll(async () => {
    await bed?.close();
  });

  /**
   * Every pending row of the outbox due within the queue's horizon (24 h from the worker's clock, which is a little
   * before SEND_AT) has its job (row and send time) in Redis; the rows beyond it (the plan's own deadlines, months
   * ahead) have none.
   */
  async function everyPendingRowHasItsJob(): Promise<{ rows: number; missing: number; beyond: number; beyondQueued: number }> {
    const rows = await bed.sql.query<{ reminder_id: string; send_at: Date }>(`SELECT reminder_id, send_at FROM rem_outbox WHERE status = 'pending'`);
    const horizon = SEND_AT.getTime() + 23 * 3_600_000;
    const within = rows.filter((r) => r.send_at.getTime() <= horizon);
    const beyond = rows.filter((r) => r.send_at.getTime() > horizon);
    const jobOf = (r: (typeof rows)[number]) => bed.deliveries.getJob(reminderJobId(r.reminder_id, r.send_at));
    const jobs = await Promise.all(within.map(jobOf));
    const beyondJobs = await Promise.all(beyond.map(jobOf));
    return { rows: within.length, missing: jobs.filter((job) => !job).length, beyond: beyond.length, beyondQueued: beyondJobs.filter(Boolean).length };
  }

  it('schedules every pending reminder again, and sends what came due meanwhile once', async () => {
    const SEND_IN_MS = 40_000;
    const sendRealAt = Date.now() + SEND_IN_MS;
    const worker = spawnWorker(bed.workerEnv(SEND_IN_MS, { REMINDER_RECONCILE_SECONDS: String(RECONCILE_SECONDS) }));
    await worker.ready();
    // Seeded while the worker runs: the dispatcher gives the new rows their jobs and marks them queued.
    const due = await seed(bed, 'comune-flush', [
      { sub: 'bianchi', name: 'Anna Bianchi', email: 'bianchi@comune-flush.it', unitId: 'cultura', objectives: 2, phases: 10 },
    ]);
    await until(
      async () => {
        const [{ unqueued }] = await bed.sql.query<{ unqueued: number }>(
          `SELECT count(*)::int AS unqueued FROM rem_outbox WHERE status = 'pending' AND queued_at IS NULL AND send_at <= $1`,
          [SEND_AT],
        );
        return unqueued === 0 && (await everyPendingRowHasItsJob()).missing === 0;
      },
      20_000,
      async () => JSON.stringify(await everyPendingRowHasItsJob()),
    );
    const before = await everyPendingRowHasItsJob();
    if (before.rows !== due.length) {
      // Seen once on CI (57 rows instead of 20: the plan's deadlines planned under the default policy when its opening
      // fell in a batch of its own; fixed, and test/reminders/policy-across-batches.test.ts shows it): the outbox says why.
      const rows = await bed.sql.query(`SELECT reminder_id, deadline_id, step, audience, send_at, status, queued_at FROM rem_outbox ORDER BY send_at`);
      printLine(`redis-flushed: ${before.rows} pending rows within the horizon, ${due.length} due; the outbox: ${JSON.stringify(rows)}`);
    }
    expect(before.rows).toBe(due.length); // the 20 due at 08:00 are queued
    expect(before.beyond).toBeGreaterThan(0); // the later deadlines of the plan wait in the outbox, beyond the horizon
    expect(before.beyondQueued).toBe(0);
    expect(await bed.maintenance.getJobScheduler(RECONCILER_SCHEDULER_ID)).toBeDefined();

    // 1. Long before the send time.
    await bed.redis.flushdb();
    expect(await everyPendingRowHasItsJob()).toEqual({ ...before, missing: before.rows });
    expect(await bed.maintenance.getJobScheduler(RECONCILER_SCHEDULER_ID)).toBeUndefined();
    const flushedAt = Date.now();
    await until(
      async () => (await everyPendingRowHasItsJob()).missing === 0,
      3 * RECONCILE_SECONDS * 1000,
      async () => JSON.stringify(await everyPendingRowHasItsJob()),
    );
    const rescheduledAfter = Date.now() - flushedAt;
    expect(await bed.maintenance.getJobScheduler(RECONCILER_SCHEDULER_ID)).toBeDefined();
    expect(worker.stdout()).toMatch(/job scheduler was missing from Redis/);
    expect(Date.now()).toBeLessThan(sendRealAt - 2_000); // still ahead of the send time
    const delayed = await bed.deliveries.getDelayed(0, -1);
    expect(delayed.filter((job) => due.includes(job.data.reminderId)).every((job) => job.delay > 0)).toBe(true);
    expect(bed.mailbox.messages).toHaveLength(0);

    // A job promoted from the dashboard runs early: it goes back among the delayed until its time (not-yet). A stale
    // job (a send time the row no longer has) ends without touching the row. Nothing is sent by either.
    const early = (await bed.deliveries.getJob(reminderJobId(due[0], SEND_AT)))!;
    await early.promote();
    const staleAt = SEND_AT.getTime() - 86_400_000;
    const staleId = reminderJobId(due[1], staleAt);
    await bed.deliveries.add('deliver', { reminderId: due[1], sendAt: staleAt }, { jobId: staleId, removeOnComplete: true });
    await until(
      async () => {
        const again = await bed.deliveries.getJob(early.id!);
        return (again?.attemptsStarted ?? 0) >= 1 && (await again!.getState()) === 'delayed' && (await bed.deliveries.getJobState(staleId)) === 'unknown';
      },
      10_000,
      async () => `${await early.getState()} / ${await bed.deliveries.getJobState(staleId)}`,
    );
    expect((await bed.deliveries.getJob(early.id!))?.attemptsMade).toBe(0);
    expect(await bed.sql.query(`SELECT reminder_id FROM rem_outbox WHERE reminder_id = ANY($1::text[]) AND status = 'pending'`, [due])).toHaveLength(
      due.length,
    );
    expect(bed.mailbox.messages).toHaveLength(0);

    // 2. Half a second before the send time.
    await sleep(Math.max(0, sendRealAt - 500 - Date.now()));
    await bed.redis.flushdb();
    await until(
      async () => (await bed.sql.query(`SELECT 1 FROM rem_outbox WHERE reminder_id = ANY($1::text[]) AND status = 'pending'`, [due])).length === 0,
      4 * RECONCILE_SECONDS * 1000,
      () => `${bed.mailbox.messages.length} messages; worker:\n${worker.stdout().slice(-3000)}\n${worker.stderr().slice(-2000)}`,
    );
    await sleep(1_500);
    const report = await deliveryReport(bed, due);
    const late = bed.mailbox.messages.map((m) => m.receivedAt - sendRealAt);
    printLine(
      `FLUSHDB: ${before.rows} pending reminders, all scheduled again ${rescheduledAfter} ms after the first flush (reconciling every ${RECONCILE_SECONDS} s); ` +
        `after the second flush ${report.raw} messages for ${due.length} reminders due, ${report.distinct} distinct, ` +
        `accepted ${Math.min(...late)}..${Math.max(...late)} ms after the send time`,
    );
    expect(report.raw).toBe(due.length);
    expect(report.distinct).toBe(due.length);
    expect(report.keysWithSeveralIds).toEqual([]);
    expect(report.deliveries.every((d) => d.status === 'sent')).toBe(true);
    expect(Math.min(...late)).toBeGreaterThanOrEqual(-200); // never before its time (clocks within a few ms)
    // The later reminders are still only in the outbox.
    expect(await everyPendingRowHasItsJob()).toMatchObject({ rows: 0, missing: 0, beyond: before.beyond, beyondQueued: 0 });
    await worker.kill('SIGTERM');
  }, 180_000);
});
