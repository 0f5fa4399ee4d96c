import { type Processor } from '@piao/application';
import { type SqlQuery, type StoredEvent } from '@piao/event-store';
import { eventLeafHash, type CompletedSubtree } from '@piao/lifecycle';
import { chainKey, insertLeaves, insertSubtrees, leafHashesOf, loadTree, saveTree, type LeafRow } from './audit-tree-store';

export const AUDIT_HASHING = 'audit-hashing';

/**
 * The tamper-evident log as a processor: each event, in the log's order, is hashed over its RFC 8785 canonical JSON
 * with the leaf hash of the previous event of its stream inside (a chain per stream), and appended as the next leaf
 * of one RFC 6962 Merkle tree over the whole log. Leaves, the subtrees they complete, and the tree's new right edge
 * are written in the transaction that moves the checkpoint: the tree is always exactly the events up to it.
 *
 * An event whose previous event has no leaf (it was parked as poison) fails, and is parked in turn with the rest of
 * its stream held back: a stream's chain is never built over a gap. `verify` then names what the tree lacks.
 */
export class AuditHashingProcessor implements Processor {
  readonly name = AUDIT_HASHING;
  readonly mode = 'transactional';
  readonly batchSize = 1_000;
  /** A parked event replayed later would become a leaf out of the log's order. */
  readonly replayable = false;

  async handle(events: StoredEvent[], tx?: SqlQuery): Promise<void> {
    if (!tx) throw new Error('the audit hashes are written inside the checkpoint’s transaction');
    if (events.length === 0) return;
    const { frontier } = await loadTree(tx);
    const previous = await leafHashesOf(
      tx,
      events.filter((e) => e.revision > 0).map((e) => ({ streamId: e.streamId, revision: e.revision - 1 })),
    );
    const leaves: LeafRow[] = [];
    const subtrees: CompletedSubtree[] = [];
    for (const event of events) {
      const prev = event.revision === 0 ? null : previous.get(chainKey(event.streamId, event.revision - 1));
      if (prev === undefined) throw new Error(`event ${event.id}: the previous event of ${event.streamId} (revision ${event.revision - 1}) has no leaf`);
      const leafHash = eventLeafHash(event, prev);
      subtrees.push(...frontier.append(leafHash));
      leaves.push({ leafIndex: frontier.size - 1, eventId: event.id, ente: event.metadata.ente, streamId: event.streamId, revision: event.revision, leafHash });
      previous.set(chainKey(event.streamId, event.revision), leafHash);
    }
    await insertLeaves(tx, leaves);
    await insertSubtrees(tx, subtrees);
    await saveTree(tx, frontier);
  }
}
