import { createHash } from 'node:crypto';

/**
 * The Merkle tree of RFC 6962 (Certificate Transparency), as RFC 9162 §2.1 restates it, over SHA-256: the audit log's
 * leaves are hashed into one tree whose root at any size commits to every leaf before it. Inclusion proofs show a
 * leaf is in a tree of a given size; consistency proofs show a larger tree only appended to a smaller one.
 *
 * Leaf and node hashes are domain-separated (0x00 and 0x01 prefixes) so that a leaf can never pass for an inner node.
 * Sizes and indices are plain numbers: every computation here is exact up to Number.MAX_SAFE_INTEGER (no 32-bit
 * bitwise operators), far beyond any log this tree will hold.
 */

/** Bytes of a SHA-256 hash: every leaf hash, node hash, root and proof element. */
export const HASH_BYTES = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** MTH({}) = SHA-256 of the empty string. Kept private: the exported copy is a Buffer, which a caller could write to. */
const EMPTY = createHash('sha256').digest();

/** The root of the empty tree (RFC 6962 §2.1). A copy: writing to it changes nothing here. */
export const EMPTY_ROOT: Buffer = Buffer.from(EMPTY);

/** SHA-256(0x00 || input): the hash of one leaf of the tree. */
export function leafHash(leafInput: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(leafInput).digest();
}

/** SHA-256(0x01 || left || right): the hash of an inner node. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/**
 * The leaf hashes of a tree that need not be in memory (the audit store's rows). `subtree` may answer the hash of a
 * complete, aligned subtree [start, end) — end − start a power of two of at least 2, start a multiple of it — from a
 * cache, so that a root or proof over a large tree reads O(log n) hashes instead of every leaf; `undefined` means
 * "not cached", and the subtree is then hashed from its halves. A complete subtree never changes once its last leaf
 * is in, so a cached hash stays valid for every later tree size.
 */
export interface LeafHashSource {
  /** Leaves available: every size asked of the source must be at most this. */
  size: number;
  leaf(index: number): Promise<Uint8Array> | Uint8Array;
  subtree?(start: number, end: number): Promise<Uint8Array | undefined> | Uint8Array | undefined;
}

/** A half-open range of leaves [start, end) whose MTH is one element of a proof. */
export type LeafRange = readonly [start: number, end: number];

/** The largest power of two strictly smaller than n (n ≥ 2): where RFC 6962 splits a tree of n leaves. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

function isSize(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_BYTES;
}

function sameBytes(a: unknown, b: unknown): boolean {
  return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.compare(a, b) === 0;
}

/** A hash that came from outside (a caller, a store), checked and copied so that nothing outside can change it later. */
function ownHash(value: unknown, what: string): Buffer {
  if (!isHash(value)) throw new RangeError(`${what} is not a ${HASH_BYTES}-byte hash`);
  return Buffer.from(value);
}

function requireSize(n: number, what: string): void {
  if (!isSize(n)) throw new RangeError(`${what} must be a non-negative safe integer, not ${n}`);
}

/**
 * The ranges whose MTHs make PATH(index, D[0:size]) (RFC 6962 §2.1.1), from the leaf up. Walking down from the root,
 * each split leaves the sibling of the side holding the leaf; the RFC lists them deepest first, hence the reverse.
 */
function inclusionRanges(index: number, size: number): LeafRange[] {
  const ranges: LeafRange[] = [];
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const middle = start + splitPoint(end - start);
    if (index < middle) {
      ranges.push([middle, end]);
      end = middle;
    } else {
      ranges.push([start, middle]);
      start = middle;
    }
  }
  return ranges.reverse();
}

/**
 * The ranges whose MTHs make PROOF(oldSize, D[0:newSize]) = SUBPROOF(oldSize, D[0:newSize], true) (RFC 6962 §2.1.2),
 * deepest first. `known` is the RFC's b: while the walk stays on the left edge, the old tree's subtree there is the
 * old root itself, which the verifier already has, so it is left out.
 */
