import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { LOG_START, type LogPosition, type NewEvent, type SqlClient, type StoredEvent } from '@piao/event-store';
import { openStorage, type Storage } from '@piao/storage';
import { logHorizon } from '../../libs/storage/src/sql/log-horizon';
import { createTestDatabase } from '../support/postgres';
import { readLog } from '../support/read-log';
import { testMetadata } from '../support/event-metadata';

const metadata = () => testMetadata();
const event = (type: string): NewEvent => ({ id: randomUUID(), type, data: {}, metadata: metadata() });
const ids = (events: StoredEvent[]) => events.map((e) => e.id);

/**
 * Readers of the global log (readAll, countAfter) wait only for transactions that may still write es_events: not
 * for a transaction left open in another database of the server, nor for one of this database that wrote elsewhere.
 */
describe('the log horizon on PostgreSQL', () => {
  let db: { url: string; drop: () => Promise<void> };
  let otherDb: { url: string; drop: () => Promise<void> };
  let storage: Storage;
  let sql: SqlClient;
  const sessions: Client[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    otherDb = await createTestDatabase();
    storage = await openStorage({ kind: 'postgres', url: db.url, poolSize: 5 });
    sql = storage.sql!;
    await sql.query('CREATE TABLE unrelated (n integer)');
    const other = await session(otherDb.url);
    await other.query('CREATE TABLE elsewhere (n integer)');
  });
  afterEach(async () => {
    // Whatever a failed test left open must not hold the next one back.
    for (const s of sessions.splice(0)) await s.end().catch(() => undefined);
  });
  afterAll(async () => {
    await storage.events.close();
    await db.drop();
    await otherDb.drop();
  });

  async function session(url: string): Promise<Client> {
    const client = new Client({ connectionString: url });
    await client.connect();
    sessions.push(client);
    return client;
  }

  /** A transaction left open after writing a table of its own, so with a transaction id; returns that id. */
  async function openTransactionWriting(client: Client, table: string): Promise<bigint> {
    await client.query('BEGIN');
    await client.query(`INSERT INTO ${table} (n) VALUES (1)`);
    const [row] = (await client.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid')).rows;
    return BigInt(row.xid);
  }

  /** A transaction left open after inserting an event into es_events itself, as a slow writer would. */
  async function openTransactionAppending(client: Client, e: NewEvent): Promise<void> {
    await client.query('BEGIN');
    await client.query(`INSERT INTO es_events (event_id, stream_id, revision, type, data, metadata) VALUES ($1, $2, 0, $3, '{}', $4)`, [
      e.id,
      `objective-${randomUUID()}`,
      e.type,
      JSON.stringify(e.metadata),
    ]);
  }

  async function append(type: string): Promise<{ id: string; position: LogPosition }> {
    const e = event(type);
    const { position } = await storage.events.append(`objective-${randomUUID()}`, [e], 'no-stream');
    return { id: e.id, position };
  }

  async function endOfLog(): Promise<LogPosition> {
    return (await readLog(storage.events)).at(-1)?.position ?? LOG_START;
  }

  /** The server-wide horizon readers used before: the oldest transaction running anywhere on the server. */
  async function serverXmin(): Promise<bigint> {
    const [row] = await sql.query<{ xmin: string }>('SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin');
    return BigInt(row.xmin);
  }

  /** Appends two events while `blocker` stays open, and checks that the old server-wide horizon would have hidden them. */
  async function appendBehind(blocker: bigint): Promise<{ before: LogPosition; appended: string[] }> {
    const before = await endOfLog();
    const appended = [await append('After1'), await append('After2')];
    expect(appended.every((a) => a.position.commit > blocker)).toBe(true);
    expect(await serverXmin()).toBeLessThanOrEqual(blocker); // pg_snapshot_xmin would have stalled here
    return { before, appended: appended.map((a) => a.id) };
  }

  describe('readAll', () => {
    it('is not stalled by a transaction left open in another database of the same server', async () => {
      const blocker = await openTransactionWriting(await session(otherDb.url), 'elsewhere');
      const { before, appended } = await appendBehind(blocker);
      expect(ids(await readLog(storage.events, before))).toEqual(appended);
    });

    it('is not stalled by a long transaction of the same database that wrote another table (and read es_events)', async () => {
      const client = await session(db.url);
      const blocker = await openTransactionWriting(client, 'unrelated');
      await client.query('SELECT count(*) FROM es_events'); // a reader's lock on the log does not make it a writer
      const { before, appended } = await appendBehind(blocker);
      expect(ids(await readLog(storage.events, before))).toEqual(appended);
    });

    it('does not pass a transaction that inserted into es_events and stays open; once it commits, nothing is skipped or repeated', async () => {
      const before = await endOfLog();
      const first = await append('Before');
      const writer = await session(db.url);
      const early = event('Early');
      await openTransactionAppending(writer, early);
      const late = [await append('Late1'), await append('Late2')];

      const whileOpen = await readLog(storage.events, before, 1);
      expect(ids(whileOpen)).toEqual([first.id]); // the later commits are held back: delivering them would skip Early
      const reached = whileOpen.at(-1)!.position;

      await writer.query('COMMIT');
      expect(ids(await readLog(storage.events, reached, 1))).toEqual([early.id, ...late.map((l) => l.id)]);
      expect(ids(await readLog(storage.events, before))).toEqual([first.id, early.id, ...late.map((l) => l.id)]);
    });

    it('does not pass a multi-statement writer that locked es_events first, even while it writes other tables', async () => {
      const before = await endOfLog();
      const writer = await session(db.url);
      await writer.query('BEGIN');
      await writer.query('LOCK TABLE es_events IN ROW EXCLUSIVE MODE');
      await writer.query('INSERT INTO unrelated (n) VALUES (2)'); // its transaction id, before any event
      const late = await append('Late');
      expect(await readLog(storage.events, before)).toEqual([]);

      const early = event('Early');
      await writer.query(`INSERT INTO es_events (event_id, stream_id, revision, type, data, metadata) VALUES ($1, $2, 0, 'Early', '{}', $3)`, [
        early.id,
        `objective-${randomUUID()}`,
        JSON.stringify(early.metadata),
      ]);
      expect(await readLog(storage.events, before)).toEqual([]);
      await writer.query('COMMIT');
      expect(ids(await readLog(storage.events, before))).toEqual([early.id, late.id]);
    });
  });

  describe('countAfter', () => {
    it('is not stalled by a transaction left open in another database of the same server', async () => {
      const blocker = await openTransactionWriting(await session(otherDb.url), 'elsewhere');
      const { before } = await appendBehind(blocker);
      expect(await storage.events.countAfter(before, 100)).toBe(2);
    });

    it('is not stalled by a long transaction of the same database that wrote another table', async () => {
      const blocker = await openTransactionWriting(await session(db.url), 'unrelated');
      const { before } = await appendBehind(blocker);
      expect(await storage.events.countAfter(before, 100)).toBe(2);
    });

    it('does not count past a transaction that inserted into es_events and stays open; once it commits, counts each event once', async () => {
      const before = await endOfLog();
      const first = await append('Before');
      const writer = await session(db.url);
      await openTransactionAppending(writer, event('Early'));
      await append('Late1');
      await append('Late2');

      expect(await storage.events.countAfter(before, 100)).toBe(1);
      expect(await storage.events.countAfter(first.position, 100)).toBe(0);

      await writer.query('COMMIT');
      expect(await storage.events.countAfter(before, 100)).toBe(4);
      expect(await storage.events.countAfter(first.position, 100)).toBe(3);
      expect(await storage.events.countAfter(before, 2)).toBe(2);
    });
  });
});

describe('the log horizon on PGlite', () => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await openStorage({ kind: 'pglite' });
  });
  afterAll(async () => {
    await storage.events.close();
  });

  it('is the snapshot xmax: transactions run one at a time there, so everything committed is readable', async () => {
    const appended: string[] = [];
    for (const type of ['A', 'B', 'C']) {
      const e = event(type);
      await storage.events.append(`objective-${randomUUID()}`, [e], 'no-stream');
      appended.push(e.id);
    }
    const horizon = BigInt(await logHorizon(storage.sql!));
    const [row] = await storage.sql!.query<{ xmax: string }>('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS xmax');
    expect(horizon).toBe(BigInt(row.xmax));
    const log = await readLog(storage.events);
    expect(ids(log)).toEqual(appended);
    expect(log.every((e) => e.position.commit < horizon)).toBe(true);
    expect(await storage.events.countAfter(LOG_START, 100)).toBe(3);
  });
});
