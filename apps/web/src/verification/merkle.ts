/**
 * The checks a reader makes on the audit log without trusting the server (docs/audit.md): an RFC 6962 inclusion
 * proof (leaf to root, RFC 9162 §2.1.3.2) and a C2SP checkpoint note, with the browser's own SHA-256 and Ed25519
 * (Web Crypto). Pure: no call to the API, so the same code runs in the page and in the unit test.
 */

/** Bytes from standard base64; undefined for anything else (a tampered value must fail, not throw). */
export function fromBase64(text: string): Uint8Array | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return undefined;
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', joined));
}

/** RFC 6962 §2.1: a leaf is hashed with the prefix 0x00, an inner node with 0x01, so neither can pass for the other. */
export function leafHash(data: Uint8Array): Promise<Uint8Array> {
  return sha256(Uint8Array.of(0x00), data);
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(Uint8Array.of(0x01), left, right);
}

/**
 * The root an inclusion proof leads to (RFC 9162 §2.1.3.2), or undefined when the proof cannot be one for that
 * index and size (too long, too short, an index outside the tree, a hash that is not 32 bytes).
 */
export async function rootFromInclusionProof(leaf: Uint8Array, index: number, size: number, proof: readonly Uint8Array[]): Promise<Uint8Array | undefined> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size || leaf.length !== 32) return undefined;
  // BigInt: tree sizes beyond 2^31 would break JavaScript's 32-bit shifts.
  let fn = BigInt(index);
  let sn = BigInt(size - 1);
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n || p.length !== 32) return undefined;
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? r : undefined;
}

/** Whether the proof leads from the leaf at `index` to `root` in the tree of `size` leaves. */
export async function verifyInclusion(leaf: Uint8Array, index: number, size: number, proof: readonly Uint8Array[], root: Uint8Array): Promise<boolean> {
  const computed = await rootFromInclusionProof(leaf, index, size, proof);
  return computed !== undefined && equalBytes(computed, root);
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** A C2SP tlog-checkpoint inside a signed note: origin, size, root, and the signature lines. */
export interface CheckpointNote {
  origin: string;
  treeSize: number;
  rootHash: string;
  /** The signed text: every line up to the blank one, each with its newline. */
  text: string;
  signatures: { name: string; signature: string }[];
}

/** The note as the API writes it (`<origin>\n<size>\n<root>\n\n— <name> <base64>\n`); undefined when it is not one. */
export function parseCheckpointNote(note: string): CheckpointNote | undefined {
  const split = note.indexOf('\n\n');
  if (split < 0) return undefined;
  const text = note.slice(0, split + 1);
  const [origin, size, root] = text.split('\n');
  if (!origin || !/^(0|[1-9]\d*)$/.test(size ?? '') || !fromBase64(root ?? '')) return undefined;
  const signatures = note
    .slice(split + 2)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => /^\u2014 (\S+) (\S+)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1], signature: m[2] }));
  return { origin, treeSize: Number(size), rootHash: root, text, signatures };
}

export type SignatureCheck = 'verified' | 'invalid' | 'no-signature-of-key' | 'malformed-key' | 'unsupported';

/**
 * The note's signature by the verifier key `<name>+<hex key id>+<base64(0x01 || public key)>` (C2SP signed-note,
 * Ed25519 over the note's text). `unsupported` when this browser's Web Crypto has no Ed25519.
 */
export async function verifyNoteSignature(note: CheckpointNote, verifierKey: string): Promise<SignatureCheck> {
  // A name has no '+', the key id is 8 hex digits; the base64 after them may hold '+' of its own.
  const parts = /^([^+\s]+)\+([0-9a-fA-F]{8})\+(\S+)$/.exec(verifierKey.trim());
  if (!parts) return 'malformed-key';
  const [, name, keyIdHex, encoded] = parts;
  const key = fromBase64(encoded);
  if (!key || key.length !== 33 || key[0] !== 0x01) return 'malformed-key';
  const keyId = Uint8Array.from(keyIdHex.match(/../g)!.map((h) => parseInt(h, 16)));
  const line = note.signatures.find((s) => {
    const bytes = s.name === name ? fromBase64(s.signature) : undefined;
    return bytes !== undefined && bytes.length === 68 && equalBytes(bytes.subarray(0, 4), keyId);
  });
  if (!line) return 'no-signature-of-key';
  let publicKey: CryptoKey;
  try {
    publicKey = await crypto.subtle.importKey('raw', Uint8Array.from(key.subarray(1)), { name: 'Ed25519' }, false, ['verify']);
  } catch {
    return 'unsupported';
  }
  const signature = Uint8Array.from(fromBase64(line.signature)!.subarray(4));
  const ok = await crypto.subtle.verify({ name: 'Ed25519' }, publicKey, signature, new TextEncoder().encode(note.text));
  return ok ? 'verified' : 'invalid';
}
