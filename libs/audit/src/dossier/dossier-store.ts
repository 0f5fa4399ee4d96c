import { type LogPosition, type SqlQuery } from '@piao/event-store';
import { type DossierRequest } from '@piao/lifecycle';
import { PiecedOutput, type FileOutput } from './dossier-output';

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
  requestedAt: string;
  attempts: number;
  /** This claim's token: every write of the builder names it, so that a builder whose claim ran out writes nothing. */
  claimId: string;
  /** The checkpoint an earlier build of this dossier chose, kept so that a rebuild chooses it again. */
  checkpointSize?: number;
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

/** What a dossier row says of itself when claimed. */
interface ClaimRow {
  dossier_id: string;
  ente: string;
  scope_kind: string;
  scope_id: string;
  up_to_commit: string;
  up_to_prepare: string;
  requested_at: string;
  attempts: number;
  checkpoint_size: string | null;
}

/** A dossier a builder may take now: queued and not asked to wait, or building under a claim that ran out (it died). */
const CLAIMABLE = `((status = 'queued' AND (not_before IS NULL OR not_before <= $1)) OR (status = 'building' AND claimed_until < $1))`;

const CLAIMED = `d.dossier_id::text, d.ente, d.scope_kind, d.scope_id, d.up_to_commit::text, d.up_to_prepare::text, d.requested_at, d.attempts,
  d.checkpoint_size::text`;

function claimOf(row: ClaimRow | undefined, claimId: string): ClaimedDossier | undefined {
  if (!row) return undefined;
  return {
    dossierId: row.dossier_id,
    ente: row.ente,
    scope: { kind: row.scope_kind as DossierRequest['scope']['kind'], id: row.scope_id },
    upTo: { commit: BigInt(row.up_to_commit), prepare: BigInt(row.up_to_prepare) },
    requestedAt: row.requested_at,
    attempts: row.attempts,
    claimId,
    ...(row.checkpoint_size === null ? {} : { checkpointSize: Number(row.checkpoint_size) }),
  };
}

/**
 * Claims the oldest claimable dossier for `claimMs`, under a new claim token. SKIP LOCKED: several builders never
 * take the same one.
 */
export async function claimDossier(sql: SqlQuery, now: Date, claimMs: number, claimId: string): Promise<ClaimedDossier | undefined> {
  const [row] = await sql.query<ClaimRow>(
    `UPDATE audit_dossiers d SET status = 'building', claim_id = $3::uuid, claimed_until = $2, attempts = d.attempts + 1
      WHERE d.dossier_id = (SELECT dossier_id FROM audit_dossiers WHERE ${CLAIMABLE} ORDER BY up_to_commit, up_to_prepare LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING ${CLAIMED}`,
    [now, new Date(now.getTime() + claimMs), claimId],
  );
  return claimOf(row, claimId);
}

/** Claims one dossier by its id, if it is claimable (a queue's job names it; a stale job finds it built or taken). */
export async function claimDossierById(sql: SqlQuery, dossierId: string, now: Date, claimMs: number, claimId: string): Promise<ClaimedDossier | undefined> {
  const [row] = await sql.query<ClaimRow>(
    `UPDATE audit_dossiers d SET status = 'building', claim_id = $3::uuid, claimed_until = $2, attempts = d.attempts + 1
      WHERE d.dossier_id = (SELECT dossier_id FROM audit_dossiers WHERE dossier_id = $4::uuid AND ${CLAIMABLE} FOR UPDATE SKIP LOCKED)
      RETURNING ${CLAIMED}`,
    [now, new Date(now.getTime() + claimMs), claimId, dossierId],
  );
  return claimOf(row, claimId);
}

/** The claimable dossiers, oldest first, each with what makes a queue's job for it unique (a new wait, a new attempt). */
export async function claimableDossiers(sql: SqlQuery, now: Date, limit: number): Promise<{ dossierId: string; generation: string }[]> {
  const rows = await sql.query<{ dossier_id: string; attempts: number; not_before: Date | string | null }>(
    `SELECT dossier_id::text, attempts, not_before FROM audit_dossiers WHERE ${CLAIMABLE} ORDER BY up_to_commit, up_to_prepare LIMIT $2`,
    [now, limit],
  );
  return rows.map((r) => ({ dossierId: r.dossier_id, generation: `${r.attempts}.${r.not_before === null ? 0 : new Date(r.not_before).getTime()}` }));
}

