import {
  alignedSubtrees,
  HASH_BYTES,
  MerkleFrontier,
  rangeHashFromSubtrees,
  rootOf,
  type CompletedSubtree,
  type LeafHashSource,
  type LeafRange,
} from '@piao/lifecycle';
import { type SqlQuery } from '@piao/event-store';

/** Subtrees of 2^level leaves from this level up are stored; smaller ones are hashed again from their leaves. */
export const STORED_SUBTREE_MIN_LEVEL = 4;

export interface TreeState {
  size: number;
  frontier: MerkleFrontier;
  root: Buffer;
}

export interface LeafRow {
  leafIndex: number;
  eventId: string;
  ente: string;
  streamId: string;
  revision: number;
  leafHash: Buffer;
}

/** The tree as the audit-hashing processor left it (empty before its first batch). */
export async function loadTree(sql: SqlQuery): Promise<TreeState> {
  const [row] = await sql.query<{ size: string | number; frontier: string }>(`SELECT size, encode(frontier, 'hex') AS frontier FROM audit_tree`);
  const size = row ? Number(row.size) : 0;
  const bytes = Buffer.from(row?.frontier ?? '', 'hex');
  const hashes: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += HASH_BYTES) hashes.push(bytes.subarray(at, at + HASH_BYTES));
  const frontier = new MerkleFrontier(size, hashes);
  return { size, frontier, root: frontier.root() };
}

export async function saveTree(sql: SqlQuery, frontier: MerkleFrontier): Promise<void> {
  await sql.query(
    `INSERT INTO audit_tree (singleton, size, frontier, root) VALUES (true, $1, decode($2, 'hex'), decode($3, 'hex'))
     ON CONFLICT (singleton) DO UPDATE SET size = excluded.size, frontier = excluded.frontier, root = excluded.root`,
    [frontier.size, Buffer.concat(frontier.hashes).toString('hex'), frontier.root().toString('hex')],
  );
}

export async function insertLeaves(sql: SqlQuery, leaves: readonly LeafRow[]): Promise<void> {
  if (leaves.length === 0) return;
  await sql.query(
    `INSERT INTO audit_leaves (leaf_index, event_id, ente, stream_id, revision, leaf_hash)
     SELECT i, e, n, s, r, decode(h, 'hex') FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[]) AS q(i, e, n, s, r, h)`,
    [
      leaves.map((l) => l.leafIndex),
      leaves.map((l) => l.eventId),
      leaves.map((l) => l.ente),
      leaves.map((l) => l.streamId),
      leaves.map((l) => l.revision),
      leaves.map((l) => l.leafHash.toString('hex')),
    ],
  );
}

export async function insertSubtrees(sql: SqlQuery, subtrees: readonly CompletedSubtree[]): Promise<void> {
  const kept = subtrees.filter((s) => s.level >= STORED_SUBTREE_MIN_LEVEL);
  if (kept.length === 0) return;
  await sql.query(
    `INSERT INTO audit_subtrees (level, idx, hash)
     SELECT l, i, decode(h, 'hex') FROM unnest($1::smallint[], $2::bigint[], $3::text[]) AS q(l, i, h)`,
    [kept.map((s) => s.level), kept.map((s) => s.index), kept.map((s) => s.hash.toString('hex'))],
  );
}

/** How an event's place in its stream's chain is looked up (the key of `leafHashesOf`'s map). */
export const chainKey = (streamId: string, revision: number): string => `${revision}@${streamId}`;

/** The leaf hashes of the given (stream, revision) pairs that are in the tree, by `chainKey`. */
export async function leafHashesOf(sql: SqlQuery, keys: readonly { streamId: string; revision: number }[]): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  if (keys.length === 0) return found;
  const rows = await sql.query<{ stream_id: string; revision: number; leaf_hash: string }>(
    `SELECT a.stream_id, a.revision, encode(a.leaf_hash, 'hex') AS leaf_hash
       FROM audit_leaves a JOIN unnest($1::text[], $2::int[]) AS q(s, r) ON a.stream_id = q.s AND a.revision = q.r`,
    [keys.map((k) => k.streamId), keys.map((k) => k.revision)],
  );
  for (const row of rows) found.set(chainKey(row.stream_id, row.revision), Buffer.from(row.leaf_hash, 'hex'));
  return found;
}

/**
 * The stored tree as a source of leaf hashes for proofs: a complete aligned subtree of 2^4 leaves or more is one row
 * of audit_subtrees; a smaller one is hashed from its leaves (at most 15 rows).
 */
