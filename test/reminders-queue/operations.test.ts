import { ManualClock } from '@piao/application';
import { startApi, type Api, type Person } from '../support/api-harness';
import { openBed, SEND_AT, seed, type Bed } from './queue-harness';

/**
 * The API's side of the reminder queue: the dashboard under /admin/queues (the operator's admins only, signed in with a
 * cookie), the queues' counts and the reminder lag in /metrics, the lag in /health/ready (failing above
 * REMINDER_MAX_LAG_SECONDS, counted from the send time or from when the reminder became pending, whichever is later), and the lag on the embedded default (no Redis) too.
 */
describe('reminder queue operations in the API', () => {
  const OPERATOR = 'gestore-piattaforma';
  let bed: Bed;
  const person = (sub: string, ente: string, roles: Person['roles']): Person => ({ sub, name: sub, ente, roles });

  beforeAll(async () => {
    bed = await openBed({ db: 13, apiEnv: { QUEUE_DASHBOARD_ENTE: OPERATOR, REMINDER_MAX_LAG_SECONDS: '600' } });
    await seed(bed, 'comune-ops', [{ sub: 'blu', name: 'Ugo Blu', email: 'blu@comune-ops.it', unitId: 'ambiente', objectives: 1, phases: 3 }]);
    await bed.deliveries.add('deliver', { reminderId: 'x', sendAt: 0 }, { jobId: 'x-0', delay: 3_600_000 });
  }, 60_000);
  afterAll(async () => {
    await bed?.close();
  });

  it('keeps the dashboard to the operator’s admins, signed in with a cookie for /admin/queues only', async () => {
    const http = bed.api.anonymous();
    // No token: a page goes to the login page, an API call is 401.
    const page = await http.get('/admin/queues').set('Accept', 'text/html');
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/admin/queues-login');
    expect((await bed.api.anonymous().get('/admin/queues/api/queues')).status).toBe(401);
    const login = await bed.api.anonymous().get('/admin/queues-login');
    expect(login.status).toBe(200);
    expect(login.text).toContain('/admin/queues-session');

    // Not the operator's admin: refused, with the Authorization header or at sign-in.
    for (const who of [person('seg', OPERATOR, ['segretario']), person('admin', 'comune-ops', ['admin'])]) {
      const client = await bed.api.as(who);
      expect((await client.get('/admin/queues/api/queues')).status).toBe(403);
      const refused = await client.post('/admin/queues-session');
      expect(refused.status).toBe(403);
      expect(refused.headers['set-cookie']).toBeUndefined();
    }

    // The operator's admin: a cookie for the dashboard's path, HttpOnly and SameSite=Strict.
    const operator = await bed.api.as(person('ops', OPERATOR, ['admin']));
    const session = await operator.post('/admin/queues-session');
    expect(session.status).toBe(204);
    const cookie = ([] as string[]).concat(session.headers['set-cookie'] ?? [])[0];
    expect(cookie).toMatch(/^piao_queues=[\w.-]+;/);
    expect(cookie).toMatch(/Path=\/admin\/queues/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Max-Age=\d+/);
    const sent = cookie.split(';')[0];
    const ui = await bed.api.anonymous().get('/admin/queues').set('Cookie', sent).set('Accept', 'text/html');
    expect(ui.status).toBe(200);
    expect(ui.text).toMatch(/<html/i);
    expect(ui.text).toContain('<base href="/admin/queues/"');
    const asset = /src="(static\/js\/[^"]+)"/.exec(ui.text)?.[1];
    expect(asset).toBeDefined();
    expect((await bed.api.anonymous().get(`/admin/queues/${asset}`).set('Cookie', sent)).status).toBe(200);
    const queues = await bed.api.anonymous().get('/admin/queues/api/queues').set('Cookie', sent);
    expect(queues.status).toBe(200);
    const names = (queues.body as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
    expect(names).toEqual(['reminder-deliveries', 'reminder-maintenance']);
    // A forged cookie is nothing.
    expect((await bed.api.anonymous().get('/admin/queues/api/queues').set('Cookie', `${sent}x`)).status).toBe(401);
    // Signing out forgets the cookie.
    const out = await bed.api.anonymous().delete('/admin/queues-session');
    expect(out.status).toBe(204);
    expect(([] as string[]).concat(out.headers['set-cookie'] ?? [])[0]).toMatch(/piao_queues=;.*Expires=Thu, 01 Jan 1970/);
  });

  it('reports the queues and the reminder lag in /metrics', async () => {
    const metrics = await bed.api.anonymous().get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/^piao_reminder_queue_jobs\{queue="reminder-deliveries",state="delayed"\} 1$/m);
    expect(metrics.text).toMatch(/^piao_reminder_queue_jobs\{queue="reminder-deliveries",state="failed"\} 0$/m);
    expect(metrics.text).toMatch(/^piao_reminder_queue_up 1$/m);
    expect(metrics.text).toMatch(/^piao_reminder_lag_seconds 0$/m);
    expect(metrics.text).toMatch(/^piao_reminder_due 0$/m);
  });

  it('fails readiness when a due reminder has waited longer than REMINDER_MAX_LAG_SECONDS, counted from when it became pending', async () => {
    const mine = `reminder_id IN (SELECT reminder_id FROM rem_outbox WHERE ente = 'comune-ops' AND send_at = $1)`;
    const since = async () =>
      (await bed.sql.query<{ since: Date }>(`SELECT pending_since AS since FROM rem_outbox WHERE ${mine} ORDER BY reminder_id`, [SEND_AT])).map((r) =>
        r.since.getTime(),
      );
    // No worker runs. At 08:11 in Rome the 3 reminders of 08:00 are due, but they were written a moment ago (a
    // deadline recorded late): the sender has had them for a moment only, so they are not late yet.
    bed.clock.set(new Date(SEND_AT.getTime() + 11 * 60_000));
    const fresh = await bed.api.anonymous().get('/health/ready');
    expect(fresh.status).toBe(200);
    expect(fresh.body.details.reminders).toMatchObject({ status: 'up', due: 3, oldestDueAt: SEND_AT.toISOString() });
    expect(fresh.body.details.reminders.lagSeconds).toBeLessThan(60);
    // Pending for an hour: late by their send time, 660 s: not ready.
    await bed.sql.query(`UPDATE rem_outbox SET pending_since = now() - interval '1 hour' WHERE ${mine}`, [SEND_AT]);
    const late = await bed.api.anonymous().get('/health/ready');
    expect(late.status).toBe(503);
    expect(late.body.detail).toMatch(/reminders: 3 reminders are waiting to be sent, the oldest for 660 s/);
    expect((await bed.api.anonymous().get('/metrics')).text).toMatch(/^piao_reminder_lag_seconds 660$/m);
    // At 08:05, 300 s: ready again.
    bed.clock.set(new Date(SEND_AT.getTime() + 5 * 60_000));
    const waiting = await bed.api.anonymous().get('/health/ready');
    expect(waiting.status).toBe(200);
    expect(waiting.body.details.reminders).toEqual({ status: 'up', due: 3, lagSeconds: 300, oldestDueAt: SEND_AT.toISOString() });
    // pending_since follows the row: kept by other updates, set again when the row is pending again or moves.
    const before = await since();
    await bed.sql.query(`UPDATE rem_outbox SET attempts = attempts + 1 WHERE ${mine}`, [SEND_AT]);
    expect(await since()).toEqual(before);
    await bed.sql.query(`UPDATE rem_outbox SET status = 'superseded' WHERE ${mine}`, [SEND_AT]);
    await bed.sql.query(`UPDATE rem_outbox SET status = 'pending' WHERE ${mine}`, [SEND_AT]);
    expect((await since()).every((t, i) => t > before[i] + 3_000_000)).toBe(true);
    bed.clock.set(new Date(SEND_AT.getTime() - 3_600_000));
  });

  it('reports the lag on the embedded default too, with no queue and no dashboard', async () => {
    const clock = new ManualClock('2025-03-12T06:00:00Z');
    const api: Api = await startApi('pglite', { REMINDER_POLL_MS: '600000' }, clock);
    try {
      const ready = await api.anonymous().get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.details.reminders).toMatchObject({ status: 'up', due: 0 });
      const metrics = (await api.anonymous().get('/metrics')).text;
      expect(metrics).toMatch(/^piao_reminder_lag_seconds 0$/m);
      expect(metrics).not.toMatch(/piao_reminder_queue_jobs/);
      const operator = await api.as(person('ops', OPERATOR, ['admin']));
      expect((await operator.post('/admin/queues-session')).status).toBe(404);
      expect((await operator.get('/admin/queues')).status).toBe(404);
    } finally {
      await api.close();
    }
  });
});