/** Progress, and the claim renewed (a heartbeat): a builder that reports is alive. False when the claim was lost. */
export async function reportProgress(sql: SqlQuery, claim: ClaimedDossier, progress: number, note: string, claimedUntil: Date): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE audit_dossiers SET progress = $3, note = $4, claimed_until = $5
      WHERE dossier_id = $1::uuid AND claim_id = $2::uuid AND status = 'building' RETURNING 1`,
    [claim.dossierId, claim.claimId, progress, note, claimedUntil],
  );
  return rows.length > 0;
}

/**
 * Back in the queue until `notBefore`, with why: not buildable yet (the hashing or the signer lags behind: that wait
 * does not count as an attempt, nor does the database being away), or failed once and to be tried again.
 */
export async function requeueDossier(sql: SqlQuery, claim: ClaimedDossier, note: string, counts: boolean, notBefore: Date): Promise<void> {
  // The pieces written so far are dropped with the claim: the next build writes its own.
  const requeued = await sql.query(
    `UPDATE audit_dossiers SET status = 'queued', claim_id = NULL, claimed_until = NULL, not_before = $5,
            attempts = attempts - CASE WHEN $4 THEN 0 ELSE 1 END, note = $3
      WHERE dossier_id = $1::uuid AND claim_id = $2::uuid AND status = 'building' RETURNING 1`,
    [claim.dossierId, claim.claimId, note, counts, notBefore],
  );
  if (requeued.length > 0) await dropPieces(sql, claim.dossierId);
}

/** The builder's claim ran out and another builder took the dossier over: whatever this one built is dropped. */
export class DossierClaimLost extends Error {
  constructor(dossierId: string) {
    super(`the claim on dossier ${dossierId} was lost`);
    this.name = 'DossierClaimLost';
  }
}

/**
 * Where a builder writes one of the dossier's files: pieces of about a megabyte, each written under the builder's
 * claim and only while it holds it (a piece refused throws DossierClaimLost).
 */
export function dossierFileOutput(sql: SqlQuery, claim: ClaimedDossier, file: DossierFile, pieceBytes = 1 << 20): FileOutput {
  let piece = 0;
  return new PiecedOutput(async (bytes) => {
    const written = await sql.query(
      `INSERT INTO audit_dossier_files (dossier_id, claim_id, file, piece, bytes)
       SELECT $1::uuid, $2::uuid, $3, $4, $5
        WHERE EXISTS (SELECT 1 FROM audit_dossiers WHERE dossier_id = $1::uuid AND claim_id = $2::uuid AND status = 'building' FOR SHARE)
       RETURNING 1`,
      [claim.dossierId, claim.claimId, file, piece, bytes],
    );
    if (written.length === 0) throw new DossierClaimLost(claim.dossierId);
    piece += 1;
  }, pieceBytes);
}

/**
 * The dossier ready, its files those its builder wrote under this claim (a dead builder's pieces are dropped). A
 * builder whose claim ran out changes nothing.
 */
export async function storeDossier(
  sql: SqlQuery,
  claim: ClaimedDossier,
  built: { contentHash: string; checkpointSize: number | null },
  now: Date,
): Promise<void> {
  const stored = await sql.query(
    `UPDATE audit_dossiers SET status = 'ready', progress = 100, note = NULL, claim_id = NULL, claimed_until = NULL, content_hash = $3,
            files_claim = $2::uuid, built_at = $4, checkpoint_size = $5
      WHERE dossier_id = $1::uuid AND claim_id = $2::uuid AND status = 'building'
      RETURNING 1`,
    [claim.dossierId, claim.claimId, built.contentHash, now, built.checkpointSize],
  );
  if (stored.length > 0) await dropPieces(sql, claim.dossierId, claim.claimId);
}

/**
 * The pieces of a dossier not written under `keep` (all of them without it). A statement after the one that took the
 * claim away: a piece insert holds the dossier's row (FOR SHARE) until it commits, so that statement waited for any
 * insert under way, and this one, with a snapshot of its own, sees what it wrote; an insert after it finds the claim
 * gone and writes nothing.
 */
async function dropPieces(sql: SqlQuery, dossierId: string, keep?: string): Promise<void> {
  await sql.query(`DELETE FROM audit_dossier_files WHERE dossier_id = $1::uuid AND ($2::uuid IS NULL OR claim_id <> $2::uuid)`, [dossierId, keep ?? null]);
}

export async function failDossier(sql: SqlQuery, claim: ClaimedDossier, note: string): Promise<void> {
  const failed = await sql.query(
    `UPDATE audit_dossiers SET status = 'failed', claim_id = NULL, claimed_until = NULL, note = $3
      WHERE dossier_id = $1::uuid AND claim_id = $2::uuid AND status = 'building' RETURNING 1`,
    [claim.dossierId, claim.claimId, note],
  );
  if (failed.length > 0) await dropPieces(sql, claim.dossierId);
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

/** A ready dossier's file: its size, and its bytes a piece at a time (about a megabyte each). */
export interface StoredDossierFile {
  size: number;
  pieces(): AsyncIterable<Buffer>;
}

export async function dossierFile(sql: SqlQuery, ente: string, dossierId: string, file: DossierFile): Promise<StoredDossierFile | undefined> {
  const [row] = await sql.query<{ claim_id: string; pieces: string; size: string }>(
    `SELECT d.files_claim::text AS claim_id, count(*)::text AS pieces, sum(octet_length(f.bytes))::text AS size
       FROM audit_dossiers d JOIN audit_dossier_files f ON f.dossier_id = d.dossier_id AND f.claim_id = d.files_claim AND f.file = $3
      WHERE d.ente = $1 AND d.dossier_id = $2::uuid AND d.status = 'ready'
      GROUP BY d.files_claim`,
    [ente, dossierId, file],
  );
  if (!row) return undefined;
  const count = Number(row.pieces);
  return {
    size: Number(row.size),
    pieces: async function* () {
      for (let piece = 0; piece < count; piece++) {
        const [part] = await sql.query<{ bytes: Buffer | Uint8Array }>(
          `SELECT bytes FROM audit_dossier_files WHERE dossier_id = $1::uuid AND claim_id = $2::uuid AND file = $3 AND piece = $4`,
          [dossierId, row.claim_id, file, piece],
        );
        if (!part) throw new Error(`piece ${piece} of ${file} of dossier ${dossierId} is missing`);
        yield Buffer.from(part.bytes);
      }
    },
  };
}
