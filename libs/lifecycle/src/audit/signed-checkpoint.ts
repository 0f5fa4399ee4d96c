import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Checkpoints of the tamper-evident log in the C2SP formats (c2sp.org/tlog-checkpoint inside c2sp.org/signed-note,
 * Ed25519 signatures), byte for byte as golang.org/x/mod/sumdb/note writes and reads them, so that standard
 * transparency-log tooling and witnesses can check what the municipality's log signed without this code.
 */

export type NoteFailure = 'malformed-key' | 'malformed-note' | 'unverified' | 'invalid-signature' | 'ambiguous-key' | 'malformed-checkpoint';

/** A key, note or checkpoint refused; `reason` is stable for callers to branch on. */
export class SignedNoteError extends Error {
  constructor(
    readonly reason: NoteFailure,
    message: string,
  ) {
    super(message);
    this.name = 'SignedNoteError';
  }
}

/** The signature type byte of Ed25519 in signed-note keys and key ids. */
const ED25519 = 0x01;
/** DER of PKCS #8 and SubjectPublicKeyInfo for Ed25519 (RFC 8410) up to the raw 32-byte seed or public key. */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');
const KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;
const ROOT_HASH_BYTES = 32;
/** Em dash (U+2014) and a space: the start of every signature line. */
const SIGNATURE_PREFIX = '\u2014 ';
/** The reference implementation's limit: the spec asks for at least 16, a witnessed checkpoint has a handful. */
const MAX_SIGNATURES = 100;
const SIGNER_PREFIX = 'PRIVATE+KEY+';

/** Standard base64 with its padding (RFC 4648 §4); re-encoding refuses non-zero trailing bits, so one value has one text. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const KEY_ID = /^[0-9a-fA-F]{8}$/;
/** With the `u` flag a surrogate pair is one code point: only a lone surrogate, which UTF-8 cannot encode, matches. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
/** Unicode spaces as Go's unicode.IsSpace sees them: the White_Space property. */
const SPACE = /\p{White_Space}/u;
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/** A verifier key as the spec writes it, `<name>+<hex key id>+<base64(0x01 || public key)>`, once parsed. */
export interface NoteVerifierKey {
  readonly name: string;
  /** Eight lowercase hex digits. */
  readonly keyId: string;
  /** The raw 32-byte Ed25519 public key. */
  readonly publicKey: Buffer;
}

/** A signer key, `PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || seed)>`, once parsed: keep it secret. */
export interface NoteSignerKey {
  readonly name: string;
  readonly keyId: string;
  readonly privateKey: KeyObject;
  /** The verifier key that checks its signatures, to hand to whoever verifies. */
  readonly verifierKey: string;
}

/** A signature line of a note: who signed, not yet whether it verified. */
export interface NoteSignature {
  name: string;
  keyId: string;
}

export interface OpenedNote {
  /** The signed text, final newline included. */
  text: string;
  /** Signatures by known keys, each checked. */
  verified: NoteSignature[];
  /** Signatures by keys not given (a witness, a rotated key): ignored, as the spec requires. */
  unverified: NoteSignature[];
}

export interface LogCheckpoint {
  /** Who issues the log, e.g. `piao.example/ente/c_h501`: also the name of its signing key. */
  origin: string;
  /** Number of leaves. */
  size: number;
  /** The RFC 6962 root of the tree of that size, 32 bytes. */
  rootHash: Uint8Array;
  /** Opaque non-empty lines after the root (NOT RECOMMENDED by the spec: monitors cannot audit them). */
  extensions?: readonly string[];
}

/** Throws the error of its caller; declared as a type so that TypeScript narrows after a call. */
type Refuse = (why: string) => never;

/** Non-empty, valid Unicode, no space of any kind, no `+` (the key separator) and no control character. */
export function isValidKeyName(name: string): boolean {
  return name !== '' && !name.includes('+') && !SPACE.test(name) && !hasControlCharacter(name) && !LONE_SURROGATE.test(name);
}

