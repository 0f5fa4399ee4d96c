import { type LogPosition, type SqlQuery } from '@piao/event-store';
import { type DossierRequest } from '@piao/lifecycle';

export const DOSSIER_STATUSES = ['queued', 'building', 'ready', 'failed'] as const;
export type DossierStatus = (typeof DOSSIER_STATUSES)[number];

/** A dossier as listed: what was asked, by whom, how far its building has gone. */
export interface DossierSummary {
  dossierId: string;
  scope: DossierRequest['scope'];
  requestedBy: { id: string; name: string; role: string };
  requestedAt: string;
  /** The log position it is built up to: the request's own. */
  upTo: string;
  status: DossierStatus;
  progress: number;
  note: string | null;
  contentHash: string | null;
  builtAt: string | null;
}

export interface ClaimedDossier extends DossierRequest {
  upTo: LogPosition;
  attempts: number;
}

export const DOSSIER_FILES = { pdf: 'application/pdf', json: 'application/json', csv: 'text/csv; charset=utf-8' } as const;
export type DossierFile = keyof typeof DOSSIER_FILES;

interface SummaryRow {
  dossier_id: string;
  scope_kind: DossierRequest['scope']['kind'];
  scope_id: string;
  requested_by: DossierSummary['requestedBy'];
  requested_at: string;
  up_to_commit: string;
  up_to_prepare: string;
  status: DossierStatus;
  progress: number;
  note: string | null;
  content_hash: string | null;
  built_at: Date | string | null;
}

const SUMMARY_COLUMNS = `dossier_id::text, scope_kind, scope_id, requested_by, requested_at, up_to_commit::text, up_to_prepare::text, status, progress,
  note, content_hash, built_at`;

function summaryOf(row: SummaryRow): DossierSummary {
  return {
    dossierId: row.dossier_id,
    scope: { kind: row.scope_kind, id: row.scope_id },
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    upTo: `${row.up_to_commit}/${row.up_to_prepare}`,
    status: row.status,
    progress: row.progress,
    note: row.note,
    contentHash: row.content_hash,
    builtAt: row.built_at === null ? null : new Date(row.built_at).toISOString(),
  };
}

/** Queues a requested dossier; a request seen again (a replay of the processor) changes nothing. */
export async function queueDossier(
  tx: SqlQuery,
  request: DossierRequest & { requestedBy: DossierSummary['requestedBy']; requestedAt: string; upTo: LogPosition },
): Promise<void> {
  await tx.query(
    `INSERT INTO audit_dossiers (dossier_id, ente, scope_kind, scope_id, requested_by, requested_at, up_to_commit, up_to_prepare, status)
     VALUES ($1::uuid, $2, $3, $4, $5::jsonb, $6, $7::bigint, $8::bigint, 'queued')
     ON CONFLICT (dossier_id) DO NOTHING`,
    [
      request.dossierId,
      request.ente,
      request.scope.kind,
      request.scope.id,
      JSON.stringify(request.requestedBy),
      request.requestedAt,
      request.upTo.commit.toString(),
      request.upTo.prepare.toString(),
    ],
  );
}

/**
 * Claims the oldest dossier waiting to be built (or whose builder's claim ran out: it died), for `claimMs`.
 * SKIP LOCKED: several builders never take the same one.
 */
export async function claimDossier(sql: SqlQuery, now: Date, claimMs: number): Promise<ClaimedDossier | undefined> {
  const [row] = await sql.query<{
    dossier_id: string;
    ente: string;
    scope_kind: string;
    scope_id: string;
    up_to_commit: string;
    up_to_prepare: string;
    attempts: number;
  }>(
    `UPDATE audit_dossiers d SET status = 'building', claimed_until = $2, attempts = d.attempts + 1
      WHERE d.dossier_id = (
        SELECT dossier_id FROM audit_dossiers
         WHERE status = 'queued' OR (status = 'building' AND claimed_until < $1)
         ORDER BY up_to_commit, up_to_prepare LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING d.dossier_id::text, d.ente, d.scope_kind, d.scope_id, d.up_to_commit::text, d.up_to_prepare::text, d.attempts`,
    [now, new Date(now.getTime() + claimMs)],
  );
  if (!row) return undefined;
  return {
    dossierId: row.dossier_id,
    ente: row.ente,
    scope: { kind: row.scope_kind as DossierRequest['scope']['kind'], id: row.scope_id },
    upTo: { commit: BigInt(row.up_to_commit), prepare: BigInt(row.up_to_prepare) },
    attempts: row.attempts,
  };
}

export async function reportProgress(sql: SqlQuery, dossierId: string, progress: number, note: string): Promise<void> {
  await sql.query(`UPDATE audit_dossiers SET progress = $2, note = $3 WHERE dossier_id = $1::uuid AND status = 'building'`, [dossierId, progress, note]);
}

/**
 * Back in the queue, with why: not buildable yet (the hashing or the signer lags behind: that wait does not count as
 * an attempt), or failed once and to be tried again.
 */
export async function requeueDossier(sql: SqlQuery, dossierId: string, note: string, counts: boolean): Promise<void> {
  await sql.query(
    `UPDATE audit_dossiers SET status = 'queued', claimed_until = NULL, attempts = attempts - CASE WHEN $3 THEN 0 ELSE 1 END, note = $2
      WHERE dossier_id = $1::uuid`,
    [dossierId, note, counts],
  );
}

export async function storeDossier(
  sql: SqlQuery,
  dossierId: string,
  files: { pdf: Buffer; json: Buffer; csv: Buffer; contentHash: string },
  now: Date,
): Promise<void> {
  await sql.query(
    `UPDATE audit_dossiers SET status = 'ready', progress = 100, note = NULL, claimed_until = NULL, content_hash = $2, pdf = $3, json = $4, csv = $5, built_at = $6
      WHERE dossier_id = $1::uuid`,
    [dossierId, files.contentHash, files.pdf, files.json, files.csv, now],
  );
}

export async function failDossier(sql: SqlQuery, dossierId: string, note: string): Promise<void> {
  await sql.query(`UPDATE audit_dossiers SET status = 'failed', claimed_until = NULL, note = $2 WHERE dossier_id = $1::uuid`, [dossierId, note]);
}

export async function listDossiers(sql: SqlQuery, ente: string, limit: number): Promise<DossierSummary[]> {
  const rows = await sql.query<SummaryRow>(
    `SELECT ${SUMMARY_COLUMNS} FROM audit_dossiers WHERE ente = $1 ORDER BY up_to_commit DESC, up_to_prepare DESC LIMIT $2`,
    [ente, limit],
  );
  return rows.map(summaryOf);
}

export async function dossierSummary(sql: SqlQuery, ente: string, dossierId: string): Promise<DossierSummary | undefined> {
  const [row] = await sql.query<SummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM audit_dossiers WHERE ente = $1 AND dossier_id = $2::uuid`, [ente, dossierId]);
  return row && summaryOf(row);
}

export async function dossierFile(sql: SqlQuery, ente: string, dossierId: string, file: DossierFile): Promise<Buffer | undefined> {
  const [row] = await sql.query<{ file: Buffer | Uint8Array | null }>(
    `SELECT ${file} AS file FROM audit_dossiers WHERE ente = $1 AND dossier_id = $2::uuid AND status = 'ready'`,
    [ente, dossierId],
  );
  return row?.file ? Buffer.from(row.file) : undefined;
}
