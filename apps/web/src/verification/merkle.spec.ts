import { fromBase64, leafHash, parseCheckpointNote, rootFromInclusionProof, toBase64, verifyInclusion, verifyNoteSignature } from './merkle';

// The page's code may not use Node (.dependency-cruiser.cjs, web-only-through-the-api-client); this test runs in
// Node and reads the project's copy of the vectors through jest's own loader, which that rule does not look at, and
// the web project has no Node types: the two functions it needs are declared here.
const { readdirSync, readFileSync } = jest.requireActual<{
  readdirSync(dir: string, options: { withFileTypes: true }): { name: string; isDirectory(): boolean }[];
  readFileSync(file: string, encoding: 'utf8'): string;
}>('fs');

/** The RFC 6962 vectors of transparency-dev/merkle the project already keeps (Apache 2.0, LICENSE beside them). */
const VECTORS = `${__dirname}/../../../../libs/lifecycle/test/fixtures/rfc6962-merkle`;
declare const __dirname: string;

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

function jsonFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? jsonFilesUnder(`${dir}/${e.name}`) : e.name.endsWith('.json') ? [`${dir}/${e.name}`] : []))
    .sort();
}

const bytes = (text: string) => fromBase64(text) ?? new Uint8Array();
const hex = (text: string) => Uint8Array.from((text.match(/../g) ?? []).map((h) => parseInt(h, 16)));
const inclusion = jsonFilesUnder(`${VECTORS}/inclusion`).map(
  (file) => [file.slice(VECTORS.length), JSON.parse(readFileSync(file, 'utf8')) as InclusionVector] as const,
);
const roots = JSON.parse(readFileSync(`${VECTORS}/roots.json`, 'utf8')) as { leafInputsHex: string[]; rootHashesHexBySize: string[] };

describe('RFC 6962 inclusion proofs, verified with Web Crypto', () => {
  it('has the vectors (valid and tampered ones)', () => {
    expect(inclusion.filter(([, v]) => !v.wantErr).length).toBeGreaterThanOrEqual(5);
    expect(inclusion.filter(([, v]) => v.wantErr).length).toBeGreaterThanOrEqual(50);
  });

  it.each(inclusion)('%s', async (_file, v) => {
    const verified = await verifyInclusion(bytes(v.leafHash), v.leafIdx, v.treeSize, (v.proof ?? []).map(bytes), bytes(v.root));
    expect(verified).toBe(!v.wantErr);
  });

  it('hashes a leaf with 0x00 and a node with 0x01: the one-leaf tree of the reference inputs has the reference root', async () => {
    expect(toBase64(await leafHash(hex(roots.leafInputsHex[0])))).toBe(toBase64(hex(roots.rootHashesHexBySize[1])));
  });

  it('refuses a tampered proof: one bit of one hash, a hash left out, another index or size', async () => {
    const happy = inclusion.find(([file]) => file === '/inclusion/3/happy-path.json')![1];
    const proof = happy.proof!.map(bytes);
    const leaf = bytes(happy.leafHash);
    const root = bytes(happy.root);
    expect(await verifyInclusion(leaf, happy.leafIdx, happy.treeSize, proof, root)).toBe(true);
    const flipped = proof.map((p, i) => (i === 0 ? Uint8Array.from(p, (b, j) => (j === 0 ? b ^ 1 : b)) : p));
    expect(await verifyInclusion(leaf, happy.leafIdx, happy.treeSize, flipped, root)).toBe(false);
    expect(await verifyInclusion(leaf, happy.leafIdx, happy.treeSize, proof.slice(1), root)).toBe(false);
    expect(await verifyInclusion(leaf, happy.leafIdx + 1, happy.treeSize, proof, root)).toBe(false);
    expect(await verifyInclusion(leaf, happy.leafIdx, happy.treeSize + 1, proof, root)).toBe(false);
    expect(await rootFromInclusionProof(leaf, 5, 5, proof)).toBeUndefined();
    expect(fromBase64('not base64!')).toBeUndefined();
  });
});

describe('a checkpoint note and its Ed25519 signature', () => {
  /** A signed note made here as C2SP signed-note writes it: key id = SHA-256(name || 0x0A || 0x01 || key)[0..4]. */
  async function signedNote(text: string) {
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    const name = 'comune.example.it/piao-audit';
    const id = new Uint8Array(await crypto.subtle.digest('SHA-256', Uint8Array.of(...new TextEncoder().encode(name), 0x0a, 0x01, ...raw))).subarray(0, 4);
    const signature = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, pair.privateKey, new TextEncoder().encode(text)));
    const keyId = [...id].map((b) => b.toString(16).padStart(2, '0')).join('');
    return {
      note: `${text}\n\u2014 ${name} ${toBase64(Uint8Array.of(...id, ...signature))}\n`,
      verifierKey: `${name}+${keyId}+${toBase64(Uint8Array.of(0x01, ...raw))}`,
    };
  }

  it('reads origin, size and root, and checks the signature with the verifier key; a changed root fails', async () => {
    const { note, verifierKey } = await signedNote('comune.example.it/piao-audit\n1287\nSBNJTRN+FjG7owHVrKtue7eqdM4RhdRWVl71HXN2d7I=\n');
    const parsed = parseCheckpointNote(note)!;
    expect(parsed).toMatchObject({ origin: 'comune.example.it/piao-audit', treeSize: 1287, rootHash: 'SBNJTRN+FjG7owHVrKtue7eqdM4RhdRWVl71HXN2d7I=' });
    expect(await verifyNoteSignature(parsed, verifierKey)).toBe('verified');
    const tampered = parseCheckpointNote(note.replace('SBNJ', 'SBNK'))!;
    expect(await verifyNoteSignature(tampered, verifierKey)).toBe('invalid');
    expect(await verifyNoteSignature(parsed, 'not a key')).toBe('malformed-key');
    expect(await verifyNoteSignature(parsed, verifierKey.replace(/^comune/, 'altro'))).toBe('no-signature-of-key');
    expect(parseCheckpointNote('no blank line')).toBeUndefined();
  });
});
