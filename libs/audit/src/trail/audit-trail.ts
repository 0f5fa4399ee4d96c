import { type SqlQuery } from '@piao/event-store';

/** What narrows the audit trail of an ente; every filter is optional and they combine with AND. */
export interface AuditTrailFilter {
  objectiveId?: string;
  /** The objective's responsible or a contributing unit, as the objective stands. */
  unitId?: string;
  /** Who recorded the event. */
  personId?: string;
  types?: string[];
  /** Business dates, inclusive (YYYY-MM-DD). */
  from?: string;
  to?: string;
  /** Recorded dates, inclusive (YYYY-MM-DD, in UTC as recorded). */
  recordedFrom?: string;
  recordedTo?: string;
}

export interface AuditTrailEntry {
  position: string;
  eventId: string;
  objectiveId: string;
  objectiveCode: string;
  revision: number;
  type: string;
  actor: { id: string; name: string; role: string; capacity?: string };
  occurredAt: string;
  recordedAt: string;
  reason: string | null;
  act: { number: string; date: string } | null;
  changes: { path: string; from: unknown; to: unknown }[];
  /** The event's leaf in the tamper-evident tree; null while the hashing has not reached it. */
  leafIndex: number | null;
  leafHash: string | null;
  /** The objective's evaluation is still the NdV's alone: callers withhold its evaluation events from others. */
  evaluationUnshared: boolean;
  /** Present on an event imported with a past year's history: who imported it, and when. */
  imported?: { by: { id: string; name: string }; at: string };
}

export interface AuditTrailPage {
  items: AuditTrailEntry[];
  /** The position after which the next page starts; absent on the last page. */
  next?: string;
}

interface TrailRow {
  commit: string;
  prepare: string;
  event_id: string;
  objective_id: string;
  code: string;
  revision: number;
  type: string;
  actor: AuditTrailEntry['actor'];
  occurred_at: string;
  recorded_at: string;
  reason: string | null;
  act: AuditTrailEntry['act'];
  changes: AuditTrailEntry['changes'];
  leaf_index: string | null;
  leaf_hash: Buffer | Uint8Array | null;
  evaluation_unshared: boolean;
  imported: AuditTrailEntry['imported'] | null;
}

/**
 * The audit trail of an ente (issue 10, item 3): its objectives' events in log order, as the timeline read model
 * tells them (who, role, when, why, act, old → new), each with its leaf in the tamper-evident tree. It reads the read
 * models' rm_timeline and rm_objectives and the tree's audit_leaves: the trail is as fresh as the read models, and a
 * leaf hash appears once the audit hashing has reached the event.
 *
 * Paged by log position (`commit/prepare`), which the index rm_timeline_log_order serves per ente.
 */
export class AuditTrail {
  constructor(private readonly sql: SqlQuery) {}

  async page(ente: string, filter: AuditTrailFilter, after: { commit: bigint; prepare: bigint } | undefined, limit: number): Promise<AuditTrailPage> {
    const rows = await this.rows(ente, filter, after, limit + 1);
    const items = rows.slice(0, limit).map(entryOf);
    return { items, next: rows.length > limit ? items[items.length - 1].position : undefined };
  }

  /** Every entry the filter selects, a page at a time, for exports that stream. */
  async *all(ente: string, filter: AuditTrailFilter, pageSize = 1000): AsyncGenerator<AuditTrailEntry> {
    let after: { commit: bigint; prepare: bigint } | undefined;
    for (;;) {
      const rows = await this.rows(ente, filter, after, pageSize);
      for (const row of rows) yield entryOf(row);
      if (rows.length < pageSize) return;
      const last = rows[rows.length - 1];
      after = { commit: BigInt(last.commit), prepare: BigInt(last.prepare) };
    }
  }

  private rows(ente: string, f: AuditTrailFilter, after: { commit: bigint; prepare: bigint } | undefined, limit: number): Promise<TrailRow[]> {
    return this.sql.query<TrailRow>(
      `SELECT split_part(t.position, '/', 1)::bigint::text AS commit, split_part(t.position, '/', 2)::bigint::text AS prepare,
              t.event_id::text AS event_id, t.objective_id::text AS objective_id, o.code, t.revision, t.type, t.actor,
              t.occurred_at, t.recorded_at, t.reason, t.act, t.changes, l.leaf_index::text AS leaf_index, l.leaf_hash,
              (o.state->'evaluation'->>'status') = 'evaluated' AS evaluation_unshared, t.imported
         FROM rm_timeline t
         JOIN rm_objectives o ON o.objective_id = t.objective_id
         LEFT JOIN audit_leaves l ON l.event_id = t.event_id::text
        WHERE t.ente = $1
          AND ($2::bigint IS NULL OR (split_part(t.position, '/', 1)::bigint, split_part(t.position, '/', 2)::bigint) > ($2::bigint, $3::bigint))
          AND ($4::uuid IS NULL OR t.objective_id = $4::uuid)
          AND ($5::text IS NULL OR o.responsible_unit_id = $5 OR $5 = ANY(o.contributing_unit_ids))
          AND ($6::text IS NULL OR t.actor->>'id' = $6)
          AND ($7::text[] IS NULL OR t.type = ANY($7::text[]))
          AND ($8::text IS NULL OR left(t.occurred_at, 10) >= $8)
          AND ($9::text IS NULL OR left(t.occurred_at, 10) <= $9)
          AND ($10::text IS NULL OR left(t.recorded_at, 10) >= $10)
          AND ($11::text IS NULL OR left(t.recorded_at, 10) <= $11)
        ORDER BY split_part(t.position, '/', 1)::bigint, split_part(t.position, '/', 2)::bigint
        LIMIT $12`,
      [
        ente,
        after?.commit.toString() ?? null,
        after?.prepare.toString() ?? null,
        f.objectiveId ?? null,
        f.unitId ?? null,
        f.personId ?? null,
        f.types && f.types.length > 0 ? f.types : null,
        f.from ?? null,
        f.to ?? null,
        f.recordedFrom ?? null,
        f.recordedTo ?? null,
        limit,
      ],
    );
  }
}

function entryOf(row: TrailRow): AuditTrailEntry {
  return {
    position: `${row.commit}/${row.prepare}`,
    eventId: row.event_id,
    objectiveId: row.objective_id,
    objectiveCode: row.code,
    revision: row.revision,
    type: row.type,
    actor: row.actor,
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
    reason: row.reason,
    act: row.act,
    changes: row.changes,
    leafIndex: row.leaf_index === null ? null : Number(row.leaf_index),
    leafHash: row.leaf_hash === null ? null : Buffer.from(row.leaf_hash).toString('base64'),
    evaluationUnshared: row.evaluation_unshared,
    ...(row.imported ? { imported: row.imported } : {}),
  };
}
