import { randomUUID } from 'node:crypto';
import { ProcessorRunner, ProcessorsHost, SystemClock, type Processor } from '@piao/application';
import {
  comparePositions,
  formatPosition,
  LOG_START,
  PROCESSOR_STORE,
  StoreUnavailable,
  type DeadLetter,
  type LogPosition,
  type NewEvent,
  type ProcessorStore,
  type SqlClient,
  type SqlQuery,
  type StoredEvent,
} from '@piao/event-store';
import { objectiveStreamId } from '@piao/lifecycle';
import { READ_MODEL_SQL, READ_MODELS, ReadModelsProjection } from '@piao/read-models';
import { openSqlDatabase, openStorage, SqlProcessorStore, type Storage } from '@piao/storage';
import { startApi, type Api } from '../support/api-harness';
import { createTestDatabase } from '../support/postgres';
import { asServerAdmin, metadataOf, note, sleep, until, withApplicationName } from '../support/processor-harness';
import { definition, seedEnte, type Ente } from '../support/scenario';
import { syntheticDefinition, writeSyntheticEnte } from '../support/synthetic-enti';

/**
 * Poison events, dead letters and replay, on PostgreSQL: the read models inside the API (startApi), a processor of
 * this test registered with the API's ProcessorsHost, and ProcessorRunners on connections this test cuts.
 */

const position = (text: string): LogPosition => {
  const [commit, prepare] = text.split('/').map((n) => BigInt(n));
  return { commit, prepare };
};

function event(type: string, data: object, ente: string, role = 'dirigente'): NewEvent {
  return { id: randomUUID(), type, data, metadata: metadataOf(ente, role) };
}

