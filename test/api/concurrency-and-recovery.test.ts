import { randomUUID } from 'node:crypto';
import { type EventMetadata, type StoredEvent } from '@piao/event-store';
import { PLAN_PROCESSOR, ProcessorsHost } from '@piao/application';
import { allEvents, startApi, type Api, type Person } from '../support/api-harness';
import { definition, seedEnte, type Ente } from '../support/scenario';

describe('concurrent commands and idempotent retries over HTTP (PostgreSQL)', () => {
  let api: Api;
  let e: Ente;
  beforeAll(async () => {
    api = await startApi('postgres');
    e = await seedEnte(api, 'comune-concorrenza');
  });
  afterAll(() => api.close());

  it('lets exactly one of 50 parallel commands at the same revision through; 49 get 409 with the current revision', async () => {
    const before = (await e.as.dirigente.get(`/objectives/${e.objectiveId}`)).body.revision as number;
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        e.as.dirigente.post(`/objectives/${e.objectiveId}/phase-progress`, { phaseId: 'f1', progressPercent: i + 1, expectedRevision: before }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    for (const r of responses.filter((r) => r.status === 409)) {
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(r.body).toMatchObject({ status: 409, type: '/problems/concurrency-conflict', currentRevision: before + 1 });
    }
    const history = (await e.as.nucleo.get(`/objectives/${e.objectiveId}/history`)).body;
    expect(history.events.map((ev: { revision: number }) => ev.revision)).toEqual(Array.from({ length: before + 2 }, (_, i) => i));
    const winner = responses.find((r) => r.status === 200)!;
    expect(history.events.at(-1).data.progressPercent).toBe(winner.body.progress.f1.progressPercent);
  });

  it('without an expected revision, 20 parallel commands are retried by the server: every one is recorded, none gets 409', async () => {
    const before = (await e.as.dirigente.get(`/objectives/${e.objectiveId}`)).body.revision as number;
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        e.as.dirigente.post(`/objectives/${e.objectiveId}/indicator-values`, { indicatorId: 'i1', value: String(i), asOf: '2025-07-31' }),
      ),
    );
    // The client pinned no revision: the server retries on conflicts until each command lands.
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect((await e.as.dirigente.get(`/objectives/${e.objectiveId}`)).body.revision).toBe(before + 20);
  });

  it('replays the first response to a retried Idempotency-Key and appends nothing', async () => {
    const key = randomUUID();
    const body = { phaseId: 'f2', progressPercent: 10 };
    const first = await e.as.dirigente.post(`/objectives/${e.objectiveId}/phase-progress`, body, { 'Idempotency-Key': key });
    expect(first.status).toBe(200);
    const count = (await allEvents(api.store)).length;
    const retry = await e.as.dirigente.post(`/objectives/${e.objectiveId}/phase-progress`, body, { 'Idempotency-Key': key });
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotency-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect((await allEvents(api.store)).length).toBe(count);
    const reused = await e.as.dirigente.post(`/objectives/${e.objectiveId}/phase-progress`, { ...body, progressPercent: 11 }, { 'Idempotency-Key': key });
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ rule: 'idempotency-key-reused' });
    expect((await allEvents(api.store)).length).toBe(count);
  });

  it('runs a request once when the same Idempotency-Key arrives ten times at once', async () => {
    const key = randomUUID();
    const count = (await allEvents(api.store)).length;
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        e.as.dirigente.post(
          `/objectives/${e.objectiveId}/indicator-values`,
          { indicatorId: 'i1', value: '42', asOf: '2025-07-31' },
          { 'Idempotency-Key': key },
        ),
      ),
    );
    // One runs; the others wait on its key and get its answer.
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(responses.filter((r) => r.headers['idempotency-replayed'] !== 'true')).toHaveLength(1);
    expect((await allEvents(api.store)).length).toBe(count + 1);
    const settled = await e.as.dirigente.post(
      `/objectives/${e.objectiveId}/indicator-values`,
      { indicatorId: 'i1', value: '42', asOf: '2025-07-31' },
      { 'Idempotency-Key': key },
    );
    expect(settled.status).toBe(200);
    expect(settled.headers['idempotency-replayed']).toBe('true');
  });

  it('keeps the first answer even when it was a refusal', async () => {
    const key = randomUUID();
    const first = await e.as.dirigente.post(`/objectives/${e.draftId}/phase-progress`, { phaseId: 'f1', progressPercent: 5 }, { 'Idempotency-Key': key });
    expect(first.status).toBe(422);
    const retry = await e.as.dirigente.post(`/objectives/${e.draftId}/phase-progress`, { phaseId: 'f1', progressPercent: 5 }, { 'Idempotency-Key': key });
    expect(retry.status).toBe(422);
    expect(retry.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(retry.body).toEqual(first.body);
  });

  it('refuses a second objective with the same code in the plan, even when both drafts race', async () => {
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => e.as.dirigente.post(`/plans/${e.planId}/objectives`, { code: 'RACE_01', definition: definition() })),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([201, 422, 422, 422, 422]);
    for (const r of responses.filter((r) => r.status === 422)) expect(r.body.rule).toBe('objective-code-taken');
    const plan = (await e.as.segretario.get(`/plans/${e.planId}`)).body;
    expect(plan.objectives.filter((o: { code: string }) => o.code === 'RACE_01')).toHaveLength(1);
  });
});

/** Metadata of an event written straight to the store, as a process that died halfway would have left it. */
function storedMetadata(person: Person, ente: string, occurredAt: string, act?: { number: string; date: string }): EventMetadata {
  return {
    actor: { id: person.sub, name: person.name, role: person.roles[0] },
    ente,
    occurredAt,
    recordedAt: new Date().toISOString(),
    ...(act ? { act } : {}),
    correlationId: randomUUID(),
    causationId: randomUUID(),
    schemaVersion: 1,
  };
}

