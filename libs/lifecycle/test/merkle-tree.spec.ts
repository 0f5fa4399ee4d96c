import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  consistencyProof,
  consistencyProofOf,
  EMPTY_ROOT,
  inclusionProof,
  inclusionProofOf,
  leafHash,
  alignedSubtrees,
  MerkleFrontier,
  nodeHash,
  rangeHashFromSubtrees,
  rootAroundLeaves,
  rootOf,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
  type LeafHashSource,
} from '../src/audit/merkle-tree';

/** The vectors are a copy under test/fixtures: a clone of the project has no ../shared. */
const VECTORS = join(__dirname, 'fixtures', 'rfc6962-merkle');

// --- An independent reference, written straight from RFC 6962 §2.1 over the data entries D[n] -------------------

const sha256 = (...parts: Uint8Array[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();

/** k: the largest power of two smaller than n (computed otherwise than in the code under test). */
const k = (n: number): number => 2 ** (31 - Math.clz32(n - 1));

function MTH(D: readonly Buffer[]): Buffer {
  const n = D.length;
  if (n === 0) return sha256();
  if (n === 1) return sha256(Buffer.from([0x00]), D[0]);
  return sha256(Buffer.from([0x01]), MTH(D.slice(0, k(n))), MTH(D.slice(k(n))));
}

function PATH(m: number, D: readonly Buffer[]): Buffer[] {
  const n = D.length;
  if (n === 1) return [];
  return m < k(n) ? [...PATH(m, D.slice(0, k(n))), MTH(D.slice(k(n)))] : [...PATH(m - k(n), D.slice(k(n))), MTH(D.slice(0, k(n)))];
}

function SUBPROOF(m: number, D: readonly Buffer[], b: boolean): Buffer[] {
  const n = D.length;
  if (m === n) return b ? [] : [MTH(D)];
  return m <= k(n) ? [...SUBPROOF(m, D.slice(0, k(n)), b), MTH(D.slice(k(n)))] : [...SUBPROOF(m - k(n), D.slice(k(n)), false), MTH(D.slice(0, k(n)))];
}

const PROOF = (m: number, D: readonly Buffer[]): Buffer[] => SUBPROOF(m, D, true);

// --- Helpers -------------------------------------------------------------------------------------------------------

const hex = (hashes: readonly Uint8Array[]): string[] => hashes.map((h) => Buffer.from(h).toString('hex'));
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function flipped(hash: Uint8Array, bit = 0): Buffer {
  const copy = Buffer.from(hash);
  copy[bit >> 3] ^= 1 << (bit & 7);
  return copy;
}

const DATA = range(0, 299).map((i) => Buffer.from(`audit leaf ${i}`));
const LEAVES = DATA.map(leafHash);

/** The leaves as a store without a cache: counts what it is asked. */
function plainSource(leaves: readonly Buffer[]) {
  const asked = { leaves: 0 };
  const source: LeafHashSource = {
    size: leaves.length,
    leaf: (index) => {
      asked.leaves++;
      return leaves[index];
    },
  };
  return { source, asked };
}

/** The leaves as the audit store will hold them: the subtrees each append completes, cached by (level, index). */
function cachingSource(leaves: readonly Buffer[], cacheThis: (level: number, index: number) => boolean = () => true) {
  const frontier = new MerkleFrontier();
  const cache = new Map<string, Buffer>();
  for (const leaf of leaves) for (const s of frontier.append(leaf)) if (cacheThis(s.level, s.index)) cache.set(`${s.start}-${s.end}`, s.hash);
  const asked = { leaves: 0, subtrees: [] as [number, number][] };
  const source: LeafHashSource = {
    size: leaves.length,
    leaf: async (index) => {
      asked.leaves++;
      return leaves[index];
    },
    subtree: async (start, end) => {
      asked.subtrees.push([start, end]);
      return cache.get(`${start}-${end}`);
    },
  };
  return { source, asked };
}

// --- The vectors ---------------------------------------------------------------------------------------------------

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

function jsonFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? jsonFilesUnder(join(dir, entry.name)) : entry.name.endsWith('.json') ? [join(dir, entry.name)] : []))
    .sort();
}

