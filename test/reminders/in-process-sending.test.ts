import { CommandBus } from '@nestjs/cqrs';
import { ManualClock, ProcessorsHost, RunOrganisationCommand } from '@piao/application';
import { DEFAULT_REMINDER_POLICY, type ReminderPolicy } from '@piao/lifecycle';
import { READ_MODEL_SQL } from '@piao/read-models';
import { DEADLINES, InProcessReminderSender, ReminderSender, reminderIdOf } from '@piao/reminders';
import { PROCESSOR_STORE, type ProcessorStore } from '@piao/event-store';
import { type SqlClient } from '@piao/event-store';
import { startApi, type Api, type AuthorisedClient, type Person } from '../support/api-harness';
import { SmtpMailbox } from '../support/smtp-mailbox';
import { until } from '../support/processor-harness';

const ENTE = 'comune-invio';
const person = (sub: string, name: string, roles: Person['roles']): Person => ({ sub, name, ente: ENTE, roles });
const admin = person('admin', 'Amministratore', ['admin']);
const seg = person('seg', 'Segretario', ['segretario']);
const dir = person('dir', 'Dirigente', ['dirigente']);

/**
 * The embedded default's sender (no Redis) on PostgreSQL: its own loop sends what comes due, waits out an SMTP
 * server that is down (retrying with a growing pause, by the clock) and sends once it is back; an address the server
 * refuses for good ends in the dead letters with the server's answer.
 */
