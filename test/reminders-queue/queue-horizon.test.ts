import { report as printLine } from '../support/faults';
import { reminderJobId } from '@piao/reminders';
import { openBed, SEND_AT, seed, spawnWorker, until, type Bed } from './queue-harness';

/**
 * The queue holds only the reminders due within REMINDER_QUEUE_HORIZON_HOURS; the rest wait in the outbox. A worker
 * whose clock is a little before SEND_AT, with a one-hour horizon, queues the 20 reminders due at SEND_AT and none of
 * the plan's later ones (months ahead). A worker started later, its clock half an hour before the next of those, queues
 * that one (and what is due within its hour), still nothing beyond. Both the dispatcher and the reconciler keep to it.
 */
describe('the queue holds only what is due within its horizon', () => {
  const HOUR = 3_600_000;
  let bed: Bed;

  beforeAll(async () => {
    bed = await openBed({ db: 14 });
  }, 60_000);
  afterAll(async () => {
    await bed?.close();
  });

  /** The pending rows, each with whether Redis has its job. */
  async function pendingRows(): Promise<{ reminderId: string; sendAt: number; queued: boolean; job: boolean }[]> {
    const rows = await bed.sql.query<{ reminder_id: string; send_at: Date; queued_at: Date | null }>(
      `SELECT reminder_id, send_at, queued_at FROM rem_outbox WHERE status = 'pending' ORDER BY send_at`,
    );
    return Promise.all(
      rows.map(async (r) => ({
        reminderId: r.reminder_id,
        sendAt: r.send_at.getTime(),
        queued: r.queued_at !== null,
        job: (await bed.deliveries.getJob(reminderJobId(r.reminder_id, r.send_at))) !== undefined,
      })),
    );
  }

  it('queues a reminder when the horizon reaches it, not before', async () => {
    const due = await seed(bed, 'comune-orizzonte', [
      { sub: 'verdi', name: 'Luca Verdi', email: 'verdi@comune-orizzonte.it', unitId: 'tributi', objectives: 2, phases: 10 },
    ]);
    const settings = { REMINDER_QUEUE_HORIZON_HOURS: '1', REMINDER_RECONCILE_SECONDS: '2' };

    // 1. A minute before SEND_AT: the 20 due then are queued (dispatcher, then reconciler), the later ones are not.
    const first = spawnWorker(bed.workerEnv(60_000, settings));
    await first.ready();
    await until(
      async () => (await pendingRows()).filter((r) => due.includes(r.reminderId)).every((r) => r.queued && r.job),
      20_000,
      async () => JSON.stringify(await pendingRows()),
    );
    await new Promise((resolve) => setTimeout(resolve, 4_500)); // two reconciliations
    const atFirst = await pendingRows();
    const later = atFirst.filter((r) => r.sendAt > SEND_AT.getTime() + HOUR);
    expect(later.length).toBeGreaterThan(0);
    expect(later.filter((r) => r.queued || r.job)).toEqual([]);
    expect(await bed.deliveries.getJobCounts('delayed', 'waiting')).toMatchObject({ delayed: due.length, waiting: 0 });
    await first.kill('SIGTERM');

    // 2. Half an hour before the next of the later reminders: it is queued, with its delay; what lies beyond is not.
    const next = later[0].sendAt;
    const second = spawnWorker(bed.workerEnv(SEND_AT.getTime() - (next - HOUR / 2), settings));
    await second.ready();
    await until(
      async () => (await pendingRows()).filter((r) => r.sendAt <= next).every((r) => r.queued && r.job),
      20_000,
      async () => JSON.stringify(await pendingRows()),
    );
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    const atSecond = await pendingRows();
    const reached = atSecond.filter((r) => r.sendAt > SEND_AT.getTime() + HOUR && r.sendAt <= next + HOUR / 2);
    const beyond = atSecond.filter((r) => r.sendAt > next + HOUR / 2);
    expect(reached.length).toBeGreaterThan(0);
    expect(reached.every((r) => r.queued && r.job)).toBe(true);
    expect(beyond.filter((r) => r.queued || r.job)).toEqual([]);
    const job = (await bed.deliveries.getJob(reminderJobId(reached[0].reminderId, new Date(reached[0].sendAt))))!;
    expect(job.delay).toBeGreaterThan(HOUR / 2 - 60_000);
    expect(job.delay).toBeLessThanOrEqual(HOUR / 2);
    printLine(
      `queue horizon (1 h): ${due.length} reminders queued a minute before their time, ${later.length} later ones left in the outbox; ` +
        `half an hour before ${new Date(next).toISOString()}: ${reached.length} queued, ${beyond.length} still beyond`,
    );
    await second.kill('SIGTERM');
  }, 120_000);
});
