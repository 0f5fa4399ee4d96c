import { LOG_START, type SqlClient } from '@piao/event-store';
import { PLAN_PROCESSOR } from '@piao/application';
import { READ_MODELS, ReadModelsProjection, readModelChecksums } from '@piao/read-models';
import { openStorage, type Storage } from '@piao/storage';
import { createTestDatabase } from '../support/postgres';
import { cleanRebuildChecksums, killAll, note, sleep, spawnProjector, until, withApplicationName, type ChildRun } from '../support/processor-harness';
import { writeSyntheticEnte } from '../support/synthetic-enti';

const LEASE_MS = 3_000;
/** What the project promises: a dead holder's processor is taken over within the lease plus a standby's poll (lease / 5). */
const TAKEOVER_BOUND_MS = LEASE_MS + LEASE_MS / 5;
/** Scheduling, the poll's own query, the sampling here. */
const SLACK_MS = 700;

interface Sample {
  at: number;
  holder?: string;
  events: number;
  /** application_name of each backend seen writing the read models at that instant. */
  writers: string[];
}

describe('two projector processes on one database: one active per processor, a dead or frozen holder is taken over (PostgreSQL)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let storage: Storage;
  let sql: SqlClient;
  let total: number;
  let objectiveEvents: number;
  const runs: ChildRun[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    storage = await openStorage({ kind: 'postgres', url: db.url });
    sql = storage.sql;
    await ReadModelsProjection.migrate(sql);
    // About 36,600 events: 600 objectives of 60 events in two enti, their plans and attachments.
    const a = await writeSyntheticEnte(storage.events, { ente: 'comune-a', objectives: 400, eventsPerObjective: 60 });
    const b = await writeSyntheticEnte(storage.events, { ente: 'comune-b', objectives: 200, eventsPerObjective: 60 });
    total = a.events + b.events;
    objectiveEvents = 600 * 60;
  });
  afterAll(async () => {
    await killAll(runs);
    await storage?.events.close();
    await db?.drop();
  });

  const holderOf = async (name: string) =>
    (await sql.query<{ holder: string }>(`SELECT holder FROM processor_leases WHERE name = $1 AND expires_at > now()`, [name]))[0]?.holder;
  const checkpoint = () => storage.processors.checkpoint(READ_MODELS);
  const pidOf = (holder: string | undefined) => (holder ? Number(holder.split(':')[1]) : undefined);

  interface Outcome {
    acquiredMs: number;
    atStop: number;
    takeoverMs: number;
    /** When the standby moved the checkpoint after the stop; undefined if it could not within RESUME_WAIT_MS. */
    resumedMs?: number;
    caughtUpMs: number;
    stoppedInTransaction: number;
    /** The new holder's connections waiting on a lock, 500 ms after it took the lease. */
    standbyWaits: { wait: string; query: string }[];
    samples: Sample[];
    killedAt: number;
    activeApp: string;
    standbyApp: string;
    activePid: number;
    standbyPid: number;
  }

  /** How long the standby is given to move the checkpoint after the holder stopped answering, before it is resumed. */
  const RESUME_WAIT_MS = 8_000;

  /**
   * Two projectors, PROCESSOR_LEASE_MS=3000; the test holds the read models' lease until both are up, so that the catch-up
   * starts with both ready; once its first batch is in, the active one gets `signal`.
   */
  async function scenario(signal: 'SIGKILL' | 'SIGSTOP', tag: string): Promise<Outcome> {
    expect(await storage.processors.lease(READ_MODELS, 'test-gate', 120_000)).toBe(true);
    const env = { PROCESSOR_LEASE_MS: String(LEASE_MS), LOG_LEVEL: 'info' };
    const first = spawnProjector(withApplicationName(db.url, `projector-${tag}-1`), { env });
    const second = spawnProjector(withApplicationName(db.url, `projector-${tag}-2`), { env });
    runs.push(first, second);
    await until(() => /running the processors/.test(first.output()) && /running the processors/.test(second.output()), 'both projectors to start', 90_000, 50);
    const byPid = new Map([
      [first.child.pid!, { run: first, app: `projector-${tag}-1` }],
      [second.child.pid!, { run: second, app: `projector-${tag}-2` }],
    ]);

    // Sampling, every few milliseconds, of the lease, the checkpoint and who writes the read models.
    const samples: Sample[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        // Stamped when the query is sent: a sample read before the takeover but answered after it (a loaded machine)
        // must not count as one taken after it.
        const at = Date.now();
        const [row] = await sql.query<{ holder: string | null; events: string; writers: string[] }>(
          `SELECT (SELECT holder FROM processor_leases WHERE name = $1) AS holder,
                  (SELECT events::text FROM processor_checkpoints WHERE name = $1) AS events,
                  ARRAY(SELECT application_name FROM pg_stat_activity
                         WHERE datname = current_database() AND application_name LIKE 'projector-%' AND state <> 'idle'
                           AND query ILIKE '%INSERT INTO rm_%') AS writers`,
          [READ_MODELS],
        );
        samples.push({ at, holder: row.holder ?? undefined, events: Number(row.events ?? 0), writers: row.writers });
        await sleep(5);
      }
    })();

    try {
      const releasedAt = Date.now();
      await storage.processors.release(READ_MODELS, 'test-gate');
      await until(async () => byPid.has(pidOf(await holderOf(READ_MODELS))!), 'one projector to take the released lease', 10_000, 5);
      const acquiredMs = Date.now() - releasedAt;
      const activePid = pidOf(await holderOf(READ_MODELS))!;
      const active = byPid.get(activePid)!;
      const [standbyPid, standby] = [...byPid.entries()].find(([pid]) => pid !== activePid)!;

      // Mid-catch-up: once its first batch is in, the active one gets the signal, in the middle of a batch's
      // transaction (it has moved the checkpoint row and is writing the read models). Not later: the catch-up batches
      // grow (up to 8,000 events), and past a quarter of the log only three were left to catch in flight, which a
      // loaded machine's polling could miss altogether.
      await until(async () => (await checkpoint()).events > 0, 'the first batch of the log', 60_000, 5);
      const inFlight = async () =>
        (
          await sql.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND xact_start IS NOT NULL AND state <> 'idle' AND query ILIKE '%rm_%'`, [
            active.app,
          ])
        ).length > 0;
      await until(inFlight, 'a batch in flight', 30_000, 0);
      const killedAt = Date.now();
      active.run.child.kill(signal);
      if (signal === 'SIGKILL') await active.run.exited;
      const atStop = (await checkpoint()).events;
      await sleep(200);
      const [{ n: stoppedInTransaction }] = await sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND state = 'idle in transaction'`,
        [active.app],
      );

      await until(async () => pidOf(await holderOf(READ_MODELS)) === standbyPid, 'the standby to take the lease', 30_000, 5);
      const takeoverMs = Date.now() - killedAt;
      // What the new holder's connections wait for, a moment after it took the lease (the frozen case only).
      const standbyWaits =
        signal === 'SIGKILL'
          ? []
          : await sleep(500).then(() =>
              sql.query<{ wait: string; query: string }>(
                `SELECT wait_event_type || ':' || wait_event AS wait, left(regexp_replace(query, '\\s+', ' ', 'g'), 80) AS query
           FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
                [standby.app],
              ),
            );
      let resumedMs: number | undefined;
      await until(async () => (await checkpoint()).events > atStop, 'the standby to move the checkpoint', RESUME_WAIT_MS, 5).then(
        () => (resumedMs = Date.now() - killedAt),
        () => undefined,
      );
      if (signal === 'SIGSTOP') active.run.child.kill('SIGCONT');
      await until(async () => (await storage.events.countAfter((await checkpoint()).position, 1)) === 0, 'the standby to catch up', 90_000, 20);
      const caughtUpMs = Date.now() - killedAt;
      if (signal === 'SIGKILL') {
        // The killed one's other processors (the plan processor, if it held it) are taken over too.
        await until(async () => pidOf(await holderOf(PLAN_PROCESSOR)) === standbyPid, 'the plan processor’s lease to be taken over', 30_000, 20);
      } else {
        // Resumed, the stopped one finds its lease gone and stays a standby: a second more of sampling shows it.
        await sleep(1_000);
      }
      return {
        acquiredMs,
        atStop,
        takeoverMs,
        resumedMs,
        caughtUpMs,
        stoppedInTransaction,
        standbyWaits,
        samples,
        killedAt,
        activeApp: active.app,
        standbyApp: standby.app,
        activePid,
        standbyPid,
      };
    } finally {
      sampling = false;
      await sampler;
      for (const { run } of byPid.values()) if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGCONT');
      for (const { run } of byPid.values()) if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGTERM');
      await Promise.all([...byPid.values()].map(({ run }) => run.exited));
    }
  }

  /** Before the signal only the active one held the lease and wrote; at no instant did two processes write the read models. */
  function expectOneWriterAtATime(o: Outcome): void {
    const before = o.samples.filter((s) => s.at < o.killedAt && s.at > o.samples[0].at + o.acquiredMs);
    expect(before.length).toBeGreaterThan(10);
    expect(new Set(before.map((s) => pidOf(s.holder)))).toEqual(new Set([o.activePid]));
    expect(before.flatMap((s) => s.writers).every((w) => w === o.activeApp)).toBe(true);
    expect(o.samples.flatMap((s) => s.writers).length).toBeGreaterThan(0);
    expect(o.samples.filter((s) => new Set(s.writers).size > 1)).toEqual([]);
    // The counter never went back nor beyond the log.
    for (let i = 1; i < o.samples.length; i++) expect(o.samples[i].events).toBeGreaterThanOrEqual(o.samples[i - 1].events);
    expect(Math.max(...o.samples.map((s) => s.events))).toBeLessThanOrEqual(total);
  }

  async function expectExactlyOnceAndClean(): Promise<void> {
    expect(await storage.events.countAfter(LOG_START, Number.MAX_SAFE_INTEGER)).toBe(total);
    expect((await checkpoint()).events).toBe(total);
    expect(await storage.processors.deadLetters({})).toEqual([]);
    const projected = await readModelChecksums(sql);
    expect(Number(projected.rm_timeline.split(':')[0])).toBe(objectiveEvents);
    expect(Number(projected.rm_objectives.split(':')[0])).toBe(600);
    expect(projected).toEqual(await cleanRebuildChecksums(storage));
  }

  const report = (what: string, o: Outcome) =>
    note(
      `lease-takeover (${what}): ${total} events; lease taken ${o.acquiredMs} ms after the gate opened; stopped at ${o.atStop} events ` +
        `(${o.stoppedInTransaction} of its connections idle in a transaction); standby took the lease ${o.takeoverMs} ms after the signal ` +
        `(bound ${TAKEOVER_BOUND_MS} ms), moved the checkpoint after ${o.resumedMs ?? `more than ${RESUME_WAIT_MS}`} ms, caught up after ${o.caughtUpMs} ms; ` +
        `the new holder waited on locks: ${JSON.stringify(o.standbyWaits)}`,
    );

  it('exactly one instance projects; after SIGKILL of the active one mid-catch-up the other takes over within the bound; the result equals a clean rebuild', async () => {
    const o = await scenario('SIGKILL', 'kill');
    report('SIGKILL', o);
    expect(o.atStop).toBeLessThan(total);
    expectOneWriterAtATime(o);
    const after = o.samples.filter((s) => s.at > o.killedAt + o.takeoverMs);
    expect(new Set(after.map((s) => pidOf(s.holder)))).toEqual(new Set([o.standbyPid]));
    // After the takeover only the standby writes (the killed one's backend may finish its last statement just after the kill).
    expect(after.flatMap((s) => s.writers).every((w) => w === o.standbyApp)).toBe(true);
    expect(o.takeoverMs).toBeLessThan(TAKEOVER_BOUND_MS + SLACK_MS);
    expect(o.resumedMs ?? Infinity).toBeLessThan(TAKEOVER_BOUND_MS + SLACK_MS + 1_000);
    await expectExactlyOnceAndClean();
  });

  it('a holder frozen in the middle of a batch (SIGSTOP: a frozen VM, a long pause, a partitioned machine) is taken over within the bound too', async () => {
    // The read models from scratch again, for a second catch-up.
    await sql.query(`TRUNCATE rm_objectives, rm_timeline, rm_plans`);
    await storage.processors.reset(READ_MODELS);
    const o = await scenario('SIGSTOP', 'stop');
    report('SIGSTOP', o);
    const holders = o.samples
      .filter((s) => s.at > o.killedAt)
      .map((s) => pidOf(s.holder))
      .filter((pid, i, all) => i === 0 || pid !== all[i - 1]);
    note(
      `lease holders after the stop, in turn: ${holders.map((pid) => (pid === o.standbyPid ? 'standby' : pid === o.activePid ? 'the stopped one' : 'none')).join(' → ')}`,
    );
    expect(o.atStop).toBeLessThan(total);
    expect(o.stoppedInTransaction).toBeGreaterThan(0);
    // Correct whatever happened: one writer at a time, every event once, equal to a clean rebuild.
    expectOneWriterAtATime(o);
    await expectExactlyOnceAndClean();
    // The standby takes the lease in time...
    expect(o.takeoverMs).toBeLessThan(TAKEOVER_BOUND_MS + SLACK_MS);
    // ...and must then be able to project, not wait for the frozen holder's transaction (resumed only after RESUME_WAIT_MS).
    expect(o.resumedMs ?? Infinity).toBeLessThan(TAKEOVER_BOUND_MS + SLACK_MS + 1_000);
  });
});
