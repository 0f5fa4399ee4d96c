import { type EventStore, type SqlQuery } from '@piao/event-store';
import { eventLeafHash, inclusionProof, openNote, parseCheckpoint, rootAroundLeaves, verifyInclusion } from '@piao/lifecycle';
import { loadTree, storedLeafSource, storedRangeHashes } from '../hashing/audit-tree-store';
import { type VerificationProblem } from './log-verifier';

export interface VerificationScope {
  /** Every stream of the ente that has leaves. */
  ente?: string;
  streamId?: string;
}

export interface ScopeVerificationReport {
  ok: boolean;
  scope: VerificationScope;
  streams: number;
  /** Leaves recomputed from the stream's events and found equal. */
  checked: number;
  /** Of those, the ones proved included in the latest signed checkpoint's tree (the others came after it). */
  proved: number;
  /** The signed checkpoint the leaves were proved against; null before the first. */
  checkpointSize: number | null;
  /** Events of the streams after their last leaf: not hashed yet. */
  notYetHashed: number;
  firstProblem?: VerificationProblem;
}

interface LeafRow {
  leaf_index: string;
  event_id: string;
  revision: number;
  ente: string;
  leaf_hash: Buffer | Uint8Array;
}

/**
 * Re-checks one stream, or every stream of an ente, without reading the rest of the log: each event of the stream is
 * hashed again from its content (with its stream's chain), compared with its leaf, and proved included (RFC 6962)
 * in the tree of the latest signed checkpoint, whose root comes from its note (checked against `verifierKeys` when
 * given). The leaves are proved together, up to PROVE_BATCH at a time: the signed root is computed from them and the
 * stored hashes of the ranges between them (`rootAroundLeaves`), which an ente of tens of thousands of events needs
 * seconds for where a proof per event took minutes; only when that root differs is each leaf proved alone, to name
 * the first that does not lead to it. Where `verifyLog` proves the whole log consistent with the tree, this proves one part of it consistent with
 * what was signed; it is what an audit of one objective or one ente needs, in time proportional to that part.
 * Streams are taken in the order of their first leaf; the first problem found is named.
 */
