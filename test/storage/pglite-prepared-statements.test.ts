import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SqlClient } from '@piao/event-store';
import { openSqlDatabase } from '@piao/storage';

/**
 * Named statements on PGlite (the event store's hot statements pass a name): parsed once, then bound and executed;
 * the same rows as PGlite's own query for every parameter type the store uses, inside and outside transactions, with
 * PGlite's locking (nothing runs inside someone else's transaction), errors that leave the database usable, and the
 * data folder kept in step.
 */
describe('named statements on PGlite', () => {
  let sql: SqlClient;

  beforeAll(async () => {
    sql = await openSqlDatabase({ kind: 'pglite' });
    await sql.query(`CREATE TABLE t (id int PRIMARY KEY, label text, big bigint, doc jsonb, at timestamptz, flag boolean)`);
  });
  afterAll(async () => {
    await sql?.close();
  });

  const insert = `INSERT INTO t (id, label, big, doc, at, flag) VALUES ($1, $2, $3::bigint, $4::jsonb, $5, $6)
                  RETURNING id, label, big::text AS big, doc, at, flag`;

  it('give the rows PGlite’s own query gives, for every parameter type, null included', async () => {
    const at = new Date('2026-12-02T10:00:00.000Z');
    const named = await sql.query(insert, [1, 'città ✓', 9007199254740993n, JSON.stringify({ a: [1, 'b'] }), at, true], 't_insert');
    const unnamed = await sql.query(`SELECT id, label, big::text AS big, doc, at, flag FROM t WHERE id = $1`, [1]);
    expect(named).toEqual(unnamed);
    expect(named).toEqual([{ id: 1, label: 'città ✓', big: '9007199254740993', doc: { a: [1, 'b'] }, at, flag: true }]);
    // The same statement again (now only bound and executed), with nulls.
    expect(await sql.query(insert, [2, null, null, null, null, undefined], 't_insert')).toEqual([
      { id: 2, label: null, big: null, doc: null, at: null, flag: null },
    ]);
    // A statement without rows answers an empty list.
    expect(await sql.query(`UPDATE t SET label = $2 WHERE id = $1`, [99, 'x'], 't_update')).toEqual([]);
  });

  it('refuse another text under a name already prepared', async () => {
    await expect(sql.query(`SELECT 1 AS one`, [], 't_insert')).rejects.toThrow(/prepared with another text/);
  });

  it('run inside a transaction, and are undone with it', async () => {
    await expect(
      sql.transaction(async (tx) => {
        await tx.query(insert, [3, 'annullato', 1, '{}', null, false], 't_insert');
        expect(await tx.query(`SELECT count(*)::int AS n FROM t WHERE id = $1`, [3], 't_count')).toEqual([{ n: 1 }]);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await sql.query(`SELECT count(*)::int AS n FROM t WHERE id = $1`, [3], 't_count')).toEqual([{ n: 0 }]);
  });

  it('outside a transaction, wait for the one under way instead of running inside it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertedInside = new Promise<void>((resolve) => (inserted = resolve));
    const transaction = sql.transaction(async (tx) => {
      await tx.query(insert, [4, 'dentro', 1, '{}', null, false], 't_insert');
      inserted();
      await gate;
      throw new Error('rollback');
    });
    await insertedInside;
    // Issued while the transaction holds its insert: it must see the database as it is after the rollback.
    const outside = sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM t WHERE id = $1`, [4], 't_count');
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await expect(transaction).rejects.toThrow('rollback');
    expect(await outside).toEqual([{ n: 0 }]);
  });

  it('throw the database’s error (with its code) and leave the database usable', async () => {
    await expect(sql.query(insert, [1, 'doppio', 1, '{}', null, false], 't_insert')).rejects.toMatchObject({ code: '23505' });
    await expect(sql.query(insert, [5, 'bad json', 1, '{', null, false], 't_insert')).rejects.toMatchObject({ code: '22P02' });
    expect(await sql.query(`SELECT count(*)::int AS n FROM t`, [], 't_count_all')).toEqual([{ n: 2 }]);
    // And inside a transaction: the error aborts it, the database goes on.
    await expect(sql.transaction((tx) => tx.query(insert, [1, 'doppio', 1, '{}', null, false], 't_insert'))).rejects.toMatchObject({ code: '23505' });
    expect(await sql.query(`SELECT count(*)::int AS n FROM t`, [], 't_count_all')).toEqual([{ n: 2 }]);
  });

  it('keep a data folder in step: what a named statement wrote is there after a reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'piao-pglite-named-'));
    try {
      const first = await openSqlDatabase({ kind: 'pglite', dataDir: dir });
      await first.query(`CREATE TABLE kept (id int PRIMARY KEY)`);
      await first.query(`INSERT INTO kept VALUES ($1)`, [7], 'kept_insert');
      await first.close();
      const again = await openSqlDatabase({ kind: 'pglite', dataDir: dir });
      try {
        expect(await again.query(`SELECT id FROM kept`, [], 'kept_select')).toEqual([{ id: 7 }]);
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