/** A new Ed25519 key pair for `name`, in the signed-note text encodings. */
export function generateNoteKey(name: string): { signerKey: string; verifierKey: string } {
  requireKeyName(name);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_ED25519.length);
  const encodedPublic = Buffer.concat([Uint8Array.of(ED25519), rawPublicKey(publicKey)]);
  const keyId = keyIdOf(name, encodedPublic);
  return {
    signerKey: `${SIGNER_PREFIX}${name}+${keyId}+${Buffer.concat([Uint8Array.of(ED25519), seed]).toString('base64')}`,
    verifierKey: `${name}+${keyId}+${encodedPublic.toString('base64')}`,
  };
}

export function parseVerifierKey(text: string): NoteVerifierKey {
  const refuse: Refuse = (why) => {
    throw new SignedNoteError('malformed-key', `verifier key ${JSON.stringify(text)}: ${why}`);
  };
  const { name, keyId, type, key } = splitKey(text, refuse);
  if (type !== ED25519) refuse(`unknown signature type ${type}`);
  if (key.length !== KEY_BYTES) refuse(`an Ed25519 public key has ${KEY_BYTES} bytes, not ${key.length}`);
  if (keyIdOf(name, Buffer.concat([Uint8Array.of(type), key])) !== keyId) refuse('the key id does not match the name and the key');
  try {
    ed25519PublicKey(key);
  } catch {
    refuse('not an Ed25519 public key');
  }
  return { name, keyId, publicKey: key };
}

export function parseSignerKey(text: string): NoteSignerKey {
  // The key text is a secret: the messages never quote it.
  const refuse: Refuse = (why) => {
    throw new SignedNoteError('malformed-key', `signer key: ${why}`);
  };
  if (!text.startsWith(SIGNER_PREFIX)) refuse(`must start with ${SIGNER_PREFIX}`);
  const { name, keyId, type, key } = splitKey(text.slice(SIGNER_PREFIX.length), refuse);
  if (type !== ED25519) refuse(`unknown signature type ${type}`);
  if (key.length !== KEY_BYTES) refuse(`an Ed25519 seed has ${KEY_BYTES} bytes, not ${key.length}`);
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, key]), format: 'der', type: 'pkcs8' });
  // The id names the public key, which only the seed gives: a signer key with a wrong id would sign notes that
  // every verifier ignores as from an unknown key.
  const encodedPublic = Buffer.concat([Uint8Array.of(ED25519), rawPublicKey(createPublicKey(privateKey))]);
  if (keyIdOf(name, encodedPublic) !== keyId) refuse(`the key id ${keyId} does not match the name and the key`);
  return { name, keyId, privateKey, verifierKey: `${name}+${keyId}+${encodedPublic.toString('base64')}` };
}

/**
 * `text` signed: the text, a blank line and the signature line `— <name> <base64(key id || signature)>`.
 * The text must end in a newline; it is refused when the note could not be opened again (control characters,
 * lone surrogates).
 */
export function signNote(text: string, signerKey: string | NoteSignerKey): string {
  const signer = typeof signerKey === 'string' ? parseSignerKey(signerKey) : signerKey;
  requireKeyName(signer.name);
  if (!text.endsWith('\n')) throw new SignedNoteError('malformed-note', 'the text of a note must end with a newline');
  const flaw = noteFlaw(text);
  if (flaw) throw new SignedNoteError('malformed-note', `the text ${flaw}`);
  const signature = sign(null, Buffer.from(text, 'utf8'), signer.privateKey);
  const payload = Buffer.concat([Buffer.from(signer.keyId, 'hex'), signature]).toString('base64');
  return `${text}\n${SIGNATURE_PREFIX}${signer.name} ${payload}\n`;
}

/**
 * The text of a signed note once a known key's signature on it verifies. Signatures by other keys (another name
 * or another key id) are ignored; a known key's signature that fails to verify refuses the whole note, as does a
 * note that no known key signed. Bytes are read as strict UTF-8.
 */
