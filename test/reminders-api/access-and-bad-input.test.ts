import { allEvents, startApi, type Api, type Person } from '../support/api-harness';
import { seedEnte, type Ente } from '../support/scenario';
import { POLICY, putAs, rawAs } from './support';

type Method = 'get' | 'post' | 'put';
interface Route {
  method: Method;
  url: string;
  body?: unknown;
  /** Roles that pass the role check; everybody else is 403 `role-not-allowed`. */
  roles?: Person['roles'];
}

const ROUTES: Route[] = [
  { method: 'get', url: '/organisation/reminder-policy' },
  { method: 'put', url: '/organisation/reminder-policy', body: { policy: POLICY }, roles: ['admin', 'segretario'] },
  { method: 'get', url: '/people/me/reminder-preferences' },
  { method: 'put', url: '/people/me/reminder-preferences', body: { channels: ['in-app'] } },
  { method: 'get', url: '/deadlines', roles: ['segretario', 'nucleo', 'rpct', 'admin'] },
  { method: 'get', url: '/people/me/inbox' },
  { method: 'get', url: '/people/me/inbox/unread-count' },
  { method: 'post', url: '/people/me/inbox/%3Cnone%40localhost%3E/read' },
  { method: 'post', url: '/people/me/calendar-feed' },
  { method: 'get', url: '/admin/reminders/dead-letters', roles: ['admin', 'segretario'] },
];

/** A forged cursor: base64url JSON of whatever parts. */
const cursor = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString('base64url');

/**
 * Every reminders route against the wrong person, the wrong role, the wrong ente and hostile input (PostgreSQL):
 * 401, 403, 404 or a 400 naming the field, as RFC 9457 problems, never a 500, and nothing written.
 */
