import { randomUUID } from 'node:crypto';
import { AUDIT_MIGRATIONS, loadTree, storedLeafSource, verifyLog } from '@piao/audit';
import { inclusionProof, rootOf, verifyInclusion } from '@piao/lifecycle';
import { type Storage } from '@piao/storage';
import { hashTheLog, metadataOf } from '../support/processor-harness';
import { ADAPTERS, storageUnderTest, type StorageUnderTest } from '../support/storage-under-test';

/**
 * The audit hashing on every adapter (PostgreSQL, the embedded default's PGlite in memory, and EventStoreDB when
 * EVENTSTORE_CONNECTION_STRING names a server, with its SQL database beside it): 300 events over 30 streams of two
 * enti, hashed in batches of the processor's size as they arrive; the tree it keeps (right edge, stored subtrees) gives
 * the same root as one computed from all its leaves at once, its proofs verify, and the log verifies.
 */
describe.each(ADAPTERS)('audit hashing on %s', (kind) => {
  let under: StorageUnderTest;
  let storage: Storage;

  beforeAll(async () => {
    under = await storageUnderTest(kind);
    storage = await under.open();
    await storage.sql.migrate(AUDIT_MIGRATIONS);
  });
  afterAll(async () => {
    await storage?.events.close();
    // With EventStoreDB the SQL database beside it is a client of its own.
    if (kind === 'eventstoredb') await storage?.sql.close();
    await under?.dispose();
  });

  const hash = async () => {
    await hashTheLog(storage);
  };

  it('hashes what arrives, keeps one tree, and its proofs verify', async () => {
    const streams = Array.from({ length: 30 }, (_, i) => ({ id: `objective-${randomUUID()}`, ente: i % 2 ? 'comune-a' : 'comune-b', revision: -1 }));
    for (let round = 0; round < 10; round++) {
      for (const stream of streams) {
        await storage.events.append(
          stream.id,
          [
            {
              id: randomUUID(),
              type: 'PhaseProgressRecorded',
              data: { phaseId: 'f1', progressPercent: round * 10, nota: 'città è ✓' },
              metadata: metadataOf(stream.ente, 'dirigente'),
            },
          ],
          stream.revision === -1 ? 'no-stream' : stream.revision,
        );
        stream.revision += 1;
      }
      if (round % 3 === 0) await hash(); // hashed in several runs, as the processor would between appends
    }
    await hash();
    const tree = await loadTree(storage.sql);
    expect(tree.size).toBe(300);
    const leaves = await storage.sql.query<{ leaf_hash: string }>(`SELECT encode(leaf_hash, 'hex') AS leaf_hash FROM audit_leaves ORDER BY leaf_index`);
    const hashes = leaves.map((l) => Buffer.from(l.leaf_hash, 'hex'));
    expect(tree.root.equals(rootOf(hashes))).toBe(true);
    const [{ n }] = await storage.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_subtrees`);
    expect(n).toBe(Math.floor(300 / 16) + Math.floor(300 / 32) + Math.floor(300 / 64) + Math.floor(300 / 128) + Math.floor(300 / 256));
    const source = storedLeafSource(storage.sql, tree.size);
    for (const index of [0, 1, 17, 150, 255, 256, 299]) {
      const proof = await inclusionProof(source, index, tree.size);
      expect(verifyInclusion(hashes[index], index, tree.size, proof, tree.root)).toBe(true);
      expect(verifyInclusion(hashes[(index + 1) % 300], index, tree.size, proof, tree.root)).toBe(false);
    }
    expect(await verifyLog(storage.events, storage.sql)).toMatchObject({ ok: true, checked: 300, notYetHashed: 0 });
  });
});
