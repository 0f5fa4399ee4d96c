import { type SqlQuery } from '@piao/event-store';
import { checkpointBody, signNote, type NoteSignerKey } from '@piao/lifecycle';
import { loadTree } from '../hashing/audit-tree-store';

export interface SignedCheckpoint {
  treeSize: number;
  rootHash: Buffer;
  /** The C2SP tlog-checkpoint, signed as a C2SP signed note. */
  note: string;
}

/**
 * Signs the tree as it stands (origin, size, root) with the installation's Ed25519 signer key and stores the note.
 * A size already signed is not signed again: its stored note is returned, so signing twice in a row is harmless.
 */
export async function writeCheckpoint(sql: SqlQuery, options: { origin: string; signerKey: string | NoteSignerKey; now: Date }): Promise<SignedCheckpoint> {
  const { size, root } = await loadTree(sql);
  const note = signNote(checkpointBody({ origin: options.origin, size, rootHash: root }), options.signerKey);
  await sql.query(
    `INSERT INTO audit_checkpoints (tree_size, root_hash, origin, note, signed_at) VALUES ($1, decode($2, 'hex'), $3, $4, $5)
     ON CONFLICT (tree_size) DO NOTHING`,
    [size, root.toString('hex'), options.origin, note, options.now],
  );
  const [stored] = await sql.query<{ note: string; root_hash: string }>(
    `SELECT note, encode(root_hash, 'hex') AS root_hash FROM audit_checkpoints WHERE tree_size = $1`,
    [size],
  );
  return { treeSize: size, rootHash: Buffer.from(stored.root_hash, 'hex'), note: stored.note };
}

/** The size of the latest signed checkpoint (0 before the first). */
export async function latestCheckpointSize(sql: SqlQuery): Promise<number> {
  const [row] = await sql.query<{ size: string | number | null }>(`SELECT max(tree_size) AS size FROM audit_checkpoints`);
  return Number(row?.size ?? 0);
}
