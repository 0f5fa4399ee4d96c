import { CommandBus } from '@nestjs/cqrs';
import { ManualClock, ProcessorsHost, RunOrganisationCommand } from '@piao/application';
import { DEFAULT_REMINDER_POLICY, isQuietDay, type ReminderPolicy } from '@piao/lifecycle';
import { READ_MODEL_SQL } from '@piao/read-models';
import { InProcessReminderSender, DEADLINES } from '@piao/reminders';
import { type SqlClient } from '@piao/event-store';
import { startApi, type Api, type AuthorisedClient, type Person } from '../support/api-harness';
import { cesanoTrasparenza, cinisello, segratePtpct } from '../support/real-objectives';
import { SmtpMailbox } from '../support/smtp-mailbox';

const ENTE = 'comune-promemoria';
const person = (sub: string, name: string, roles: Person['roles']): Person => ({ sub, name, ente: ENTE, roles });
const people = {
  admin: person('admin', 'Amministratore', ['admin']),
  seg: person('seg', 'Segretaria Generale', ['segretario']),
  dalpiaz: person('dalpiaz', 'Dirigente Welfare fino a giugno', ['dirigente']),
  rossi: person('rossi', 'Dirigente Welfare da settembre', ['dirigente']),
  bellagamba: person('bellagamba', 'Dirigente Affari Generali', ['dirigente']),
  assistente: person('assistente', 'Assistente di Bellagamba', ['dirigente']),
};
type Who = keyof typeof people;
const email = (who: string) => `${who}@comune-promemoria.it`;

/** One delivery as the test sees it: on which simulated day, to whom, for which deadline and step. */
interface Sent {
  day: string;
  to: string;
  deadlineId: string;
  step: string;
}

/**
 * A year of reminders on the embedded default (PGlite, no Redis), with a real SMTP server: the three real objectives
 * of one plan, the clock moved day by day from the plan's opening to the next January, and what happens to them on
 * the way (a reprogramming that moves a phase end, a unit head who leaves, a vacancy, a successor, phases completed,
 * reports submitted). Each day, the day's acts are recorded first, then the processors catch up and the sender
 * sends what is due; every message the SMTP server receives is matched to its delivery.
 */