describe('the reminders routes refuse strangers, other roles, other enti and hostile input (PostgreSQL)', () => {
  let api: Api;
  let e: Ente;
  let other: Ente;

  beforeAll(async () => {
    api = await startApi('postgres');
    e = await seedEnte(api, 'comune-accessi');
    other = await seedEnte(api, 'comune-estraneo');
  });
  afterAll(() => api.close());

  const send = async (route: Route, person?: Person, headers: Record<string, string> = {}) => {
    if (!person) {
      const anonymous = api.anonymous()[route.method](route.url).set(headers);
      return route.body ? anonymous.send(route.body as object) : anonymous;
    }
    if (route.method === 'put') return putAs(api, person, route.url, route.body ?? {}, headers);
    const client = await api.as(person);
    return route.method === 'get' ? client.get(route.url).set(headers) : client.post(route.url, (route.body ?? {}) as object, headers);
  };
  const isProblem = (response: { headers: Record<string, string> }) => expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);

  it('answers 401 without a token, or with one signed by somebody else, on every route but the calendar feed', async () => {
    for (const route of ROUTES) {
      const none = await send(route);
      expect([route.url, none.status, none.body.type]).toEqual([route.url, 401, '/problems/unauthenticated']);
      isProblem(none);
      const forged = await send(route, undefined, {
        Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4IiwiZW50ZSI6IngiLCJyb2xlcyI6WyJhZG1pbiJdfQ.c2lnbmF0dXJl',
      });
      expect([route.url, forged.status]).toEqual([route.url, 401]);
    }
  });

  it('answers 403 `role-not-allowed` to every role a route does not admit, and writes nothing', async () => {
    const before = (await allEvents(api.store)).length;
    for (const route of ROUTES.filter((r) => r.roles)) {
      for (const [who, person] of Object.entries(e.people)) {
        const response = await send(route, person);
        const admitted = person.roles.some((r) => route.roles!.includes(r));
        if (admitted) expect([route.url, who, response.status]).not.toEqual([route.url, who, 403]);
        else expect([route.method, route.url, who, response.status, response.body.rule]).toEqual([route.method, route.url, who, 403, 'role-not-allowed']);
      }
    }
    // Only the admitted policy adoptions (admin, segretario, vice) wrote anything.
    const written = (await allEvents(api.store)).slice(before);
    expect(written.map((x) => x.type)).toEqual(['ReminderPolicyAdopted', 'ReminderPolicyAdopted', 'ReminderPolicyAdopted']);
    expect(new Set(written.map((x) => x.streamId))).toEqual(new Set([`organisation-${e.ente}`]));
  });

  it('keeps each ente to itself on every route', async () => {
    // The other ente's Segretario and administrator see their own deadlines, policy and dead letters, never these.
    const deadlines = (await (await api.as(other.people.segretario)).get('/deadlines?status=all&limit=200')).body;
    const seen = JSON.stringify(deadlines);
    expect(seen).not.toContain(e.objectiveId);
    expect(seen).not.toContain(e.planId);
    expect(seen).toContain(other.objectiveId);
    expect((await (await api.as(other.people.admin)).get('/organisation/reminder-policy')).body).toMatchObject({ default: true });
    // A token claiming a person of this ente under the other ente is that other ente's person: unknown there.
    const namesake = { ...e.people.dirigente, ente: other.ente };
    expect((await (await api.as(namesake)).get('/people/me/reminder-preferences')).status).toBe(404);
    const put = await putAs(api, namesake, '/people/me/reminder-preferences', { channels: ['in-app'] });
    expect([put.status, put.body.rule]).toEqual([422, 'unknown-person']);
    expect((await (await api.as(other.people.admin)).get(`/people/${encodeURIComponent(e.people.dirigente.sub)}/reminder-preferences`)).status).toBe(404);
    // A calendar URL issued to this ente's dirigente shows this ente's deadlines only.
    const { url } = (await (await api.as(e.people.dirigente)).post('/people/me/calendar-feed')).body as { url: string };
    const feed = (await api.anonymous().get(new URL(url).pathname).expect(200)).text;
    expect(feed).toContain(e.objectiveId);
    expect(feed).not.toContain(other.objectiveId);
  });

  it('answers hostile input with a 4xx problem naming the field, never a 500, and writes nothing', async () => {
    const before = (await allEvents(api.store)).length;
    const seg = e.people.segretario;
    const seg$ = await api.as(seg);
    const get = (url: string) => seg$.get(url);
    const cases: [string, () => PromiseLike<{ status: number; body: Record<string, unknown>; headers: Record<string, string> }>, number, string?][] = [
      ['deadlines: NUL in unitId', () => get('/deadlines?unitId=a%00b'), 400, 'unitId'],
      ['deadlines: a huge unitId', () => get(`/deadlines?unitId=${'x'.repeat(5_000)}`), 400, 'unitId'],
      ['deadlines: an array for status', () => get('/deadlines?status=open&status=closed'), 400, 'status'],
      ['deadlines: an object for status', () => get('/deadlines?status[a]=open'), 400, 'status[a]'],
      ['deadlines: an unknown status', () => get('/deadlines?status=late'), 400, 'status'],
      ['deadlines: an unknown kind', () => get('/deadlines?kind=meeting'), 400, 'kind'],
      ['deadlines: an impossible date', () => get('/deadlines?from=2025-02-30'), 400, 'from'],
      ['deadlines: to before from', () => get('/deadlines?from=2025-03-01&to=2025-02-01'), 400, 'to'],
      ['deadlines: limit 0', () => get('/deadlines?limit=0'), 400, 'limit'],
      ['deadlines: limit 1e3', () => get('/deadlines?limit=1e3'), 400, 'limit'],
      ['deadlines: an unknown parameter', () => get('/deadlines?sort=due'), 400, 'sort'],
      ['deadlines: a malformed after', () => get('/deadlines?after=latest'), 400, 'after'],
      ['deadlines: a cursor not base64url', () => get('/deadlines?cursor=!!!'), 400, 'cursor'],
      ['deadlines: a cursor of garbage', () => get('/deadlines?cursor=AAAA'), 400, 'cursor'],
      ['deadlines: a cursor with NUL', () => get(`/deadlines?cursor=${cursor(['2025-01-01', 'a\u0000b'])}`), 400, 'cursor'],
      ['deadlines: a cursor with an impossible date', () => get(`/deadlines?cursor=${cursor(['2025-02-30', 'x'])}`), 400, 'cursor'],
      ['deadlines: a cursor that is an object', () => get(`/deadlines?cursor=${cursor({ dueOn: '2025-01-01' })}`), 400, 'cursor'],
      ['deadlines: a huge cursor', () => get(`/deadlines?cursor=${'A'.repeat(5000)}`), 400, 'cursor'],
      ['deadlines: an undated cursor with a number', () => get(`/deadlines?undatedCursor=${cursor([1, 'x'])}`), 400, 'undatedCursor'],
      ['inbox: limit -1', () => get('/people/me/inbox?limit=-1'), 400, 'limit'],
      ['inbox: a cursor with a huge instant', () => get(`/people/me/inbox?cursor=${cursor(['9'.repeat(30), 'x'])}`), 400, 'cursor'],
      ['inbox: a cursor with a negative instant', () => get(`/people/me/inbox?cursor=${cursor(['-1', 'x'])}`), 400, 'cursor'],
      ['inbox: a cursor with a lone surrogate', () => get(`/people/me/inbox?cursor=${cursor(['1', '\ud800'])}`), 400, 'cursor'],
      ['dead letters: a forged deliveries cursor', () => get(`/admin/reminders/dead-letters?deliveriesCursor=${cursor(['x', 'y'])}`), 400, 'deliveriesCursor'],
      ['dead letters: limit 201', () => get('/admin/reminders/dead-letters?limit=201'), 400, 'limit'],
      ['mark read: NUL in the id', () => seg$.post('/people/me/inbox/a%00b/read'), 400, 'messageId'],
      ['mark read: a huge id', () => seg$.post(`/people/me/inbox/${'x'.repeat(5000)}/read`), 400, 'messageId'],
      ['mark read: a malformed escape', () => seg$.post('/people/me/inbox/%ZZ/read'), 400],
      ['preferences: NUL in the person', () => seg$.get('/people/a%00b/reminder-preferences'), 400, 'personId'],
      ['preferences: an array body', () => rawAs(api, seg, 'put', '/people/me/reminder-preferences', '[]'), 400],
      ['preferences: malformed JSON', () => rawAs(api, seg, 'put', '/people/me/reminder-preferences', '{"channels": ['), 400],
      ['preferences: NUL in reason', () => putAs(api, seg, '/people/me/reminder-preferences', { channels: ['email'], reason: 'x\u0000' }), 400, 'reason'],
      ['policy: a lone surrogate in reason', () => putAs(api, seg, '/organisation/reminder-policy', { policy: POLICY, reason: 'x\ud800' }), 400, 'reason'],
      [
        'policy: NUL in the act',
        () => putAs(api, seg, '/organisation/reminder-policy', { policy: POLICY, act: { number: '1\u0000', date: '2025-01-01' } }),
        400,
        'act.number',
      ],
      ['policy: an array where the policy goes', () => putAs(api, seg, '/organisation/reminder-policy', { policy: [POLICY] }), 400, 'policy'],
      [
        'policy: an object where a list goes',
        () => putAs(api, seg, '/organisation/reminder-policy', { policy: { ...POLICY, daysBefore: { 0: 7 } } }),
        400,
        'policy.daysBefore',
      ],
      ['policy: a huge body', () => putAs(api, seg, '/organisation/reminder-policy', { policy: POLICY, reason: 'x'.repeat(300_000) }), 413],
      [
        'policy: a prototype key is refused at the edge',
        () =>
          rawAs(api, seg, 'put', '/organisation/reminder-policy', `{"policy": ${JSON.stringify({ ...POLICY, sendHour: 99 })}, "__proto__": {"policy": {}}}`),
        400,
        '__proto__',
      ],
      ['calendar: a malformed escape', () => api.anonymous().get('/calendar/%ZZ.ics'), 400],
    ];
    for (const [name, call, status, field] of cases) {
      const response = await call();
      expect([name, response.status]).toEqual([name, status]);
      isProblem(response);
      if (field) expect([name, (response.body.errors as { field: string }[]).map((x) => x.field)]).toEqual([name, expect.arrayContaining([field])]);
    }
    expect((await allEvents(api.store)).length).toBe(before);
  });
});
