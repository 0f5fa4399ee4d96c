import { randomUUID } from 'node:crypto';
import { SystemClock } from '@piao/application';
import { LOG_START, type SqlClient } from '@piao/event-store';
import { READ_MODELS, READ_MODELS_REBUILD, readModelChecksums, rebuildReadModels } from '@piao/read-models';
import { openStorage, type Storage } from '@piao/storage';
import { startApi, type Api } from '../support/api-harness';
import { createTestDatabase } from '../support/postgres';
import { cleanRebuildChecksums, killAll, note, sleep, spawnProjector, until, type ChildRun } from '../support/processor-harness';
import { definition, seedEnte, type Ente } from '../support/scenario';
import { writeSyntheticEnte } from '../support/synthetic-enti';

interface ReadResult {
  /** When the request was sent and when its answer came (Date.now()). */
  sent: number;
  at: number;
  route: 'list' | 'timeline';
  status: number;
  count: number;
  ms: number;
}

describe('the read models are rebuilt beside the live ones and switched in while clients read and write (API on PostgreSQL)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let api: Api | undefined;
  let storage: Storage;
  let sql: SqlClient;
  let ente: Ente;
  let synthetic: { planId: string; objectiveIds: string[]; events: number };
  const runs: ChildRun[] = [];
  const caughtUp = async () => (await storage.events.countAfter((await storage.processors.checkpoint(READ_MODELS)).position, 1)) === 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    // The API on this test's database (DATABASE_URL overrides the harness's own), the read models projected inside it.
    api = await startApi('postgres', { DATABASE_URL: db.url });
    storage = await openStorage({ kind: 'postgres', url: db.url, poolSize: 4 });
    sql = storage.sql;
    ente = await seedEnte(api, 'comune-rebuild');
    // About 3,200 events of the same ente, straight into the log.
    synthetic = await writeSyntheticEnte(api.store, { ente: 'comune-rebuild', objectives: 80, eventsPerObjective: 40 });
    expect(await storage.events.countAfter(LOG_START, Number.MAX_SAFE_INTEGER)).toBeGreaterThan(3_000);
    await until(caughtUp, 'the projection', 60_000);
  });
  afterAll(async () => {
    await killAll(runs);
    await api?.close();
    await storage?.events.close();
    await db?.drop();
  });

  it('every read answers 200 with its rows, the rebuild finishes, commands written meanwhile are in, and the result equals a clean rebuild', async () => {
    const live = api!;
    const reader = await live.as({ sub: 'comune-rebuild:seg', name: 'Segretaria Generale', ente: 'comune-rebuild', roles: ['segretario'] });
    const objectiveId = synthetic.objectiveIds[0];
    const reads: ReadResult[] = [];
    let reading = true;
    const readLoop = async (route: ReadResult['route']) => {
      while (reading) {
        const began = performance.now();
        const sent = Date.now();
        const response =
          route === 'list' ? await reader.get(`/plans/${synthetic.planId}/objectives?limit=50`) : await reader.get(`/objectives/${objectiveId}/timeline`);
        const count = route === 'list' ? (response.body.items?.length ?? 0) : (response.body.events?.length ?? 0);
        reads.push({ sent, at: Date.now(), route, status: response.status, count, ms: performance.now() - began });
      }
    };

    // Commands all along: progress on the approved objective, and new drafts in the seeded plan.
    const written: { codes: string[]; progress: number; last?: string } = { codes: [], progress: 0 };
    let writing = true;
    const writeLoop = async () => {
      for (let n = 0; writing; n++) {
        const response =
          n % 3 === 0
            ? await ente.as.dirigente.post(`/plans/${ente.planId}/objectives`, { code: `W_${n}`, definition: definition() })
            : await ente.as.dirigente.post(`/objectives/${ente.objectiveId}/phase-progress`, { phaseId: 'f1', progressPercent: n % 100 });
        if (response.status !== 200 && response.status !== 201) throw new Error(`command ${n}: ${response.status} ${JSON.stringify(response.body)}`);
        if (n % 3 === 0) written.codes.push(`W_${n}`);
        else written.progress++;
        written.last = response.body.position;
        await sleep(20);
      }
    };

    // The switch is seen as the live table's oid changing.
    const oid = async () => (await sql.query<{ oid: number }>(`SELECT 'rm_objectives'::regclass::oid::integer AS oid`))[0].oid;
    const liveOid = await oid();
    let switchedAt: number | undefined;
    let watching = true;
    const watcher = (async () => {
      while (watching && switchedAt === undefined) {
        if ((await oid()) !== liveOid) switchedAt = Date.now();
        await sleep(5);
      }
    })();

    const loops = [readLoop('list'), readLoop('timeline'), readLoop('list'), writeLoop()];
    await sleep(300);
    const rebuildStarted = Date.now();
    const rebuild = spawnProjector(db.url, { args: ['--rebuild'] });
    runs.push(rebuild);
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([rebuild.exited, new Promise<{ code: number }>((resolve) => (timer = setTimeout(() => resolve({ code: -1 }), 90_000)))]);
    clearTimeout(timer);
    const rebuildEnded = Date.now();
    // A few more commands after the switch, then everything stops.
    await sleep(500);
    writing = false;
    reading = false;
    await Promise.all(loops);
    watching = false;
    await watcher;

    const during = reads.filter((r) => r.at >= rebuildStarted && r.at <= rebuildEnded);
    const slowest = Math.max(...reads.map((r) => r.ms));
    // Reads in flight at the switch, or sent within 100 ms of it.
    const aroundSwitch = reads.filter((r) => switchedAt !== undefined && r.at >= switchedAt - 100 && r.sent <= switchedAt + 100);
    note(
      `rebuild-while-reading: rebuild took ${rebuildEnded - rebuildStarted} ms (exit ${JSON.stringify(exit)}); ${reads.length} reads ` +
        `(${during.length} during the rebuild, ${aroundSwitch.length} within 100 ms of the switch), slowest ${slowest.toFixed(0)} ms; ${written.codes.length} drafts and ${written.progress} progress records written; ` +
        `rebuild said: ${/rebuilt the read models[^\n]*/.exec(rebuild.output())?.[0] ?? rebuild.output().slice(-500)}`,
    );

    // The rebuild finished and switched its tables in.
    expect(exit).toEqual({ code: 0, signal: null });
    expect(rebuild.output()).toMatch(/rebuilt the read models from \d+ events/);
    const leftovers = await sql.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE tablename LIKE 'rm_%__rebuild_%'`);
    expect(leftovers).toEqual([]);
    expect(await sql.query(`SELECT name FROM processor_checkpoints WHERE name = $1`, [READ_MODELS_REBUILD])).toEqual([]);

    // Every read answered 200 with its rows, before, during and after the switch.
    expect(switchedAt).toBeDefined();
    expect(during.length).toBeGreaterThan(5);
    expect(aroundSwitch.length).toBeGreaterThan(0);
    const bad = reads.filter((r) => r.status !== 200 || r.count === 0);
    expect(bad.slice(0, 5)).toEqual([]);
    expect(reads.filter((r) => r.route === 'list').every((r) => r.count === 50)).toBe(true);

    // The commands written during the rebuild are in the read models afterwards.
    expect(written.codes.length).toBeGreaterThan(2);
    const list = await ente.as.segretario.get(`/plans/${ente.planId}/objectives?limit=200&after=${written.last}`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { code: string }) => i.code)).toEqual(expect.arrayContaining(written.codes));
    const timeline = await ente.as.segretario.get(`/objectives/${ente.objectiveId}/timeline?after=${written.last}`);
    expect(timeline.status).toBe(200);
    expect(timeline.body.events.filter((e: { type: string }) => e.type === 'PhaseProgressRecorded')).toHaveLength(written.progress);

    // Every event counted once, nothing parked, and the live read models equal a clean rebuild.
    await until(caughtUp, 'the live projection to catch up');
    const total = await storage.events.countAfter(LOG_START, Number.MAX_SAFE_INTEGER);
    expect((await storage.processors.checkpoint(READ_MODELS)).events).toBe(total);
    expect(await storage.processors.deadLetters({})).toEqual([]);
    const afterRebuild = await readModelChecksums(sql);
    await live.close();
    api = undefined;
    expect(afterRebuild).toEqual(await cleanRebuildChecksums(storage));
  });

  it('a rebuild that lasts longer than its lease still finishes (scaled down: a lease of a quarter of the rebuild; the projector’s is 30 s)', async () => {
    // No live projection now (the API is closed): only the rebuilds run, on 10,000 more events.
    await writeSyntheticEnte(storage.events, { ente: 'comune-grande', objectives: 200, eventsPerObjective: 50 });
    const total = await storage.events.countAfter(LOG_START, Number.MAX_SAFE_INTEGER);
    const rebuild = (leaseMs?: number) =>
      rebuildReadModels({
        sql,
        events: storage.events,
        processors: storage.processors,
        clock: new SystemClock(),
        holder: `test-${randomUUID().slice(0, 8)}`,
        leaseMs,
      }).then(
        (result) => ({ result: { events: result.events } }),
        (error: unknown) => ({ error: error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error) }),
      );
    // With the default lease (30 s, far longer than the rebuild): how long a rebuild takes here, and what it yields.
    let began = Date.now();
    expect(await rebuild()).toEqual({ result: { events: total } });
    const duration = Date.now() - began;
    const reference = await readModelChecksums(sql);
    expect(reference).toEqual(await cleanRebuildChecksums(storage));
    // The same rebuild with a lease a quarter of its duration: the runner must renew it as it goes.
    const leaseMs = Math.max(50, Math.floor(duration / 4));
    began = Date.now();
    const outcome = await rebuild(leaseMs);
    note(
      `rebuild of ${total} events: ${duration} ms with the default lease; with a ${leaseMs} ms lease: ${JSON.stringify(outcome)} after ${Date.now() - began} ms`,
    );
    expect(outcome).toEqual({ result: { events: total } });
    expect(await readModelChecksums(sql)).toEqual(reference);
  });

  it('a second rebuild started while one runs is refused, and the first one finishes', async () => {
    const before = await readModelChecksums(sql);
    const options = { sql, events: storage.events, processors: storage.processors, clock: new SystemClock(), leaseMs: 60_000 };
    const outcome = (p: Promise<unknown>) =>
      p.then(
        () => 'finished',
        (error: unknown) => `failed: ${error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error)}`,
      );
    let batches = 0;
    let second: Promise<string> | undefined;
    const first = outcome(
      rebuildReadModels({
        ...options,
        holder: 'first-rebuild',
        onBatch: () => {
          // Once the first has projected its first batch, a second one starts (a second operator, the same command).
          if (++batches === 1) second = outcome(rebuildReadModels({ ...options, holder: 'second-rebuild' }));
        },
      }),
    );
    const firstOutcome = await first;
    await until(() => second !== undefined, 'the second rebuild to start');
    const secondOutcome = await second!;
    note(`two rebuilds at once: first ${firstOutcome}; second ${secondOutcome}`);
    expect(secondOutcome).toMatch(/failed: .*(another rebuild of the read models is running|run by another process)/);
    expect(firstOutcome).toBe('finished');
    expect(await readModelChecksums(sql)).toEqual(before);
    const leftovers = await sql.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE tablename LIKE 'rm_%__rebuild_%'`);
    expect(leftovers).toEqual([]);
  });

  it('a rebuild ignores what an earlier, failed rebuild parked: every stream is rebuilt, nothing stays parked', async () => {
    const before = await readModelChecksums(sql);
    // What a rebuild that died after parking an event leaves behind: a dead letter of the rebuild's processor.
    const [first] = await storage.events.readAll(LOG_START, 1);
    await storage.processors.lease(READ_MODELS_REBUILD, 'a-failed-rebuild', 60_000);
    await storage.processors.reset(READ_MODELS_REBUILD);
    await storage.processors.advance({
      name: READ_MODELS_REBUILD,
      holder: 'a-failed-rebuild',
      from: LOG_START,
      to: first.position,
      count: 1,
      parked: [{ event: first, error: 'a failure of the failed rebuild', attempts: 3, heldBack: false }],
    });
    await storage.processors.release(READ_MODELS_REBUILD, 'a-failed-rebuild');
    expect(await storage.processors.deadLetters({ processor: READ_MODELS_REBUILD, unresolved: true })).toHaveLength(1);

    await rebuildReadModels({ sql, events: storage.events, processors: storage.processors, clock: new SystemClock(), holder: 'after-a-failure' });
    expect(await readModelChecksums(sql)).toEqual(before);
    expect(await storage.processors.deadLetters({ unresolved: true })).toEqual([]);
    expect(await storage.processors.blockedStreams(READ_MODELS)).toEqual(new Set());
  });
});
