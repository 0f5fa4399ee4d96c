import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SqlClient, type SqlMigration } from '@piao/event-store';
import { READ_MODEL_MIGRATIONS, ReadModelsProjection } from '@piao/read-models';
import { REMINDER_MIGRATIONS } from '@piao/reminders';
import { AUDIT_MIGRATIONS } from '@piao/audit';
import { EVENT_STORE_MIGRATIONS, openSqlDatabase, openStorage, type SqlDatabaseConfig } from '@piao/storage';
import { createTestDatabase } from '../support/postgres';
import { testMetadata } from '../support/event-metadata';

/**
 * Versioned schema migrations (libs/storage/src/migrations/): on PostgreSQL and PGlite they create the schema and
 * record themselves, apply nothing the second time, apply each migration once when processes start together, and
 * adopt a database made by the code before migrations with its data.
 */

// ---------------------------------------------------------------------------------------------------------------
// Fixture: the schema exactly as the code before migrations created it at every start (libs/storage/src/sql/schema.ts
// `SCHEMA` and libs/read-models/src/read-model.schema.ts `READ_MODEL_SCHEMA` at 4e9e664), copied here, not imported:
// it must not follow later changes.

const OLD_EVENT_STORE_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS es_events (
     transaction_id  bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
     global_position bigint GENERATED ALWAYS AS IDENTITY,
     event_id        uuid   NOT NULL,
     stream_id       text   NOT NULL,
     revision        bigint NOT NULL,
     type            text   NOT NULL,
     data            jsonb  NOT NULL,
     metadata        jsonb  NOT NULL,
     stored_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
     PRIMARY KEY (transaction_id, global_position),
     CONSTRAINT es_events_stream_revision UNIQUE (stream_id, revision),
     CONSTRAINT es_events_event_id UNIQUE (event_id)
   )`,
  `DROP TABLE IF EXISTS es_checkpoints`,
  `DROP TABLE IF EXISTS http_idempotency`,
  // A command sent with an Idempotency-Key, inserted by the same statement as its events (or alone, for an answer that
  // appended nothing). The scope is two columns: ente and subject are never concatenated into one string.
  `CREATE TABLE IF NOT EXISTS command_records (
     ente             text NOT NULL,
     subject          text NOT NULL,
     key              text NOT NULL,
     request_hash     text NOT NULL,
     status           integer NOT NULL,
     body             jsonb NOT NULL,
     commit_position  bigint,
     prepare_position bigint,
     recorded_at      timestamptz NOT NULL,
     CONSTRAINT command_records_key PRIMARY KEY (ente, subject, key)
   )`,
  `CREATE INDEX IF NOT EXISTS command_records_recorded_at ON command_records (recorded_at)`,
  // Processors: one lease, one checkpoint and the dead letters of each processor that follows the log.
  `CREATE TABLE IF NOT EXISTS processor_leases (
     name        text PRIMARY KEY,
     holder      text NOT NULL,
     expires_at  timestamptz NOT NULL,
     acquired_at timestamptz NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS processor_checkpoints (
     name             text PRIMARY KEY,
     commit_position  bigint NOT NULL,
     prepare_position bigint NOT NULL,
     events           bigint NOT NULL DEFAULT 0,
     updated_at       timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE TABLE IF NOT EXISTS processor_dead_letters (
     id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     processor           text NOT NULL,
     commit_position     bigint NOT NULL,
     prepare_position    bigint NOT NULL,
     event_id            uuid NOT NULL,
     stream_id           text NOT NULL,
     ente                text,
     event               jsonb NOT NULL,
     error               text NOT NULL,
     attempts            integer NOT NULL,
     held_back           boolean NOT NULL,
     parked_at           timestamptz NOT NULL DEFAULT now(),
     replay_requested_at timestamptz,
     resolved_at         timestamptz,
     CONSTRAINT processor_dead_letters_event UNIQUE (processor, event_id)
   )`,
  `CREATE INDEX IF NOT EXISTS processor_dead_letters_open ON processor_dead_letters (processor, stream_id) WHERE resolved_at IS NULL`,
];

const OLD_READ_MODEL_SCHEMA = [
  // The checkpoint is the processor's (processor_checkpoints, kept by the application's processors).
  `DROP TABLE IF EXISTS rm_checkpoints`,
  `CREATE TABLE IF NOT EXISTS rm_objectives (
     objective_id          uuid NOT NULL,
     ente                  text NOT NULL,
     plan_id               text NOT NULL,
     code                  text NOT NULL,
     title                 text NOT NULL,
     status                text NOT NULL,
     public_status         text NOT NULL,
     responsible_unit_id   text NOT NULL,
     responsible_person    text,
     contributing_unit_ids text[] NOT NULL,
     person_ids            text[] NOT NULL,
     tags                  text[] NOT NULL,
     first_unmet_due       date,
     phases_percent        numeric,
     indicators_percent    numeric,
     gaps                  jsonb NOT NULL,
     revision              integer NOT NULL,
     state                 jsonb NOT NULL,
     extras                jsonb NOT NULL,
     search                tsvector NOT NULL,
     CONSTRAINT rm_objectives_pkey PRIMARY KEY (objective_id)
   )`,
  `CREATE INDEX IF NOT EXISTS rm_objectives_plan ON rm_objectives (ente, plan_id, code, objective_id)`,
  `CREATE INDEX IF NOT EXISTS rm_objectives_search ON rm_objectives USING gin (search)`,
  `CREATE INDEX IF NOT EXISTS rm_objectives_tags ON rm_objectives USING gin (tags)`,
  `CREATE TABLE IF NOT EXISTS rm_timeline (
     objective_id uuid NOT NULL,
     revision     integer NOT NULL,
     ente         text NOT NULL,
     event_id     uuid NOT NULL,
     type         text NOT NULL,
     actor        jsonb NOT NULL,
     occurred_at  text NOT NULL,
     recorded_at  text NOT NULL,
     reason       text,
     act          jsonb,
     changes      jsonb NOT NULL,
     data         jsonb NOT NULL,
     position     text NOT NULL,
     CONSTRAINT rm_timeline_pkey PRIMARY KEY (objective_id, revision)
   )`,
  `CREATE TABLE IF NOT EXISTS rm_plans (
     plan_id  text NOT NULL,
     ente     text NOT NULL,
     revision integer NOT NULL,
     state    jsonb NOT NULL,
     CONSTRAINT rm_plans_pkey PRIMARY KEY (plan_id)
   )`,
];

/** What the old code did at start: the event store's schema, then the read models', each under its lock. */
async function createWithOldCode(sql: SqlClient): Promise<void> {
  await sql.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(7140021001)`);
    for (const statement of OLD_EVENT_STORE_SCHEMA) await tx.query(statement);
  });
  await sql.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(7140021002)`);
    for (const statement of OLD_READ_MODEL_SCHEMA) await tx.query(statement);
  });
}
// ---------------------------------------------------------------------------------------------------------------

/** What a process does at start: the storage applies the event store's migrations, the read models theirs. */
async function migrateAtStart(sql: SqlClient): Promise<string[]> {
  return [...(await sql.migrate(EVENT_STORE_MIGRATIONS)), ...(await ReadModelsProjection.migrate(sql))];
}

/** Every migration, in the order a process applies them at start (the event store's list, then the read models'). */
const AT_START = [
  '0001-event-store',
  '0003-command-answer-as-text',
  '0011-event-id-unique-per-stream',
  '0002-read-models',
  '0007-timeline-log-order',
  '0009-timeline-imported',
];
/** The same, as `schema_migrations` lists them (by name). */
const ALL = [...AT_START].sort();
/** What changed since the code before migrations: the migrations after the first two, applied to its schema too. */
const LATER = [...EVENT_STORE_MIGRATIONS, ...READ_MODEL_MIGRATIONS].filter((m) => !['0001-event-store', '0002-read-models'].includes(m.name));

/** Tables, columns, indexes and constraints of the public schema, schema_migrations aside. */
async function schemaOf(sql: SqlClient): Promise<string[]> {
  const rows = await sql.query<{ line: string }>(
    `SELECT 'table ' || table_name || '.' || column_name || ' ' || concat_ws(' ', data_type, is_nullable, column_default, is_identity, identity_generation) AS line
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'schema_migrations'
     UNION ALL
     SELECT 'index ' || indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> 'schema_migrations'
     UNION ALL
     SELECT 'constraint ' || conrelid::regclass::text || '.' || conname || ': ' || pg_get_constraintdef(oid)
       FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> 'schema_migrations'
     ORDER BY 1`,
  );
  return rows.map((row) => row.line);
}

async function recorded(sql: SqlClient): Promise<{ name: string; applied_at: Date }[]> {
  return sql.query(`SELECT name, applied_at FROM schema_migrations ORDER BY name`);
}

async function tableExists(sql: SqlClient, table: string): Promise<boolean> {
  const [row] = await sql.query<{ found: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS found`, [table]);
  return row.found;
}

