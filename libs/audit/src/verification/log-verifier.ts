import { LOG_START, type EventStore, type SqlQuery, type StoredEvent } from '@piao/event-store';
import { eventLeafHash, MerkleFrontier } from '@piao/lifecycle';

const PAGE = 1_000;

/** The first thing that does not match, named by its event (and its leaf, when it has one). */
export interface VerificationProblem {
  problem: 'content-changed' | 'missing-from-log' | 'not-in-tree' | 'stream-gap' | 'root-mismatch' | 'checkpoint-mismatch';
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
 * - stream-gap: a stream's revisions jump;
 * - checkpoint-mismatch / root-mismatch: the leaves match the log but not what was signed (a rewrite with recomputed
 *   hashes).
 */
export async function verifyLog(events: EventStore, sql: SqlQuery): Promise<VerificationReport> {
  const checkpoints = new Map(
    (await sql.query<{ tree_size: string | number; root_hash: string }>(`SELECT tree_size, encode(root_hash, 'hex') AS root_hash FROM audit_checkpoints`)).map(
      (r) => [Number(r.tree_size), r.root_hash],
    ),
  );
  const [tree] = await sql.query<{ size: string | number; root: string }>(`SELECT size, encode(root, 'hex') AS root FROM audit_tree`);
  const storedSize = tree ? Number(tree.size) : 0;
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
      `SELECT leaf_index, event_id, stream_id, revision, encode(leaf_hash, 'hex') AS leaf_hash FROM audit_leaves
        WHERE leaf_index > $1 ORDER BY leaf_index LIMIT ${PAGE}`,
      [afterLeaf],
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
      if (recomputed.toString('hex') !== leaf.leaf_hash || leaf.stream_id !== event.streamId || leaf.revision !== event.revision)
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
  if (frontier.size !== storedSize || (tree && tree.root !== frontier.root().toString('hex')))
    return report({
      problem: 'root-mismatch',
      message: `the stored tree (size ${storedSize}) is not the tree of the log's hashed events`,
      treeSize: storedSize,
    });
  let notYetHashed = 0;
  while (await nextLogEvent()) notYetHashed += 1;
  return report(undefined, notYetHashed);
}