function consistencyRanges(oldSize: number, newSize: number): LeafRange[] {
  const ranges: LeafRange[] = [];
  let start = 0;
  let end = newSize;
  let known = true;
  while (oldSize !== end) {
    const middle = start + splitPoint(end - start);
    if (oldSize <= middle) {
      ranges.push([middle, end]);
      end = middle;
    } else {
      ranges.push([start, middle]);
      start = middle;
      known = false;
    }
  }
  if (!known) ranges.push([start, end]);
  return ranges.reverse();
}

/**
 * MTH(D[start:end]) from an array. Every range RFC 6962's recursion reaches whose width is a power of two is aligned
 * on it (the left part of a split is, and so is the right part, which starts at a multiple of the split), which is
 * what lets the asynchronous version below ask the source's cache for it.
 */
function rangeHashOf(leafHashes: readonly Uint8Array[], start: number, end: number): Buffer {
  if (end - start === 1) return ownHash(leafHashes[start], `leaf hash ${start}`);
  const middle = start + splitPoint(end - start);
  return nodeHash(rangeHashOf(leafHashes, start, middle), rangeHashOf(leafHashes, middle, end));
}

async function rangeHash(source: LeafHashSource, start: number, end: number): Promise<Buffer> {
  const width = end - start;
  if (width === 1) return ownHash(await source.leaf(start), `the leaf hash at ${start}`);
  if (source.subtree && isPowerOfTwo(width) && start % width === 0) {
    const cached = await source.subtree(start, end);
    if (cached !== undefined) return ownHash(cached, `the subtree hash of [${start}, ${end})`);
  }
  const middle = start + splitPoint(width);
  // One after the other: a store reading rows should not be asked for the whole tree at once.
  const left = await rangeHash(source, start, middle);
  return nodeHash(left, await rangeHash(source, middle, end));
}

function checkTreeSize(available: number, size: number): void {
  requireSize(size, 'the tree size');
  if (size > available) throw new RangeError(`a tree of ${size} leaves asked of a source holding ${available}`);
}

function checkInclusion(index: number, size: number): void {
  requireSize(index, 'the leaf index');
  if (index >= size) throw new RangeError(`leaf ${index} is not in a tree of ${size} leaves`);
}

/** Consistency proofs exist only for 0 < oldSize ≤ newSize: the empty tree commits to nothing, so there is nothing to prove. */
function checkConsistency(oldSize: number, newSize: number): void {
  requireSize(oldSize, 'the old tree size');
  if (oldSize === 0 || oldSize > newSize) throw new RangeError(`no consistency proof from ${oldSize} to ${newSize} leaves (it needs 0 < old ≤ new)`);
}

/** MTH(D[n]) of RFC 6962 §2.1 over leaf hashes in memory: n − 1 node hashes. */
export function rootOf(leafHashes: readonly Uint8Array[]): Buffer {
  return leafHashes.length === 0 ? Buffer.from(EMPTY) : rangeHashOf(leafHashes, 0, leafHashes.length);
}

/** PATH(index, D[0:size]) (RFC 6962 §2.1.1) over leaf hashes in memory, from the leaf's sibling up. */
export function inclusionProofOf(leafHashes: readonly Uint8Array[], index: number, size: number = leafHashes.length): Buffer[] {
  checkTreeSize(leafHashes.length, size);
  checkInclusion(index, size);
  return inclusionRanges(index, size).map(([start, end]) => rangeHashOf(leafHashes, start, end));
}

/** PROOF(oldSize, D[0:newSize]) (RFC 6962 §2.1.2) over leaf hashes in memory; empty when the sizes are equal. */
export function consistencyProofOf(leafHashes: readonly Uint8Array[], oldSize: number, newSize: number = leafHashes.length): Buffer[] {
  checkTreeSize(leafHashes.length, newSize);
  checkConsistency(oldSize, newSize);
  return consistencyRanges(oldSize, newSize).map(([start, end]) => rangeHashOf(leafHashes, start, end));
}

