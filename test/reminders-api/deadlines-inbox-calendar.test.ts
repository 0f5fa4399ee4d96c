import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ical, { type VEvent } from 'node-ical';
import { ManualClock, ProcessorsHost } from '@piao/application';
import { DEADLINES, InProcessReminderSender, REMINDERS_OPTIONS, type RemindersOptions } from '@piao/reminders';
import { logHead, startApi, type Api, type AuthorisedClient } from '../support/api-harness';
import { definition, seedEnte, type Ente } from '../support/scenario';
import { SmtpMailbox } from '../support/smtp-mailbox';
import { putAs } from './support';

const localDate = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const text = (value: unknown) => (typeof value === 'string' ? value : ((value as { val?: string } | undefined)?.val ?? ''));
const eventsOf = (ics: string) =>
  Object.values(ical.sync.parseICS(ics))
    .filter((c): c is VEvent => c?.type === 'VEVENT')
    .sort((a, b) => a.uid.localeCompare(b.uid));
const ids = (list: unknown) => (list as { deadlineId: string }[]).map((d) => d.deadlineId);

/**
 * The reminders' reads through the HTTP API, on each SQL store: the Segretario's list of deadlines (the undated ones
 * apart), a reminder sent by the in-process sender landing in the dirigente's inbox, the iCal feed of the units a
 * person heads today following an approved reprogramming, the rotation of its secret URL, and the dead letters.
 */
