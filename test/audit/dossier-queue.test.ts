import { randomUUID } from 'node:crypto';
import { AUDIT_MIGRATIONS } from '@piao/audit';
import { type SqlClient } from '@piao/event-store';
import { openSqlDatabase } from '@piao/storage';
import {
  claimDossier,
  claimDossierById,
  DossierClaimLost,
  dossierFile,
  dossierFileOutput,
  failDossier,
  queueDossier,
  requeueDossier,
  storeDossier,
} from '../../libs/audit/src/dossier/dossier-store';

/**
 * The dossier queue's claims on PGlite: a dossier told to wait does not hold up the ones behind it; a builder whose
 * claim ran out (it was slow, or died) writes nothing over the builder that took the dossier over; a request seen
 * twice is queued once.
 */
describe('the dossier queue', () => {
  let sql: SqlClient;
  const t0 = new Date('2026-12-02T10:00:00Z');
  const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
  const queue = async (n: number) => {
    const dossierId = randomUUID();
    const request = {
      dossierId,
      ente: 'comune-alfa',
      scope: { kind: 'unit' as const, id: 'welfare' },
      requestedBy: { id: 'ndv', name: 'NdV', role: 'nucleo' },
      requestedAt: t0.toISOString(),
      upTo: { commit: BigInt(n), prepare: 1n },
    };
    await queueDossier(sql, request);
    await queueDossier(sql, request);
    return dossierId;
  };
  const statusOf = async (id: string) =>
    (await sql.query<{ status: string; attempts: number }>(`SELECT status, attempts FROM audit_dossiers WHERE dossier_id = $1::uuid`, [id]))[0];

  beforeAll(async () => {
    sql = await openSqlDatabase({ kind: 'pglite' });
    await sql.migrate(AUDIT_MIGRATIONS);
  });
  afterAll(async () => {
    await sql?.close();
  });

  it('a dossier waiting does not hold up the next one; a request seen twice is queued once', async () => {
    const first = await queue(1);
    const second = await queue(2);
    expect((await sql.query(`SELECT 1 FROM audit_dossiers`)).length).toBe(2);
    const claimed = (await claimDossier(sql, at(0), 60_000, randomUUID()))!;
    expect(claimed.dossierId).toBe(first);
    await requeueDossier(sql, claimed, 'in attesa', false, at(30));
    expect(await statusOf(first)).toEqual({ status: 'queued', attempts: 0 });
    const next = (await claimDossier(sql, at(1), 60_000, randomUUID()))!;
    expect(next.dossierId).toBe(second);
    expect(await claimDossier(sql, at(2), 60_000, randomUUID())).toBeUndefined();
    // Its wait over, the first is claimed again.
    expect((await claimDossier(sql, at(31), 60_000, randomUUID()))!.dossierId).toBe(first);
  });

  it('a builder whose claim ran out writes nothing over the one that took the dossier over', async () => {
    await sql.query(`DELETE FROM audit_dossiers`);
    const id = await queue(10);
    const slow = (await claimDossier(sql, at(100), 60_000, randomUUID()))!;
    expect(slow.dossierId).toBe(id);
    // It writes a piece of its PDF; then its claim runs out and another builder takes the dossier.
    const slowPdf = dossierFileOutput(sql, slow, 'pdf');
    slowPdf.write('%PDF-slow');
    await slowPdf.end();
    const other = (await claimDossier(sql, at(161), 60_000, randomUUID()))!;
    expect(other.dossierId).toBe(id);
    expect(other.attempts).toBe(2);
    // The other writes its files in pieces.
    for (const [file, text] of [
      ['pdf', '%PDF-x'],
      ['json', '{}'],
      ['csv', 'a;b'],
    ] as const) {
      // Pieces of 4 bytes: a file of several pieces, read back in order.
      const output = dossierFileOutput(sql, other, file, 4);
      output.write(text);
      output.write('!');
      await output.end();
    }
    await storeDossier(sql, other, { contentHash: 'h', checkpointSize: 5 }, at(170));
    expect((await statusOf(id)).status).toBe('ready');
    // The slow one wakes up: neither its pieces, nor its failure, nor a requeue, nor its files touch the ready dossier.
    const late = dossierFileOutput(sql, slow, 'pdf');
    late.write('%PDF-late');
    await expect(late.end()).rejects.toThrow(DossierClaimLost);
    await failDossier(sql, slow, 'late');
    await requeueDossier(sql, slow, 'late', true, at(171));
    await storeDossier(sql, slow, { contentHash: 'other', checkpointSize: 9 }, at(172));
    const [row] = await sql.query<{ status: string; content_hash: string; checkpoint_size: string }>(
      `SELECT status, content_hash, checkpoint_size::text FROM audit_dossiers WHERE dossier_id = $1::uuid`,
      [id],
    );
    expect(row).toEqual({ status: 'ready', content_hash: 'h', checkpoint_size: '5' });
    const download = async (file: 'pdf' | 'json' | 'csv') => {
      const stored = (await dossierFile(sql, 'comune-alfa', id, file))!;
      const pieces: Buffer[] = [];
      for await (const piece of stored.pieces()) pieces.push(piece);
      return { size: stored.size, pieces: pieces.length, text: Buffer.concat(pieces).toString('utf8') };
    };
    expect(await download('pdf')).toEqual({ size: 7, pieces: 2, text: '%PDF-x!' });
    expect(await download('json')).toEqual({ size: 3, pieces: 1, text: '{}!' });
    expect(await download('csv')).toEqual({ size: 4, pieces: 1, text: 'a;b!' });
    // Only the stored build's pieces are kept: the slow builder's piece was dropped when the other stored.
    expect((await sql.query(`SELECT DISTINCT claim_id::text FROM audit_dossier_files WHERE dossier_id = $1::uuid`, [id])).length).toBe(1);
    // Another ente does not see it.
    expect(await dossierFile(sql, 'comune-beta', id, 'pdf')).toBeUndefined();
  });

  it('a dossier failed or sent back to the queue keeps no pieces', async () => {
    const id = await queue(20);
    const first = (await claimDossierById(sql, id, at(200), 60_000, randomUUID()))!;
    const output = dossierFileOutput(sql, first, 'json');
    output.write('{"partial":');
    await output.end();
    await requeueDossier(sql, first, 'in attesa', false, at(200));
    expect((await sql.query(`SELECT 1 FROM audit_dossier_files WHERE dossier_id = $1::uuid`, [id])).length).toBe(0);
    const second = (await claimDossierById(sql, id, at(201), 60_000, randomUUID()))!;
    const again = dossierFileOutput(sql, second, 'json');
    again.write('{"partial":');
    await again.end();
    await failDossier(sql, second, 'rotto');
    expect((await sql.query(`SELECT 1 FROM audit_dossier_files WHERE dossier_id = $1::uuid`, [id])).length).toBe(0);
    expect(await dossierFile(sql, 'comune-alfa', id, 'json')).toBeUndefined();
  });

  it('files stored whole before 0010-dossier-files are downloaded as before', async () => {
    const old = await openSqlDatabase({ kind: 'pglite' });
    try {
      await old.migrate(AUDIT_MIGRATIONS.filter((migration) => migration.name < '0010'));
      const id = randomUUID();
      await old.query(
        `INSERT INTO audit_dossiers (dossier_id, ente, scope_kind, scope_id, requested_by, requested_at, up_to_commit, up_to_prepare, status,
                                     content_hash, pdf, json, csv, built_at)
         VALUES ($1::uuid, 'comune-alfa', 'unit', 'welfare', '{}'::jsonb, $2, 1, 1, 'ready', 'h', $3, $4, $5, $6)`,
        [id, t0.toISOString(), Buffer.from('%PDF-old'), Buffer.from('{"v":1}'), Buffer.from('a;b'), t0],
      );
      await old.migrate(AUDIT_MIGRATIONS);
      const stored = (await dossierFile(old, 'comune-alfa', id, 'pdf'))!;
      const pieces: Buffer[] = [];
      for await (const piece of stored.pieces()) pieces.push(piece);
      expect([stored.size, Buffer.concat(pieces).toString('utf8')]).toEqual([8, '%PDF-old']);
      expect((await dossierFile(old, 'comune-alfa', id, 'csv'))!.size).toBe(3);
    } finally {
      await old.close();
    }
  });
});