const DATA_TABLES = [
  'es_events',
  'command_records',
  'processor_leases',
  'processor_checkpoints',
  'processor_dead_letters',
  'rm_objectives',
  'rm_timeline',
  'rm_plans',
];

/** Every row of every table, as text: equal before and after means the data was kept. */
async function contentsOf(sql: SqlClient): Promise<Record<string, string[]>> {
  const contents: Record<string, string[]> = {};
  for (const table of DATA_TABLES) contents[table] = (await sql.query<{ row: string }>(`SELECT t::text AS row FROM ${table} t ORDER BY 1`)).map((r) => r.row);
  return contents;
}

const metadata = testMetadata();

/** A little of everything the old code kept, written as it wrote it, and the tables retired before it. */
async function fillAsOldCode(sql: SqlClient, streamId: string): Promise<void> {
  const objectiveId = randomUUID();
  await sql.query(`INSERT INTO es_events (event_id, stream_id, revision, type, data, metadata) VALUES ($1, $2, 0, 'ObjectiveDrafted', $3, $4)`, [
    randomUUID(),
    streamId,
    JSON.stringify({ code: 'OB-1' }),
    JSON.stringify(metadata),
  ]);
  await sql.query(
    `INSERT INTO command_records (ente, subject, key, request_hash, status, body, commit_position, prepare_position, recorded_at)
     VALUES ('comune-test', 'seg', 'key-1', 'hash', 201, '{"ok":true}', 1, 1, '2022-03-14T09:00:00Z')`,
  );
  await sql.query(`INSERT INTO processor_leases (name, holder, expires_at, acquired_at) VALUES ('plans', 'h', '2022-03-14T09:01:00Z', '2022-03-14T09:00:00Z')`);
  await sql.query(
    `INSERT INTO processor_checkpoints (name, commit_position, prepare_position, events, updated_at) VALUES ('read-models', 7, 1, 1, '2022-03-14T09:00:00Z')`,
  );
  await sql.query(
    `INSERT INTO processor_dead_letters (processor, commit_position, prepare_position, event_id, stream_id, ente, event, error, attempts, held_back, parked_at)
     VALUES ('plans', 7, 1, $1, $2, 'comune-test', '{}', 'boom', 3, false, '2022-03-14T09:00:00Z')`,
    [randomUUID(), streamId],
  );
  await sql.query(
    `INSERT INTO rm_objectives (objective_id, ente, plan_id, code, title, status, public_status, responsible_unit_id, contributing_unit_ids,
       person_ids, tags, gaps, revision, state, extras, search)
     VALUES ($1, 'comune-test', 'plan-1', 'OB-1', 'Digitalizzare', 'draft', 'draft', 'unit-1', '{}', '{}', '{digitale}', '[]', 0, '{}', '{}',
       to_tsvector('simple', 'Digitalizzare'))`,
    [objectiveId],
  );
  await sql.query(
    `INSERT INTO rm_timeline (objective_id, revision, ente, event_id, type, actor, occurred_at, recorded_at, changes, data, position)
     VALUES ($1, 0, 'comune-test', $2, 'ObjectiveDrafted', '{}', '2022-03-10', '2022-03-14', '[]', '{}', '7/1')`,
    [objectiveId, randomUUID()],
  );
  await sql.query(`INSERT INTO rm_plans (plan_id, ente, revision, state) VALUES ('plan-1', 'comune-test', 0, '{}')`);
  // Retired by the old code itself: a database older still may hold them.
  for (const table of ['es_checkpoints', 'http_idempotency', 'rm_checkpoints']) await sql.query(`CREATE TABLE ${table} (name text PRIMARY KEY)`);
}