describe('a poison event is parked; the rest of the log goes on; an admin sees and replays it (API on PostgreSQL)', () => {
  let api: Api;
  let store: ProcessorStore;
  let sql: SqlClient;
  let a: Ente;
  let b: Ente;

  beforeAll(async () => {
    api = await startApi('postgres');
    store = api.app.get<ProcessorStore>(PROCESSOR_STORE);
    sql = api.app.get<SqlClient>(READ_MODEL_SQL);
    a = await seedEnte(api, 'comune-alfa');
    b = await seedEnte(api, 'comune-beta');
  });
  afterAll(async () => {
    await api?.close();
  });

  const lettersOf = async (processor: string, streamId: string) =>
    (await store.deadLetters({ processor, limit: 100_000 }))
      .filter((l) => l.event.streamId === streamId)
      .sort((x, y) => comparePositions(x.event.position, y.event.position));
  /** /health/ready once the processor has no lag (a processor may append an event of its own meanwhile: the plan processor). */
  const caughtUpReadiness = async (processor: string) => {
    let ready = await api.anonymous().get('/health/ready');
    await until(async () => {
      ready = await api.anonymous().get('/health/ready');
      return ready.body.details?.processors?.[processor]?.lagEvents === 0;
    }, `${processor} to report no lag`);
    return ready;
  };
  const checkpointReached = async (processor: string, at: LogPosition) => comparePositions((await store.checkpoint(processor)).position, at) >= 0;

  describe('the read models', () => {
    const poisonId = randomUUID();
    const poisonStream = objectiveStreamId(poisonId);
    let poison: StoredEvent[];
    let poisonAppendedAt = 0;

    it('the poison really makes the projection throw (phases: null; a horizon of [] does not, in a draft)', async () => {
      // What the brief suggested first: a draft whose horizon is []. The projection takes it (a draft owes no deadline).
      const harmlessId = randomUUID();
      const harmless = { ...syntheticDefinition(harmlessId), horizon: [] };
      await api.store.append(
        objectiveStreamId(harmlessId),
        [event('ObjectiveDrafted', { objectiveId: harmlessId, planId: a.planId, ente: a.ente, code: 'HARMLESS', definition: harmless, warnings: [] }, a.ente)],
        'no-stream',
      );
      const [stored] = await api.store.readStream(objectiveStreamId(harmlessId));
      await expect(
        sql.transaction(async (tx) => new ReadModelsProjection().handle([stored], tx).then(() => Promise.reject(new Error('rollback')))),
      ).rejects.toThrow('rollback');

      // The poison: an objective drafted straight into the log with phases null, then proposed (same append).
      const broken = { ...syntheticDefinition(poisonId), phases: null };
      await api.store.append(
        poisonStream,
        [
          event('ObjectiveDrafted', { objectiveId: poisonId, planId: a.planId, ente: a.ente, code: 'POISON', definition: broken, warnings: [] }, a.ente),
          event('ObjectiveProposed', {}, a.ente),
        ],
        'no-stream',
      );
      poisonAppendedAt = Date.now();
      poison = await api.store.readStream(poisonStream);
      await expect(sql.transaction((tx) => new ReadModelsProjection().handle([poison[0]], tx))).rejects.toThrow(/null/);
    });

    it('is parked after the attempts, its later events are held back, and every other stream and ente goes on', async () => {
      // Ordinary commands right after it: another objective of ente A, progress in ente B.
      const drafted = await a.as.dirigente.post(`/plans/${a.planId}/objectives`, { code: 'AFTER_POISON', definition: definition() });
      expect(drafted.status).toBe(201);
      const progress = await b.as.dirigente.post(`/objectives/${b.objectiveId}/phase-progress`, { phaseId: 'f1', progressPercent: 40 });
      expect(progress.status).toBe(200);

      await until(async () => (await lettersOf(READ_MODELS, poisonStream)).length >= 2, 'the poison to be parked', 20_000);
      const parkedAfterMs = Date.now() - poisonAppendedAt;
      // A later event of the poison's own stream, written after the parking: held back, never projected on a gap.
      await api.store.append(poisonStream, [event('ObjectiveDraftUpdated', { definition: syntheticDefinition(poisonId), warnings: [] }, a.ente)], 1);
      const later = await b.as.dirigente.post(`/objectives/${b.objectiveId}/phase-progress`, { phaseId: 'f2', progressPercent: 10 });
      expect(later.status).toBe(200);

      // Both enti's read models keep up: read-your-writes answers 200 (not 503) with the new facts.
      const listA = await a.as.segretario.get(`/plans/${a.planId}/objectives?after=${drafted.body.position}`);
      expect(listA.status).toBe(200);
      expect(listA.body.items.map((i: { code: string }) => i.code)).toEqual(expect.arrayContaining(['S08_01', 'S08_02', 'AFTER_POISON']));
      expect(listA.body.items.map((i: { code: string }) => i.code)).not.toContain('POISON');
      const timelineA = await a.as.segretario.get(`/objectives/${drafted.body.objectiveId}/timeline?after=${drafted.body.position}`);
      expect(timelineA.status).toBe(200);
      expect(timelineA.body.events.map((e: { type: string }) => e.type)).toEqual(['ObjectiveDrafted']);
      const timelineB = await b.as.segretario.get(`/objectives/${b.objectiveId}/timeline?after=${later.body.position}`);
      expect(timelineB.status).toBe(200);
      expect(timelineB.body.events.filter((e: { type: string }) => e.type === 'PhaseProgressRecorded')).toHaveLength(2);
      // The poison objective itself is not in the read models.
      expect((await a.as.segretario.get(`/objectives/${poisonId}/timeline`)).status).toBe(404);

      await until(() => checkpointReached(READ_MODELS, position(later.body.position)), 'the read models to pass the later event');
      const letters = await lettersOf(READ_MODELS, poisonStream);
      expect(letters.map((l) => [l.event.revision, l.event.type, l.heldBack, l.attempts])).toEqual([
        [0, 'ObjectiveDrafted', false, 3],
        [1, 'ObjectiveProposed', true, 0],
        [2, 'ObjectiveDraftUpdated', true, 0],
      ]);
      expect(letters[0].error).toMatch(/null/);
      expect(letters[0].event.id).toBe(poison[0].id);
      expect(formatPosition(letters[0].event.position)).toBe(formatPosition(poison[0].position));
      expect(letters.every((l) => l.resolvedAt === undefined && l.replayRequestedAt === undefined)).toBe(true);
      // Nothing else was parked by the read models.
      expect((await store.deadLetters({ processor: READ_MODELS })).length).toBe(3);
      note(`poison parked (seen) ${parkedAfterMs} ms after it was appended`);
    });

    it('/health/ready stays 200 and reports the parked events; /metrics shows them', async () => {
      const ready = await caughtUpReadiness(READ_MODELS);
      expect(ready.status).toBe(200);
      const rm = ready.body.details.processors[READ_MODELS];
      expect(rm).toMatchObject({ state: 'active', parked: 3, lagEvents: 0 });
      expect(rm.lagSeconds).toBeLessThan(5);
      expect(ready.body.details.processors.warning).toMatch(/read-models: 3 parked/);
      // Public: no error text, which could name an ente's stream.
      expect(JSON.stringify(ready.body)).not.toContain(poisonStream);
      expect(rm).not.toHaveProperty('lastError');
      const metrics = await api.anonymous().get('/metrics');
      expect(metrics.status).toBe(200);
      const parked = /^piao_processor_parked_events\{processor="read-models"\} (\d+)$/m.exec(metrics.text);
      expect(Number(parked?.[1])).toBeGreaterThanOrEqual(1);
      expect(Number(parked?.[1])).toBe(3);
    });

    it("the admin of ente A lists the dead letters with the error; ente B's admin neither sees nor replays them", async () => {
      const listA = await a.as.admin.get(`/admin/dead-letters?processor=${READ_MODELS}`);
      expect(listA.status).toBe(200);
      const mine = listA.body.deadLetters.filter((l: { event: { streamId: string } }) => l.event.streamId === poisonStream);
      expect(mine).toHaveLength(3);
      expect(mine[0]).toMatchObject({ processor: READ_MODELS, heldBack: false, attempts: 3, event: { type: 'ObjectiveDrafted', revision: 0 } });
      expect(mine[0].error).toMatch(/null/);

      const listB = await b.as.admin.get(`/admin/dead-letters?processor=${READ_MODELS}`);
      expect(listB.status).toBe(200);
      expect(listB.body.deadLetters).toEqual([]);
      const replayB = await b.as.admin.post('/admin/dead-letters/replay', { processor: READ_MODELS, streamId: poisonStream });
      expect(replayB.status).toBe(202);
      expect(replayB.body.requested).toBe(0);
      // The processors' state as each admin sees it: parked events counted for their own ente only.
      const processorsA = (await a.as.admin.get('/admin/processors')).body.processors;
      const processorsB = (await b.as.admin.get('/admin/processors')).body.processors;
      expect(processorsA.find((p: { name: string }) => p.name === READ_MODELS).parked).toBe(3);
      expect(processorsB.find((p: { name: string }) => p.name === READ_MODELS).parked).toBe(0);
      expect(JSON.stringify(processorsB)).not.toContain(poisonStream);
      expect((await lettersOf(READ_MODELS, poisonStream)).every((l) => l.replayRequestedAt === undefined)).toBe(true);

      // Not an admin: refused.
      expect((await a.as.dirigente.get('/admin/dead-letters')).status).toBe(403);
      expect((await a.as.segretario.post('/admin/dead-letters/replay', { processor: READ_MODELS, streamId: poisonStream })).status).toBe(403);
    });

    it('a replay requested before the cause is fixed fails again: the events stay parked, with the new attempt', async () => {
      const replay = await a.as.admin.post('/admin/dead-letters/replay', { processor: READ_MODELS, streamId: poisonStream });
      expect(replay.status).toBe(202);
      expect(replay.body.requested).toBe(3);
      await until(async () => (await lettersOf(READ_MODELS, poisonStream))[0].attempts === 4, 'the replay to be tried', 10_000);
      const letters = await lettersOf(READ_MODELS, poisonStream);
      expect(letters.every((l) => l.resolvedAt === undefined && l.replayRequestedAt === undefined)).toBe(true);
      expect((await a.as.segretario.get(`/objectives/${poisonId}/timeline`)).status).toBe(404);
      const ready = await api.anonymous().get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.details.processors[READ_MODELS].parked).toBe(3);
    });
  });

  describe('replay after a fix', () => {
    /** A transactional processor of this test: it records each event it handles, and fails on the streams in `broken`. */
    class Recorder implements Processor {
      readonly mode = 'transactional';
      readonly batchSize = 50;
      readonly broken = new Set<string>();
      constructor(
        readonly name: string,
        private readonly table: string,
      ) {}
      async handle(events: StoredEvent[], tx?: SqlQuery): Promise<void> {
        for (const e of events) {
          if (this.broken.has(e.streamId)) throw new Error(`no handler yet for ${e.type} of ${e.streamId}`);
          // A second handling of one event would violate the unique key, fail, and be parked: the test would see it.
          await tx!.query(`INSERT INTO ${this.table} (event_id, stream_id, revision, position) VALUES ($1, $2, $3, $4)`, [
            e.id,
            e.streamId,
            e.revision,
            formatPosition(e.position),
          ]);
        }
      }
    }

    it('the parked events (the poison and the held-back ones) are handled in log order within seconds, and the stream flows again', async () => {
      await sql.query(
        `CREATE TABLE test_recorded (seq bigserial PRIMARY KEY, event_id uuid NOT NULL UNIQUE, stream_id text NOT NULL, revision integer NOT NULL, position text NOT NULL)`,
      );
      const recorder = new Recorder('test-recorder', 'test_recorded');
      const objectiveId = randomUUID();
      const stream = objectiveStreamId(objectiveId);
      recorder.broken.add(stream);
      const host = api.app.get(ProcessorsHost);
      host.register(recorder);
      const recorded = async (streamId: string) =>
        sql.query<{ revision: number; position: string }>(`SELECT revision, position FROM test_recorded WHERE stream_id = $1 ORDER BY seq`, [streamId]);

      // A valid objective of ente A, written straight into the log; the recorder cannot handle its stream yet.
      await api.store.append(
        stream,
        [
          event(
            'ObjectiveDrafted',
            { objectiveId, planId: a.planId, ente: a.ente, code: 'FIXABLE', definition: syntheticDefinition(objectiveId), warnings: [] },
            a.ente,
          ),
          event('ObjectiveProposed', {}, a.ente),
        ],
        'no-stream',
      );
      const other = await b.as.dirigente.post(`/objectives/${b.objectiveId}/phase-progress`, { phaseId: 'f1', progressPercent: 60 });
      await until(() => checkpointReached(recorder.name, position(other.body.position)), 'the recorder to pass ente B’s command', 20_000);
      await api.store.append(stream, [event('ObjectiveReturnedForChanges', {}, a.ente, 'segretario')], 1);
      const other2 = await b.as.dirigente.post(`/objectives/${b.objectiveId}/phase-progress`, { phaseId: 'f1', progressPercent: 70 });
      await until(() => checkpointReached(recorder.name, position(other2.body.position)), 'the recorder to pass ente B’s second command');

      // Every other stream went on; this one is parked whole: the poison, then the held-back events.
      expect((await recorded(objectiveStreamId(b.objectiveId))).length).toBeGreaterThan(0);
      expect(await recorded(stream)).toEqual([]);
      const parked = await lettersOf(recorder.name, stream);
      expect(parked.map((l) => [l.event.revision, l.heldBack])).toEqual([
        [0, false],
        [1, true],
        [2, true],
      ]);
      expect((await caughtUpReadiness(recorder.name)).body.details.processors[recorder.name]).toMatchObject({ parked: 3, lagEvents: 0 });

      // The fix, then the admin's replay request; the active instance replays within about 2 s.
      recorder.broken.delete(stream);
      const requestedAt = Date.now();
      const replay = await a.as.admin.post('/admin/dead-letters/replay', { processor: recorder.name, streamId: stream });
      expect(replay.status).toBe(202);
      expect(replay.body.requested).toBe(3);
      await until(async () => (await lettersOf(recorder.name, stream)).every((l) => l.resolvedAt !== undefined), 'the replay', 15_000, 10);
      const replayMs = Date.now() - requestedAt;
      note(`replay of 3 parked events done ${replayMs} ms after the request`);
      expect(replayMs).toBeLessThan(5_000);

      const events = await api.store.readStream(stream);
      expect(await recorded(stream)).toEqual(events.map((e) => ({ revision: e.revision, position: formatPosition(e.position) })));

      // New events of the stream flow again, after the replayed ones.
      await api.store.append(stream, [event('ObjectiveDraftUpdated', { definition: syntheticDefinition(objectiveId), warnings: [] }, a.ente)], 2);
      const other3 = await b.as.dirigente.post(`/objectives/${b.objectiveId}/phase-progress`, { phaseId: 'f1', progressPercent: 80 });
      await until(() => checkpointReached(recorder.name, position(other3.body.position)), 'the recorder to pass the new event');
      expect((await recorded(stream)).map((r) => r.revision)).toEqual([0, 1, 2, 3]);
      expect((await lettersOf(recorder.name, stream)).every((l) => l.resolvedAt !== undefined)).toBe(true);
      expect(await store.deadLetters({ processor: recorder.name, unresolved: true })).toEqual([]);
      expect((await api.anonymous().get('/health/ready')).body.details.processors[recorder.name]).toMatchObject({ parked: 0 });
      // Exactly once: one row per event the recorder's checkpoint accounts for (one snapshot: both move in one transaction).
      const [{ n, counted }] = await sql.query<{ n: number; counted: number }>(
        `SELECT (SELECT count(*)::int FROM test_recorded) AS n, (SELECT events::int FROM processor_checkpoints WHERE name = $1) AS counted`,
        [recorder.name],
      );
      expect(n).toBe(counted);
    });

    it("an admin can replay any of the ente's parked streams, however many events the ente has parked", async () => {
      await sql.query(
        `CREATE TABLE test_recorded_many (seq bigserial PRIMARY KEY, event_id uuid NOT NULL UNIQUE, stream_id text NOT NULL, revision integer NOT NULL, position text NOT NULL)`,
      );
      const recorder = new Recorder('test-recorder-many', 'test_recorded_many');
      // A busy stream of ente A that the processor cannot handle (1,001 events: 1 parked, 1,000 held back), then another.
      const busyId = randomUUID();
      const laterId = randomUUID();
      recorder.broken.add(objectiveStreamId(busyId)).add(objectiveStreamId(laterId));
      api.app.get(ProcessorsHost).register(recorder);
      const drafted = (id: string, code: string) =>
        event('ObjectiveDrafted', { objectiveId: id, planId: a.planId, ente: a.ente, code, definition: syntheticDefinition(id), warnings: [] }, a.ente);
      const progress = Array.from({ length: 1_000 }, (_, n) => event('PhaseProgressRecorded', { phaseId: 'f1', progressPercent: n % 100 }, a.ente));
      await api.store.append(objectiveStreamId(busyId), [drafted(busyId, 'BUSY'), ...progress], 'no-stream');
      await api.store.append(objectiveStreamId(laterId), [drafted(laterId, 'LATER')], 'no-stream');
      const head = await b.as.dirigente.post(`/objectives/${b.objectiveId}/phase-progress`, { phaseId: 'f2', progressPercent: 90 });
      await until(() => checkpointReached(recorder.name, position(head.body.position)), 'the recorder to pass both streams', 60_000);
      expect((await lettersOf(recorder.name, objectiveStreamId(busyId))).length).toBe(1_001);
      expect((await lettersOf(recorder.name, objectiveStreamId(laterId))).map((l) => l.heldBack)).toEqual([false]);

      // Fixed for the later stream; its admin asks for its replay.
      recorder.broken.delete(objectiveStreamId(laterId));
      const listed = await a.as.admin.get(`/admin/dead-letters?processor=${recorder.name}`);
      const listedLater = listed.body.deadLetters.filter((l: { event: { streamId: string } }) => l.event.streamId === objectiveStreamId(laterId));
      const replay = await a.as.admin.post('/admin/dead-letters/replay', { processor: recorder.name, streamId: objectiveStreamId(laterId) });
      note(
        `1,002 parked events of one ente: the admin's list holds ${listed.body.deadLetters.length}, ${listedLater.length} of the later stream; replay answered ${JSON.stringify(replay.body)}`,
      );
      expect(replay.status).toBe(202);
      expect(replay.body.requested).toBe(1);
      await until(async () => (await lettersOf(recorder.name, objectiveStreamId(laterId)))[0].resolvedAt !== undefined, 'the later stream’s replay', 10_000);
    });
  });
});

