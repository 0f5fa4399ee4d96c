import { LOG_START, type EventStore, type SqlQuery, type StoredEvent } from '@piao/event-store';
import { eventLeafHash, MerkleFrontier, openNote, parseCheckpoint } from '@piao/lifecycle';
import { AUDIT_HASHING } from '../hashing/audit-hashing.processor';

const PAGE = 1_000;

/** The first thing that does not match, named by its event (and its leaf, when it has one). */
export interface VerificationProblem {
  problem: 'content-changed' | 'missing-from-log' | 'not-in-tree' | 'parked' | 'stream-gap' | 'root-mismatch' | 'checkpoint-mismatch' | 'bad-signature';
  message: string;
  eventId?: string;
  streamId?: string;
  revision?: number;
  leafIndex?: number;
  treeSize?: number;
}

export interface VerificationReport {
  ok: boolean;
  /** Leaves recomputed from the log and found equal. */
  checked: number;
  /** Events of the log after the last leaf: not hashed yet (the processor's lag), not a problem. */
  notYetHashed: number;
  /** Signed checkpoints whose root the recomputed tree reproduced. */
  checkpointsMatched: number;
  treeSize: number;
  /** The root recomputed from the log, hex. */
  root: string;
  firstProblem?: VerificationProblem;
}

interface LeafRow {
  leaf_index: string | number;
  event_id: string;
  ente: string;
  stream_id: string;
  revision: number;
  leaf_hash: string;
}

/**
 * Re-checks the whole log against its tree, trusting neither: every event is hashed again from its content as the
 * log has it now (its stream's chain recomputed too), compared with its stored leaf, and the tree is rebuilt from the
 * recomputed leaves; at the size of each stored checkpoint the rebuilt root must be the checkpoint's. Stops at the
 * first event that does not match and names it:
 * - content-changed: the event's content (data, metadata, type, stream, revision, or its stream's earlier events) is
 *   not what was hashed;
 * - missing-from-log: a leaf's event is not where the log has it (deleted, or moved by a swap);
 * - not-in-tree: an event the log has before the last leaf was never hashed (inserted behind the processor's back);
 * - parked: the audit hashing parked the event (see the dead letters): it has no leaf, and the tree stops being the
 *   log's order there;
 * - stream-gap: a stream's revisions jump;
 * - checkpoint-mismatch / root-mismatch: the leaves match the log but not what was signed (a rewrite with recomputed
 *   hashes), or the stored tree (root, right edge) is not the log's;
 * - bad-signature: with `verifierKeys`, a stored checkpoint whose note is not signed by one of them or says another
 *   size, root or origin than its columns.
 * The tree's size is read first: leaves the processor adds while this runs are left for the next verification.
 */