type Engine = 'postgres' | 'pglite';

/** A fresh database of either engine, opened through openSqlDatabase, reopenable (PGlite in a temporary folder). */
async function freshDatabase(engine: Engine): Promise<{ config: SqlDatabaseConfig; open: () => Promise<SqlClient>; dispose: () => Promise<void> }> {
  if (engine === 'postgres') {
    const db = await createTestDatabase();
    const config: SqlDatabaseConfig = { kind: 'postgres', url: db.url, poolSize: 3 };
    return { config, open: () => openSqlDatabase(config), dispose: db.drop };
  }
  const dir = await mkdtemp(join(tmpdir(), 'piao-migrations-'));
  const config: SqlDatabaseConfig = { kind: 'pglite', dataDir: dir };
  return { config, open: () => openSqlDatabase(config), dispose: () => rm(dir, { recursive: true, force: true }) };
}

describe.each<Engine>(['postgres', 'pglite'])('schema migrations (%s)', (engine) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let sql: SqlClient | undefined;

  beforeEach(async () => {
    db = await freshDatabase(engine);
  });
  afterEach(async () => {
    await sql?.close();
    sql = undefined;
    await db.dispose();
  });

  /** The schema the old code created, then changed by the later migrations, on a database of its own. */
  async function oldCodeSchema(): Promise<string[]> {
    const other = engine === 'postgres' ? await createTestDatabase() : undefined;
    const client = await openSqlDatabase(other ? { kind: 'postgres', url: other.url, poolSize: 1 } : { kind: 'pglite' });
    try {
      await createWithOldCode(client);
      for (const migration of LATER) await client.transaction((tx) => migration.up(tx));
      return await schemaOf(client);
    } finally {
      await client.close();
      await other?.drop();
    }
  }

  it('create the schema of the code before them on a new database and record themselves; a second run applies nothing', async () => {
    sql = await db.open();
    expect(await migrateAtStart(sql)).toEqual(AT_START);
    const first = await recorded(sql);
    expect(first.map((row) => row.name)).toEqual(ALL);
    for (const row of first) expect(row.applied_at).toBeInstanceOf(Date);
    expect(await schemaOf(sql)).toEqual(await oldCodeSchema());
    for (const table of ['es_checkpoints', 'http_idempotency', 'rm_checkpoints']) expect(await tableExists(sql, table)).toBe(false);

    const schema = await schemaOf(sql);
    expect(await migrateAtStart(sql)).toEqual([]);
    expect(await recorded(sql)).toEqual(first);
    expect(await schemaOf(sql)).toEqual(schema);

    // And again after the database is closed and opened, as at the next start.
    await sql.close();
    sql = await db.open();
    expect(await migrateAtStart(sql)).toEqual([]);
    expect(await recorded(sql)).toEqual(first);
  });

  it('upgrade a database created by the code before migrations, keeping its data', async () => {
    const streamId = `objective-${randomUUID()}`;
    const old = await db.open();
    await createWithOldCode(old);
    await fillAsOldCode(old, streamId);
    const before = await contentsOf(old);
    const schemaBefore = await schemaOf(old);
    await old.close();

    // Started as the new code starts: the storage (event store's migrations), then the read models'.
    const storage = await openStorage(db.config);
    sql = storage.sql;
    expect(await recorded(sql)).toMatchObject([
      { name: '0001-event-store' },
      { name: '0003-command-answer-as-text' },
      { name: '0011-event-id-unique-per-stream' },
    ]);
    expect(await ReadModelsProjection.migrate(sql)).toEqual(['0002-read-models', '0007-timeline-log-order', '0009-timeline-imported']);
    expect((await recorded(sql)).map((row) => row.name)).toEqual(ALL);

    // The timeline's rows gained a column (0009, `imported`), empty on every row the old code wrote.
    expect(await contentsOf(sql)).toEqual({ ...before, rm_timeline: before.rm_timeline.map((row) => row.replace(/\)$/, ',)')) });
    for (const table of ['es_checkpoints', 'http_idempotency', 'rm_checkpoints']) expect(await tableExists(sql, table)).toBe(false);
    // Only the retired tables are gone.
    // The old schema, as the later migrations changed it, without the retired tables.
    const retired = /\b(es_checkpoints|http_idempotency|rm_checkpoints)\b/;
    expect(schemaBefore.filter((line) => !retired.test(line))).not.toEqual((await oldCodeSchema()).filter((line) => !retired.test(line)));
    expect(await schemaOf(sql)).toEqual((await oldCodeSchema()).filter((line) => !retired.test(line)));

    // The event store goes on from where the old code left it.
    await storage.events.append(streamId, [{ id: randomUUID(), type: 'ObjectiveProposed', data: {}, metadata }], 0);
    expect((await storage.events.readStream(streamId)).map((e) => [e.revision, e.type])).toEqual([
      [0, 'ObjectiveDrafted'],
      [1, 'ObjectiveProposed'],
    ]);
    expect(await migrateAtStart(sql)).toEqual([]);
  });

  it('run each migration in one transaction with its record: one that fails leaves nothing and is applied when fixed', async () => {
    sql = await db.open();
    await migrateAtStart(sql);
    const broken: SqlMigration = {
      name: '9001-broken',
      up: async (tx) => {
        await tx.query(`CREATE TABLE migration_probe (n integer)`);
        await tx.query(`SELECT 1 / 0`);
      },
    };
    await expect(sql.migrate([broken])).rejects.toThrow(/9001-broken.*division by zero/);
    expect(await tableExists(sql, 'migration_probe')).toBe(false);
    expect((await recorded(sql)).map((row) => row.name)).toEqual(ALL);

    const fixed: SqlMigration = { name: '9001-broken', up: async (tx) => void (await tx.query(`CREATE TABLE migration_probe (n integer)`)) };
    expect(await sql.migrate([fixed])).toEqual(['9001-broken']);
    expect(await tableExists(sql, 'migration_probe')).toBe(true);
  });

  it('apply each migration once when called five times at once', async () => {
    // PGlite belongs to one process: five calls on one client. PostgreSQL: five pools, as five processes would.
    const clients = engine === 'pglite' ? [await db.open()] : await Promise.all([1, 2, 3, 4, 5].map(() => db.open()));
    sql = clients[0];
    // Plain statements, as later migrations are: running one twice would fail, or insert twice.
    const probe: SqlMigration = {
      name: '9001-probe',
      up: async (tx) => {
        await tx.query(`CREATE TABLE migration_probe (n integer)`);
        await tx.query(`INSERT INTO migration_probe VALUES (1)`);
      },
    };
    const applied = await Promise.all(
      [0, 1, 2, 3, 4].map(async (i) => {
        const client = clients[i % clients.length];
        return [...(await migrateAtStart(client)), ...(await client.migrate([probe]))];
      }),
    );
    expect(applied.flat().sort()).toEqual([...ALL, '9001-probe']);
    expect((await recorded(sql)).map((row) => row.name)).toEqual([...ALL, '9001-probe']);
    expect(await sql.query(`SELECT n FROM migration_probe`)).toEqual([{ n: 1 }]);
    for (const client of clients.slice(1)) await client.close();
  });
});