describe('infrastructure failures are waited out, never parked (PostgreSQL, connections cut)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let checks: Storage;
  let total: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    checks = await openStorage({ kind: 'postgres', url: db.url, poolSize: 4 });
    await checks.sql.query(`CREATE TABLE infra_tx (event_id uuid PRIMARY KEY)`);
    await checks.sql.query(`CREATE TABLE infra_idem (event_id uuid PRIMARY KEY, handled integer NOT NULL DEFAULT 1)`);
    await checks.sql.query(`CREATE TABLE refused_idem (event_id uuid PRIMARY KEY)`);
    total = (await writeSyntheticEnte(checks.events, { ente: 'comune-infra', objectives: 60, eventsPerObjective: 50 })).events;
  });
  afterAll(async () => {
    await asServerAdmin(`ALTER DATABASE ${new URL(db.url).pathname.slice(1)} WITH ALLOW_CONNECTIONS true`).catch(() => undefined);
    await checks?.events.close();
    await db?.drop();
  });

  const caughtUp = async (name: string) => (await checks.events.countAfter((await checks.processors.checkpoint(name)).position, 1)) === 0;

  it('connections terminated again and again in the middle of batches: no dead letter, every event handled, once for the transactional one', async () => {
    const app = 'processor-under-cut';
    const cut: Storage = await openStorage({ kind: 'postgres', url: withApplicationName(db.url, app), poolSize: 3 });
    const transactional: Processor = {
      name: 'infra-transactional',
      mode: 'transactional',
      batchSize: 100,
      async handle(events, tx) {
        await tx!.query(`SELECT pg_sleep(0.01)`);
        await tx!.query(`INSERT INTO infra_tx (event_id) SELECT unnest($1::uuid[])`, [events.map((e) => e.id)]);
      },
    };
    const idempotent: Processor = {
      name: 'infra-idempotent',
      mode: 'idempotent',
      batchSize: 100,
      async handle(events) {
        await cut.sql.query(`SELECT pg_sleep(0.01)`);
        await cut.sql.query(
          `INSERT INTO infra_idem (event_id) SELECT unnest($1::uuid[]) ON CONFLICT (event_id) DO UPDATE SET handled = infra_idem.handled + 1`,
          [events.map((e) => e.id)],
        );
      },
    };
    const failures: unknown[] = [];
    const runners = [transactional, idempotent].map((p) =>
      new ProcessorRunner(p, cut.events, cut.processors, new SystemClock(), {
        holder: 'infra-test',
        leaseMs: 5_000,
        idleMs: 20,
        onError: (e) => failures.push(e),
      }).start(),
    );
    let cuts = 0;
    try {
      while (!((await caughtUp(transactional.name)) && (await caughtUp(idempotent.name)))) {
        if (cuts < 12) {
          const killed = await asServerAdmin<{ pid: number }>(
            `SELECT pg_terminate_backend(pid) AS pid FROM pg_stat_activity WHERE application_name = $1 AND state <> 'idle'`,
            [app],
          );
          if (killed.length > 0) cuts++;
        }
        await sleep(25);
      }
    } finally {
      await Promise.all(runners.map((r) => r.stop()));
      await cut.events.close();
    }
    note(`infrastructure: ${cuts} cuts, ${failures.length} failures reported`);
    expect(cuts).toBeGreaterThanOrEqual(5);
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((f) => f instanceof StoreUnavailable)).toBe(true);
    expect(await checks.processors.deadLetters({})).toEqual([]);
    const [tx] = await checks.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM infra_tx`);
    const [idem] = await checks.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM infra_idem`);
    expect(tx.n).toBe(total);
    expect(idem.n).toBe(total);
    expect((await checks.processors.checkpoint(transactional.name)).events).toBe(total);
    expect((await checks.processors.checkpoint(idempotent.name)).events).toBe(total);
  });

  it('a database that refuses new connections for a while (55000) is waited out too, not blamed on the events', async () => {
    // The runner's own connections stay open; the handler's connection is cut while the database refuses new ones,
    // as during maintenance or a failover. Nothing about the events is wrong: nothing may be parked.
    const database = new URL(db.url).pathname.slice(1);
    const runnerStorage = await openStorage({ kind: 'postgres', url: db.url, poolSize: 2 });
    const handlerApp = 'handler-under-cut';
    const handlerSql = await openSqlDatabase({ kind: 'postgres', url: withApplicationName(db.url, handlerApp), poolSize: 1 });
    await handlerSql.query(`SELECT 1`);
    // Both of the runner's connections opened before the outage (they are kept: the pool's idle timeout is 10 s).
    await Promise.all([runnerStorage.sql.query(`SELECT pg_sleep(0.05)`), runnerStorage.sql.query(`SELECT pg_sleep(0.05)`)]);
    await runnerStorage.processors.checkpoint('refused-idempotent');
    await runnerStorage.events.countAfter(LOG_START, 1);
    let outage = true;
    const processor: Processor = {
      name: 'refused-idempotent',
      mode: 'idempotent',
      batchSize: 500,
      async handle(events) {
        await handlerSql.query(`INSERT INTO refused_idem (event_id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING`, [events.map((e) => e.id)]);
      },
    };
    await asServerAdmin(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS false`);
    await asServerAdmin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [handlerApp]);
    const failures: string[] = [];
    const runner = new ProcessorRunner(processor, runnerStorage.events, new SqlProcessorStore(runnerStorage.sql), new SystemClock(), {
      holder: 'refused-test',
      leaseMs: 5_000,
      idleMs: 20,
      onError: (e) => failures.push(e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)),
    }).start();
    try {
      // Two seconds of refused connections, then the database accepts them again.
      await sleep(2_000);
      outage = false;
      await asServerAdmin(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS true`);
      await until(() => caughtUp(processor.name), 'the processor to catch up after the outage', 30_000);
    } finally {
      if (outage) await asServerAdmin(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS true`);
      await runner.stop();
      await runnerStorage.events.close();
      await handlerSql.close();
    }
    note(`refused connections: failures reported: ${JSON.stringify(failures.slice(0, 3))}`);
    expect(failures.length).toBeGreaterThan(0);
    const parked: DeadLetter[] = await checks.processors.deadLetters({ processor: processor.name });
    expect({ parked: parked.length, first: parked.slice(0, 3).map((l) => `${l.event.type}: ${l.error}`) }).toEqual({ parked: 0, first: [] });
    const [{ n }] = await checks.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM refused_idem`);
    expect(n).toBe(total);
  });
});