export async function verifyScope(
  events: EventStore,
  sql: SqlQuery,
  scope: VerificationScope,
  options: { verifierKeys?: readonly string[] } = {},
): Promise<ScopeVerificationReport> {
  const report: ScopeVerificationReport = { ok: true, scope, streams: 0, checked: 0, proved: 0, checkpointSize: null, notYetHashed: 0 };
  const fail = (problem: VerificationProblem) => ({ ...report, ok: false, firstProblem: problem });

  // Ordered by the column, not by its text output of the same name (which would call 9 the latest after 10).
  const [checkpoint] = await sql.query<{ tree_size: string; root_hash: Buffer | Uint8Array; note: string }>(
    `SELECT tree_size::text, root_hash, note FROM audit_checkpoints ORDER BY audit_checkpoints.tree_size DESC LIMIT 1`,
  );
  let signedRoot: Buffer | undefined;
  if (checkpoint) {
    const size = Number(checkpoint.tree_size);
    let body: string;
    try {
      body = options.verifierKeys && options.verifierKeys.length > 0 ? openNote(checkpoint.note, options.verifierKeys).text : noteBody(checkpoint.note);
    } catch (error) {
      return fail({ problem: 'bad-signature', message: `the checkpoint of size ${size}: ${(error as Error).message}`, treeSize: size });
    }
    const signed = parseCheckpoint(body);
    if (Number(signed.size) !== size || !signed.rootHash.equals(Buffer.from(checkpoint.root_hash))) {
      return fail({ problem: 'bad-signature', message: `the checkpoint stored for size ${size} is not what its note says`, treeSize: size });
    }
    report.checkpointSize = size;
    signedRoot = signed.rootHash;
  }
  const { size: treeSize } = await loadTree(sql);
  const source = storedLeafSource(sql, treeSize);
  // The leaves checked and not yet proved against the signed root: proved together, a batch at a time.
  let pending: PendingLeaf[] = [];
  const prove = async (): Promise<VerificationProblem | undefined> => {
    const batch = pending;
    pending = [];
    if (!signedRoot || batch.length === 0) return undefined;
    const size = report.checkpointSize!;
    const known = new Map(batch.map((leaf) => [leaf.where.leafIndex, leaf.hash]));
    const root = await rootAroundLeaves(known, size, (ranges) => storedRangeHashes(sql, ranges));
    if (root.equals(signedRoot)) {
      report.proved += batch.length;
      return undefined;
    }
    // Some leaf does not lead to the signed root: proved one by one, in order, to name the first. The report then
    // counts what it counted when that leaf was checked, as if the leaves had been proved one at a time.
    for (const leaf of batch) {
      const proof = await inclusionProof(source, leaf.where.leafIndex, size);
      if (!verifyInclusion(leaf.hash, leaf.where.leafIndex, size, proof, signedRoot)) {
        Object.assign(report, leaf.counted);
        return {
          problem: 'checkpoint-mismatch',
          message: `event ${leaf.where.eventId} does not lead to the root signed at size ${size}`,
          ...leaf.where,
          treeSize: size,
        };
      }
      report.proved += 1;
    }
    const first = batch[0];
    Object.assign(report, first.counted);
    return {
      problem: 'checkpoint-mismatch',
      message: `the leaves from event ${first.where.eventId} on do not lead to the root signed at size ${size}`,
      ...first.where,
      treeSize: size,
    };
  };
  // A problem found in the content is named after any found in the leaves checked before it.
  const failAfterProving = async (problem: VerificationProblem) => fail((await prove()) ?? problem);

  const streams = scope.streamId
    ? [scope.streamId]
    : (
        await sql.query<{ stream_id: string }>(`SELECT stream_id FROM audit_leaves WHERE ente = $1 GROUP BY stream_id ORDER BY min(leaf_index)`, [
          scope.ente ?? '',
        ])
      ).map((r) => r.stream_id);

  for (const streamId of streams) {
    report.streams += 1;
    const logged = await events.readStream(streamId);
    const leaves = await sql.query<LeafRow>(
      `SELECT leaf_index::text, event_id, revision, ente, leaf_hash FROM audit_leaves WHERE stream_id = $1 ORDER BY revision`,
      [streamId],
    );
    let previous: Buffer | null = null;
    for (const [expected, leaf] of leaves.entries()) {
      const leafIndex = Number(leaf.leaf_index);
      const where = { streamId, revision: leaf.revision, eventId: leaf.event_id, leafIndex };
      if (scope.ente && leaf.ente !== scope.ente)
        return failAfterProving({ problem: 'content-changed', message: `the leaf of ${leaf.event_id} names another ente`, ...where });
      if (leaf.revision !== expected) return failAfterProving({ problem: 'stream-gap', message: `${streamId} has no leaf for revision ${expected}`, ...where });
      const event = logged[leaf.revision];
      if (!event || event.id !== leaf.event_id) {
        return failAfterProving({
          problem: 'missing-from-log',
          message: `event ${leaf.event_id} is not at revision ${leaf.revision} of ${streamId}`,
          ...where,
        });
      }
      const recomputed = eventLeafHash(event, previous);
      if (!recomputed.equals(Buffer.from(leaf.leaf_hash))) {
        return failAfterProving({ problem: 'content-changed', message: `event ${event.id} is not what was hashed`, ...where });
      }
      if (signedRoot && leafIndex < report.checkpointSize!) {
        const { streams: streamsSoFar, checked, proved, notYetHashed } = report;
        pending.push({ hash: recomputed, where, counted: { streams: streamsSoFar, checked, proved: proved + pending.length, notYetHashed } });
      }
      report.checked += 1;
      previous = recomputed;
    }
    report.notYetHashed += Math.max(0, logged.length - leaves.length);
    if (pending.length >= PROVE_BATCH) {
      const problem = await prove();
      if (problem) return fail(problem);
    }
  }
  const problem = await prove();
  return problem ? fail(problem) : report;
}

/** Leaves proved against the signed root together (an ente's are proved a batch at a time). */
const PROVE_BATCH = 20_000;

interface PendingLeaf {
  hash: Buffer;
  where: { streamId: string; revision: number; eventId: string; leafIndex: number };
  /** The report's counts when the leaf was checked, before it. */
  counted: Pick<ScopeVerificationReport, 'streams' | 'checked' | 'proved' | 'notYetHashed'>;
}

/** The note's text (checkpoint body) without its signatures, when no verifier key is at hand. */
function noteBody(note: string): string {
  const split = note.lastIndexOf('\n\n');
  return split < 0 ? note : note.slice(0, split + 1);
}
