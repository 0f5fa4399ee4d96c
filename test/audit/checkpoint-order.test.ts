import { randomUUID } from 'node:crypto';
import { AUDIT_MIGRATIONS, AuditProofs, latestCheckpointSize, verifyScope, writeCheckpoint } from '@piao/audit';
import { generateNoteKey } from '@piao/lifecycle';
import { type Storage } from '@piao/storage';
import { hashTheLog, metadataOf } from '../support/processor-harness';
import { ADAPTERS, storageUnderTest, type StorageUnderTest } from '../support/storage-under-test';

/**
 * Checkpoints signed at 9, 10 and 100 leaves: the latest is the largest tree, not the largest text. The queries read
 * the size as text and once ordered by that text under the column's own name ("9" after "100"), so the API, the
 * verifier and the dossiers served the checkpoint of 9 leaves as the latest whenever the tree had grown past a power
 * of ten since an earlier one — seen as an audit test that failed only under load, when the signer's first tick
 * found 9 events rather than 30.
 */
describe.each(ADAPTERS.filter((kind) => kind !== 'eventstoredb'))('signed checkpoints in order of size on %s', (kind) => {
  let under: StorageUnderTest;
  let storage: Storage;
  const key = generateNoteKey('piao.test/audit');
  const stream = `objective-${randomUUID()}`;
  let revision = -1;

  beforeAll(async () => {
    under = await storageUnderTest(kind);
    storage = await under.open();
    await storage.sql.migrate(AUDIT_MIGRATIONS);
  });
  afterAll(async () => {
    await storage?.events.close();
    await under?.dispose();
  });

  /** Appends events up to `size` in the log, hashes them and signs the tree. */
  async function signAt(size: number): Promise<void> {
    while (revision + 1 < size) {
      revision += 1;
      const event = {
        id: randomUUID(),
        type: 'PhaseProgressRecorded',
        data: { phaseId: 'f1', progressPercent: revision % 100 },
        metadata: metadataOf('comune-a', 'dirigente'),
      };
      await storage.events.append(stream, [event], revision === 0 ? 'no-stream' : revision - 1);
    }
    await hashTheLog(storage);
    expect((await writeCheckpoint(storage.sql, { origin: 'piao.test/audit', signerKey: key.signerKey, now: new Date() })).treeSize).toBe(size);
  }

  it('the latest is the largest tree; pages go down by size; the verifier proves against the largest', async () => {
    for (const size of [9, 10, 100]) await signAt(size);
    const proofs = new AuditProofs(storage.sql, storage.events);
    expect(await latestCheckpointSize(storage.sql)).toBe(100);
    expect((await proofs.latestCheckpoint())?.treeSize).toBe(100);
    expect((await proofs.checkpoints(undefined, 10)).map((c) => c.treeSize)).toEqual([100, 10, 9]);
    expect((await proofs.checkpoints(100, 1)).map((c) => c.treeSize)).toEqual([10]);
    expect((await proofs.checkpoints(10, 10)).map((c) => c.treeSize)).toEqual([9]);
    const report = await verifyScope(storage.events, storage.sql, { streamId: stream }, { verifierKeys: [key.verifierKey] });
    expect(report).toMatchObject({ ok: true, checkpointSize: 100, checked: 100, proved: 100 });
  });
});