describe('sending in-process on the embedded default: retries, refusals, the loop on its own (PostgreSQL, a real SMTP server)', () => {
  // Tuesday 3 March 2026, 09:00 in Italy.
  const clock = new ManualClock('2026-03-03T08:00:00Z');
  let mailbox: SmtpMailbox;
  let api: Api;
  let sql: SqlClient;
  let as: Record<'admin' | 'seg' | 'dir', AuthorisedClient>;

  const ok = async (call: Promise<{ status: number; body: Record<string, unknown> }>, status = 200) => {
    const response = await call;
    if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  };
  const caughtUp = async () => {
    const host = api.app.get(ProcessorsHost);
    await until(
      async () => {
        host.poke();
        return (await host.lag()).find((p) => p.name === DEADLINES)!.lagEvents === 0;
      },
      'the reminder',
      20_000,
    );
  };
  const outbox = (step: string) =>
    sql.query<{ status: string; attempts: number; last_error: string | null }>(
      `SELECT o.status, o.attempts, o.last_error FROM rem_outbox o JOIN rem_deadlines d USING (deadline_id) WHERE o.step = $1 AND d.ente = $2`,
      [step, ENTE],
    );

  /** An approved objective of unit `unitId` whose only phase ends on `dueOn`. */
  async function objectiveDue(code: string, unitId: string, dueOn: string): Promise<void> {
    const plan = await ok(as.seg.post('/plans', { kind: 'PEG', title: `PEG ${code}`, fromYear: 2026, toYear: 2026 }), 201);
    const definition = {
      title: `Obiettivo ${code}`,
      responsibleUnitId: unitId,
      horizon: { fromYear: 2026, toYear: 2026 },
      phases: [{ id: 'f1', description: 'Consegna', weight: 100, plannedEnd: dueOn }],
      indicators: [{ id: 'i1', description: 'Pratiche', target: { text: 'almeno 10' } }],
    };
    const objective = await ok(as.seg.post(`/plans/${plan.planId}/objectives`, { code, definition }), 201);
    await ok(as.seg.post(`/objectives/${objective.objectiveId}/propose`));
    await ok(as.seg.post(`/plans/${plan.planId}/submit`));
    await ok(as.seg.post(`/plans/${plan.planId}/approve`, { act: { number: code, date: '2026-03-02' } }));
  }

  beforeAll(async () => {
    mailbox = await SmtpMailbox.start();
    api = await startApi('postgres', { SMTP_URL: mailbox.url, REMINDER_POLL_MS: '100', REMINDER_MAX_ATTEMPTS: '3' }, clock);
    sql = api.app.get<SqlClient>(READ_MODEL_SQL);
    as = { admin: await api.as(admin), seg: await api.as(seg), dir: await api.as(dir) };
    await ok(as.admin.post('/organisation/units', { unitId: 'tributi', name: 'Settore Tributi', kind: 'settore' }), 201);
    await ok(as.admin.post('/organisation/units', { unitId: 'cultura', name: 'Settore Cultura', kind: 'settore' }), 201);
    await ok(as.admin.post('/organisation/people', { personId: 'seg', name: 'Segretario', email: 'seg@comune-invio.it' }), 201);
    await ok(as.admin.post('/organisation/people', { personId: 'dir', name: 'Dirigente Tributi', email: 'dir@comune-invio.it' }), 201);
    await ok(as.admin.post('/organisation/people', { personId: 'ghost', name: 'Dirigente Cultura', email: 'nessuno@comune-invio.it' }), 201);
    await ok(as.admin.post('/organisation/headships', { unitId: 'tributi', personId: 'dir', from: '2026-01-01' }), 201);
    await ok(as.admin.post('/organisation/headships', { unitId: 'cultura', personId: 'ghost', from: '2026-01-01' }), 201);
    const policy: ReminderPolicy = { ...DEFAULT_REMINDER_POLICY, daysBefore: [1], segretarioPersonId: 'seg' };
    await api.app
      .get(CommandBus)
      .execute(new RunOrganisationCommand({ type: 'AdoptReminderPolicy', policy }, { actor: { ...seg, id: seg.sub }, correlationId: 't', causationId: 't' }));
  });
  afterAll(async () => {
    await api?.close();
    await mailbox?.stop();
  });

  it('sends on its own once the time comes, without anybody asking', async () => {
    await objectiveDue('T1', 'tributi', '2026-03-04'); // "due tomorrow" goes out today
    await caughtUp();
    await until(async () => (await outbox('before-1@2026-03-04'))[0]?.status === 'sent', 'the reminder', 20_000);
    expect(mailbox.messages.filter((m) => m.to[0] === 'dir@comune-invio.it')).toHaveLength(1);
  });

  it('retries while the SMTP server is down and sends once it is back, exactly once', async () => {
    await mailbox.stop();
    clock.set('2026-03-05T08:00:00Z'); // Thursday
    await objectiveDue('T2', 'tributi', '2026-03-06');
    await caughtUp();
    await until(async () => ((await outbox('before-1@2026-03-06'))[0]?.attempts ?? 0) >= 1, 'the reminder', 20_000);
    const [waiting] = await outbox('before-1@2026-03-06');
    expect(waiting.status).toBe('pending');
    expect(waiting.last_error).toMatch(/ECONNREFUSED|connect/i);

    await mailbox.start();
    clock.advance(10 * 60 * 1000); // past the pause before the next attempt
    api.app.get(InProcessReminderSender).poke();
    await until(async () => (await outbox('before-1@2026-03-06'))[0].status === 'sent', 'the reminder', 20_000);
    const about = mailbox.messages.filter((m) => m.text.includes('Obiettivo: T2'));
    expect(about).toHaveLength(1);
  });

  it('puts a reminder to an address the server refuses for good in the dead letters, with the answer', async () => {
    mailbox.refuse('nessuno@comune-invio.it');
    clock.set('2026-03-09T08:00:00Z'); // Monday
    await objectiveDue('C1', 'cultura', '2026-03-10');
    await caughtUp();
    await until(async () => (await outbox('before-1@2026-03-10'))[0]?.status === 'failed', 'the reminder', 20_000);
    const [delivery] = await sql.query<{ status: string; error: string }>(`SELECT status, error FROM rem_deliveries WHERE person_id = 'ghost'`);
    expect(delivery.status).toBe('failed');
    expect(delivery.error).toMatch(/550/);
    expect(mailbox.messages.filter((m) => m.to.includes('nessuno@comune-invio.it'))).toHaveLength(0);
  });

  it('delivers a reminder once when two senders take it up at the same moment', async () => {
    // The loop out of the way first (it would send the reminder itself as soon as it is due): the test is the senders.
    await api.app.get(InProcessReminderSender).stop();
    clock.set('2026-03-11T08:00:00Z'); // Wednesday
    await objectiveDue('T3', 'tributi', '2026-03-12');
    await caughtUp();
    const [row] = await sql.query<{ reminder_id: string }>(`SELECT reminder_id FROM rem_outbox WHERE step = 'before-1@2026-03-12'`);
    const sender = api.app.get(ReminderSender);
    const outcomes = await Promise.all([sender.deliver(row.reminder_id), sender.deliver(row.reminder_id), sender.deliver(row.reminder_id)]);
    expect(outcomes.filter((o) => o.outcome === 'sent')).toHaveLength(1);
    expect(outcomes.every((o) => ['sent', 'busy', 'settled'].includes(o.outcome))).toBe(true);
    expect(mailbox.messages.filter((m) => m.text.includes('Obiettivo: T3'))).toHaveLength(1);
  });

  it('sends only the later of two steps of a deadline due at once, even when the later one was settled first', async () => {
    // The loop is stopped (previous test). T4 is due on Friday 13: on Friday morning both "tomorrow" (due since
    // Thursday) and "today" are due; the sender's lanes may take them in either order.
    await objectiveDue('T4', 'tributi', '2026-03-13');
    await caughtUp();
    clock.set('2026-03-13T09:00:00Z');
    const stepOf = async (step: string) =>
      (
        await sql.query<{ reminder_id: string }>(
          `SELECT o.reminder_id FROM rem_outbox o JOIN rem_deadlines d USING (deadline_id) WHERE o.step = $1 AND d.code = 'T4'`,
          [step],
        )
      )[0].reminder_id;
    const sender = api.app.get(ReminderSender);
    expect((await sender.deliver(await stepOf('on-the-day@2026-03-13'))).outcome).toBe('sent');
    expect(await sender.deliver(await stepOf('before-1@2026-03-13'))).toEqual({ outcome: 'skipped', reason: expect.stringContaining('on-the-day@2026-03-13') });
    expect(mailbox.messages.filter((m) => m.text.includes('Obiettivo: T4'))).toHaveLength(1);
  });

  it('sends nothing again when the deadlines are followed again from the start of the log', async () => {
    while ((await api.app.get(InProcessReminderSender).sendDue()) > 0) {
      // everything due now goes out first
    }
    const before = await sql.query<{ reminder_id: string; status: string }>(`SELECT reminder_id, status FROM rem_outbox ORDER BY reminder_id`);
    const host = api.app.get(ProcessorsHost);
    const runner = host.runner(DEADLINES);
    await runner.stop();
    await api.app.get<ProcessorStore>(PROCESSOR_STORE).reset(DEADLINES);
    await runner.catchUp();
    const after = await sql.query<{ reminder_id: string; status: string }>(`SELECT reminder_id, status FROM rem_outbox ORDER BY reminder_id`);
    expect(after).toEqual(before);
    const messages = mailbox.messages.length;
    await api.app.get(InProcessReminderSender).sendDue();
    expect(mailbox.messages.length).toBe(messages);
  });

  it('writes once about a deadline found long overdue, then goes on with the series after that day, not with every week missed', async () => {
    // T5's phase ended on Monday 12 January; the objective reaches the reminders on Monday 16 March, nine weeks on.
    clock.set('2026-03-16T09:00:00Z');
    await objectiveDue('T5', 'tributi', '2026-01-12');
    // C5 the same, in the unit whose head's address the server refuses: its reminder fails, and the series goes on.
    mailbox.refuse('nessuno@comune-invio.it');
    await objectiveDue('C5', 'cultura', '2026-01-12');
    await api.app.get(ProcessorsHost).runner(DEADLINES).catchUp(); // stopped by the previous test: run by hand
    const sender = api.app.get(InProcessReminderSender);
    while ((await sender.sendDue()) > 0) {
      // everything due now, and whatever sending it writes that is due now as well
    }
    const aboutT5 = () => mailbox.messages.filter((m) => m.text.includes('Obiettivo: T5') && m.to.includes('dir@comune-invio.it'));
    expect(aboutT5()).toHaveLength(1);
    const series = () =>
      sql.query<{ step: string; status: string; send_on: string }>(
        `SELECT o.step, o.status, to_char(o.send_on, 'YYYY-MM-DD') AS send_on FROM rem_outbox o JOIN rem_deadlines d USING (deadline_id)
          WHERE d.code = 'T5' AND o.audience = 'responsible' AND o.step LIKE 'overdue-%@2026-01-12' AND o.status <> 'superseded' ORDER BY o.send_on`,
      );
    // overdue-1 (19 January) went out today, as the latest step due; the series goes on on Monday 23 March, the
    // first of its weekly days after today, as its second message (overdue-2); the eight weeks between are not
    // written at all.
    expect(await series()).toEqual([
      { step: 'overdue-1@2026-01-12', status: 'sent', send_on: '2026-01-19' },
      { step: 'overdue-2@2026-01-12', status: 'pending', send_on: '2026-03-23' },
    ]);

    // A new policy the same day (the hour changes): the processor writes every deadline's steps again, and the
    // series goes on after the day its last step went out, not on the weekly day of the step after it by number
    // (26 January: it would go out at once, a second message today).
    const policy: ReminderPolicy = { ...DEFAULT_REMINDER_POLICY, daysBefore: [1], segretarioPersonId: 'seg', sendHour: 10 };
    await api.app
      .get(CommandBus)
      .execute(new RunOrganisationCommand({ type: 'AdoptReminderPolicy', policy }, { actor: { ...seg, id: seg.sub }, correlationId: 'p2', causationId: 'p2' }));
    await api.app.get(ProcessorsHost).runner(DEADLINES).catchUp();
    while ((await sender.sendDue()) > 0) {
      // nothing about T5 is due today any more
    }
    expect(aboutT5()).toHaveLength(1);
    const failedSeries = () =>
      sql.query<{ step: string; status: string }>(
        `SELECT o.step, o.status FROM rem_outbox o JOIN rem_deadlines d USING (deadline_id)
          WHERE d.code = 'C5' AND o.audience = 'responsible' AND o.step LIKE 'overdue-%@2026-01-12' AND o.status <> 'superseded' ORDER BY o.send_on`,
      );
    // A failed step is settled as a sent one is: the series still goes on, after the new policy as before it.
    expect(await failedSeries()).toEqual([
      { step: 'overdue-1@2026-01-12', status: 'failed' },
      { step: 'overdue-2@2026-01-12', status: 'pending' },
    ]);
    expect(await series()).toEqual([
      { step: 'overdue-1@2026-01-12', status: 'sent', send_on: '2026-01-19' },
      { step: 'overdue-2@2026-01-12', status: 'pending', send_on: '2026-03-23' },
    ]);
    clock.set('2026-03-23T09:00:00Z');
    while ((await sender.sendDue()) > 0) {
      // the next step of the series, and nothing else about T5
    }
    expect(aboutT5()).toHaveLength(2);

    // From one policy to another: every day while overdue for five weeks (a message each working day), then every
    // week again. The series numbers its messages, and the numbers must keep growing (a step's name is its key in the
    // outbox), but its days follow the policy in force: the next goes out on the weekly day after today, not on the
    // weekly day of its number (the 30th week after the due date, in August).
    const adopt = async (every: number, id: string) => {
      await api.app
        .get(CommandBus)
        .execute(
          new RunOrganisationCommand(
            { type: 'AdoptReminderPolicy', policy: { ...policy, overdueEveryDays: every } },
            { actor: { ...seg, id: seg.sub }, correlationId: id, causationId: id },
          ),
        );
      await api.app.get(ProcessorsHost).runner(DEADLINES).catchUp();
    };
    await adopt(1, 'p3');
    const daysSent: string[] = [];
    for (let day = Date.parse('2026-03-24'); day <= Date.parse('2026-04-30'); day += 86_400_000) {
      const before = aboutT5().length;
      clock.set(new Date(day + 10 * 3_600_000).toISOString());
      while ((await sender.sendDue()) > 0) {
        // each working day's message
      }
      if (aboutT5().length > before) daysSent.push(new Date(day).toISOString().slice(0, 10));
      expect(aboutT5().length - before).toBeLessThanOrEqual(1);
    }
    // Every working day, none on a Saturday, a Sunday or Easter Monday (6 April).
    expect(daysSent).toHaveLength(27);
    expect(daysSent).not.toContain('2026-04-06');
    const last = (await series()).filter((r) => r.status === 'sent').pop()!;
    expect(last).toEqual({ step: 'overdue-29@2026-01-12', status: 'sent', send_on: '2026-04-30' });

    await adopt(7, 'p4'); // Thursday 30 April: the processor writes the series' next step under the weekly policy
    expect((await series()).filter((r) => r.status === 'pending')).toEqual([{ step: 'overdue-30@2026-01-12', status: 'pending', send_on: '2026-05-04' }]);
    clock.set('2026-05-04T10:00:00Z');
    while ((await sender.sendDue()) > 0) {
      // Monday's message; the sender writes the one after it under the weekly policy
    }
    expect((await series()).filter((r) => r.status === 'pending')).toEqual([{ step: 'overdue-31@2026-01-12', status: 'pending', send_on: '2026-05-11' }]);

    // A row of the next step's name in the outbox already, never sent: superseded (as a step named by its place in the
    // grid, before steps were numbered one after the other, is after a policy change). The sender brings it back as
    // the next step; left superseded, the series would stop there.
    const [pending] = await sql.query<{ deadline_id: string; ente: string; policy_revision: number }>(
      `SELECT o.deadline_id, o.ente, o.policy_revision FROM rem_outbox o JOIN rem_deadlines d USING (deadline_id)
        WHERE d.code = 'T5' AND o.audience = 'responsible' AND o.status = 'pending' AND o.step LIKE 'overdue-%'`,
    );
    await sql.query(
      `INSERT INTO rem_outbox (reminder_id, ente, deadline_id, step, audience, due_on, send_on, send_at, policy_revision, status)
       VALUES ($1, $2, $3, 'overdue-32@2026-01-12', 'responsible', '2026-01-12', '2026-08-24', '2026-08-24T06:00:00Z', $4, 'superseded')`,
      [reminderIdOf(pending.deadline_id, 'overdue-32@2026-01-12'), pending.ente, pending.deadline_id, pending.policy_revision - 1],
    );
    clock.set('2026-05-11T10:00:00Z');
    while ((await sender.sendDue()) > 0) {
      // Monday's message
    }
    expect((await series()).filter((r) => r.status === 'pending')).toEqual([{ step: 'overdue-32@2026-01-12', status: 'pending', send_on: '2026-05-18' }]);
  });
});