describe('schema migrations: five processes starting together on one PostgreSQL database', () => {
  let db: { url: string; drop: () => Promise<void> };
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    // Those left waiting for `go` when the test failed.
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await db.drop();
  });

  /**
   * A process, run from the sources like the API in the other tests, that opens the database, says `ready`, and on
   * `go` (its stdin) applies the event store's and the read models' migrations as a process does at start; then
   * prints the names it applied.
   */
  function startProcess(): { ready: Promise<void>; go: () => void; applied: Promise<string[]> } {
    const script = `
      const { openSqlDatabase, EVENT_STORE_MIGRATIONS } = require('@piao/storage');
      const { ReadModelsProjection } = require('@piao/read-models');
      (async () => {
        const sql = await openSqlDatabase({ kind: 'postgres', url: process.env.DATABASE_URL, poolSize: 2 });
        await sql.query('SELECT 1');
        process.stdout.write('ready\\n');
        await new Promise((resolve) => process.stdin.once('data', resolve));
        const applied = [...(await sql.migrate(EVENT_STORE_MIGRATIONS)), ...(await ReadModelsProjection.migrate(sql))];
        await sql.close();
        process.stdout.write(JSON.stringify(applied) + '\\n');
        process.exit(0);
      })().catch((error) => { console.error(error); process.exit(1); });`;
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', '-e', script], {
      cwd: join(__dirname, '../..'),
      env: { ...process.env, DATABASE_URL: db.url, TS_NODE_PROJECT: 'tsconfig.json' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.push(child);
    let stdout = '';
    let stderr = '';
    let onReady!: () => void;
    const ready = new Promise<void>((resolve) => (onReady = resolve));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.startsWith('ready\n')) onReady();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const applied = new Promise<string[]>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve(JSON.parse(stdout.slice('ready\n'.length)) as string[]) : reject(new Error(`exit ${code}: ${stderr}`)),
      );
    });
    // A process that ends before it is ready must fail the test rather than leave it waiting.
    return { ready: Promise.race([ready, applied.then(() => undefined)]), go: () => child.stdin.end('go\n'), applied };
  }

  it('apply each migration exactly once', async () => {
    const processes = [1, 2, 3, 4, 5].map(() => startProcess());
    // All five have loaded and connected: they then migrate at the same moment.
    await Promise.all(processes.map((p) => p.ready));
    for (const p of processes) p.go();
    const applied = await Promise.all(processes.map((p) => p.applied));
    expect(applied.flat().sort()).toEqual(ALL);
    const sql = await openSqlDatabase({ kind: 'postgres', url: db.url, poolSize: 1 });
    try {
      expect((await recorded(sql)).map((row) => row.name)).toEqual(ALL);
      const every = [...EVENT_STORE_MIGRATIONS, ...READ_MODEL_MIGRATIONS].sort((a, b) => a.name.localeCompare(b.name));
      expect(await sql.migrate(every)).toEqual([]);
    } finally {
      await sql.close();
    }
  });
});