export async function verifyLog(
  events: EventStore,
  sql: SqlQuery,
  options: { verifierKeys?: readonly string[]; origin?: string } = {},
): Promise<VerificationReport> {
  const stored = await sql.query<{ tree_size: string | number; root_hash: string; note: string }>(
    `SELECT tree_size, encode(root_hash, 'hex') AS root_hash, note FROM audit_checkpoints ORDER BY tree_size`,
  );
  // With the installation's verifier keys, a checkpoint counts only as its signed note says: the columns beside it
  // could have been rewritten by whoever can write the table.
  if (options.verifierKeys && options.verifierKeys.length > 0) {
    for (const row of stored) {
      const size = Number(row.tree_size);
      let signed: { size: number; root: string; origin: string };
      try {
        const checkpoint = parseCheckpoint(openNote(row.note, options.verifierKeys).text);
        signed = { size: Number(checkpoint.size), root: checkpoint.rootHash.toString('hex'), origin: checkpoint.origin };
      } catch (error) {
        return emptyReport({
          problem: 'bad-signature',
          message: `the checkpoint stored at size ${size} is not signed by a known key: ${(error as Error).message}`,
          treeSize: size,
        });
      }
      if (signed.size !== size || signed.root !== row.root_hash || (options.origin !== undefined && signed.origin !== options.origin))
        return emptyReport({ problem: 'bad-signature', message: `the checkpoint stored at size ${size} is not what its signed note says`, treeSize: size });
    }
  }
  const checkpoints = new Map(stored.map((r) => [Number(r.tree_size), r.root_hash]));
  const [tree] = await sql.query<{ size: string | number; root: string; frontier: string }>(
    `SELECT size, encode(root, 'hex') AS root, encode(frontier, 'hex') AS frontier FROM audit_tree`,
  );
  // The tree as it stood when the verification started: leaves added meanwhile (the processor keeps running) are left
  // for the next verification, as are the log's events after them.
  const storedSize = tree ? Number(tree.size) : 0;
  const parked = new Set(
    (
      await sql.query<{ event_id: string }>(`SELECT event_id::text FROM processor_dead_letters WHERE processor = $1 AND resolved_at IS NULL`, [AUDIT_HASHING])
    ).map((r) => r.event_id),
  );
  const frontier = new MerkleFrontier();
  const chains = new Map<string, { revision: number; hash: Buffer }>();
  let checkpointsMatched = 0;
  const report = (firstProblem?: VerificationProblem, notYetHashed = 0): VerificationReport => ({
    ok: !firstProblem,
    checked: frontier.size,
    notYetHashed,
    checkpointsMatched,
    treeSize: storedSize,
    root: frontier.root().toString('hex'),
    firstProblem,
  });

  let logPage: StoredEvent[] = [];
  let logAt = 0;
  let logAfter = LOG_START;
  const nextLogEvent = async (): Promise<StoredEvent | undefined> => {
    if (logAt >= logPage.length) {
      logPage = await events.readAll(logAfter, PAGE);
      logAt = 0;
      if (logPage.length === 0) return undefined;
      logAfter = logPage[logPage.length - 1].position;
    }
    return logPage[logAt++];
  };
  const hasLeaf = async (eventId: string) =>
    (await sql.query<{ leaf_index: string }>(`SELECT leaf_index FROM audit_leaves WHERE event_id = $1`, [eventId]))[0]?.leaf_index;

  let afterLeaf = -1;
  for (;;) {
    const leaves = await sql.query<LeafRow>(
      `SELECT leaf_index, event_id, ente, stream_id, revision, encode(leaf_hash, 'hex') AS leaf_hash FROM audit_leaves
        WHERE leaf_index > $1 AND leaf_index < $2 ORDER BY leaf_index LIMIT ${PAGE}`,
      [afterLeaf, storedSize],
    );
    if (leaves.length === 0) break;
    for (const leaf of leaves) {
      const leafIndex = Number(leaf.leaf_index);
      afterLeaf = leafIndex;
      const where = { eventId: leaf.event_id, streamId: leaf.stream_id, revision: leaf.revision, leafIndex };
      if (leafIndex !== frontier.size) return report({ problem: 'missing-from-log', message: `the tree has no leaf ${frontier.size}`, ...where });
      const event = await nextLogEvent();
      if (!event) return report({ problem: 'missing-from-log', message: `leaf ${leafIndex}: event ${leaf.event_id} is not in the log`, ...where });
      if (event.id !== leaf.event_id) {
        if (parked.has(event.id)) return report(parkedProblem(event));
        if ((await hasLeaf(event.id)) === undefined)
          return report({
            problem: 'not-in-tree',
            message: `event ${event.id} (${event.streamId}, revision ${event.revision}) is in the log before leaf ${leafIndex} but was never hashed`,
            eventId: event.id,
            streamId: event.streamId,
            revision: event.revision,
          });
        return report({
          problem: 'missing-from-log',
          message: `leaf ${leafIndex}: event ${leaf.event_id} (${leaf.stream_id}, revision ${leaf.revision}) is not where the log has it (deleted or moved)`,
          ...where,
        });
      }
      const chain = chains.get(event.streamId);
      const expectedRevision = chain ? chain.revision + 1 : 0;
      if (event.revision !== expectedRevision)
        return report({
          problem: 'stream-gap',
          message: `event ${event.id}: ${event.streamId} goes from revision ${expectedRevision - 1} to ${event.revision}`,
          ...where,
        });
      const recomputed = eventLeafHash(event, chain ? chain.hash : null);
      if (
        recomputed.toString('hex') !== leaf.leaf_hash ||
        leaf.stream_id !== event.streamId ||
        leaf.revision !== event.revision ||
        leaf.ente !== event.metadata.ente
      )
        return report({
          problem: 'content-changed',
          message: `event ${event.id} (${event.streamId}, revision ${event.revision}) does not match leaf ${leafIndex}: its content is not what was hashed`,
          ...where,
        });
      chains.set(event.streamId, { revision: event.revision, hash: recomputed });
      frontier.append(recomputed);
      const signed = checkpoints.get(frontier.size);
      if (signed !== undefined) {
        if (signed !== frontier.root().toString('hex'))
          return report({
            problem: 'checkpoint-mismatch',
            message: `the log's first ${frontier.size} events do not give the root of the checkpoint signed at that size`,
            treeSize: frontier.size,
            ...where,
          });
        checkpointsMatched += 1;
      }
    }
  }
  const beyond = [...checkpoints.keys()].filter((size) => size > frontier.size).sort((a, b) => a - b)[0];
  if (beyond !== undefined)
    return report({
      problem: 'checkpoint-mismatch',
      message: `a checkpoint was signed at size ${beyond}, but the tree has ${frontier.size} leaves`,
      treeSize: beyond,
    });
  if (
    frontier.size !== storedSize ||
    (tree && (tree.root !== frontier.root().toString('hex') || tree.frontier !== Buffer.concat(frontier.hashes).toString('hex')))
  )
    return report({
      problem: 'root-mismatch',
      message: `the stored tree (size ${storedSize}) is not the tree of the log's hashed events`,
      treeSize: storedSize,
    });
  let notYetHashed = 0;
  for (let event = await nextLogEvent(); event; event = await nextLogEvent()) {
    if (parked.has(event.id)) return report(parkedProblem(event));
    notYetHashed += 1;
  }
  return report(undefined, notYetHashed);
}

function parkedProblem(event: StoredEvent): VerificationProblem {
  return {
    problem: 'parked',
    message: `event ${event.id} (${event.streamId}, revision ${event.revision}) was parked by the audit hashing and has no leaf: see /admin/dead-letters`,
    eventId: event.id,
    streamId: event.streamId,
    revision: event.revision,
  };
}

function emptyReport(firstProblem: VerificationProblem): VerificationReport {
  return { ok: false, checked: 0, notYetHashed: 0, checkpointsMatched: 0, treeSize: 0, root: '', firstProblem };
}