describe.each(['postgres', 'pglite'] as const)('deadlines, inbox, calendar feed and dead letters through the API (%s)', (kind) => {
  // Monday 30 June 2025, noon in Rome: phase f1 of the seeded objective (unit welfare) is due today.
  const clock = new ManualClock('2025-06-30T10:00:00Z');
  const mailFolder = mkdtempSync(join(tmpdir(), 'piao-mail-'));
  const delegateId = 'comune-scadenze:delegato';
  let mailbox: SmtpMailbox;
  let api: Api;
  let e: Ente;
  let other: Ente;
  let cultura: string;
  let delegate: AuthorisedClient;

  const ok = async (call: PromiseLike<{ status: number; body: Record<string, unknown> }>, status = 200) => {
    const response = await call;
    if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  };
  const catchUp = () => api.app.get(ProcessorsHost).runner(DEADLINES).catchUp();
  const sendAll = async () => {
    await catchUp();
    while ((await api.app.get(InProcessReminderSender).sendDue()) > 0) {
      // until nothing due is left
    }
  };
  const feedPath = (url: string) => new URL(url).pathname;
  const feedOf = async (client: AuthorisedClient) => feedPath((await ok(client.post('/people/me/calendar-feed'), 201)).url as string);

  beforeAll(async () => {
    mailbox = await SmtpMailbox.start();
    api = await startApi(kind, { SMTP_URL: mailbox.url, MAIL_FOLDER: mailFolder, REMINDER_POLL_MS: '600000' }, clock);
    e = await seedEnte(api, 'comune-scadenze');
    other = await seedEnte(api, 'comune-vicino');
    // The dirigente copies a delegate on their reminders; the delegate's mailbox does not exist.
    await ok(e.as.admin.post('/organisation/people', { personId: delegateId, name: 'Delegato', email: 'delegato@comune.example' }), 201);
    mailbox.refuse('delegato@comune.example');
    await ok(putAs(api, e.people.dirigente, '/people/me/reminder-preferences', { channels: ['email', 'in-app'], copyTo: [delegateId] }));
    delegate = await api.as({ sub: delegateId, name: 'Delegato', ente: e.ente, roles: ['dirigente'] });
    // An objective of the Cultura unit: one phase dated 3 July, one the plan gave only in words.
    const body = {
      code: 'C01_01',
      definition: {
        ...definition('cultura'),
        title: 'Stagione teatrale',
        phases: [
          { id: 'f1', description: 'Bando per le compagnie', weight: 50, plannedEnd: '2025-07-03' },
          { id: 'f2', description: 'Rassegna estiva', weight: 50, plannedPeriodText: 'luglio e dicembre 2025' },
        ],
      },
    };
    cultura = (await ok(e.as.otherDirigente.post(`/plans/${e.planId}/objectives`, body), 201)).objectiveId as string;
    await ok(e.as.otherDirigente.post(`/objectives/${cultura}/propose`));
    await ok(e.as.segretario.post(`/objectives/${cultura}/approve`, { act: { number: '40', date: '2025-06-20' } }));
  });
  afterAll(async () => {
    await api.close();
    await mailbox.stop();
    rmSync(mailFolder, { recursive: true, force: true });
  });

  it('lists the ente’s deadlines for the Segretario by due date, with the undated phase apart, filtered and paged', async () => {
    const all = await ok(e.as.segretario.get(`/deadlines?after=${await logHead(api.store)}&limit=200`));
    expect(all.on).toBe('2025-06-30');
    const items = all.items as { deadlineId: string; dueOn: string; open: boolean }[];
    expect(items.map((d) => d.dueOn)).toEqual(items.map((d) => d.dueOn).sort());
    expect(items.every((d) => d.open)).toBe(true);
    expect(ids(items)).toEqual(
      expect.arrayContaining([
        `${e.objectiveId}/phase-end/f1`,
        `${e.objectiveId}/phase-end/f2`,
        `${e.objectiveId}/monitoring-report/2025-07-31`,
        `${e.objectiveId}/year-end-report/2025`,
        `${cultura}/phase-end/f1`,
        `plan/${e.planId}/ndv-validation/2026`,
      ]),
    );
    expect(items.find((d) => d.deadlineId === `${e.objectiveId}/phase-end/f1`)).toEqual({
      deadlineId: `${e.objectiveId}/phase-end/f1`,
      planId: e.planId,
      objectiveId: e.objectiveId,
      code: 'S08_01',
      title: 'Sostegno alle famiglie',
      kind: 'phase-end',
      ref: 'f1',
      description: 'Analisi dei bisogni',
      dueOn: '2025-06-30',
      periodText: null,
      unitId: 'welfare',
      unitName: 'Settore Welfare',
      audience: 'responsible',
      open: true,
      overdue: false,
    });
    // "no date": listed apart, never among the dated ones.
    expect(all.undated).toEqual([
      expect.objectContaining({
        deadlineId: `${cultura}/phase-end/f2`,
        code: 'C01_01',
        dueOn: null,
        periodText: 'luglio e dicembre 2025',
        unitId: 'cultura',
        open: true,
      }),
    ]);
    expect(ids(items)).not.toContain(`${cultura}/phase-end/f2`);
    // Nothing of the other ente.
    expect(ids(items).some((id) => id.includes(other.objectiveId) || id.includes(other.planId))).toBe(false);

    const closed = await ok(e.as.nucleo.get('/deadlines?status=closed'));
    expect(ids(closed.items)).toEqual([`plan/${e.planId}/plan-approval/2025`]);
    expect(closed.undated).toEqual([]);
    const everything = await ok(e.as.admin.get('/deadlines?status=all&limit=200'));
    expect(ids(everything.items).sort()).toEqual([...ids(items), `plan/${e.planId}/plan-approval/2025`].sort());
    const phases = await ok(e.as.rpct.get('/deadlines?unitId=welfare&kind=phase-end&from=2025-07-01&to=2025-12-31'));
    expect(ids(phases.items)).toEqual([`${e.objectiveId}/phase-end/f2`]);
    expect(phases.undated).toEqual([]);
    expect(ids((await ok(e.as.rpct.get('/deadlines?unitId=cultura'))).undated)).toEqual([`${cultura}/phase-end/f2`]);

    // Paged two by two, the pages add up to the whole list, in order, each row once.
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Record<string, unknown> = await ok(e.as.admin.get(`/deadlines?limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      expect((page.items as unknown[]).length).toBeLessThanOrEqual(2);
      paged.push(...ids(page.items));
      cursor = page.next as string | null;
    } while (cursor);
    expect(paged).toEqual(ids(items));
  });

  it('puts the reminder the sender sent in the dirigente’s inbox: listed, counted, marked read once, by them only', async () => {
    await sendAll();
    const inbox = await ok(e.as.dirigente.get('/people/me/inbox'));
    expect(inbox.next).toBeNull();
    const messages = inbox.items as { messageId: string; subject: string; body: string; readAt: string | null }[];
    expect(messages).toEqual([
      expect.objectContaining({ deadlineId: `${e.objectiveId}/phase-end/f1`, objectiveId: e.objectiveId, createdAt: '2025-06-30T10:00:00.000Z', readAt: null }),
    ]);
    expect(messages[0].subject).toContain('Scade oggi');
    expect(messages[0].body).toContain(`/objectives/${e.objectiveId}`);
    expect(await ok(e.as.dirigente.get('/people/me/inbox/unread-count'))).toEqual({ unread: 1 });

    const url = `/people/me/inbox/${encodeURIComponent(messages[0].messageId)}/read`;
    // Nobody else marks it: not the other dirigente, not the Segretario, not the same person id in another ente.
    for (const client of [e.as.otherDirigente, e.as.segretario, e.as.admin]) expect((await client.post(url)).status).toBe(404);
    const namesake = await api.as({ ...e.people.dirigente, ente: other.ente });
    expect((await namesake.post(url)).body).toMatchObject({ status: 404, type: '/problems/not-found' });
    expect(await ok(e.as.dirigente.get('/people/me/inbox/unread-count'))).toEqual({ unread: 1 });
    await ok(e.as.dirigente.post(`/people/me/inbox/${encodeURIComponent('<nessuno@localhost>')}/read`), 404);

    expect((await ok(e.as.dirigente.post(url))).readAt).toBe('2025-06-30T10:00:00.000Z');
    clock.advance(60_000);
    expect((await ok(e.as.dirigente.post(url, {}, { 'Idempotency-Key': 'again' }))).readAt).toBe('2025-06-30T10:00:00.000Z');
    expect(await ok(e.as.dirigente.get('/people/me/inbox/unread-count'))).toEqual({ unread: 0 });

    // Each got their own: the other dirigente (Cultura, due in 3 days), the delegate in copy; the namesake nothing.
    expect((await ok(e.as.otherDirigente.get('/people/me/inbox'))).items).toEqual([
      expect.objectContaining({ deadlineId: `${cultura}/phase-end/f1`, readAt: null, subject: expect.stringContaining('Mancano 3 giorni') }),
    ]);
    expect((await ok(delegate.get('/people/me/inbox'))).items).toEqual([
      expect.objectContaining({ deadlineId: `${e.objectiveId}/phase-end/f1`, subject: expect.stringContaining('In copia') }),
    ]);
    const namesakeInbox = (await ok(namesake.get('/people/me/inbox'))).items as { deadlineId: string }[];
    expect(namesakeInbox.every((m) => m.deadlineId.startsWith(other.objectiveId))).toBe(true);
  });

  it('pages the inbox newest first', async () => {
    clock.set('2025-07-01T10:00:00Z'); // the monitoring report of 31/07 is a month away
    await sendAll();
    const first = await ok(e.as.dirigente.get('/people/me/inbox?limit=1'));
    expect(first.items).toEqual([expect.objectContaining({ deadlineId: `${e.objectiveId}/monitoring-report/2025-07-31`, readAt: null })]);
    const second = await ok(e.as.dirigente.get(`/people/me/inbox?limit=1&cursor=${first.next}`));
    expect(second.items).toEqual([expect.objectContaining({ deadlineId: `${e.objectiveId}/phase-end/f1` })]);
    expect(second.next).toBeNull();
    expect(await ok(e.as.dirigente.get('/people/me/inbox/unread-count'))).toEqual({ unread: 1 });
  });

  it('serves the open dated deadlines of the units a person heads today as an iCal feed, following a reprogramming', async () => {
    const path = await feedOf(e.as.dirigente);
    expect(path).toMatch(/^\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
    const response = await api.anonymous().get(path);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(response.text).toContain('X-WR-CALNAME:Scadenze PIAO – Dirigente Welfare');
    const events = eventsOf(response.text);
    const welfare = (await ok(e.as.segretario.get('/deadlines?unitId=welfare'))).items as { deadlineId: string }[];
    expect(events.map((v) => v.uid)).toEqual(ids(welfare).sort());
    const f2 = events.find((v) => v.uid === `${e.objectiveId}/phase-end/f2`)!;
    expect(f2.datetype).toBe('date');
    expect(localDate(f2.start)).toBe('2025-12-31');
    expect(text(f2.summary)).toBe('Scadenza fine fase: Erogazione (S08_01 – Sostegno alle famiglie)');
    expect(text(f2.description)).toContain('Obiettivo: S08_01 – Sostegno alle famiglie');
    expect(text(f2.description)).toContain('Scadenza: 31/12/2025');
    expect(text(f2.description)).toContain(`http://localhost:3000/objectives/${e.objectiveId}`);

    // The Giunta moves phase f2 to 28 November; phase f1 is completed: f2 moves in the feed (same event), f1 leaves it.
    const moved = definition();
    moved.phases[1].plannedEnd = '2025-11-28';
    await ok(e.as.dirigente.post(`/objectives/${e.objectiveId}/reprogramming`, { definition: moved, reason: 'Il bando regionale è slittato' }));
    await ok(e.as.segretario.post(`/objectives/${e.objectiveId}/reprogramming/approve`, { act: { number: '77', date: '2025-07-01' } }));
    await ok(e.as.dirigente.post(`/objectives/${e.objectiveId}/phase-progress`, { phaseId: 'f1', progressPercent: 100 }));
    await catchUp();
    const after = eventsOf((await api.anonymous().get(path).expect(200)).text);
    expect(after.map((v) => v.uid)).toEqual(events.map((v) => v.uid).filter((uid) => uid !== `${e.objectiveId}/phase-end/f1`));
    expect(localDate(after.find((v) => v.uid === `${e.objectiveId}/phase-end/f2`)!.start)).toBe('2025-11-28');

    // The other dirigente's feed: the Cultura phase (the undated one cannot be an event) until their headship ends.
    const culturaPath = await feedOf(e.as.otherDirigente);
    const culturaEvents = eventsOf((await api.anonymous().get(culturaPath).expect(200)).text);
    expect(culturaEvents.map((v) => v.uid)).toEqual(expect.arrayContaining([`${cultura}/phase-end/f1`]));
    expect(culturaEvents.map((v) => v.uid)).not.toContain(`${cultura}/phase-end/f2`);
    expect(culturaEvents.every((v) => v.uid.startsWith(cultura))).toBe(true);
    await ok(
      e.as.admin.post('/organisation/headships/end', { unitId: 'cultura', personId: e.people.otherDirigente.sub, from: '2025-01-01', to: '2025-06-30' }),
    );
    clock.set('2025-07-02T10:00:00Z');
    await catchUp();
    expect(eventsOf((await api.anonymous().get(culturaPath).expect(200)).text)).toEqual([]);
    // Nobody heads anything as Segretario: an empty calendar, still a calendar.
    const segretario = await api.anonymous().get(await feedOf(e.as.segretario));
    expect([segretario.status, eventsOf(segretario.text)]).toEqual([200, []]);
  });

  it('stops serving a feed URL once it is replaced; an unknown or malformed one is a 404 that says nothing else', async () => {
    const first = await feedOf(e.as.dirigente);
    const second = await feedOf(e.as.dirigente);
    expect(second).not.toBe(first);
    await api.anonymous().get(second).expect(200);
    const gone = await api.anonymous().get(first);
    expect(gone.status).toBe(404);
    expect(gone.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(gone.body).toEqual({ type: '/problems/not-found', title: 'Not found', status: 404, detail: 'calendar feed does not exist', instance: first });
    for (const path of ['/calendar/x.ics', `/calendar/${'A'.repeat(43)}.ics`, `/calendar/${'A'.repeat(5000)}.ics`, '/calendar/%00.ics']) {
      const response = await api.anonymous().get(path);
      expect([response.status, response.body.detail]).toEqual([404, 'calendar feed does not exist']);
    }
    // A bearer token of the owner does not open the old URL either.
    expect((await e.as.dirigente.get(first)).status).toBe(404);
    // Only the SHA-256 of the secret is stored.
    const token = second.slice('/calendar/'.length, -'.ics'.length);
    const rows = await api.app
      .get<RemindersOptions>(REMINDERS_OPTIONS)
      .sql.query<{ token_sha256: string }>(`SELECT token_sha256 FROM rem_calendar_feeds WHERE ente = $1 AND person_id = $2`, [e.ente, e.people.dirigente.sub]);
    expect(rows).toEqual([{ token_sha256: createHash('sha256').update(token).digest('hex') }]);
  });

  it('lists the reminders given up and the undelivered copies for the admin and the Segretario of the ente only', async () => {
    // 3 July: the Cultura phase is due and its unit has had no head since 1 July; the policy names no Segretario.
    clock.set('2025-07-03T10:00:00Z');
    await sendAll();
    const letters = await ok(e.as.segretario.get('/admin/reminders/dead-letters'));
    expect(letters.reminders).toEqual([
      expect.objectContaining({
        deadlineId: `${cultura}/phase-end/f1`,
        step: 'on-the-day@2025-07-03',
        audience: 'responsible',
        dueOn: '2025-07-03',
        code: 'C01_01',
        title: 'Stagione teatrale',
        failedAt: '2025-07-03T10:00:00.000Z',
        error: expect.stringContaining('nobody to write to'),
      }),
    ]);
    // The delegate's copies, newest first: the monitoring report's (1 July) and the phase's (30 June).
    const copy = (deadline: string, step: string, createdAt: string) =>
      expect.objectContaining({
        deadlineId: `${e.objectiveId}/${deadline}`,
        step,
        personId: delegateId,
        email: 'delegato@comune.example',
        createdAt,
        error: expect.stringContaining('550'),
      });
    expect(letters.deliveries).toEqual([
      copy('monitoring-report/2025-07-31', 'before-30@2025-07-31', '2025-07-01T10:00:00.000Z'),
      copy('phase-end/f1', 'on-the-day@2025-06-30', '2025-06-30T10:00:00.000Z'),
    ]);
    const first = await ok(e.as.segretario.get('/admin/reminders/dead-letters?limit=1'));
    expect(ids(first.deliveries)).toEqual([`${e.objectiveId}/monitoring-report/2025-07-31`]);
    expect(first.next).toBeNull();
    const second = await ok(e.as.segretario.get(`/admin/reminders/dead-letters?limit=1&deliveriesCursor=${first.deliveriesNext}`));
    expect([ids(second.deliveries), second.deliveriesNext]).toEqual([[`${e.objectiveId}/phase-end/f1`], null]);
    expect((await ok(e.as.admin.get('/admin/reminders/dead-letters'))).reminders).toEqual(letters.reminders);
    expect(await ok(other.as.admin.get('/admin/reminders/dead-letters'))).toEqual({ reminders: [], next: null, deliveries: [], deliveriesNext: null });
    for (const client of [e.as.dirigente, e.as.nucleo, e.as.rpct]) {
      expect((await client.get('/admin/reminders/dead-letters')).body).toMatchObject({ status: 403, rule: 'role-not-allowed' });
    }
  });
});