describe('the lists of migrations', () => {
  it('number every migration of every lib once, each list in order', () => {
    const names = [...EVENT_STORE_MIGRATIONS, ...READ_MODEL_MIGRATIONS].map((migration) => migration.name);
    expect(names).toEqual(AT_START);
    const reminders = REMINDER_MIGRATIONS.map((migration) => migration.name);
    expect(reminders).toEqual(['0004-reminders', '0005-outbox-pending-since', '0012-deadlines-digest']);
    const audit = AUDIT_MIGRATIONS.map((migration) => migration.name);
    expect(audit).toEqual(['0006-audit', '0008-dossiers', '0010-dossier-files']);
    const numbers = [...names, ...reminders, ...audit].map((name) => name.slice(0, 4));
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it('are refused out of order or with a name that is not NNNN-what, before anything runs', async () => {
    const sql = await openSqlDatabase({ kind: 'pglite' });
    try {
      const noop = (name: string): SqlMigration => ({ name, up: async () => undefined });
      await expect(sql.migrate([noop('0002-b'), noop('0001-a')])).rejects.toThrow(/0001-a is listed after 0002-b/);
      await expect(sql.migrate([noop('0001-a'), noop('0001-a')])).rejects.toThrow(/listed after/);
      await expect(sql.migrate([noop('add index')])).rejects.toThrow(/not NNNN-what/);
      expect(await tableExists(sql, 'schema_migrations')).toBe(false);
    } finally {
      await sql.close();
    }
  });
});