describe('a year of deadline reminders on the embedded default (PGlite, no Redis, a real SMTP server)', () => {
  const clock = new ManualClock('2025-01-08T09:00:00Z');
  let mailbox: SmtpMailbox;
  let api: Api;
  let as: Record<Who, AuthorisedClient>;
  let sql: SqlClient;
  const sent: Sent[] = [];
  const ids: Record<'plan' | 'cinisello' | 'segrate' | 'cesano', string> = { plan: '', cinisello: '', segrate: '', cesano: '' };

  const ok = async (call: Promise<{ status: number; body: Record<string, unknown> }>, status = 200) => {
    const response = await call;
    if (response.status !== status)
      throw new Error(`${clock.now().toISOString()}: expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  };
  const today = () => clock.now().toISOString().slice(0, 10);

  /** The processors follow the log up to its end; the sender sends what is due; new messages are matched to deliveries. */
  async function runDay(): Promise<void> {
    const host = api.app.get(ProcessorsHost);
    for (;;) {
      host.poke();
      const lag = (await host.lag()).find((p) => p.name === DEADLINES)!;
      if (lag.lagEvents === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const before = mailbox.messages.length;
    while ((await api.app.get(InProcessReminderSender).sendDue()) > 0) {
      // until nothing due is left
    }
    for (const message of mailbox.messages.slice(before)) {
      const [delivery] = await sql.query<{ deadline_id: string; step: string }>(`SELECT deadline_id, step FROM rem_deliveries WHERE message_id = $1`, [
        message.messageId,
      ]);
      expect(delivery).toBeDefined();
      sent.push({ day: today(), to: message.to[0], deadlineId: delivery.deadline_id, step: delivery.step });
    }
  }

  async function adoptPolicy(policy: ReminderPolicy): Promise<void> {
    const actor = { id: 'seg', name: 'Segretaria Generale', ente: ENTE, roles: ['segretario' as const] };
    await api.app
      .get(CommandBus)
      .execute(new RunOrganisationCommand({ type: 'AdoptReminderPolicy', policy }, { actor, correlationId: 'test', causationId: 'test' }));
  }

  /** What each day brings, recorded before the day's reminders go out. */
  const agenda: Record<string, () => Promise<unknown>> = {
    '2025-01-08': async () => {
      for (const [unitId, name] of [
        ['welfare', 'Settore Welfare'],
        ['affari-generali', 'Direzione Affari Generali'],
        ['segreteria-generale', 'Segreteria Generale'],
      ]) {
        await ok(as.admin.post('/organisation/units', { unitId, name, kind: 'settore' }), 201);
      }
      for (const p of Object.values(people).filter((p) => p.sub !== 'admin')) {
        await ok(as.admin.post('/organisation/people', { personId: p.sub, name: p.name, email: email(p.sub) }), 201);
      }
      await ok(as.admin.post('/organisation/headships', { unitId: 'welfare', personId: 'dalpiaz', from: '2025-01-01' }), 201);
      await ok(as.admin.post('/organisation/headships', { unitId: 'affari-generali', personId: 'bellagamba', from: '2025-01-01' }), 201);
      await ok(as.admin.post('/organisation/headships', { unitId: 'segreteria-generale', personId: 'seg', from: '2025-01-01' }), 201);
      // The patron saint's day falls on a Friday in 2025: whatever was due to go out that day goes on Monday.
      await adoptPolicy({ ...DEFAULT_REMINDER_POLICY, segretarioPersonId: 'seg', patronSaintDay: '05-23' });
      const plan = await ok(as.seg.post('/plans', { kind: 'PIAO', title: 'PIAO 2025', fromYear: 2025, toYear: 2025 }), 201);
      ids.plan = plan.planId as string;
      const segrate = segratePtpct('affari-generali', ['welfare']);
      const drafts = [
        [as.dalpiaz, cinisello('welfare')],
        [as.bellagamba, { ...segrate, definition: { ...segrate.definition, horizon: { fromYear: 2025, toYear: 2025, cyclical: true } } }],
        [as.seg, cesanoTrasparenza('segreteria-generale')],
      ] as const;
      for (const [key, [client, body]] of (['cinisello', 'segrate', 'cesano'] as const).map((k, i) => [k, drafts[i]] as const)) {
        ids[key] = (await ok(client.post(`/plans/${ids.plan}/objectives`, body), 201)).objectiveId as string;
        await ok(client.post(`/objectives/${ids[key]}/propose`));
      }
    },
    '2025-01-10': async () => {
      // Bellagamba wants their assistant in copy.
      const actor = { id: 'bellagamba', name: people.bellagamba.name, ente: ENTE, roles: ['dirigente' as const] };
      await api.app
        .get(CommandBus)
        .execute(
          new RunOrganisationCommand(
            { type: 'SetReminderPreferences', personId: 'bellagamba', channels: ['email', 'in-app'], copyTo: ['assistente'] },
            { actor, correlationId: 'test', causationId: 'test' },
          ),
        );
    },
    '2025-01-28': async () => {
      await ok(as.seg.post(`/plans/${ids.plan}/submit`));
      await ok(as.seg.post(`/plans/${ids.plan}/approve`, { act: { number: '12', date: '2025-01-28' } }));
    },
    '2025-04-10': async () => {
      // The first phase of the Cinisello objective is brought forward from 31/12 to 30/05.
      const current = await ok(as.dalpiaz.get(`/objectives/${ids.cinisello}`));
      const definition = structuredClone(current.definition) as { phases: { id: string; plannedEnd?: string }[] };
      definition.phases.find((p) => p.id === 'f1')!.plannedEnd = '2025-05-30';
      await ok(as.dalpiaz.post(`/objectives/${ids.cinisello}/reprogramming`, { definition, reason: 'Il bando regionale anticipa la scadenza' }));
    },
    '2025-04-15': () => ok(as.seg.post(`/objectives/${ids.cinisello}/reprogramming/approve`, { act: { number: '58', date: '2025-04-15' } })),
    // Dalpiaz leaves on 13 June; nobody heads Welfare until Rossi arrives on 1 September.
    '2025-06-13': () => ok(as.admin.post('/organisation/headships/end', { unitId: 'welfare', personId: 'dalpiaz', from: '2025-01-01', to: '2025-06-13' })),
    '2025-07-02': () => ok(as.seg.post(`/objectives/${ids.cinisello}/phase-progress`, { phaseId: 'f1', progressPercent: 100 })),
    '2025-07-22': () =>
      ok(
        as.seg.post(`/objectives/${ids.cinisello}/monitoring-reports`, {
          asOf: '2025-07-31',
          phases: [{ phaseId: 'f2', progressPercent: 40 }],
          indicators: [],
        }),
      ),
    '2025-07-30': () =>
      ok(
        as.bellagamba.post(`/objectives/${ids.segrate}/monitoring-reports`, {
          asOf: '2025-07-31',
          phases: [{ phaseId: 'f1', progressPercent: 100 }],
          indicators: [],
        }),
      ),
    '2025-08-25': () => ok(as.admin.post('/organisation/headships', { unitId: 'welfare', personId: 'rossi', from: '2025-09-01' }), 201),
    '2025-12-19': () => ok(as.rossi.post(`/objectives/${ids.cinisello}/phase-progress`, { phaseId: 'f2', progressPercent: 100 })),
  };

  beforeAll(async () => {
    mailbox = await SmtpMailbox.start();
    // The sender's own loop waits ten minutes between looks: the test drives it, day by day.
    api = await startApi('pglite', { SMTP_URL: mailbox.url, REMINDER_POLL_MS: '600000' }, clock);
    sql = api.app.get<SqlClient>(READ_MODEL_SQL);
    as = Object.fromEntries(await Promise.all(Object.entries(people).map(async ([k, p]) => [k, await api.as(p)]))) as Record<Who, AuthorisedClient>;
    for (let day = '2025-01-08'; day <= '2026-01-16'; day = nextDay(day)) {
      clock.set(`${day}T09:00:00Z`); // 10:00 or 11:00 in Italy: after the policy's 8 o'clock
      await agenda[day]?.();
      await runDay();
    }
  }, 600_000);
  afterAll(async () => {
    await api?.close();
    await mailbox?.stop();
  });

  const of = (objective: keyof typeof ids, kind: string, ref: string) => `${ids[objective]}/${kind}/${ref}`;
  const deliveries = (deadlineId: string) =>
    sent.filter((s) => s.deadlineId === deadlineId).map((s) => [s.day, s.step.replace(/@.*/, ''), s.to.replace(/@.*/, '')]);

  it('writes nothing on a weekend, a national holiday or the patron saint’s day, and never the same reminder twice', () => {
    if (process.env.SHOW_REMINDERS)
      process.stdout.write(sent.map((s) => [s.day, s.deadlineId.replace(/^[0-9a-f-]{36}\//, ''), s.step, s.to].join(' ')).join('\n') + '\n');
    expect(sent.length).toBeGreaterThan(40);
    expect(sent.filter((s) => isQuietDay(s.day, '05-23'))).toEqual([]);
    const keys = sent.map((s) => `${s.deadlineId}|${s.step}|${s.to}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...mailbox.countsByMessageId().values()].every((n) => n === 1)).toBe(true);
  });

  it('reminds the Segretario of the plan’s approval until the Giunta approves it', () => {
    // Opened on 8 January: the reminder of 30 days before (2 January) goes out late, once; approved on the 28th.
    expect(deliveries(`plan/${ids.plan}/plan-approval/2025`)).toEqual([
      ['2025-01-08', 'before-30', 'seg'],
      ['2025-01-24', 'before-7', 'seg'],
    ]);
  });

  it('follows a phase end moved by a reprogramming, to whoever heads the unit on the day, the Segretario while it is vacant', () => {
    expect(sent.filter((s) => s.deadlineId === of('cinisello', 'phase-end', 'f1') && s.step.endsWith('@2025-12-31'))).toEqual([]);
    expect(deliveries(of('cinisello', 'phase-end', 'f1'))).toEqual([
      ['2025-04-30', 'before-30', 'dalpiaz'],
      ['2025-05-26', 'before-7', 'dalpiaz'], // 23 May is the patron saint's day
      ['2025-05-29', 'before-1', 'dalpiaz'],
      ['2025-05-30', 'on-the-day', 'dalpiaz'],
      ['2025-06-06', 'overdue-1', 'dalpiaz'],
      ['2025-06-13', 'overdue-2', 'dalpiaz'], // the last day of the headship
      ['2025-06-16', 'escalation', 'seg'], // 14 June is a Saturday
      ['2025-06-20', 'overdue-3', 'seg'], // vacant
      ['2025-06-27', 'overdue-4', 'seg'],
      // completed on 2 July: nothing more
    ]);
  });

  it('stops at a completed phase and writes to the successor', () => {
    expect(deliveries(of('cinisello', 'phase-end', 'f2'))).toEqual([['2025-12-01', 'before-30', 'rossi']]);
    expect(deliveries(of('cinisello', 'phase-end', 'f3'))).toEqual([
      ['2025-12-01', 'before-30', 'rossi'],
      ['2025-12-24', 'before-7', 'rossi'],
      ['2025-12-30', 'before-1', 'rossi'],
      ['2025-12-31', 'on-the-day', 'rossi'],
      ['2026-01-07', 'overdue-1', 'rossi'],
      ['2026-01-14', 'overdue-2', 'rossi'],
      ['2026-01-15', 'escalation', 'seg'],
    ]);
  });

  it('stops the monitoring reminders once the report is in, with the delegate in copy', () => {
    expect(deliveries(of('cinisello', 'monitoring-report', '2025-07-31'))).toEqual([['2025-07-01', 'before-30', 'seg']]); // vacant
    expect(deliveries(of('segrate', 'monitoring-report', '2025-07-31'))).toEqual([
      ['2025-07-01', 'before-30', 'bellagamba'],
      ['2025-07-01', 'before-30', 'assistente'],
      ['2025-07-24', 'before-7', 'bellagamba'],
      ['2025-07-24', 'before-7', 'assistente'],
    ]);
  });

  it('reminds of a phase the plan dated only in words at the end of the period the words pin down, keeping the words', async () => {
    // Cesano writes the phase's time as "2 trim": the second quarter of the objective's year, due by 30/06.
    const steps = sent.filter((s) => s.deadlineId === of('cesano', 'phase-end', 'f1')).map((s) => s.step);
    expect(steps).toEqual(expect.arrayContaining(['before-30@2025-06-30', 'on-the-day@2025-06-30']));
    const [dated] = await sql.query<{ period_text: string; due_on: string | null; open: boolean }>(
      `SELECT period_text, to_char(due_on, 'YYYY-MM-DD') AS due_on, open FROM rem_deadlines WHERE deadline_id = $1`,
      [of('cesano', 'phase-end', 'f1')],
    );
    expect(dated).toEqual({ period_text: '2 trim', due_on: '2025-06-30', open: true });
  });

  it('writes the message in Italian, with the objective, the phase, the due date, the days left and the link', () => {
    const message = mailbox.messages.find((m) => m.to[0] === email('rossi') && m.text.includes('Scadenza: 31/12/2025'))!;
    expect(message.subject).toMatch(/^Mancano 30 giorni: fase "/);
    expect(message.text).toContain('Gentile Dirigente Welfare da settembre,');
    expect(message.text).toContain('Obiettivo: 2025_S08_04');
    expect(message.text).toContain(`Apri l'obiettivo: http://localhost:3000/objectives/${ids.cinisello}`);
  });
});

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