export function openNote(note: string | Uint8Array, verifierKeys: readonly (string | NoteVerifierKey)[]): OpenedNote {
  const malformed: Refuse = (why) => {
    throw new SignedNoteError('malformed-note', `malformed note: ${why}`);
  };
  const message = typeof note === 'string' ? note : utf8(note, malformed);
  const flaw = noteFlaw(message);
  if (flaw) malformed(flaw);
  // The text may hold blank lines of its own: the signatures start after the last one.
  const split = message.lastIndexOf('\n\n');
  if (split < 0) malformed('no blank line before the signatures');
  const text = message.slice(0, split + 1);
  const block = message.slice(split + 2);
  if (block === '') malformed('no signature');
  if (!block.endsWith('\n')) malformed('the last signature line does not end with a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) malformed(`more than ${MAX_SIGNATURES} signatures`);

  const known = keysByNameAndId(verifierKeys);
  const opened: OpenedNote = { text, verified: [], unverified: [] };
  const checked = new Set<string>();
  const unverifiedLines = new Set<string>();
  const bytes = Buffer.from(text, 'utf8');
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX)) malformed(`${JSON.stringify(line)} is not a signature line`);
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = space < 0 ? rest : rest.slice(0, space);
    const payload = space < 0 ? undefined : decodeBase64(rest.slice(space + 1));
    if (!isValidKeyName(name) || payload === undefined || payload.length < 5) malformed(`${JSON.stringify(line)} is not a signature line`);
    const keyId = payload.subarray(0, 4).toString('hex');
    const slot = `${name}+${keyId}`;
    const keys = known.get(slot);
    if (!keys) {
      if (!unverifiedLines.has(line)) opened.unverified.push({ name, keyId });
      unverifiedLines.add(line);
      continue;
    }
    if (keys.length > 1) throw new SignedNoteError('ambiguous-key', `two different known keys are named ${slot}`);
    // A repeated signature by one key counts once, whatever the repeats say (as the reference implementation does).
    if (checked.has(slot)) continue;
    checked.add(slot);
    const signature = payload.subarray(4);
    if (signature.length !== SIGNATURE_BYTES || !verify(null, bytes, ed25519PublicKey(keys[0].publicKey), signature)) {
      throw new SignedNoteError('invalid-signature', `the signature of ${slot} does not verify`);
    }
    opened.verified.push({ name, keyId });
  }
  if (opened.verified.length === 0) throw new SignedNoteError('unverified', 'the note has no signature by a known key');
  return opened;
}

/** The note text of a checkpoint: origin, tree size, base64 root hash and any extension lines, each ending in a newline. */
export function checkpointBody(checkpoint: LogCheckpoint): string {
  const { origin, size, rootHash, extensions = [] } = checkpoint;
  const refuse: Refuse = (why) => {
    throw new SignedNoteError('malformed-checkpoint', `checkpoint: ${why}`);
  };
  if (origin === '' || origin.includes('\n') || noteFlaw(origin)) refuse(`the origin ${JSON.stringify(origin)} is not one non-empty line`);
  if (!Number.isSafeInteger(size) || size < 0) refuse(`the size ${size} is not a non-negative integer`);
  if (rootHash.length !== ROOT_HASH_BYTES) refuse(`a root hash has ${ROOT_HASH_BYTES} bytes, not ${rootHash.length}`);
  for (const line of extensions) {
    if (line === '' || line.includes('\n') || noteFlaw(line)) refuse(`the extension ${JSON.stringify(line)} is not one non-empty line`);
  }
  return [origin, String(size), Buffer.from(rootHash).toString('base64'), ...extensions].map((line) => `${line}\n`).join('');
}

