import { randomUUID } from 'node:crypto';
import { AUDIT_MIGRATIONS } from '@piao/audit';
import { type SqlClient } from '@piao/event-store';
import { openSqlDatabase } from '@piao/storage';
import { claimDossier, failDossier, queueDossier, requeueDossier, storeDossier } from '../../libs/audit/src/dossier/dossier-store';

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
    // Its claim runs out; another builder takes the dossier.
    const other = (await claimDossier(sql, at(161), 60_000, randomUUID()))!;
    expect(other.dossierId).toBe(id);
    expect(other.attempts).toBe(2);
    const files = { pdf: Buffer.from('%PDF-x'), json: Buffer.from('{}'), csv: Buffer.from(''), contentHash: 'h', checkpointSize: 5 };
    await storeDossier(sql, other, files, at(170));
    expect((await statusOf(id)).status).toBe('ready');
    // The slow one wakes up: neither its failure nor its files nor a requeue touch the ready dossier.
    await failDossier(sql, slow, 'late');
    await requeueDossier(sql, slow, 'late', true, at(171));
    await storeDossier(sql, slow, { ...files, contentHash: 'other' }, at(172));
    const [row] = await sql.query<{ status: string; content_hash: string; checkpoint_size: string }>(
      `SELECT status, content_hash, checkpoint_size::text FROM audit_dossiers WHERE dossier_id = $1::uuid`,
      [id],
    );
    expect(row).toEqual({ status: 'ready', content_hash: 'h', checkpoint_size: '5' });
  });
});