export function storedLeafSource(sql: SqlQuery, size: number): LeafHashSource {
  const leavesBetween = async (start: number, end: number): Promise<Buffer[]> => {
    const rows = await sql.query<{ leaf_hash: string }>(
      `SELECT encode(leaf_hash, 'hex') AS leaf_hash FROM audit_leaves WHERE leaf_index >= $1 AND leaf_index < $2 ORDER BY leaf_index`,
      [start, end],
    );
    if (rows.length !== end - start) throw new Error(`the tree lacks leaves between ${start} and ${end}`);
    return rows.map((r) => Buffer.from(r.leaf_hash, 'hex'));
  };
  return {
    size,
    async leaf(index: number) {
      return (await leavesBetween(index, index + 1))[0];
    },
    async subtree(start: number, end: number) {
      const width = end - start;
      const level = Math.log2(width);
      if (!Number.isInteger(level) || start % width !== 0) return undefined;
      if (level >= STORED_SUBTREE_MIN_LEVEL) {
        const [row] = await sql.query<{ hash: string }>(`SELECT encode(hash, 'hex') AS hash FROM audit_subtrees WHERE level = $1 AND idx = $2`, [
          level,
          start / width,
        ]);
        if (row) return Buffer.from(row.hash, 'hex');
      }
      return rootOf(await leavesBetween(start, end));
    },
  };
}

/** Rows asked for in one statement by `storedRangeHashes`. */
const RANGE_BATCH = 5_000;

/**
 * The hashes of many ranges of the stored tree at once (for `rootAroundLeaves`): each range's aligned subtrees are
 * read in batches, those of 2^4 leaves or more from audit_subtrees, smaller ones hashed from their leaves. A subtree the
 * store lacks (it should not) is hashed from its leaves.
 */
export async function storedRangeHashes(sql: SqlQuery, ranges: readonly LeafRange[]): Promise<Buffer[]> {
  const pieces = ranges.map(([start, end]) => alignedSubtrees(start, end));
  const stored = new Map<string, Buffer>();
  const leaves = new Map<number, Buffer>();
  const keyOf = (level: number, idx: number) => `${level}:${idx}`;
  const wantedSubtrees: { level: number; idx: number }[] = [];
  const wantedLeaves: number[] = [];
  for (const [start, end] of pieces.flat()) {
    const width = end - start;
    const level = Math.log2(width);
    if (level >= STORED_SUBTREE_MIN_LEVEL) wantedSubtrees.push({ level, idx: start / width });
    else for (let i = start; i < end; i++) wantedLeaves.push(i);
  }
  for (let from = 0; from < wantedSubtrees.length; from += RANGE_BATCH) {
    const batch = wantedSubtrees.slice(from, from + RANGE_BATCH);
    const rows = await sql.query<{ level: number; idx: string; hash: string }>(
      `SELECT s.level, s.idx::text AS idx, encode(s.hash, 'hex') AS hash
         FROM audit_subtrees s JOIN unnest($1::smallint[], $2::bigint[]) AS w(level, idx) ON s.level = w.level AND s.idx = w.idx`,
      [batch.map((w) => w.level), batch.map((w) => w.idx)],
    );
    for (const row of rows) stored.set(keyOf(row.level, Number(row.idx)), Buffer.from(row.hash, 'hex'));
  }
  for (let from = 0; from < wantedLeaves.length; from += RANGE_BATCH) {
    const rows = await sql.query<{ leaf_index: string; leaf_hash: string }>(
      `SELECT leaf_index::text, encode(leaf_hash, 'hex') AS leaf_hash FROM audit_leaves WHERE leaf_index = ANY($1::bigint[])`,
      [wantedLeaves.slice(from, from + RANGE_BATCH)],
    );
    for (const row of rows) leaves.set(Number(row.leaf_index), Buffer.from(row.leaf_hash, 'hex'));
  }
  const fallback = storedLeafSource(sql, Number.MAX_SAFE_INTEGER);
  const subtreeHash = async ([start, end]: LeafRange): Promise<Buffer> => {
    const width = end - start;
    const level = Math.log2(width);
    if (level >= STORED_SUBTREE_MIN_LEVEL) return stored.get(keyOf(level, start / width)) ?? Buffer.from((await fallback.subtree!(start, end))!);
    const hashes: Buffer[] = [];
    for (let i = start; i < end; i++) {
      const leaf = leaves.get(i);
      if (!leaf) throw new Error(`the tree lacks the leaf ${i}`);
      hashes.push(leaf);
    }
    return rootOf(hashes);
  };
  const result: Buffer[] = [];
  for (const [i, [start, end]] of ranges.entries()) {
    const hashes: Buffer[] = [];
    for (const subtree of pieces[i]) hashes.push(await subtreeHash(subtree));
    result.push(rangeHashFromSubtrees(start, end, hashes));
  }
  return result;
}
