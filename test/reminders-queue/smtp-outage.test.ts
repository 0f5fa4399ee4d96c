import { report as printLine } from '../support/faults';
import { deliveryReport, openBed, outboxOf, seed, sleep, spawnWorker, until, type Bed } from './queue-harness';

/**
 * The mail server (a real SMTP server process, here in the test process) is down when the reminders come due: each
 * delivery is retried by BullMQ with the sender's backoff (5 s, then 10 s...) and goes out once the server is back.
 * A recipient the server refuses for good (550 at RCPT) ends in the dead letters: rem_deliveries 'failed' with the
 * server's answer, the outbox row 'failed'. With the server down past REMINDER_MAX_ATTEMPTS, the reminders are given
 * up with the connection error.
 */
describe('reminder worker and an SMTP server that is down or refuses', () => {
  let bed: Bed;

  beforeAll(async () => {
    bed = await openBed({ db: 11 });
  }, 60_000);
  afterAll(async () => {
    await bed?.close();
  });

  it('retries while the server is down and sends once it is back; a refused address ends in the dead letters', async () => {
    const ok = { sub: 'verdi', name: 'Luca Verdi', email: 'verdi@comune-smtp.it', unitId: 'tributi', objectives: 1, phases: 10 };
    const refused = { sub: 'neri', name: 'Carla Neri', email: 'neri@nowhere.invalid', unitId: 'urbanistica', objectives: 1, phases: 3 };
    const due = await seed(bed, 'comune-smtp', [ok, refused]);
    bed.mailbox.refuse(refused.email);
    await bed.mailbox.stop();
    const worker = spawnWorker(bed.workerEnv(-1_000));
    await worker.ready();

    // Down: every reminder failed its first attempt, none is lost or given up.
    await until(
      async () =>
        (await bed.sql.query(`SELECT 1 FROM rem_outbox WHERE reminder_id = ANY($1::text[]) AND status = 'pending' AND attempts >= 1`, [due])).length ===
        due.length,
      20_000,
      () => worker.stdout().slice(-2000),
    );
    const down = await bed.sql.query<{ last_error: string }>(`SELECT last_error FROM rem_outbox WHERE reminder_id = ANY($1::text[])`, [due]);
    expect(down.every((r) => /ECONNREFUSED/.test(r.last_error))).toBe(true);
    const retrying = await bed.deliveries.getDelayed(0, -1);
    expect(retrying.filter((job) => due.includes(job.data.reminderId) && job.attemptsMade >= 1)).toHaveLength(due.length);
    await sleep(3_000);
    expect(await outboxOf(bed.sql, due)).toEqual({ pending: due.length, sent: 0, failed: 0, other: 0 });

    // Back on the same port.
    await bed.mailbox.start();
    await until(
      async () => (await outboxOf(bed.sql, due)).pending === 0,
      60_000,
      async () => JSON.stringify(await outboxOf(bed.sql, due)),
    );
    await sleep(1_000);
    expect(await outboxOf(bed.sql, due)).toEqual({ pending: 0, sent: ok.phases, failed: refused.phases, other: 0 });
    const report = await deliveryReport(bed, due);
    printLine(
      `SMTP outage: ${due.length} reminders, ${report.raw} messages accepted (${report.distinct} distinct) once the server was back; ` +
        `${report.deliveries.filter((d) => d.status === 'failed').length} deliveries refused for good`,
    );
    expect(report.raw).toBe(ok.phases);
    expect(report.distinct).toBe(ok.phases);
    expect(bed.mailbox.messages.every((m) => m.to.join() === ok.email)).toBe(true);
    const failed = await bed.sql.query<{ status: string; error: string; person_id: string }>(
      `SELECT d.status, d.error, d.person_id FROM rem_deliveries d JOIN rem_outbox o USING (reminder_id) WHERE o.status = 'failed' AND o.reminder_id = ANY($1::text[])`,
      [due],
    );
    expect(failed).toHaveLength(refused.phases);
    for (const delivery of failed) {
      expect(delivery).toMatchObject({ status: 'failed', person_id: refused.sub });
      expect(delivery.error).toMatch(/550/);
    }
    const rows = await bed.sql.query<{ last_error: string; attempts: number }>(
      `SELECT last_error, attempts FROM rem_outbox WHERE status = 'failed' AND reminder_id = ANY($1::text[])`,
      [due],
    );
    expect(rows.every((r) => /^every recipient refused: /.test(r.last_error ?? '') && r.attempts >= 1)).toBe(true);
    await worker.kill('SIGTERM');
  }, 150_000);

  it('gives a reminder up after REMINDER_MAX_ATTEMPTS failed attempts, with the error', async () => {
    const head = { sub: 'gialli', name: 'Piero Gialli', email: 'gialli@comune-giveup.it', unitId: 'sport', objectives: 1, phases: 4 };
    const due = await seed(bed, 'comune-giveup', [head]);
    await bed.mailbox.stop();
    try {
      const worker = spawnWorker(bed.workerEnv(-1_000, { REMINDER_MAX_ATTEMPTS: '2' }));
      await worker.ready();
      // Attempt 1, then 5 s later attempt 2: given up.
      await until(
        async () => (await outboxOf(bed.sql, due)).failed === due.length,
        30_000,
        async () => JSON.stringify(await outboxOf(bed.sql, due)),
      );
      const rows = await bed.sql.query<{ attempts: number; last_error: string; outcome: string }>(
        `SELECT attempts, last_error, outcome FROM rem_outbox WHERE reminder_id = ANY($1::text[])`,
        [due],
      );
      expect(rows.every((r) => r.attempts === 2 && /ECONNREFUSED/.test(r.last_error) && /ECONNREFUSED/.test(r.outcome))).toBe(true);
      const deliveries = await bed.sql.query<{ status: string; error: string }>(
        `SELECT status, error FROM rem_deliveries WHERE reminder_id = ANY($1::text[])`,
        [due],
      );
      expect(deliveries).toHaveLength(due.length);
      expect(deliveries.every((d) => d.status === 'failed' && /ECONNREFUSED/.test(d.error))).toBe(true);
      // The jobs ended (given up is an outcome, not a failure of the job): nothing left to retry. A job ends just after
      // the transaction that settled its row commits (BullMQ completes it when the worker's handler returns): the row
      // can read failed while its job is still active for a moment.
      const left = async () => (await bed.deliveries.getJobs(['waiting', 'delayed', 'active', 'failed'])).filter((job) => due.includes(job?.data?.reminderId));
      await until(
        async () => (await left()).length === 0,
        10_000,
        async () => JSON.stringify(await left()),
      );
      expect(await left()).toEqual([]);
      await worker.kill('SIGTERM');
    } finally {
      await bed.mailbox.start();
    }
  }, 90_000);
});
