import { StoreUnavailable, type EventStore, type SqlQuery } from '@piao/event-store';
import { auditLeaf, consistencyProof, inclusionProof, treeRoot, type AuditLeaf } from '@piao/lifecycle';
import { loadTree, storedLeafSource } from '../hashing/audit-tree-store';

export interface CheckpointRow {
  treeSize: number;
  /** base64, as in the note. */
  rootHash: string;
  signedAt: string;
  note: string;
}

export interface InclusionAnswer {
  eventId: string;
  leafIndex: number;
  leafHash: string;
  /**
   * What the leaf is made of, as the log holds the event now: a reader hashes it again and compares it with `leafHash`
   * instead of trusting it. Null when the log no longer holds the event at that place (deleted or moved), or when it is
   * withheld.
   */
  leaf: AuditLeaf | null;
  /**
   * The event is an evaluation the NdV has not shared yet, and the reader is not the NdV: its content is theirs alone
   * until it is shared (as in the audit trail), so `leaf` is null and only `leafHash` can be proved.
   */
  withheld: boolean;
  treeSize: number;
  rootHash: string;
  /** RFC 6962 audit path, base64, leaf to root. */
  proof: string[];
  /** The signed checkpoint of that size, when one was signed. */
  checkpoint?: string;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/**
 * Proofs over the stored tree, each against a size the tree has reached (by default the latest signed checkpoint, so
 * that the answer can be checked against a note the asker can verify). An event is only found among `ente`'s own.
 */
export class AuditProofs {
  constructor(
    private readonly sql: SqlQuery,
    private readonly events: EventStore,
  ) {}

  async checkpoints(before: number | undefined, limit: number): Promise<CheckpointRow[]> {
    // Ordered by the column, not by its text output of the same name (which would call 9 the latest after 10).
    const rows = await this.sql.query<{ tree_size: string; root_hash: string; signed_at: Date; note: string }>(
      `SELECT tree_size::text, encode(root_hash, 'base64') AS root_hash, signed_at, note FROM audit_checkpoints
        ${before === undefined ? '' : 'WHERE tree_size < $2'} ORDER BY audit_checkpoints.tree_size DESC LIMIT $1`,
      before === undefined ? [limit] : [limit, before],
    );
    return rows.map((r) => ({ treeSize: Number(r.tree_size), rootHash: r.root_hash, signedAt: new Date(r.signed_at).toISOString(), note: r.note }));
  }

  async latestCheckpoint(): Promise<CheckpointRow | undefined> {
    return (await this.checkpoints(undefined, 1))[0];
  }

  /**
   * undefined: no such event of the ente in the tree, or not within the `treeSize` asked for. Asked for no tree size,
   * an event hashed after the latest signed checkpoint, or before the first, is `not-yet-signed`: it will be in the
   * next one (every AUDIT_CHECKPOINT_SECONDS), and there is no signed root to prove it against until then; a tree size
   * from its leaf index + 1 to the tree's size (`treeSize`) proves it against the tree as it is.
   */
  async inclusion(
    ente: string,
    eventId: string,
    treeSize?: number,
    /** Whether the reader may read an evaluation the NdV has not shared yet (the NdV may). */
    readsUnsharedEvaluations = false,
  ): Promise<
    | InclusionAnswer
    | { problem: 'beyond-tree'; treeSize: number }
    | { problem: 'not-yet-signed'; leafIndex: number; signedSize: number; treeSize: number }
    | undefined
  > {
    const [leaf] = await this.sql.query<{ leaf_index: string; leaf_hash: string; stream_id: string; revision: number; prev: string | null }>(
      `SELECT l.leaf_index::text, encode(l.leaf_hash, 'base64') AS leaf_hash, l.stream_id, l.revision, encode(p.leaf_hash, 'base64') AS prev
         FROM audit_leaves l LEFT JOIN audit_leaves p ON p.stream_id = l.stream_id AND p.revision = l.revision - 1
        WHERE l.event_id = $1 AND l.ente = $2`,
      [eventId, ente],
    );
    if (!leaf) return undefined;
    const { size: current } = await loadTree(this.sql);
    const leafIndex = Number(leaf.leaf_index);
    const size = treeSize ?? (await this.latestCheckpoint())?.treeSize ?? 0;
    if (size > current) return { problem: 'beyond-tree', treeSize: current };
    if (leafIndex >= size) return treeSize === undefined ? { problem: 'not-yet-signed', leafIndex, signedSize: size, treeSize: current } : undefined;
    const source = storedLeafSource(this.sql, current);
    const [proof, root, checkpoint, content] = await Promise.all([
      inclusionProof(source, leafIndex, size),
      treeRoot(source, size),
      this.sql.query<{ note: string }>(`SELECT note FROM audit_checkpoints WHERE tree_size = $1`, [size]),
      this.leafContent(eventId, leaf.stream_id, leaf.revision, leaf.prev),
    ]);
    const withheld = content?.unsharedEvaluation === true && !readsUnsharedEvaluations;
    return {
      eventId,
      leafIndex,
      leafHash: leaf.leaf_hash,
      leaf: withheld ? null : (content?.leaf ?? null),
      withheld,
      treeSize: size,
      rootHash: b64(root),
      proof: proof.map(b64),
      ...(checkpoint[0] ? { checkpoint: checkpoint[0].note } : {}),
    };
  }

  /**
   * The leaf object of the event the log holds at (stream, revision), with the previous leaf's hash as the tree
   * recorded it: given as it is, never checked here, so that a reader's own hash of it is what decides. Null when the
   * event there is not the one the leaf was made of, the stream is gone (an EventStoreDB stream deleted for good), or
   * the chain has no previous leaf to name. An unreachable store is not an answer: it fails the request (503).
   * `unsharedEvaluation`: the event is an evaluation no `EvaluationShared` follows in its stream.
   */
  private async leafContent(
    eventId: string,
    streamId: string,
    revision: number,
    prev: string | null,
  ): Promise<{ leaf: AuditLeaf; unsharedEvaluation: boolean } | null> {
    let tail: Awaited<ReturnType<EventStore['readStream']>>;
    try {
      tail = await this.events.readStream(streamId, revision);
    } catch (error) {
      if (error instanceof StoreUnavailable) throw error;
      return null;
    }
    const [event] = tail;
    if (!event || event.id !== eventId || event.revision !== revision) return null;
    if (revision > 0 && prev === null) return null;
    const unsharedEvaluation = event.type === 'ObjectiveEvaluated' && !tail.some((e) => e.type === 'EvaluationShared');
    return { leaf: auditLeaf(event, prev === null ? null : Buffer.from(prev, 'base64')), unsharedEvaluation };
  }

  async consistency(
    from: number,
    to: number,
  ): Promise<{ from: number; to: number; fromRoot: string; toRoot: string; proof: string[] } | { problem: 'beyond-tree'; treeSize: number }> {
    const { size: current } = await loadTree(this.sql);
    if (to > current) return { problem: 'beyond-tree', treeSize: current };
    const source = storedLeafSource(this.sql, current);
    const [proof, fromRoot, toRoot] = await Promise.all([consistencyProof(source, from, to), treeRoot(source, from), treeRoot(source, to)]);
    return { from, to, fromRoot: b64(fromRoot), toRoot: b64(toRoot), proof: proof.map(b64) };
  }
}