describe('the plan processor finishes from the log what a crashed process left halfway (PostgreSQL)', () => {
  let api: Api;
  let e: Ente;
  beforeAll(async () => {
    api = await startApi('postgres', { RUN_PROCESSORS: 'false' });
    e = await seedEnte(api, 'comune-ripresa');
  });
  afterAll(() => api.close());

  it('approves each proposed objective of an approved plan exactly once, however often it runs', async () => {
    const plan = (await e.as.segretario.post('/plans', { kind: 'PDO', title: 'PDO 2026', fromYear: 2026, toYear: 2026 })).body;
    const ids: string[] = [];
    for (const code of ['A', 'B', 'C']) {
      const o = await e.as.dirigente.post(`/plans/${plan.planId}/objectives`, { code, definition: definition() });
      await e.as.dirigente.post(`/objectives/${o.body.objectiveId}/propose`);
      ids.push(o.body.objectiveId);
    }
    await e.as.segretario.post(`/plans/${plan.planId}/submit`);
    // The process died right after storing the plan's approval, having approved only the first objective.
    const planStream = `plan-${plan.planId}`;
    const revision = (await api.store.readStream(planStream)).length - 1;
    const metadata = storedMetadata(e.people.segretario, e.ente, '2026-02-01', { number: '12', date: '2026-02-01' });
    const approvalId = randomUUID();
    await api.store.append(planStream, [{ id: approvalId, type: 'PlanApprovedByGiunta', data: { act: metadata.act }, metadata }], revision);
    const first = await api.store.readStream(`objective-${ids[0]}`);
    await api.store.append(
      `objective-${ids[0]}`,
      [
        {
          id: randomUUID(),
          type: 'ObjectiveApprovedByGiunta',
          data: { act: metadata.act, planApprovalEventId: approvalId },
          metadata: { ...metadata, causationId: approvalId },
        },
      ],
      first.length - 1,
    );

    const processor = api.app.get(ProcessorsHost).runner(PLAN_PROCESSOR);
    await Promise.all([processor.catchUp(), processor.catchUp()]);
    await processor.catchUp();

    for (const id of ids) {
      const approvals = (await api.store.readStream(`objective-${id}`)).filter((ev: StoredEvent) => ev.type === 'ObjectiveApprovedByGiunta');
      expect(approvals).toHaveLength(1);
      expect(approvals[0].metadata.causationId).toBe(approvalId);
      expect(approvals[0].metadata.act).toEqual({ number: '12', date: '2026-02-01' });
    }
    expect((await e.as.segretario.get(`/plans/${plan.planId}`)).body.objectives.map((o: { status: string }) => o.status)).toEqual([
      'approved',
      'approved',
      'approved',
    ]);
  });

  it('does not approve, when it runs late, an objective proposed after the Giunta approved the plan', async () => {
    const plan = (await e.as.segretario.post('/plans', { kind: 'PDO', title: 'PDO 2027', fromYear: 2027, toYear: 2027 })).body;
    const early = (await e.as.dirigente.post(`/plans/${plan.planId}/objectives`, { code: 'EARLY', definition: definition() })).body.objectiveId;
    const late = (await e.as.dirigente.post(`/plans/${plan.planId}/objectives`, { code: 'LATE', definition: definition() })).body.objectiveId;
    await e.as.dirigente.post(`/objectives/${early}/propose`);
    await e.as.segretario.post(`/plans/${plan.planId}/submit`);
    // The approval is stored, then the process dies before following it up...
    const planStream = `plan-${plan.planId}`;
    const act = { number: '40', date: '2026-03-01' };
    const metadata = storedMetadata(e.people.segretario, e.ente, act.date, act);
    await api.store.append(
      planStream,
      [{ id: randomUUID(), type: 'PlanApprovedByGiunta', data: { act }, metadata }],
      (await api.store.readStream(planStream)).length - 1,
    );
    // ...and the other objective is proposed afterwards.
    await e.as.dirigente.post(`/objectives/${late}/propose`);
    await api.app.get(ProcessorsHost).runner(PLAN_PROCESSOR).catchUp();
    const statuses = (await e.as.segretario.get(`/plans/${plan.planId}`)).body.objectives.map((o: { code: string; status: string }) => [o.code, o.status]);
    expect(statuses).toEqual([
      ['EARLY', 'approved'],
      ['LATE', 'proposed'],
    ]);
  });

  it('attaches to its plan an objective whose drafting stopped before the plan was told', async () => {
    const objectiveId = randomUUID();
    const metadata = storedMetadata(e.people.dirigente, e.ente, '2026-02-01');
    await api.store.append(
      `objective-${objectiveId}`,
      [
        {
          id: randomUUID(),
          type: 'ObjectiveDrafted',
          data: { objectiveId, planId: e.planId, ente: e.ente, code: 'ORPHAN', definition: definition(), warnings: [] },
          metadata,
        },
      ],
      'no-stream',
    );
    expect((await e.as.segretario.get(`/plans/${e.planId}`)).body.objectives.map((o: { code: string }) => o.code)).not.toContain('ORPHAN');
    const processor = api.app.get(ProcessorsHost).runner(PLAN_PROCESSOR);
    await processor.catchUp();
    await processor.catchUp();
    const plan = (await e.as.segretario.get(`/plans/${e.planId}`)).body;
    expect(plan.objectives.filter((o: { code: string }) => o.code === 'ORPHAN')).toEqual([expect.objectContaining({ objectiveId, status: 'draft' })]);
  });
});
