import { startApi, type Api } from '../support/api-harness';
import { seedEnte, type Ente } from '../support/scenario';

/**
 * Optimistic concurrency in HTTP terms (docs/api.md, "ETag and If-Match"): an objective's revision is its strong
 * ETag; a command pins it with If-Match as the alternative to `expectedRevision`, and a stale one is a 412.
 */
describe('ETag and If-Match on objectives (PostgreSQL)', () => {
  let api: Api;
  let e: Ente;
  beforeAll(async () => {
    api = await startApi('postgres');
    e = await seedEnte(api, 'comune-etag');
  });
  afterAll(() => api.close());

  const progress = (progressPercent: number, headers: Record<string, string> = {}, body: object = {}) =>
    e.as.dirigente.post(`/objectives/${e.objectiveId}/phase-progress`, { phaseId: 'f1', progressPercent, ...body }, headers);
  const current = async () => {
    const response = await e.as.rpct.get(`/objectives/${e.objectiveId}`);
    return { revision: response.body.revision as number, etag: response.headers.etag };
  };
  const eventCount = async () => (await e.as.rpct.get(`/objectives/${e.objectiveId}/history`)).body.events.length as number;

  it('gives the revision as a strong ETag on the objective, on every command answer and on a draft', async () => {
    const read = await e.as.rpct.get(`/objectives/${e.objectiveId}`);
    expect(read.status).toBe(200);
    expect(read.headers.etag).toBe(`"${read.body.revision}"`);

    const command = await progress(10);
    expect([command.status, command.headers.etag]).toEqual([200, `"${read.body.revision + 1}"`]);
    expect(command.body.revision).toBe(read.body.revision + 1);

    const drafted = await e.as.dirigente.post(`/plans/${e.planId}/objectives`, {
      code: 'S08_ETAG',
      definition: { title: 'Carta dei servizi', responsibleUnitId: 'welfare', horizon: { fromYear: 2025, toYear: 2025 }, phases: [], indicators: [] },
    });
    expect([drafted.status, drafted.headers.etag, drafted.body.revision]).toEqual([201, '"0"', 0]);
  });

  it('runs a command whose If-Match is the current ETag, and answers the next ETag', async () => {
    const { revision, etag } = await current();
    const response = await progress(20, { 'If-Match': etag });
    expect([response.status, response.headers.etag]).toEqual([200, `"${revision + 1}"`]);
  });

  it('answers a stale If-Match 412 with the current revision, and records nothing', async () => {
    const { revision } = await current();
    const before = await eventCount();
    const response = await progress(30, { 'If-Match': `"${revision - 1}"` });
    expect(response.status).toBe(412);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: '/problems/precondition-failed', status: 412, currentRevision: revision });
    expect(response.headers.etag).toBeUndefined();
    expect(await eventCount()).toBe(before);
  });

  it('compares strongly: a weak tag never matches; a list matches when one of its tags is the current revision', async () => {
    const { revision } = await current();
    const weak = await progress(31, { 'If-Match': `W/"${revision}"` });
    expect([weak.status, weak.body.currentRevision]).toEqual([412, revision]);
    const unknown = await progress(31, { 'If-Match': '"bozza"' });
    expect([unknown.status, unknown.body.currentRevision]).toEqual([412, revision]);
    const stale = await progress(31, { 'If-Match': `"${revision - 2}", "${revision - 1}"` });
    expect([stale.status, stale.body.currentRevision]).toEqual([412, revision]);
    const listed = await progress(32, { 'If-Match': `"${revision - 1}", , "${revision}",` });
    expect([listed.status, listed.headers.etag]).toEqual([200, `"${revision + 1}"`]);
  });

  it('takes If-Match: * as no pin', async () => {
    const { revision } = await current();
    const response = await progress(35, { 'If-Match': '*' });
    expect([response.status, response.body.revision]).toEqual([200, revision + 1]);
  });

  it('refuses a malformed If-Match, and one that disagrees with expectedRevision, with 400', async () => {
    const { revision } = await current();
    for (const header of [String(revision), `"${revision}`, `"${revision}" "${revision - 1}"`, ' , ']) {
      const response = await progress(40, { 'If-Match': header });
      expect([header, response.status, response.body.errors?.[0]?.field]).toEqual([header, 400, 'If-Match']);
    }
    const disagree = await progress(40, { 'If-Match': `"${revision}"` }, { expectedRevision: revision - 1 });
    expect([disagree.status, disagree.body.errors?.[0]]).toEqual([400, expect.objectContaining({ field: 'If-Match', rule: 'matches-expectedRevision' })]);
    expect((await current()).revision).toBe(revision);

    const agree = await progress(40, { 'If-Match': `"${revision}"` }, { expectedRevision: revision });
    expect([agree.status, agree.body.revision]).toEqual([200, revision + 1]);
  });

  it('keeps 409 for a stale expectedRevision without If-Match', async () => {
    const { revision } = await current();
    const response = await progress(45, {}, { expectedRevision: revision - 1 });
    expect(response.body).toMatchObject({ status: 409, type: '/problems/concurrency-conflict', currentRevision: revision });
  });

  it('lets one of 8 parallel commands with the same If-Match through; the others get 412 with the new revision', async () => {
    const { revision, etag } = await current();
    const responses = await Promise.all(Array.from({ length: 8 }, (_, i) => progress(50 + i, { 'If-Match': etag })));
    expect(responses.map((r) => r.status).sort()).toEqual([200, ...Array.from({ length: 7 }, () => 412)]);
    for (const response of responses.filter((r) => r.status === 412)) expect(response.body.currentRevision).toBe(revision + 1);
    expect((await current()).revision).toBe(revision + 1);
  });

  it('replays a 412 to a retry with the same Idempotency-Key', async () => {
    const { revision } = await current();
    const headers = { 'If-Match': `"${revision - 1}"`, 'Idempotency-Key': 'etag-412-retry' };
    const first = await progress(60, headers);
    const retry = await progress(60, headers);
    expect([first.status, retry.status, retry.headers['idempotency-replayed']]).toEqual([412, 412, 'true']);
    expect(retry.body).toMatchObject({ type: '/problems/precondition-failed', currentRevision: revision });
  });

  it('answers 404 for an objective that does not exist, whatever If-Match says', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const header of ['"0"', '"0", "1"']) {
      const response = await e.as.dirigente.post(`/objectives/${missing}/phase-progress`, { phaseId: 'f1', progressPercent: 5 }, { 'If-Match': header });
      expect(response.status).toBe(404);
    }
  });
});