/** The root of the tree of the first `size` leaves of the source. */
export async function treeRoot(source: LeafHashSource, size: number = source.size): Promise<Buffer> {
  checkTreeSize(source.size, size);
  return size === 0 ? Buffer.from(EMPTY) : rangeHash(source, 0, size);
}

/**
 * MTH(D[0:size]) where the hashes of some leaves are known (`known`: leaf index → leaf hash, every index below `size`):
 * each range of leaves that holds none of them is one hash asked of `rangeHashes`, all in one call, in the order of
 * the tree from left to right. Compared with a signed root, it proves every known leaf included at its index as an
 * inclusion proof of each would, but it reads O(k·log(n/k)) hashes for k leaves spread over n, in one batch, where k
 * proofs read O(k·log n), one after the other.
 */
export async function rootAroundLeaves(
  known: ReadonlyMap<number, Uint8Array>,
  size: number,
  rangeHashes: (ranges: readonly LeafRange[]) => Promise<readonly Uint8Array[]>,
): Promise<Buffer> {
  requireSize(size, 'the tree size');
  const indices = [...known.keys()].sort((a, b) => a - b);
  for (const index of indices) checkInclusion(index, size);
  if (size === 0) return Buffer.from(EMPTY);
  // The first of indices[lo, hi) at or after `at`.
  const firstFrom = (at: number, lo: number, hi: number) => {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (indices[mid] < at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  // The same walk twice: once to list the ranges without a known leaf, once to combine their hashes with the leaves'.
  const needed: LeafRange[] = [];
  const collect = (start: number, end: number, lo: number, hi: number): void => {
    if (lo === hi) needed.push([start, end]);
    else if (end - start > 1) {
      const middle = start + splitPoint(end - start);
      const cut = firstFrom(middle, lo, hi);
      collect(start, middle, lo, cut);
      collect(middle, end, cut, hi);
    }
  };
  collect(0, size, 0, indices.length);
  const hashes = needed.length > 0 ? await rangeHashes(needed) : [];
  if (hashes.length !== needed.length) throw new RangeError(`${needed.length} range hashes asked, ${hashes.length} given`);
  let next = 0;
  const combine = (start: number, end: number, lo: number, hi: number): Buffer => {
    if (lo === hi) {
      const [from, to] = needed[next];
      return ownHash(hashes[next++], `the hash of [${from}, ${to})`);
    }
    if (end - start === 1) return ownHash(known.get(start), `the leaf hash at ${start}`);
    const middle = start + splitPoint(end - start);
    const cut = firstFrom(middle, lo, hi);
    const left = combine(start, middle, lo, cut);
    return nodeHash(left, combine(middle, end, cut, hi));
  };
  return combine(0, size, 0, indices.length);
}

/**
 * The RFC 6962 decomposition of a range into complete, aligned subtrees, left to right: what a store that keeps such
 * subtrees (and leaves) needs to read to hash the range. A range met walking down from a tree's root is one of them,
 * or the right edge of a tree, which splits into a few.
 */
export function alignedSubtrees(start: number, end: number): LeafRange[] {
  const width = end - start;
  if (width < 1) throw new RangeError(`[${start}, ${end}) holds no leaf`);
  if (isPowerOfTwo(width) && start % width === 0) return [[start, end]];
  const middle = start + splitPoint(width);
  return [...alignedSubtrees(start, middle), ...alignedSubtrees(middle, end)];
}

/** The hash of a range from the hashes of its aligned subtrees (`alignedSubtrees`), in their order. */
export function rangeHashFromSubtrees(start: number, end: number, subtreeHashes: readonly Uint8Array[]): Buffer {
  let next = 0;
  const hashOf = (from: number, to: number): Buffer => {
    const width = to - from;
    if (isPowerOfTwo(width) && from % width === 0) return ownHash(subtreeHashes[next++], `the subtree hash of [${from}, ${to})`);
    const middle = from + splitPoint(width);
    const left = hashOf(from, middle);
    return nodeHash(left, hashOf(middle, to));
  };
  const hash = hashOf(start, end);
  if (next !== subtreeHashes.length) throw new RangeError(`[${start}, ${end}) has ${next} aligned subtrees, ${subtreeHashes.length} hashes given`);
  return hash;
}

/** PATH(index, D[0:size]) (RFC 6962 §2.1.1), using the source's cached subtrees where it has them. */
export async function inclusionProof(source: LeafHashSource, index: number, size: number = source.size): Promise<Buffer[]> {
  checkTreeSize(source.size, size);
  checkInclusion(index, size);
  const proof: Buffer[] = [];
  for (const [start, end] of inclusionRanges(index, size)) proof.push(await rangeHash(source, start, end));
  return proof;
}

/** PROOF(oldSize, D[0:newSize]) (RFC 6962 §2.1.2), using the source's cached subtrees where it has them. */
export async function consistencyProof(source: LeafHashSource, oldSize: number, newSize: number = source.size): Promise<Buffer[]> {
  checkTreeSize(source.size, newSize);
  checkConsistency(oldSize, newSize);
  const proof: Buffer[] = [];
  for (const [start, end] of consistencyRanges(oldSize, newSize)) proof.push(await rangeHash(source, start, end));
  return proof;
}

// Verification takes proofs from whoever hands them over: it checks every input and answers false, never throws.

const odd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);

/**
 * Whether `proof` shows the leaf hash at `index` in the tree of `treeSize` leaves whose root is `root`: RFC 9162
 * §2.1.3.2, step for step (fn is the node on the leaf's path, sn the last node of its level). A proof too short ends
 * with sn above 0 and one too long reaches sn = 0 before its end, so its length needs no separate check.
 *
 * The proof binds the leaf to the root, not to the size: a caller must take (treeSize, root) together from one
 * checkpoint it trusts, never the size from one place and the root from another.
 */
export function verifyInclusion(leafHash: Uint8Array, index: number, treeSize: number, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!isSize(index) || !isSize(treeSize) || index >= treeSize) return false;
  if (!isHash(leafHash) || !isHash(root) || !Array.isArray(proof)) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r: Buffer = Buffer.from(leafHash);
  for (const p of proof as unknown[]) {
    if (sn === 0 || !isHash(p)) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      // fn on the right edge with no sibling at its level: it is carried up unchanged until it is a right child.
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && sameBytes(r, root);
}

/**
 * Whether `proof` shows the tree of `size2` leaves with root `root2` only appended to the tree of `size1` leaves with
 * root `root1`: RFC 9162 §2.1.4.2, step for step, rebuilding both roots from the same path.
 *
 * The edges follow the transparency-dev/merkle test vectors: equal sizes need an empty proof and equal roots (the
 * roots are only compared, so their length does not matter); size1 = 0 is always refused, even against size2 = 0 —
 * the empty tree commits to nothing, so a "proof" from it proves nothing, and a verifier that answered true there
 * would let a caller believe it had checked something. As with inclusion, (size, root) pairs must each come whole
 * from a trusted checkpoint: the proof does not always pin size2 on its own.
 */
export function verifyConsistency(size1: number, size2: number, proof: readonly Uint8Array[], root1: Uint8Array, root2: Uint8Array): boolean {
  if (!isSize(size1) || !isSize(size2) || size1 === 0 || size1 > size2 || !Array.isArray(proof)) return false;
  if (size1 === size2) return proof.length === 0 && sameBytes(root1, root2);
  if (proof.length === 0 || !isHash(root1) || !isHash(root2)) return false;
  // When size1 is a power of two the old tree is a complete subtree of the new one, and its root is the proof's
  // missing first element (the RFC prepends it; indexing past it spares copying a hostile, huge proof).
  const prepended = isPowerOfTwo(size1);
  const first: unknown = prepended ? root1 : proof[0];
  if (!isHash(first)) return false;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Buffer = Buffer.from(first);
  let sr: Buffer = fr;
  for (let i = prepended ? 0 : 1; i < proof.length; i++) {
    const c: unknown = proof[i];
    if (sn === 0 || !isHash(c)) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && sameBytes(fr, root1) && sameBytes(sr, root2);
}

/** A complete, aligned subtree: leaves [index·2^level, (index + 1)·2^level), with their MTH. */
export interface CompletedSubtree {
  level: number;
  index: number;
  start: number;
  end: number;
  hash: Buffer;
}

/** A frontier as stored: its size and its right-edge hashes in hex, largest subtree first. */
export interface MerkleFrontierJSON {
  size: number;
  hashes: string[];
}

/** How many complete subtrees make the right edge of a tree of `size` leaves: one per set bit of the size. */
function edgeLength(size: number): number {
  let count = 0;
  for (let n = size; n > 0; n = half(n)) if (odd(n)) count++;
  return count;
}

/**
 * The right edge of a tree grown by appending: the roots of the complete subtrees that cover leaves [0, size), largest
 * (leftmost) first — one per set bit of the size, as transparency-dev/merkle's compact.Range from 0. It is enough to
 * append the next leaf and to compute the root at every size, so the audit processor keeps O(log n) hashes between
 * batches instead of re-reading the log.
 */
export class MerkleFrontier {
  private currentSize: number;
  private readonly edge: Buffer[];

  constructor(size: number = 0, hashes: readonly Uint8Array[] = []) {
    requireSize(size, 'the frontier size');
    if (hashes.length !== edgeLength(size)) throw new RangeError(`a frontier of ${size} leaves has ${edgeLength(size)} hashes, not ${hashes.length}`);
    this.currentSize = size;
    this.edge = hashes.map((h, i) => ownHash(h, `frontier hash ${i}`));
  }

  static fromJSON(json: MerkleFrontierJSON): MerkleFrontier {
    if (typeof json !== 'object' || json === null || !Array.isArray(json.hashes)) throw new RangeError('not a Merkle frontier');
    return new MerkleFrontier(
      json.size,
      json.hashes.map((h) => (typeof h === 'string' && /^[0-9a-f]{64}$/i.test(h) ? Buffer.from(h, 'hex') : Buffer.alloc(0))),
    );
  }

  get size(): number {
    return this.currentSize;
  }

  /** The right-edge hashes, largest subtree first (copies). */
  get hashes(): Buffer[] {
    return this.edge.map((h) => Buffer.from(h));
  }

  /**
   * Appends the next leaf, merging the equal-sized subtrees it completes as binary addition carries. Returns those
   * completed subtrees of 2 leaves or more, smallest first, for a store to cache (the leaf itself, level 0, is not
   * listed: the store holds it already).
   */
  append(leafHash: Uint8Array): CompletedSubtree[] {
    let hash = ownHash(leafHash, 'the appended leaf hash');
    if (this.currentSize + 1 > Number.MAX_SAFE_INTEGER) throw new RangeError('the frontier is full');
    const completed: CompletedSubtree[] = [];
    let level = 0;
    let index = this.currentSize;
    for (let carry = this.currentSize; odd(carry); carry = half(carry)) {
      hash = nodeHash(this.edge.pop() as Buffer, hash);
      level++;
      index = half(index);
      const width = 2 ** level;
      completed.push({ level, index, start: index * width, end: (index + 1) * width, hash: Buffer.from(hash) });
    }
    this.edge.push(hash);
    this.currentSize++;
    return completed;
  }

  /** MTH of leaves [0, size): the edge folded from the right, as RFC 6962 splits at the largest power of two. */
  root(): Buffer {
    if (this.edge.length === 0) return Buffer.from(EMPTY);
    let root: Buffer = Buffer.from(this.edge[this.edge.length - 1]);
    for (let i = this.edge.length - 2; i >= 0; i--) root = nodeHash(this.edge[i], root);
    return root;
  }

  toJSON(): MerkleFrontierJSON {
    return { size: this.currentSize, hashes: this.edge.map((h) => h.toString('hex')) };
  }
}
