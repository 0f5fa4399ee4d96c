import { randomUUID } from 'node:crypto';
import { type StoredEvent } from '@piao/event-store';
import { allEvents, startApi, type Api, type AuthorisedClient } from '../support/api-harness';
import { definition, seedEnte, type Ente } from '../support/scenario';

/**
 * Exactly once, over HTTP: a command is stored whole (every stream it writes) or not at all, never twice, whether
 * it races other writers (the server retries an unpinned command), a closure of its plan, a copy of itself sent
 * with the same Idempotency-Key, or loses a pinned race. Every request carries its own X-Correlation-Id, which every
 * event it stores carries in its metadata: the store itself says what each request wrote.
 */
describe.each(['postgres', 'pglite'] as const)('exactly once over HTTP (%s)', (kind) => {
  let api: Api;
  let e: Ente;

  beforeAll(async () => {
    api = await startApi(kind);
    e = await seedEnte(api, `comune-una-volta-${kind}`);
  });
  afterAll(() => api.close());

  /** The events the store holds for each correlation id. */
  async function eventsByCorrelation(): Promise<Map<string, StoredEvent[]>> {
    const byId = new Map<string, StoredEvent[]>();
    for (const event of await allEvents(api.store)) {
      const id = event.metadata.correlationId;
      byId.set(id, [...(byId.get(id) ?? []), event]);
    }
    return byId;
  }

  const typesOf = (events: StoredEvent[] | undefined) => (events ?? []).map((ev) => ev.type).sort();
  const correlated = (headers: Record<string, string> = {}) => ({ 'X-Correlation-Id': randomUUID(), ...headers });

  async function openPlan(title: string, fromYear = 2025): Promise<string> {
    const response = await e.as.segretario.post('/plans', { kind: 'PDO', title, fromYear, toYear: fromYear });
    expect(response.status).toBe(201);
    return response.body.planId as string;
  }

  /** A plan approved by the Giunta, with one approved objective: drafts are still welcome until it is closed. */
  async function approvedPlan(title: string): Promise<string> {
    const planId = await openPlan(title);
    const objective = await e.as.dirigente.post(`/plans/${planId}/objectives`, { code: 'BASE', definition: definition() });
    expect(objective.status).toBe(201);
    expect((await e.as.dirigente.post(`/objectives/${objective.body.objectiveId}/propose`)).status).toBe(200);
    expect((await e.as.segretario.post(`/plans/${planId}/submit`)).status).toBe(200);
    expect((await e.as.segretario.post(`/plans/${planId}/approve`, { act: { number: '77', date: '2025-03-10' } })).status).toBe(200);
    return planId;
  }

  const draftTypes = ['ObjectiveAttached', 'ObjectiveDrafted'];

  it('lands 50 parallel drafts into one plan: all 201, each stored once with its attachment, all listed by the plan', async () => {
    const planId = await openPlan('PDO 50 bozze');
    const sent = Array.from({ length: 50 }, (_, i) => ({ code: `PAR_${String(i).padStart(2, '0')}`, headers: correlated() }));
    const responses = await Promise.all(
      sent.map(({ code, headers }) => e.as.dirigente.post(`/plans/${planId}/objectives`, { code, definition: definition() }, headers)),
    );

    expect(responses.map((r) => r.status)).toEqual(sent.map(() => 201));
    const byCorrelation = await eventsByCorrelation();
    sent.forEach(({ headers }, i) => {
      const events = byCorrelation.get(headers['X-Correlation-Id']) ?? [];
      expect(typesOf(events)).toEqual(draftTypes);
      const objectiveId = responses[i].body.objectiveId as string;
      expect(events.find((ev) => ev.type === 'ObjectiveDrafted')!.streamId).toBe(`objective-${objectiveId}`);
      expect(events.find((ev) => ev.type === 'ObjectiveAttached')).toMatchObject({ streamId: `plan-${planId}`, data: { objectiveId, code: sent[i].code } });
    });
    const plan = (await e.as.segretario.get(`/plans/${planId}`)).body;
    expect(plan.objectives.map((o: { code: string }) => o.code).sort()).toEqual(sent.map((s) => s.code).sort());
    expect(plan.objectives.every((o: { status: string }) => o.status === 'draft')).toBe(true);
    // One PlanOpened, then exactly one attachment per draft: no revision lost, none doubled.
    expect(plan.revision).toBe(50);
  });

  it('lands 50 parallel unpinned commands on one objective: all 200, the stream grows by exactly 50, one event each', async () => {
    const streamId = `objective-${e.objectiveId}`;
    const before = (await api.store.readStream(streamId)).length;
    const sent = Array.from({ length: 50 }, (_, i) => ({ progressPercent: i + 1, headers: correlated() }));
    const responses = await Promise.all(
      sent.map(({ progressPercent, headers }) =>
        e.as.dirigente.post(`/objectives/${e.objectiveId}/phase-progress`, { phaseId: 'f1', progressPercent }, headers),
      ),
    );

    expect(responses.map((r) => r.status)).toEqual(sent.map(() => 200));
    const stream = await api.store.readStream(streamId);
    expect(stream).toHaveLength(before + 50);
    expect(stream.map((ev) => ev.revision)).toEqual(Array.from({ length: before + 50 }, (_, i) => i));
    const byCorrelation = await eventsByCorrelation();
    sent.forEach(({ progressPercent, headers }) => {
      const events = byCorrelation.get(headers['X-Correlation-Id']) ?? [];
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ streamId, type: 'PhaseProgressRecorded', data: { phaseId: 'f1', progressPercent } });
    });
    // Each answer is the state its own append produced.
    expect(new Set(responses.map((r) => r.body.revision)).size).toBe(50);
  });

  it('lets drafts racing the closure of their plan either land whole before it or store nothing', async () => {
    const planId = await approvedPlan('PDO chiusura contesa');
    const drafts = Array.from({ length: 30 }, (_, i) => ({ code: `CL_${String(i).padStart(2, '0')}`, headers: correlated() }));
    const closeHeaders = correlated();
    const sendDraft = ({ code, headers }: (typeof drafts)[number]) =>
      e.as.dirigente.post(`/plans/${planId}/objectives`, { code, definition: definition() }, headers);
    // Half the drafts go first; the closure and the other half leave once three of them have landed, so that on
    // either store some drafts surely precede the closure and the rest race it.
    let landed = 0;
    let closing!: () => void;
    const threeLanded = new Promise<void>((resolve) => (closing = resolve));
    const early = drafts.slice(0, 15).map(async (draft) => {
      try {
        return await sendDraft(draft);
      } finally {
        if (++landed === 3) closing();
      }
    });
    await threeLanded;
    const close = e.as.segretario.post(`/plans/${planId}/close`, { reason: 'ciclo concluso' }, closeHeaders).then((r) => r);
    const late = drafts.slice(15).map(async (draft) => sendDraft(draft));
    const responses = await Promise.all([...early, ...late]);

    const closed = await close;
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('closed');
    expect(responses.every((r) => r.status === 201 || r.status === 422)).toBe(true);
    // The three that had landed before the closure was sent, at least.
    expect(responses.filter((r) => r.status === 201).length).toBeGreaterThanOrEqual(3);
    const byCorrelation = await eventsByCorrelation();
    const plan = (await e.as.segretario.get(`/plans/${planId}`)).body;
    const listed = new Set(plan.objectives.map((o: { objectiveId: string }) => o.objectiveId));
    drafts.forEach(({ headers }, i) => {
      const response = responses[i];
      const events = byCorrelation.get(headers['X-Correlation-Id']) ?? [];
      if (response.status === 201) {
        expect(typesOf(events)).toEqual(draftTypes);
        expect(listed.has(response.body.objectiveId)).toBe(true);
      } else {
        expect(response.body).toMatchObject({ status: 422, rule: 'plan-closed' });
        expect(events).toEqual([]);
      }
    });
    expect(plan.objectives).toHaveLength(1 + responses.filter((r) => r.status === 201).length);
    // The plan's stream: every attachment precedes the closure, and the closure is its last event.
    const planStream = await api.store.readStream(`plan-${planId}`);
    expect(planStream.at(-1)).toMatchObject({ type: 'PlanClosed' });
    expect(planStream.filter((ev) => ev.type === 'PlanClosed')).toHaveLength(1);
    expect(typesOf(byCorrelation.get(closeHeaders['X-Correlation-Id']))).toEqual(['PlanClosed']);
    // No objective stream of this plan exists without its attachment.
    const drafted = (await allEvents(api.store)).filter(
      (ev) => ev.type === 'ObjectiveDrafted' && (ev.data as { planId: string }).planId === planId && (ev.data as { code: string }).code !== 'BASE',
    );
    expect(drafted.map((ev) => ev.streamId.slice('objective-'.length)).sort()).toEqual(
      responses
        .filter((r) => r.status === 201)
        .map((r) => r.body.objectiveId as string)
        .sort(),
    );
  });

  it('accepts one of several parallel drafts of the same code; the others get 422 objective-code-taken and store nothing', async () => {
    const planId = await openPlan('PDO codice conteso');
    const sent = Array.from({ length: 10 }, () => correlated());
    const responses = await Promise.all(
      sent.map((headers) => e.as.dirigente.post(`/plans/${planId}/objectives`, { code: 'DUP_01', definition: definition() }, headers)),
    );

    expect(responses.map((r) => r.status).sort()).toEqual([201, ...Array.from({ length: 9 }, () => 422)]);
    const byCorrelation = await eventsByCorrelation();
    responses.forEach((response, i) => {
      const events = byCorrelation.get(sent[i]['X-Correlation-Id']) ?? [];
      if (response.status === 201) {
        expect(typesOf(events)).toEqual(draftTypes);
      } else {
        expect(response.body).toMatchObject({ status: 422, rule: 'objective-code-taken' });
        expect(events).toEqual([]);
      }
    });
    const plan = (await e.as.segretario.get(`/plans/${planId}`)).body;
    expect(plan.objectives.map((o: { code: string }) => o.code)).toEqual(['DUP_01']);
    expect(plan.revision).toBe(1);
  });

  it('keeps the Idempotency-Key scopes of ente `x:seg` / subject `1` and ente `x` / subject `seg:1` apart', async () => {
    const one = await api.as({ sub: '1', name: 'Segretario Uno', ente: 'x:seg', roles: ['segretario'] });
    const other = await api.as({ sub: 'seg:1', name: 'Segretario Due', ente: 'x', roles: ['segretario'] });
    const key = `scope-${randomUUID()}`;
    const body = { kind: 'PEG', title: 'PEG con la stessa chiave', fromYear: 2025, toYear: 2025 };
    const send = (client: AuthorisedClient, headers = correlated()) => client.post('/plans', body, { ...headers, 'Idempotency-Key': key });
    const firstHeaders = correlated();
    const secondHeaders = correlated();
    const first = await send(one, firstHeaders);
    const second = await send(other, secondHeaders);

    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.headers['idempotency-replayed']).toBeUndefined();
    expect(second.headers['idempotency-replayed']).toBeUndefined();
    expect(first.body.planId).not.toBe(second.body.planId);
    const byCorrelation = await eventsByCorrelation();
    expect(byCorrelation.get(firstHeaders['X-Correlation-Id'])).toEqual([
      expect.objectContaining({ type: 'PlanOpened', streamId: `plan-${first.body.planId}`, metadata: expect.objectContaining({ ente: 'x:seg' }) }),
    ]);
    expect(byCorrelation.get(secondHeaders['X-Correlation-Id'])).toEqual([
      expect.objectContaining({ type: 'PlanOpened', streamId: `plan-${second.body.planId}`, metadata: expect.objectContaining({ ente: 'x' }) }),
    ]);
    // Each scope replays its own answer, and only its own.
    const count = (await allEvents(api.store)).length;
    const [againOne, againOther] = await Promise.all([send(one), send(other)]);
    expect(againOne).toMatchObject({ status: 201, headers: expect.objectContaining({ 'idempotency-replayed': 'true' }) });
    expect(againOther).toMatchObject({ status: 201, headers: expect.objectContaining({ 'idempotency-replayed': 'true' }) });
    expect(againOne.body.planId).toBe(first.body.planId);
    expect(againOther.body.planId).toBe(second.body.planId);
    expect((await allEvents(api.store)).length).toBe(count);
  });

  it('refuses the same Idempotency-Key with a different body (422 idempotency-key-reused) and appends nothing', async () => {
    const key = randomUUID();
    const url = `/objectives/${e.objectiveId}/indicator-values`;
    const first = await e.as.dirigente.post(url, { indicatorId: 'i1', value: '10', asOf: '2025-07-31' }, correlated({ 'Idempotency-Key': key }));
    expect(first.status).toBe(200);
    const count = (await allEvents(api.store)).length;
    const reusedHeaders = correlated({ 'Idempotency-Key': key });
    const reused = await e.as.dirigente.post(url, { indicatorId: 'i1', value: '11', asOf: '2025-07-31' }, reusedHeaders);
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ status: 422, rule: 'idempotency-key-reused' });
    expect(reused.headers['idempotency-replayed']).toBeUndefined();
    // The same key on another route is another request too.
    const elsewhere = await e.as.dirigente.post(
      `/objectives/${e.objectiveId}/phase-progress`,
      { phaseId: 'f2', progressPercent: 1 },
      correlated({ 'Idempotency-Key': key }),
    );
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body).toMatchObject({ rule: 'idempotency-key-reused' });
    expect((await allEvents(api.store)).length).toBe(count);
    expect((await eventsByCorrelation()).get(reusedHeaders['X-Correlation-Id'])).toBeUndefined();
  });

  it('replays a refusal (4xx) to the same key and body, even once the command would now be accepted', async () => {
    const planId = await openPlan('PDO rifiuto ripetuto');
    const draft = await e.as.dirigente.post(`/plans/${planId}/objectives`, { code: 'RIF', definition: definition() });
    expect(draft.status).toBe(201);
    const objectiveId = draft.body.objectiveId as string;
    const key = randomUUID();
    const body = { phaseId: 'f1', progressPercent: 30 };
    const firstHeaders = correlated({ 'Idempotency-Key': key });
    const first = await e.as.dirigente.post(`/objectives/${objectiveId}/phase-progress`, body, firstHeaders);
    expect(first.status).toBe(422);
    expect(first.headers['idempotency-replayed']).toBeUndefined();

    // The objective is approved meanwhile: the same request would now succeed, but it was answered already.
    expect((await e.as.dirigente.post(`/objectives/${objectiveId}/propose`)).status).toBe(200);
    expect((await e.as.segretario.post(`/objectives/${objectiveId}/approve`, { act: { number: '88', date: '2025-04-01' } })).status).toBe(200);
    const count = (await allEvents(api.store)).length;
    const retries = Array.from({ length: 3 }, () => correlated({ 'Idempotency-Key': key }));
    const again = await Promise.all(retries.map((headers) => e.as.dirigente.post(`/objectives/${objectiveId}/phase-progress`, body, headers)));
    for (const retry of again) {
      expect(retry.status).toBe(first.status);
      expect(retry.headers['idempotency-replayed']).toBe('true');
      expect(retry.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(retry.body).toEqual(first.body);
    }
    expect((await allEvents(api.store)).length).toBe(count);
    const byCorrelation = await eventsByCorrelation();
    for (const headers of [firstHeaders, ...retries]) expect(byCorrelation.get(headers['X-Correlation-Id'])).toBeUndefined();
  });

  it('runs a draft once when its Idempotency-Key arrives ten times at once: one set of events, every answer the same 201', async () => {
    const planId = await openPlan('PDO chiave ripetuta');
    const key = randomUUID();
    // No code: each copy would pick an objective id of its own, so only the key can tell they are one command.
    const body = { definition: definition() };
    const sent = Array.from({ length: 10 }, () => correlated({ 'Idempotency-Key': key }));
    const responses = await Promise.all(sent.map((headers) => e.as.dirigente.post(`/plans/${planId}/objectives`, body, headers)));

    expect(responses.map((r) => r.status)).toEqual(sent.map(() => 201));
    const originals = responses.filter((r) => r.headers['idempotency-replayed'] === undefined);
    expect(originals).toHaveLength(1);
    for (const r of responses) expect(r.body).toEqual(originals[0].body);
    const byCorrelation = await eventsByCorrelation();
    const writers = sent.filter((headers) => byCorrelation.has(headers['X-Correlation-Id']));
    expect(writers).toHaveLength(1);
    expect(writers[0]).toBe(sent[responses.indexOf(originals[0])]);
    expect(typesOf(byCorrelation.get(writers[0]['X-Correlation-Id']))).toEqual(draftTypes);
    const plan = (await e.as.segretario.get(`/plans/${planId}`)).body;
    expect(plan.objectives.map((o: { objectiveId: string }) => o.objectiveId)).toEqual([originals[0].body.objectiveId]);
  });

  it('opens one plan when POST /plans with one Idempotency-Key arrives ten times at once (each copy picks its own plan id)', async () => {
    const key = randomUUID();
    const body = { kind: 'PIAO', title: 'PIAO chiave ripetuta', fromYear: 2026, toYear: 2028 };
    const sent = Array.from({ length: 10 }, () => correlated({ 'Idempotency-Key': key }));
    const responses = await Promise.all(sent.map((headers) => e.as.segretario.post('/plans', body, headers)));

    expect(responses.map((r) => r.status)).toEqual(sent.map(() => 201));
    const originals = responses.filter((r) => r.headers['idempotency-replayed'] === undefined);
    expect(originals).toHaveLength(1);
    for (const r of responses) expect(r.body).toEqual(originals[0].body);
    const byCorrelation = await eventsByCorrelation();
    const stored = sent.flatMap((headers) => byCorrelation.get(headers['X-Correlation-Id']) ?? []);
    expect(stored).toEqual([expect.objectContaining({ type: 'PlanOpened', streamId: `plan-${originals[0].body.planId}` })]);
    expect((await allEvents(api.store)).filter((ev) => ev.type === 'PlanOpened' && (ev.data as { title: string }).title === body.title)).toHaveLength(1);
  });

  it('runs an unpinned command once when its Idempotency-Key arrives ten times at once', async () => {
    const streamId = `objective-${e.objectiveId}`;
    const before = (await api.store.readStream(streamId)).length;
    const key = randomUUID();
    const sent = Array.from({ length: 10 }, () => correlated({ 'Idempotency-Key': key }));
    const responses = await Promise.all(
      sent.map((headers) =>
        e.as.dirigente.post(`/objectives/${e.objectiveId}/indicator-values`, { indicatorId: 'i1', value: '42', asOf: '2025-07-31' }, headers),
      ),
    );

    expect(responses.map((r) => r.status)).toEqual(sent.map(() => 200));
    expect(responses.filter((r) => r.headers['idempotency-replayed'] === undefined)).toHaveLength(1);
    for (const r of responses) expect(r.body).toEqual(responses[0].body);
    expect(await api.store.readStream(streamId)).toHaveLength(before + 1);
    const byCorrelation = await eventsByCorrelation();
    expect(sent.flatMap((headers) => byCorrelation.get(headers['X-Correlation-Id']) ?? []).map((ev) => ev.type)).toEqual(['IndicatorValueRecorded']);
  });

  it('answers a pinned command that loses its race 409 with the current revision, and stores nothing for it', async () => {
    const streamId = `objective-${e.objectiveId}`;
    const before = (await e.as.dirigente.get(`/objectives/${e.objectiveId}`)).body.revision as number;
    const sent = Array.from({ length: 10 }, (_, i) => ({ progressPercent: 60 + i, headers: correlated() }));
    const responses = await Promise.all(
      sent.map(({ progressPercent, headers }) =>
        e.as.dirigente.post(`/objectives/${e.objectiveId}/phase-progress`, { phaseId: 'f2', progressPercent, expectedRevision: before }, headers),
      ),
    );

    expect(responses.map((r) => r.status).sort()).toEqual([200, ...Array.from({ length: 9 }, () => 409)]);
    const byCorrelation = await eventsByCorrelation();
    responses.forEach((response, i) => {
      const events = byCorrelation.get(sent[i].headers['X-Correlation-Id']) ?? [];
      if (response.status === 200) {
        expect(events).toEqual([expect.objectContaining({ streamId, revision: before + 1, type: 'PhaseProgressRecorded' })]);
      } else {
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.body).toMatchObject({ status: 409, type: '/problems/concurrency-conflict', currentRevision: before + 1 });
        expect(events).toEqual([]);
      }
    });
    expect(await api.store.readStream(streamId)).toHaveLength(before + 2);
  });

  it('ignores X-Fail-Point unless the installation enabled fault injection: every fail point answers as usual', async () => {
    for (const point of ['before-append', 'during-append', 'after-append']) {
      const headers = correlated({ 'X-Fail-Point': point });
      const response = await e.as.dirigente.post(`/objectives/${e.objectiveId}/phase-progress`, { phaseId: 'f1', progressPercent: 33 }, headers).timeout(5_000);
      expect([point, response.status]).toEqual([point, 200]);
      expect(typesOf((await eventsByCorrelation()).get(headers['X-Correlation-Id']))).toEqual(['PhaseProgressRecorded']);
    }
  });
});