/** The parts of a checkpoint's note text (as `openNote` returns it, final newline included). */
export function parseCheckpoint(text: string): Required<LogCheckpoint> & { rootHash: Buffer } {
  const refuse: Refuse = (why) => {
    throw new SignedNoteError('malformed-checkpoint', `checkpoint: ${why}`);
  };
  const flaw = noteFlaw(text);
  if (flaw) refuse(flaw);
  if (!text.endsWith('\n')) refuse('the text must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) refuse(`${lines.length} line(s): an origin, a size and a root hash are needed`);
  if (lines.some((line) => line === '')) refuse('a line is empty');
  const [origin, sizeLine, rootLine, ...extensions] = lines;
  if (!DECIMAL.test(sizeLine)) refuse(`the size ${JSON.stringify(sizeLine)} is not a decimal number without leading zeros`);
  const size = Number(sizeLine);
  // This log's sizes stay far below 2^53; a larger one could not be compared exactly as a number.
  if (!Number.isSafeInteger(size)) refuse(`the size ${sizeLine} is beyond ${Number.MAX_SAFE_INTEGER}`);
  const rootHash = decodeBase64(rootLine);
  if (rootHash === undefined) refuse(`the root hash ${JSON.stringify(rootLine)} is not base64`);
  if (rootHash.length !== ROOT_HASH_BYTES) refuse(`a root hash has ${ROOT_HASH_BYTES} bytes, not ${rootHash.length}`);
  return { origin, size, rootHash, extensions };
}

/** The spec's recommended key id: the first 4 bytes of SHA-256(name || 0x0A || type || public key), as hex. */
function keyIdOf(name: string, encodedPublicKey: Uint8Array): string {
  return createHash('sha256').update(`${name}\n`, 'utf8').update(encodedPublicKey).digest().subarray(0, 4).toString('hex');
}

/** `<name>+<key id>+<base64>`, cut at the first two `+`: the base64 itself may contain `+`. */
function splitKey(text: string, refuse: Refuse): { name: string; keyId: string; type: number; key: Buffer } {
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) refuse('expected <name>+<key id>+<key>');
  const name = text.slice(0, first);
  const keyId = text.slice(first + 1, second);
  const encoded = decodeBase64(text.slice(second + 1));
  if (!isValidKeyName(name)) refuse(`${JSON.stringify(name)} is not a key name (non-empty, no space, no '+')`);
  if (!KEY_ID.test(keyId)) refuse('the key id must be 8 hex digits');
  if (encoded === undefined || encoded.length === 0) refuse('the key is not base64');
  return { name, keyId: keyId.toLowerCase(), type: encoded[0], key: encoded.subarray(1) };
}

function requireKeyName(name: string): void {
  if (!isValidKeyName(name)) throw new SignedNoteError('malformed-key', `${JSON.stringify(name)} is not a key name (non-empty, no space, no '+')`);
}

function decodeBase64(text: string): Buffer | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

/** Why text cannot be part of a signed note (which must be UTF-8 without control characters but newline). */
function noteFlaw(text: string): string | undefined {
  if (hasControlCharacter(text)) return 'contains a control character other than newline';
  if (LONE_SURROGATE.test(text)) return 'contains a lone UTF-16 surrogate, which UTF-8 cannot encode';
  return undefined;
}

/** An ASCII control character other than newline (a loop: the linter refuses control characters in a regex). */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x0a) return true;
  }
  return false;
}

function utf8(bytes: Uint8Array, malformed: Refuse): string {
  try {
    // ignoreBOM keeps a byte order mark in the text, which the signature covers, instead of dropping it.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return malformed('not valid UTF-8');
  }
}

function ed25519PublicKey(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: 'der', type: 'spki' });
}

function rawPublicKey(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519.length);
}

/** Known keys by `<name>+<key id>`; the same key given twice is one key, two different keys in one slot are kept apart. */
function keysByNameAndId(verifierKeys: readonly (string | NoteVerifierKey)[]): Map<string, NoteVerifierKey[]> {
  const known = new Map<string, NoteVerifierKey[]>();
  for (const given of verifierKeys) {
    const key = typeof given === 'string' ? parseVerifierKey(given) : given;
    const slot = `${key.name}+${key.keyId}`;
    const keys = known.get(slot) ?? [];
    if (!keys.some((other) => other.publicKey.equals(key.publicKey))) keys.push(key);
    known.set(slot, keys);
  }
  return known;
}