const read = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const base64 = (text: string): Buffer => Buffer.from(text, 'base64');
/** A JSON null proof is Go's nil slice: an empty proof. */
const proofOf = (proof: string[] | null): Buffer[] => (proof ?? []).map(base64);

const inclusionFiles = jsonFilesUnder(join(VECTORS, 'inclusion')).map((f) => relative(VECTORS, f));
const consistencyFiles = jsonFilesUnder(join(VECTORS, 'consistency')).map((f) => relative(VECTORS, f));
const inclusionVectors = inclusionFiles.map((f) => read<InclusionVector>(join(VECTORS, f)));
const consistencyVectors = consistencyFiles.map((f) => read<ConsistencyVector>(join(VECTORS, f)));

const roots = read<{ leafInputsHex: string[]; rootHashesHexBySize: string[] }>(join(VECTORS, 'roots.json'));
const VECTOR_LEAVES = roots.leafInputsHex.map((h) => leafHash(Buffer.from(h, 'hex')));

describe('RFC 6962 hashing', () => {
  it('separates leaves from nodes with the 0x00 and 0x01 prefixes, and hashes the empty tree as SHA-256 of nothing', () => {
    const a = Buffer.alloc(32, 0xaa);
    const b = Buffer.alloc(32, 0xbb);
    expect(leafHash(Buffer.from('x'))).toEqual(sha256(Buffer.from([0]), Buffer.from('x')));
    expect(nodeHash(a, b)).toEqual(sha256(Buffer.from([1]), a, b));
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it.each(range(0, 8))('gives the reference root of the tree of the first %i test leaves', async (size) => {
    const want = roots.rootHashesHexBySize[size];
    const leaves = VECTOR_LEAVES.slice(0, size);
    expect(rootOf(leaves).toString('hex')).toBe(want);
    expect((await treeRoot(plainSource(VECTOR_LEAVES).source, size)).toString('hex')).toBe(want);
    const frontier = new MerkleFrontier();
    leaves.forEach((leaf) => frontier.append(leaf));
    expect(frontier.root().toString('hex')).toBe(want);
  });

  it('agrees with the RFC’s recursive MTH for every size up to 300', () => {
    for (const size of range(0, 300)) expect(rootOf(LEAVES.slice(0, size))).toEqual(MTH(DATA.slice(0, size)));
  });

  it('refuses leaf "hashes" that are not 32 bytes rather than build a tree no verifier can check', () => {
    expect(() => rootOf([Buffer.from('a leaf input, not its hash')])).toThrow(RangeError);
  });

  it('hands out the empty root as a copy', () => {
    rootOf([]).fill(0);
    expect(rootOf([]).toString('hex')).toBe(roots.rootHashesHexBySize[0]);
  });
});

describe('the transparency-dev/merkle vectors', () => {
  it('are all there: a verifier that accepted or refused everything could not pass', () => {
    for (const vectors of [inclusionVectors, consistencyVectors]) {
      expect(vectors.filter((v) => !v.wantErr).length).toBeGreaterThanOrEqual(6);
      expect(vectors.filter((v) => v.wantErr).length).toBeGreaterThanOrEqual(90);
    }
  });

  it.each(inclusionFiles.map((file, i) => [file, inclusionVectors[i]] as const))('inclusion %s', (_file, v) => {
    expect(verifyInclusion(base64(v.leafHash), v.leafIdx, v.treeSize, proofOf(v.proof), base64(v.root))).toBe(!v.wantErr);
  });

  it.each(consistencyFiles.map((file, i) => [file, consistencyVectors[i]] as const))('consistency %s', (_file, v) => {
    expect(verifyConsistency(v.size1, v.size2, proofOf(v.proof), base64(v.root1), base64(v.root2))).toBe(!v.wantErr);
  });

  it('has happy paths over roots.json’s leaves that are exactly the proofs we produce', () => {
    const overTestLeaves = (size: number, root: string) => size <= 8 && base64(root).toString('hex') === roots.rootHashesHexBySize[size];
    const inclusions = inclusionVectors.filter((v) => !v.wantErr && overTestLeaves(v.treeSize, v.root));
    const consistencies = consistencyVectors.filter((v) => !v.wantErr && overTestLeaves(v.size2, v.root2));
    expect(inclusions.length).toBeGreaterThanOrEqual(4);
    expect(consistencies.length).toBeGreaterThanOrEqual(4);
    for (const v of inclusions) {
      expect(base64(v.leafHash)).toEqual(VECTOR_LEAVES[v.leafIdx]);
      expect(hex(inclusionProofOf(VECTOR_LEAVES, v.leafIdx, v.treeSize))).toEqual(hex(proofOf(v.proof)));
    }
    for (const v of consistencies) expect(hex(consistencyProofOf(VECTOR_LEAVES, v.size1, v.size2))).toEqual(hex(proofOf(v.proof)));
  });
});

describe('the proofs we produce', () => {
  const { source } = plainSource(LEAVES.slice(0, 64));

  it.each(range(1, 64))('in a tree of %i leaves are the RFC’s PATH and PROOF, and verify', async (n) => {
    const D = DATA.slice(0, n);
    const root = MTH(D);
    expect(await treeRoot(source, n)).toEqual(root);
    for (const index of range(0, n - 1)) {
      const proof = await inclusionProof(source, index, n);
      expect(hex(proof)).toEqual(hex(PATH(index, D)));
      expect(hex(inclusionProofOf(LEAVES, index, n))).toEqual(hex(proof));
      expect(verifyInclusion(LEAVES[index], index, n, proof, root)).toBe(true);
    }
    for (const m of range(1, n)) {
      const proof = await consistencyProof(source, m, n);
      expect(hex(proof)).toEqual(hex(PROOF(m, D)));
      expect(hex(consistencyProofOf(LEAVES, m, n))).toEqual(hex(proof));
      expect(verifyConsistency(m, n, proof, MTH(DATA.slice(0, m)), root)).toBe(true);
    }
  });

  it('are the same when a store answers complete subtrees from its cache, which it is asked only for aligned ones', async () => {
    const n = 100;
    const leaves = LEAVES.slice(0, n);
    const cached = cachingSource(leaves);
    // Only some levels cached: the rest is hashed from the halves, as a store keeping level 4 and up would.
    const partly = cachingSource(leaves, (level) => level >= 4);
    for (const size of [...range(1, 33), 64, 99, 100]) {
      expect(await treeRoot(cached.source, size)).toEqual(rootOf(leaves.slice(0, size)));
      expect(await treeRoot(partly.source, size)).toEqual(rootOf(leaves.slice(0, size)));
      for (const index of range(0, size - 1)) {
        const want = hex(inclusionProofOf(leaves, index, size));
        expect(hex(await inclusionProof(cached.source, index, size))).toEqual(want);
        expect(hex(await inclusionProof(partly.source, index, size))).toEqual(want);
      }
      for (const m of range(1, size)) {
        const want = hex(consistencyProofOf(leaves, m, size));
        expect(hex(await consistencyProof(cached.source, m, size))).toEqual(want);
        expect(hex(await consistencyProof(partly.source, m, size))).toEqual(want);
      }
    }
    expect(cached.asked.subtrees.length).toBeGreaterThan(1000);
    for (const [start, end] of [...cached.asked.subtrees, ...partly.asked.subtrees]) {
      const width = end - start;
      expect(width >= 2 && Number.isInteger(Math.log2(width)) && start % width === 0 && end <= n).toBe(true);
    }
  });

  it('read O(log n) hashes, not the whole tree, when every complete subtree is cached', async () => {
    const plain = plainSource(LEAVES.slice(0, 256));
    const cached = cachingSource(LEAVES.slice(0, 256));
    await inclusionProof(plain.source, 77, 256);
    await inclusionProof(cached.source, 77, 256);
    expect(plain.asked.leaves).toBe(255); // every leaf but the one proven
    expect(cached.asked.leaves).toBe(1); // the leaf's sibling; its 7 other proof hashes are cached subtrees
    expect(cached.asked.subtrees).toHaveLength(7);

    const before = { leaves: cached.asked.leaves, subtrees: cached.asked.subtrees.length };
    await consistencyProof(cached.source, 99, 255);
    await treeRoot(cached.source, 255);
    expect(cached.asked.leaves - before.leaves).toBeLessThanOrEqual(2 * 8);
    expect(cached.asked.subtrees.length - before.subtrees).toBeLessThanOrEqual(4 * 8);
  });

  it('refuse a store’s hash that is not 32 bytes, and sizes the store does not hold', async () => {
    const broken: LeafHashSource = { size: 8, leaf: (i) => LEAVES[i], subtree: () => Buffer.alloc(31) };
    await expect(treeRoot(broken, 8)).rejects.toThrow(RangeError);
    const { source: eight } = plainSource(LEAVES.slice(0, 8));
    await expect(treeRoot(eight, 9)).rejects.toThrow(RangeError);
    await expect(inclusionProof(eight, 8, 8)).rejects.toThrow(RangeError);
    await expect(inclusionProof(eight, 0, 9)).rejects.toThrow(RangeError);
    await expect(inclusionProof(eight, -1, 8)).rejects.toThrow(RangeError);
    await expect(consistencyProof(eight, 5, 4)).rejects.toThrow(RangeError);
    await expect(consistencyProof(eight, 0, 4)).rejects.toThrow(RangeError);
    expect(await consistencyProof(eight, 4, 4)).toEqual([]);
    expect(await treeRoot(eight, 0)).toEqual(EMPTY_ROOT);
    expect(() => inclusionProofOf(LEAVES.slice(0, 8), 0, 9)).toThrow(RangeError);
  });
});

describe('the root around known leaves (a scope proved in one pass)', () => {
  /** The ranges' hashes from the RFC's reference, over data entries: nothing of the code under test. */
  const fromReference = (asked: (readonly [number, number])[][]) => async (ranges: readonly (readonly [number, number])[]) => {
    asked.push([...ranges]);
    return ranges.map(([start, end]) => MTH(DATA.slice(start, end)));
  };

  it.each(range(1, 64))('over %i leaves, with any leaves known, is the RFC’s root; a changed leaf changes it', async (n) => {
    const D = DATA.slice(0, n);
    const root = MTH(D);
    // Every leaf alone, a few spread ones, a run, all of them, none.
    const sets = [...range(0, n - 1).map((i) => [i]), [0, Math.floor(n / 3), n - 1], range(Math.floor(n / 2), n - 1), range(0, n - 1), []];
    for (const set of sets) {
      const known = new Map(set.map((i) => [i, LEAVES[i]]));
      const asked: (readonly [number, number])[][] = [];
      expect(await rootAroundLeaves(known, n, fromReference(asked))).toEqual(root);
      // One call at most, and no range asked holds a known leaf.
      expect(asked.length).toBeLessThanOrEqual(1);
      for (const [start, end] of asked.flat()) expect(set.some((i) => i >= start && i < end)).toBe(false);
      if (set.length > 0) {
        const forged = new Map(known);
        forged.set(set[0], LEAVES[(set[0] + 1) % 64]);
        if (!LEAVES[set[0]].equals(LEAVES[(set[0] + 1) % 64])) expect(await rootAroundLeaves(forged, n, fromReference([]))).not.toEqual(root);
      }
    }
  });

  it('refuses a known leaf outside the tree, and range hashes that are not hashes', async () => {
    await expect(rootAroundLeaves(new Map([[5, LEAVES[5]]]), 5, fromReference([]))).rejects.toThrow(RangeError);
    await expect(rootAroundLeaves(new Map([[0, LEAVES[0]]]), 4, async (ranges) => ranges.map(() => Buffer.alloc(3)))).rejects.toThrow(/hash/);
    await expect(rootAroundLeaves(new Map([[0, LEAVES[0]]]), 4, async () => [])).rejects.toThrow(/range hashes/);
  });

  it('splits a range into aligned subtrees whose hashes give the range’s', () => {
    for (const [start, end] of [
      [0, 1],
      [8, 13],
      [0, 63],
      [32, 63],
      [3, 8],
      [16, 48],
    ] as const) {
      const pieces = alignedSubtrees(start, end);
      expect(pieces.flatMap(([a, b]) => range(a, b - 1))).toEqual(range(start, end - 1));
      expect(
        rangeHashFromSubtrees(
          start,
          end,
          pieces.map(([a, b]) => MTH(DATA.slice(a, b))),
        ),
      ).toEqual(MTH(DATA.slice(start, end)));
    }
    expect(() => alignedSubtrees(4, 4)).toThrow(RangeError);
    expect(() => rangeHashFromSubtrees(8, 13, [MTH(DATA.slice(8, 12))])).toThrow(RangeError);
  });
});

describe('MerkleFrontier', () => {
  it('gives the root of every size up to 300, kept or reloaded from its JSON between any two appends', () => {
    const kept = new MerkleFrontier();
    let reloaded = new MerkleFrontier();
    expect(kept.root()).toEqual(EMPTY_ROOT);
    for (const size of range(1, 300)) {
      kept.append(LEAVES[size - 1]);
      reloaded = MerkleFrontier.fromJSON(JSON.parse(JSON.stringify(reloaded)));
      reloaded.append(LEAVES[size - 1]);
      const want = rootOf(LEAVES.slice(0, size));
      expect(kept.size).toBe(size);
      expect(kept.root()).toEqual(want);
      expect(reloaded.root()).toEqual(want);
      expect(kept.hashes).toHaveLength(size.toString(2).replace(/0/g, '').length);
      expect(new MerkleFrontier(size, kept.hashes).root()).toEqual(want);
    }
  });

  it('reports each complete aligned subtree of 2 leaves or more once, with its hash, when its last leaf comes in', () => {
    const frontier = new MerkleFrontier();
    const seen = new Set<string>();
    for (const size of range(1, 300)) {
      const completed = frontier.append(LEAVES[size - 1]);
      for (const s of completed) {
        expect(s.end).toBe(size);
        expect(s.end - s.start).toBe(2 ** s.level);
        expect(s.start).toBe(s.index * 2 ** s.level);
        expect(s.hash).toEqual(rootOf(LEAVES.slice(s.start, s.end)));
        seen.add(`${s.level}/${s.index}`);
      }
      expect(completed.map((s) => s.level)).toEqual(range(1, completed.length)); // smallest first, as carries go
    }
    const every = range(1, 8).flatMap((level) => range(0, Math.floor(300 / 2 ** level) - 1).map((index) => `${level}/${index}`));
    expect([...seen].sort()).toEqual(every.sort());
  });

  it('cannot be changed through the hashes it hands out or was given', () => {
    const given = LEAVES.slice(0, 3).map((h) => Buffer.from(h));
    const frontier = new MerkleFrontier(3, [nodeHash(given[0], given[1]), given[2]]);
    const root = frontier.root();
    given[2].fill(0);
    frontier.hashes.forEach((h) => h.fill(0));
    frontier.root().fill(0);
    expect(frontier.root()).toEqual(root);
  });

  it.each([
    ['a size with the wrong number of edge hashes', () => new MerkleFrontier(3, [LEAVES[0]])],
    ['hashes without a size', () => new MerkleFrontier(undefined, [LEAVES[0]])],
    ['an edge hash of 31 bytes', () => new MerkleFrontier(1, [Buffer.alloc(31)])],
    ['a negative size', () => new MerkleFrontier(-1, [])],
    ['a fractional size', () => new MerkleFrontier(1.5, [LEAVES[0]])],
    ['JSON with a hash of 65 hex digits', () => MerkleFrontier.fromJSON({ size: 1, hashes: [LEAVES[0].toString('hex') + '0'] })],
    ['JSON with base64 hashes', () => MerkleFrontier.fromJSON({ size: 1, hashes: [LEAVES[0].toString('base64')] })],
    ['JSON without hashes', () => MerkleFrontier.fromJSON({ size: 0 } as never)],
    ['null JSON', () => MerkleFrontier.fromJSON(null as never)],
  ])('refuses %s', (_case, build) => {
    expect(build).toThrow(RangeError);
  });
});

describe('tampering', () => {
  const n = 37;
  const leaves = LEAVES.slice(0, n);
  const root = rootOf(leaves);

  it('with any proof element, the leaf, the root or the index fails an inclusion proof', () => {
    for (const index of range(0, n - 1)) {
      const proof = inclusionProofOf(leaves, index, n);
      expect(verifyInclusion(leaves[index], index, n, proof, root)).toBe(true);
      proof.forEach((_, i) => {
        for (const bit of [0, 131, 255]) {
          expect(
            verifyInclusion(
              leaves[index],
              index,
              n,
              proof.map((p, j) => (j === i ? flipped(p, bit) : p)),
              root,
            ),
          ).toBe(false);
        }
      });
      expect(verifyInclusion(flipped(leaves[index], 77), index, n, proof, root)).toBe(false);
      expect(verifyInclusion(leaves[index], index, n, proof, flipped(root, 200))).toBe(false);
      for (const other of range(0, n - 1).filter((i) => i !== index)) {
        expect(verifyInclusion(leaves[index], other, n, proof, root)).toBe(false);
        expect(verifyInclusion(leaves[other], index, n, proof, root)).toBe(false);
      }
    }
  });

  it('swapping two leaves changes the root, and no proof of the swapped tree verifies against the original', () => {
    const swapped = [...leaves];
    [swapped[3], swapped[30]] = [swapped[30], swapped[3]];
    expect(rootOf(swapped)).not.toEqual(root);
    for (const index of [3, 30]) {
      expect(verifyInclusion(swapped[index], index, n, inclusionProofOf(swapped, index, n), root)).toBe(false);
      expect(verifyInclusion(swapped[index], index, n, inclusionProofOf(leaves, index, n), root)).toBe(false);
    }
    expect(verifyConsistency(31, n, consistencyProofOf(swapped, 31, n), rootOf(leaves.slice(0, 31)), root)).toBe(false);
    expect(verifyConsistency(31, n, consistencyProofOf(leaves, 31, n), rootOf(leaves.slice(0, 31)), rootOf(swapped))).toBe(false);
  });

  it('with the size alone is not caught, as in RFC 9162: a root must be checked with the size of its own checkpoint', () => {
    // Leaf 0 is a left child on every level of trees of 5 to 8 leaves: the same path, hashed the same way, reaches
    // the root of 8 whatever size between them is claimed. Only the signed (size, root) pair tells them apart.
    const eight = LEAVES.slice(0, 8);
    expect(verifyInclusion(eight[0], 0, 6, inclusionProofOf(eight, 0, 8), rootOf(eight))).toBe(true);
    expect(verifyConsistency(4, 6, consistencyProofOf(eight, 4, 8), rootOf(eight.slice(0, 4)), rootOf(eight))).toBe(true);
  });

  it('with any proof element or either root fails a consistency proof', () => {
    for (const m of range(1, n - 1)) {
      const proof = consistencyProofOf(leaves, m, n);
      const root1 = rootOf(leaves.slice(0, m));
      expect(verifyConsistency(m, n, proof, root1, root)).toBe(true);
      proof.forEach((_, i) => {
        for (const bit of [0, 131, 255]) {
          expect(
            verifyConsistency(
              m,
              n,
              proof.map((p, j) => (j === i ? flipped(p, bit) : p)),
              root1,
              root,
            ),
          ).toBe(false);
        }
      });
      expect(verifyConsistency(m, n, proof, flipped(root1, 9), root)).toBe(false);
      expect(verifyConsistency(m, n, proof, root1, flipped(root, 9))).toBe(false);
      expect(verifyConsistency(m, n, proof, root, root1)).toBe(false);
      expect(verifyConsistency(m, n, proof.slice(1), root1, root)).toBe(false);
      expect(verifyConsistency(m, n, [...proof, proof[0]], root1, root)).toBe(false);
      // A history rewritten before m: the old tree differs, so the new one cannot extend it.
      const rewritten = [...leaves];
      rewritten[m - 1] = flipped(rewritten[m - 1]);
      expect(verifyConsistency(m, n, consistencyProofOf(rewritten, m, n), root1, rootOf(rewritten))).toBe(false);
    }
  });
});

describe('hostile input', () => {
  const leaves = LEAVES.slice(0, 13);
  const root = rootOf(leaves);
  const proof = inclusionProofOf(leaves, 5, 13);
  const root1 = rootOf(leaves.slice(0, 6));
  const cproof = consistencyProofOf(leaves, 6, 13);
  const odd = <T>(value: unknown): T => value as T;

  it('starts from proofs that verify, also as plain Uint8Arrays', () => {
    const plain = (b: Buffer) => new Uint8Array(b);
    expect(verifyInclusion(plain(leaves[5]), 5, 13, proof.map(plain), plain(root))).toBe(true);
    expect(verifyConsistency(6, 13, cproof.map(plain), plain(root1), plain(root))).toBe(true);
  });

  it('refuses a proof one element too long even against the root that element would lead to', () => {
    // Past the root the walk would go on hashing: without the RFC's "sn is 0: fail", proof + [x] would prove the
    // leaf under the made-up root H(x, root).
    const extra = Buffer.alloc(32, 7);
    expect(verifyInclusion(leaves[5], 5, 13, [...proof, extra], nodeHash(extra, root))).toBe(false);
    expect(verifyInclusion(leaves[0], 0, 1, [extra], nodeHash(extra, leaves[0]))).toBe(false);
    expect(verifyConsistency(6, 13, [...cproof, extra], nodeHash(extra, root1), nodeHash(extra, root))).toBe(false);
    const root8 = rootOf(leaves.slice(0, 8));
    const proof8 = consistencyProofOf(leaves, 8, 13);
    expect(verifyConsistency(8, 13, proof8, root8, root)).toBe(true);
    expect(verifyConsistency(8, 13, [...proof8, extra], root8, nodeHash(extra, root))).toBe(false);
  });

  it.each<[string, Parameters<typeof verifyInclusion>]>([
    ['index = size', [leaves[5], 13, 13, proof, root]],
    ['index > size', [leaves[5], 14, 13, proof, root]],
    ['a negative index', [leaves[5], -1, 13, proof, root]],
    ['a fractional index', [leaves[5], 5.5, 13, proof, root]],
    ['a NaN index', [leaves[5], NaN, 13, proof, root]],
    ['an infinite size', [leaves[5], 5, Infinity, proof, root]],
    ['a size beyond 2^53', [leaves[5], 5, 2 ** 53 + 2, proof, root]],
    ['a size as a string', [leaves[5], 5, odd('13'), proof, root]],
    ['size 0', [leaves[5], 0, 0, [], EMPTY_ROOT]],
    ['a leaf hash of 31 bytes', [leaves[5].subarray(1), 5, 13, proof, root]],
    ['a leaf hash of 33 bytes', [Buffer.concat([leaves[5], Buffer.alloc(1)]), 5, 13, proof, root]],
    ['a leaf hash as hex', [odd(leaves[5].toString('hex')), 5, 13, proof, root]],
    ['a null leaf hash', [odd(null), 5, 13, proof, root]],
    ['a null root', [leaves[5], 5, 13, proof, odd(null)]],
    ['a root of 31 bytes', [leaves[5], 5, 13, proof, root.subarray(1)]],
    ['a null proof', [leaves[5], 5, 13, odd(null), root]],
    ['an array-like proof', [leaves[5], 5, 13, odd({ ...proof, length: proof.length }), root]],
    ['an empty proof', [leaves[5], 5, 13, [], root]],
    ['a truncated proof', [leaves[5], 5, 13, proof.slice(0, -1), root]],
    ['a proof with a null element', [leaves[5], 5, 13, [...proof.slice(0, -1), odd(null)], root]],
    ['a proof with a string element', [leaves[5], 5, 13, [odd('x'.repeat(32)), ...proof.slice(1)], root]],
    ['a proof element of 31 bytes', [leaves[5], 5, 13, [proof[0].subarray(1), ...proof.slice(1)], root]],
    ['a proof element of 64 bytes', [leaves[5], 5, 13, [Buffer.concat([proof[0], proof[1]]), ...proof.slice(2)], root]],
    ['garbage after the proof', [leaves[5], 5, 13, [...proof, Buffer.alloc(32)], root]],
    ['a million elements after the proof', [leaves[5], 5, 13, [...proof, ...Array<Buffer>(1_000_000).fill(Buffer.alloc(32))], root]],
  ])('inclusion with %s is refused without a throw', (_case, args) => {
    let verified: boolean | undefined;
    expect(() => (verified = verifyInclusion(...args))).not.toThrow();
    expect(verified).toBe(false);
  });

  it.each<[string, Parameters<typeof verifyConsistency>]>([
    ['size1 > size2', [13, 6, cproof, root, root1]],
    ['size1 = 0', [0, 13, [], EMPTY_ROOT, root]],
    ['size1 = 0 with a proof', [0, 13, cproof, EMPTY_ROOT, root]],
    ['both sizes 0', [0, 0, [], EMPTY_ROOT, EMPTY_ROOT]],
    ['a negative size1', [-6, 13, cproof, root1, root]],
    ['a NaN size2', [6, NaN, cproof, root1, root]],
    ['a fractional size1', [6.5, 13, cproof, root1, root]],
    ['sizes beyond 2^53', [2 ** 53 + 2, 2 ** 53 + 4, cproof, root1, root]],
    ['sizes near 2^53', [2 ** 53 - 3, 2 ** 53 - 1, cproof, root1, root]],
    ['equal sizes with a proof', [13, 13, [root], root, root]],
    ['equal sizes and different roots', [13, 13, [], root1, root]],
    ['equal sizes and a null root', [13, 13, [], odd(null), odd(null)]],
    ['an empty proof', [6, 13, [], root1, root]],
    ['a null proof', [6, 13, odd(null), root1, root]],
    ['a proof as a string', [6, 13, odd('proof'), root1, root]],
    ['a null root1', [6, 13, cproof, odd(null), root]],
    ['a root2 of 33 bytes', [6, 13, cproof, root1, Buffer.concat([root, Buffer.alloc(1)])]],
    ['a root1 of 31 bytes where size1 is a power of two', [8, 13, consistencyProofOf(leaves, 8, 13), rootOf(leaves.slice(0, 8)).subarray(1), root]],
    ['a proof with a null element', [6, 13, [cproof[0], odd(null), ...cproof.slice(2)], root1, root]],
    ['a proof element of 31 bytes', [6, 13, [cproof[0].subarray(1), ...cproof.slice(1)], root1, root]],
    ['garbage after the proof', [6, 13, [...cproof, Buffer.alloc(32)], root1, root]],
    ['garbage before the proof', [6, 13, [Buffer.alloc(32), ...cproof], root1, root]],
    ['a million elements after the proof', [6, 13, [...cproof, ...Array<Buffer>(1_000_000).fill(Buffer.alloc(32))], root1, root]],
  ])('consistency with %s is refused without a throw', (_case, args) => {
    let verified: boolean | undefined;
    expect(() => (verified = verifyConsistency(...args))).not.toThrow();
    expect(verified).toBe(false);
  });
});
