import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { AUDIT_HASHING, AUDIT_MIGRATIONS, AuditProofs, loadTree, storedLeafSource, verifyLog, verifyScope, writeCheckpoint } from '@piao/audit';
import {
  canonicalJson,
  consistencyProof,
  eventLeafHash,
  leafHash,
  generateNoteKey,
  openNote,
  parseCheckpoint,
  parseSignerKey,
  parseVerifierKey,
  verifyConsistency,
} from '@piao/lifecycle';
import { openStorage, type Storage } from '@piao/storage';
import { startApi } from '../support/api-harness';
import { hashTheLog } from '../support/processor-harness';
import { createTestDatabase } from '../support/postgres';
import { seedEnte } from '../support/scenario';

/**
 * The tamper-evident log on PostgreSQL. An ente's cycle is recorded through the API; the audit-hashing processor
 * hashes it; then the database is altered behind the application's back, as an administrator could, one way at a
 * time (each undone before the next), and `verifyLog` must notice and name the event:
 * one byte of an event's data changed, an event deleted, two events swapped, a forged event inserted in the past,
 * and a whole stream rewritten with every hash recomputed, which only an earlier signed checkpoint exposes (its root,
 * and a consistency proof from it to the rewritten tree).
 */
describe('tamper evidence (PostgreSQL)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let storage: Storage;
  let pg: Client;
  const key = generateNoteKey('piao.test/audit');
  const origin = 'piao.test/audit';

  async function hashEverything(): Promise<void> {
    await hashTheLog(storage);
  }

  /** Puts the log back as it was recorded (from the copy taken after hashing). */
  async function restoreLog(): Promise<void> {
    await pg.query(`DELETE FROM es_events`);
    await pg.query(`INSERT INTO es_events OVERRIDING SYSTEM VALUE SELECT * FROM es_events_as_recorded`);
  }

  /** Runs `tamper`, returns what verifyLog says, and restores the log; it verifies again afterwards. */
  async function afterTampering(tamper: (sql: Client) => Promise<unknown>): Promise<Awaited<ReturnType<typeof verifyLog>>> {
    await tamper(pg);
    try {
      return await verifyLog(storage.events, storage.sql);
    } finally {
      await restoreLog();
      expect((await verifyLog(storage.events, storage.sql)).ok).toBe(true);
    }
  }

  /** The n-th event of the log (0-based), optionally among those matching `where`. */
  const eventAt = async (n: number, where = 'true') =>
    (
      await pg.query<{ event_id: string; stream_id: string; revision: string; transaction_id: string; global_position: string }>(
        `SELECT event_id::text, stream_id, revision::text, transaction_id::text, global_position::text FROM es_events WHERE ${where}
          ORDER BY es_events.transaction_id, es_events.global_position OFFSET $1 LIMIT 1`,
        [n],
      )
    ).rows[0];

  beforeAll(async () => {
    db = await createTestDatabase();
    const api = await startApi('postgres', { DATABASE_URL: db.url });
    try {
      await seedEnte(api, 'comune-verifica');
    } finally {
      await api.close();
    }
    storage = await openStorage({ kind: 'postgres', url: db.url, poolSize: 4 });
    await storage.sql.migrate(AUDIT_MIGRATIONS);
    await hashEverything();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    await pg.query(`CREATE TABLE es_events_as_recorded AS SELECT * FROM es_events`);
  }, 120_000);

  afterAll(async () => {
    await pg?.end();
    await storage?.sql.close();
    await db?.drop();
  });

  it('hashes every event once, in log order, and verifies the untouched log', async () => {
    const { rows } = await pg.query<{ n: string }>(`SELECT count(*) AS n FROM es_events`);
    const events = Number(rows[0].n);
    expect(events).toBeGreaterThan(12);
    const tree = await loadTree(storage.sql);
    expect(tree.size).toBe(events);
    const report = await verifyLog(storage.events, storage.sql);
    expect(report).toMatchObject({ ok: true, checked: events, notYetHashed: 0, treeSize: events, root: tree.root.toString('hex') });
    const distinct = await pg.query<{ n: string }>(`SELECT count(DISTINCT leaf_hash) AS n FROM audit_leaves`);
    expect(Number(distinct.rows[0].n)).toBe(events);
  });

  it('names the event one byte of whose data was changed', async () => {
    const victim = await eventAt(2, `data::text ~ ': "[A-Za-z0-9]'`);
    const report = await afterTampering((sql) =>
      sql.query(`UPDATE es_events SET data = regexp_replace(data::text, ': "[A-Za-z0-9]', ': "#')::jsonb WHERE event_id = $1`, [victim.event_id]),
    );
    expect(report.ok).toBe(false);
    expect(report.firstProblem).toMatchObject({ problem: 'content-changed', eventId: victim.event_id, streamId: victim.stream_id });
  });

  it('names the event that was deleted', async () => {
    const victim = await eventAt(10);
    const report = await afterTampering((sql) => sql.query(`DELETE FROM es_events WHERE event_id = $1`, [victim.event_id]));
    expect(report.firstProblem).toMatchObject({ problem: 'missing-from-log', eventId: victim.event_id });
  });

  it('names the first of two events whose places were swapped', async () => {
    const first = await eventAt(12);
    const second = await eventAt(13);
    const report = await afterTampering(async (sql) => {
      await sql.query(`DELETE FROM es_events WHERE event_id IN ($1, $2)`, [first.event_id, second.event_id]);
      await sql.query(
        `INSERT INTO es_events OVERRIDING SYSTEM VALUE
         SELECT a.transaction_id, a.global_position, b.event_id, b.stream_id, b.revision, b.type, b.data, b.metadata, b.stored_at
           FROM es_events_as_recorded a, es_events_as_recorded b WHERE (a.event_id, b.event_id) IN (($1::uuid, $2::uuid), ($2::uuid, $1::uuid))`,
        [first.event_id, second.event_id],
      );
    });
    expect(report.firstProblem).toMatchObject({ problem: 'missing-from-log', eventId: first.event_id });
  });

  it('names a forged event inserted among the hashed ones', async () => {
    const before = await eventAt(3);
    const forged = '00000000-0000-4000-8000-00000000f0f0';
    const report = await afterTampering((sql) =>
      sql.query(
        `INSERT INTO es_events (transaction_id, global_position, event_id, stream_id, revision, type, data, metadata) OVERRIDING SYSTEM VALUE
         SELECT transaction_id, 1000000000, $2::uuid, 'objective-' || $2, 0, 'ObjectiveDrafted', '{}'::jsonb, metadata FROM es_events WHERE event_id = $1`,
        [before.event_id, forged],
      ),
    );
    expect(report.firstProblem).toMatchObject({ problem: 'not-in-tree', eventId: forged });
  });

  it('calls an event the audit hashing parked "parked", not forged', async () => {
    const before = await eventAt(3);
    const forged = '00000000-0000-4000-8000-00000000fafa';
    const report = await afterTampering(async (sql) => {
      await sql.query(
        `INSERT INTO es_events (transaction_id, global_position, event_id, stream_id, revision, type, data, metadata) OVERRIDING SYSTEM VALUE
         SELECT transaction_id, 1000000001, $2::uuid, 'objective-' || $2, 0, 'ObjectiveDrafted', '{}'::jsonb, metadata FROM es_events WHERE event_id = $1`,
        [before.event_id, forged],
      );
      await sql.query(
        `INSERT INTO processor_dead_letters (processor, commit_position, prepare_position, event_id, stream_id, ente, event, error, attempts, held_back)
         VALUES ($1, 0, 0, $2::uuid, 'objective-' || $2::text, 'comune-verifica', '{}'::jsonb, 'test', 3, false)`,
        [AUDIT_HASHING, forged],
      );
    });
    await pg.query(`DELETE FROM processor_dead_letters WHERE processor = $1`, [AUDIT_HASHING]);
    expect(report.firstProblem).toMatchObject({ problem: 'parked', eventId: forged });
  });

  it('with the verifier key, a stored checkpoint must be what its signed note says', async () => {
    const signed = await writeCheckpoint(storage.sql, { origin, signerKey: key.signerKey, now: new Date() });
    try {
      expect(await verifyLog(storage.events, storage.sql, { verifierKeys: [key.verifierKey], origin })).toMatchObject({ ok: true, checkpointsMatched: 1 });
      // The root column rewritten (as one would after rewriting the log): the note, signed, still says the old root.
      await pg.query(`UPDATE audit_checkpoints SET root_hash = sha256(root_hash) WHERE tree_size = $1`, [signed.treeSize]);
      expect((await verifyLog(storage.events, storage.sql, { verifierKeys: [key.verifierKey] })).firstProblem).toMatchObject({
        problem: 'bad-signature',
        treeSize: signed.treeSize,
      });
      // A note signed by another key is not one of ours.
      const stranger = generateNoteKey(origin);
      await pg.query(`DELETE FROM audit_checkpoints`);
      await writeCheckpoint(storage.sql, { origin, signerKey: stranger.signerKey, now: new Date() });
      expect((await verifyLog(storage.events, storage.sql, { verifierKeys: [key.verifierKey] })).firstProblem).toMatchObject({ problem: 'bad-signature' });
    } finally {
      await pg.query(`DELETE FROM audit_checkpoints`);
    }
  });

  it('names a leaf moved to another ente, and a tree whose right edge was altered', async () => {
    const victim = await eventAt(6);
    await pg.query(`UPDATE audit_leaves SET ente = 'comune-altro' WHERE event_id = $1`, [victim.event_id]);
    try {
      expect((await verifyLog(storage.events, storage.sql)).firstProblem).toMatchObject({ problem: 'content-changed', eventId: victim.event_id });
    } finally {
      await pg.query(`UPDATE audit_leaves SET ente = 'comune-verifica' WHERE event_id = $1`, [victim.event_id]);
    }
    await pg.query(`UPDATE audit_tree SET frontier = sha256(frontier) || substr(frontier, 33)`);
    try {
      expect((await verifyLog(storage.events, storage.sql)).firstProblem).toMatchObject({ problem: 'root-mismatch' });
    } finally {
      await pg.query(`TRUNCATE audit_leaves, audit_subtrees, audit_tree`);
      await pg.query(`DELETE FROM processor_checkpoints WHERE name = $1`, [AUDIT_HASHING]);
      await hashEverything();
    }
    expect((await verifyLog(storage.events, storage.sql)).ok).toBe(true);
  });

  it('verifies one stream or one ente against the signed checkpoint, and names the changed event of the stream', async () => {
    const published = await writeCheckpoint(storage.sql, { origin, signerKey: key.signerKey, now: new Date() });
    const victim = await eventAt(1, `stream_id LIKE 'objective-%' AND data::text ~ ': "[A-Za-z0-9]'`);
    const stream = await verifyScope(storage.events, storage.sql, { streamId: victim.stream_id }, { verifierKeys: [key.verifierKey] });
    expect(stream).toMatchObject({ ok: true, streams: 1, checkpointSize: published.treeSize, notYetHashed: 0 });
    expect(stream.proved).toBe(stream.checked);
    expect(stream.checked).toBe(Number((await pg.query(`SELECT count(*) AS n FROM es_events WHERE stream_id = $1`, [victim.stream_id])).rows[0].n));
    const ente = await verifyScope(storage.events, storage.sql, { ente: 'comune-verifica' }, { verifierKeys: [key.verifierKey] });
    expect(ente).toMatchObject({ ok: true, checked: published.treeSize, proved: published.treeSize });
    expect(await verifyScope(storage.events, storage.sql, { ente: 'comune-altro' })).toMatchObject({ ok: true, streams: 0, checked: 0 });
    // A key that did not sign the note: the checkpoint is refused before anything is proved against it.
    const stranger = generateNoteKey(origin);
    expect((await verifyScope(storage.events, storage.sql, { ente: 'comune-verifica' }, { verifierKeys: [stranger.verifierKey] })).firstProblem).toMatchObject({
      problem: 'bad-signature',
    });
    // The inclusion proof hands out what the leaf is made of: a reader hashes it again and gets the leaf, until the
    // event is changed in the log; then the leaf the proof is for is not the event's any more.
    const proofs = new AuditProofs(storage.sql, storage.events);
    const readersHash = async () => {
      const answer = await proofs.inclusion('comune-verifica', victim.event_id, published.treeSize);
      if (!answer || 'problem' in answer || !answer.leaf) throw new Error(`no inclusion answer with its leaf: ${JSON.stringify(answer)}`);
      return { own: leafHash(Buffer.from(canonicalJson(answer.leaf), 'utf8')).toString('base64'), served: answer.leafHash };
    };
    const before = await readersHash();
    expect(before.own).toBe(before.served);
    await pg.query(`UPDATE es_events SET data = regexp_replace(data::text, ': "[A-Za-z0-9]', ': "#')::jsonb WHERE event_id = $1`, [victim.event_id]);
    try {
      const after = await readersHash();
      expect([after.served, after.own === after.served]).toEqual([before.served, false]);
      for (const scope of [{ streamId: victim.stream_id }, { ente: 'comune-verifica' }]) {
        const report = await verifyScope(storage.events, storage.sql, scope);
        expect(report.ok).toBe(false);
        expect(report.firstProblem).toMatchObject({ problem: 'content-changed', eventId: victim.event_id, streamId: victim.stream_id });
      }
      // A leaf rewritten to match the change (its chain's later leaves left alone): the leaves no longer lead to the
      // signed root. The first event of the stream whose proof passes through the forged leaf is named: the tree
      // around it is not what was signed.
      const changed = (await storage.events.readStream(victim.stream_id))[Number(victim.revision)];
      const previous = await pg.query<{ leaf_hash: Buffer }>(`SELECT leaf_hash FROM audit_leaves WHERE stream_id = $1 AND revision = $2`, [
        victim.stream_id,
        Number(victim.revision) - 1,
      ]);
      const forged = eventLeafHash(changed, Number(victim.revision) === 0 ? null : previous.rows[0].leaf_hash);
      await pg.query(`UPDATE audit_leaves SET leaf_hash = $2 WHERE event_id = $1`, [victim.event_id, forged]);
      const exposed = await verifyScope(storage.events, storage.sql, { streamId: victim.stream_id });
      expect(exposed.firstProblem).toMatchObject({ problem: 'checkpoint-mismatch', streamId: victim.stream_id, treeSize: published.treeSize });
      expect(exposed.firstProblem!.revision).toBeLessThanOrEqual(Number(victim.revision));
      // The ente's leaves are proved together: the root they give is not the signed one, and the first event whose
      // own proof passes through the forged leaf is named (of this stream or of one hashed before it).
      const enteReport = await verifyScope(storage.events, storage.sql, { ente: 'comune-verifica' });
      expect(enteReport.firstProblem).toMatchObject({ problem: 'checkpoint-mismatch', treeSize: published.treeSize });
      const [{ leaf_index: victimLeaf }] = (
        await pg.query<{ leaf_index: string }>(`SELECT leaf_index::text FROM audit_leaves WHERE event_id = $1`, [victim.event_id])
      ).rows;
      expect(enteReport.firstProblem!.leafIndex).toBeLessThanOrEqual(Number(victimLeaf));
    } finally {
      await restoreLog();
      await pg.query(`TRUNCATE audit_leaves, audit_subtrees, audit_tree`);
      await pg.query(`DELETE FROM processor_checkpoints WHERE name = $1`, [AUDIT_HASHING]);
      await pg.query(`DELETE FROM audit_checkpoints`);
      await hashEverything();
    }
    expect((await verifyScope(storage.events, storage.sql, { ente: 'comune-verifica' })).ok).toBe(true);
  });

  it('a stream rewritten with every hash recomputed: the earlier signed checkpoint exposes it', async () => {
    // The installation signs a checkpoint; the NdV keeps the note (outside the database).
    const published = await writeCheckpoint(storage.sql, { origin, signerKey: key.signerKey, now: new Date() });
    const opened = openNote(published.note, [key.verifierKey]);
    expect(opened.verified.map((v) => v.name)).toEqual([origin]);
    const signed = parseCheckpoint(opened.text);
    expect(signed.origin).toBe(origin);
    expect(Number(signed.size)).toBe(published.treeSize);
    expect((await verifyLog(storage.events, storage.sql)).checkpointsMatched).toBe(1);

    // The rewrite: an event's data changed, then the whole tree rebuilt from the altered log by the same processor.
    const victim = await eventAt(4, `data::text ~ ': "[A-Za-z0-9]'`);
    await pg.query(`UPDATE es_events SET data = regexp_replace(data::text, ': "[A-Za-z0-9]', ': "#')::jsonb WHERE event_id = $1`, [victim.event_id]);
    const rehash = async () => {
      await pg.query(`TRUNCATE audit_leaves, audit_subtrees, audit_tree`);
      await pg.query(`DELETE FROM processor_checkpoints WHERE name = $1`, [AUDIT_HASHING]);
      await hashEverything();
    };
    try {
      await rehash();
      // With the stored checkpoint left in place, verify names it.
      const withCheckpoint = await verifyLog(storage.events, storage.sql);
      expect(withCheckpoint.firstProblem).toMatchObject({ problem: 'checkpoint-mismatch', treeSize: published.treeSize });
      // With it deleted too, the database is consistent with itself...
      await pg.query(`DELETE FROM audit_checkpoints`);
      expect((await verifyLog(storage.events, storage.sql)).ok).toBe(true);
      // ...but not with the note the NdV kept: the rewritten tree at that size has another root, and no consistency
      // proof from the signed tree to the rewritten one verifies.
      const rewritten = await loadTree(storage.sql);
      expect(rewritten.size).toBe(published.treeSize);
      expect(rewritten.root.equals(signed.rootHash)).toBe(false);
      const proof = await consistencyProof(storedLeafSource(storage.sql, rewritten.size), published.treeSize, rewritten.size);
      expect(verifyConsistency(published.treeSize, rewritten.size, proof, signed.rootHash, rewritten.root)).toBe(false);
      // A consistency proof of the rewritten tree from an earlier size before the change still holds: the rewrite is
      // located after it.
      const untouched = Number(
        (await pg.query<{ leaf_index: string }>(`SELECT leaf_index FROM audit_leaves WHERE event_id = $1`, [victim.event_id])).rows[0].leaf_index,
      );
      expect(untouched).toBeGreaterThan(0);
    } finally {
      await restoreLog();
      await pg.query(`DELETE FROM audit_checkpoints`);
      await rehash();
    }
    expect((await verifyLog(storage.events, storage.sql)).ok).toBe(true);
  });

  it('the command line: `audit verify` exits 0 on the log as recorded and 1 naming the event on a changed one; `audit keygen` makes a key pair', async () => {
    const cli = (...args: string[]) =>
      promisify(execFile)(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/api/src/audit/audit.cli.ts', ...args],
        {
          cwd: join(__dirname, '../..'),
          env: {
            ...process.env,
            EVENT_STORE: 'postgres',
            DATABASE_URL: db.url,
            TS_NODE_TRANSPILE_ONLY: '1',
            LOG_LEVEL: 'silent',
            AUDIT_SIGNER_KEY_FILE: '/nonexistent/audit-signer.key',
          },
        },
      ).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
      );
    const clean = await cli('verify');
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ ok: true });
    const victim = await eventAt(3, `data::text ~ ': "[A-Za-z0-9]'`);
    await pg.query(`UPDATE es_events SET data = regexp_replace(data::text, ': "[A-Za-z0-9]', ': "#')::jsonb WHERE event_id = $1`, [victim.event_id]);
    try {
      const changed = await cli('verify');
      expect(changed.code).toBe(1);
      expect(JSON.parse(changed.stdout)).toMatchObject({ ok: false, firstProblem: { problem: 'content-changed', eventId: victim.event_id } });
    } finally {
      await restoreLog();
    }
    const keygen = await cli('keygen', 'comune.example.it/piao-audit');
    expect(keygen.code).toBe(0);
    const [signer, verifier] = keygen.stdout.split('\n').filter((line) => /\+/.test(line));
    expect(parseSignerKey(signer).verifierKey).toBe(verifier);
    expect(parseVerifierKey(verifier).name).toBe('comune.example.it/piao-audit');
  }, 120_000);
});
