import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import {
  checkpointBody,
  generateNoteKey,
  openNote,
  parseCheckpoint,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  SignedNoteError,
  type NoteFailure,
  type NoteVerifierKey,
} from '../src/audit/signed-checkpoint';

// The reference implementation's example keys, note and signatures: golang.org/x/mod/sumdb/note, its package
// documentation and note_test.go (BSD-3-Clause). Ed25519 is deterministic, so a signer that reproduces them byte for
// byte writes notes that Go's note.Open (and the tools built on it) accept.
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG = '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';
const PETER = { name: 'PeterNeumann', keyId: 'c74f20a3' };
const ENOCH = { name: 'EnochRoot', keyId: 'af0cfe78' };

// The example checkpoint of c2sp.org/tlog-checkpoint (its signing key is not published).
const SPEC_CHECKPOINT = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const SPEC_CHECKPOINT_SIG = '— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n';

/** The reason a call is refused with, or undefined when it goes through. */
function refusal(run: () => unknown): NoteFailure | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof SignedNoteError) return error.reason;
    throw error;
  }
  return undefined;
}

const sha256 = (...parts: (string | Uint8Array)[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

describe('signed notes: the golang.org/x/mod/sumdb/note example, byte for byte', () => {
  it('computes the key id as SHA-256(name || 0x0A || 0x01 || public key)[:4]', () => {
    const key = parseVerifierKey(PETER_VKEY);
    expect(key).toMatchObject(PETER);
    const encoded = Buffer.from(PETER_VKEY.split('+')[2], 'base64');
    expect(encoded[0]).toBe(0x01);
    expect(sha256('PeterNeumann', '\n', encoded).subarray(0, 4).toString('hex')).toBe('c74f20a3');
    expect(key.publicKey.equals(encoded.subarray(1))).toBe(true);
  });

  it('derives the verifier key from the signer key', () => {
    const signer = parseSignerKey(PETER_SKEY);
    expect(signer).toMatchObject(PETER);
    expect(signer.verifierKey).toBe(PETER_VKEY);
  });

  it('signs the example text into exactly the published note', () => {
    const note = signNote(TEXT, PETER_SKEY);
    expect(note).toBe(`${TEXT}\n${PETER_SIG}`);
    // Em dash U+2014 and a space, not a hyphen: the bytes E2 80 94 20 open the signature line.
    expect(
      Buffer.from(note.slice(TEXT.length + 1), 'utf8')
        .subarray(0, 4)
        .toString('hex'),
    ).toBe('e2809420');
  });

  it('opens the published note with the published verifier key', () => {
    expect(openNote(`${TEXT}\n${PETER_SIG}`, [PETER_VKEY])).toEqual({ text: TEXT, verified: [PETER], unverified: [] });
    expect(openNote(Buffer.from(`${TEXT}\n${PETER_SIG}`, 'utf8'), [PETER_VKEY]).text).toBe(TEXT);
  });

  it('opens the doubly signed note of the documentation: each known key verifies, the others are set aside', () => {
    const note = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
    expect(openNote(note, [PETER_VKEY])).toEqual({ text: TEXT, verified: [PETER], unverified: [ENOCH] });
    expect(openNote(note, [PETER_VKEY, ENOCH_VKEY])).toEqual({ text: TEXT, verified: [PETER, ENOCH], unverified: [] });
    expect(refusal(() => openNote(note, []))).toBe('unverified');
  });

  it('refuses every truncation and every one-character change of the example keys (as note_test.go does)', () => {
    for (const [key, parse] of [
      [PETER_VKEY, parseVerifierKey],
      [PETER_SKEY, parseSignerKey],
    ] as const) {
      const mangled: string[] = [];
      for (let i = 0; i <= key.length; i++) for (let j = i + 1; j <= key.length; j++) if (i !== 0 || j !== key.length) mangled.push(key.slice(i, j));
      for (let i = 0; i < key.length; i++) mangled.push(key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1));
      const accepted = mangled.filter((text) => refusal(() => parse(text)) !== 'malformed-key');
      expect(accepted).toEqual([]);
      expect(mangled.length).toBeGreaterThan(2000);
    }
    // A key of the wrong length and one of an unknown type, each with a key id that matches it.
    expect(refusal(() => parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=='))).toBe('malformed-key');
    expect(refusal(() => parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'))).toBe('malformed-key');
  });

  it('never quotes a signer key in its errors', () => {
    const broken = PETER_SKEY.replace('c74f20a3', 'c74f20a4');
    expect(() => parseSignerKey(broken)).toThrow(SignedNoteError);
    expect(() => parseSignerKey(broken)).not.toThrow(/AYEKFALV/);
  });
});

describe('signed notes: keys', () => {
  const name = 'piao.example/ente/c_h501';

  it('generates a key pair in the signed-note encodings, its id recomputable by anyone', () => {
    const { signerKey, verifierKey } = generateNoteKey(name);
    expect(signerKey).toMatch(/^PRIVATE\+KEY\+piao\.example\/ente\/c_h501\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    expect(verifierKey).toMatch(/^piao\.example\/ente\/c_h501\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    // Cut at the first two '+' only: the base64 may hold '+' of its own.
    const [, keyId, encoded] = /^[^+]+\+([0-9a-f]{8})\+(.+)$/.exec(verifierKey) ?? [];
    expect(sha256(name, '\n', Buffer.from(encoded, 'base64')).subarray(0, 4).toString('hex')).toBe(keyId);
    expect(signerKey.startsWith(`PRIVATE+KEY+${name}+${keyId}+`)).toBe(true);
    expect(Buffer.from(signerKey.slice(`PRIVATE+KEY+${name}+${keyId}+`.length), 'base64')[0]).toBe(0x01);
    expect(parseSignerKey(signerKey).verifierKey).toBe(verifierKey);
  });

  it.each(['', 'a+b', 'ente c_h501', 'tab\there', 'new\nline', 'no\u00a0break', 'ideographic\u3000space', 'line\u2028separator', 'bell\u0007'])(
    'refuses the key name %j',
    (bad) => {
      expect(refusal(() => generateNoteKey(bad))).toBe('malformed-key');
    },
  );

  it('accepts an upper-case key id as the reference does, and reports it in lower case', () => {
    expect(parseVerifierKey(PETER_VKEY.replace('c74f20a3', 'C74F20A3')).keyId).toBe('c74f20a3');
  });
});

describe('signed notes: sign and open', () => {
  const key = generateNoteKey('piao.example/ente/c_h501');
  const text = 'piao.example/ente/c_h501\n7\nHhL9xRz0d2S2bVXeTKvXLDuyJcD8Vh3FhYtCNpCHOEM=\n';
  const note = signNote(text, key.signerKey);
  const verifier = parseVerifierKey(key.verifierKey);

  it('round-trips', () => {
    expect(openNote(note, [key.verifierKey])).toEqual({ text, verified: [{ name: verifier.name, keyId: verifier.keyId }], unverified: [] });
    expect(openNote(note, [verifier]).text).toBe(text);
  });

  it('keeps blank lines inside the text: the signatures start after the last one', () => {
    const poem = 'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n';
    expect(openNote(signNote(poem, key.signerKey), [key.verifierKey]).text).toBe(poem);
  });

  it('refuses a changed text', () => {
    expect(refusal(() => openNote(note.replace('\n7\n', '\n8\n'), [key.verifierKey]))).toBe('invalid-signature');
    expect(refusal(() => openNote(`${TEXT.replace('cryptography', 'cryptographY')}\n${PETER_SIG}`, [PETER_VKEY]))).toBe('invalid-signature');
  });

  it('refuses a changed signature', () => {
    const payload = Buffer.from(PETER_SIG.slice('— PeterNeumann '.length, -1), 'base64');
    payload[40] ^= 0x01;
    expect(refusal(() => openNote(`${TEXT}\n— PeterNeumann ${payload.toString('base64')}\n`, [PETER_VKEY]))).toBe('invalid-signature');
    // note_test.go: four characters inserted into the signature.
    expect(refusal(() => openNote(`${TEXT}\n${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`, [PETER_VKEY]))).toBe('invalid-signature');
  });

  it('refuses a note signed only by unknown keys', () => {
    expect(refusal(() => openNote(`${TEXT}\n${PETER_SIG}`, [ENOCH_VKEY]))).toBe('unverified');
    expect(refusal(() => openNote(note, [PETER_VKEY]))).toBe('unverified');
  });

  it('ignores a signature under a known key id but another name, and under a known name but another key id', () => {
    const renamed = PETER_SIG.replace('PeterNeumann', 'CarmenSandiego');
    expect(refusal(() => openNote(`${TEXT}\n${renamed}`, [PETER_VKEY]))).toBe('unverified');
    expect(openNote(`${TEXT}\n${renamed}${PETER_SIG}`, [PETER_VKEY])).toEqual({
      text: TEXT,
      verified: [PETER],
      unverified: [{ name: 'CarmenSandiego', keyId: 'c74f20a3' }],
    });
    const samePeterName = generateNoteKey('PeterNeumann');
    const byImpostor = signNote(TEXT, samePeterName.signerKey);
    expect(refusal(() => openNote(byImpostor, [PETER_VKEY]))).toBe('unverified');
  });

  it('refuses a signature by a different key that claims the name and key id of a known one', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const forged = Buffer.concat([Buffer.from('c74f20a3', 'hex'), sign(null, Buffer.from(TEXT), privateKey)]).toString('base64');
    // Not ignored as unknown: the name and id say it is Peter's, so it must verify with Peter's key, and does not.
    expect(refusal(() => openNote(`${TEXT}\n— PeterNeumann ${forged}\n${PETER_SIG}`, [PETER_VKEY]))).toBe('invalid-signature');
    // Two different keys trusted under one name and id: which one signed cannot be told.
    const colliding: NoteVerifierKey = { ...PETER, publicKey: publicKey.export({ format: 'der', type: 'spki' }).subarray(12) };
    expect(refusal(() => openNote(`${TEXT}\n${PETER_SIG}`, [PETER_VKEY, colliding]))).toBe('ambiguous-key');
    expect(openNote(`${TEXT}\n${PETER_SIG}`, [PETER_VKEY, parseVerifierKey(PETER_VKEY)]).verified).toEqual([PETER]);
  });

  it('refuses to sign a text without a final newline, or with control characters (CRLF line ends)', () => {
    expect(refusal(() => signNote('abc', key.signerKey))).toBe('malformed-note');
    expect(refusal(() => signNote('origin\r\n1\r\n', key.signerKey))).toBe('malformed-note');
    expect(refusal(() => signNote('half an emoji \uD83C\n', key.signerKey))).toBe('malformed-note');
  });

  // note_test.go's malformed messages, and a few of our own.
  it.each<[string, string | Uint8Array]>([
    ['the text alone', TEXT],
    ['no signature after the blank line', `${TEXT}\n`],
    ['no newline after the signature', `${TEXT}\n${PETER_SIG.slice(0, -1)}`],
    ['a control character', `\u0001${TEXT}\n${PETER_SIG}`],
    ['bytes that are not UTF-8', Buffer.concat([Buffer.from([0xff]), Buffer.from(`${TEXT}\n${PETER_SIG}`)])],
    ['a space in the key name', `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`],
    ['a line after the signatures', `${TEXT}\n${PETER_SIG}Unexpected line.\n`],
    ['a hyphen instead of the em dash', `${TEXT}\n${PETER_SIG.replace('—', '-')}`],
    ['an en dash instead of the em dash', `${TEXT}\n${PETER_SIG.replace('—', '–')}`],
    ['unpadded base64', `${TEXT}\n${PETER_SIG.replace('=\n', '\n')}`],
    ['a signature too short for a key id', `${TEXT}\n— PeterNeumann AAAA\n`],
    ['101 signatures', `${TEXT}\n${PETER_SIG.repeat(101)}`],
    ['carriage returns', `${TEXT}\n${PETER_SIG}`.replaceAll('\n', '\r\n')],
  ])('refuses a malformed note: %s', (_what, bad) => {
    expect(refusal(() => openNote(bad, [PETER_VKEY]))).toBe('malformed-note');
  });

  it('counts a signature repeated by the same key once', () => {
    expect(openNote(`${TEXT}\n${PETER_SIG.repeat(100)}`, [PETER_VKEY]).verified).toEqual([PETER]);
  });
});

describe('checkpoints', () => {
  const root = Buffer.from('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'base64');

  it('writes the body of the c2sp.org/tlog-checkpoint example', () => {
    expect(checkpointBody({ origin: 'example.com/behind-the-sofa', size: 20852163, rootHash: root })).toBe(SPEC_CHECKPOINT);
  });

  it('reads the example back, and opens its note as well formed but signed by a key we do not hold', () => {
    const parsed = parseCheckpoint(SPEC_CHECKPOINT);
    expect(parsed).toEqual({ origin: 'example.com/behind-the-sofa', size: 20852163, rootHash: root, extensions: [] });
    expect(refusal(() => openNote(`${SPEC_CHECKPOINT}\n${SPEC_CHECKPOINT_SIG}`, [PETER_VKEY]))).toBe('unverified');
  });

  it('round-trips through a signed note, extension lines and the empty tree included', () => {
    const key = generateNoteKey('piao.example/ente/c_h501');
    const empty = sha256();
    for (const checkpoint of [
      { origin: 'piao.example/ente/c_h501', size: 0, rootHash: empty, extensions: [] },
      { origin: 'piao.example/ente/c_h501', size: 123456, rootHash: root, extensions: ['rebuilt 2026-03-14', 'ente c_h501'] },
    ]) {
      const opened = openNote(signNote(checkpointBody(checkpoint), key.signerKey), [key.verifierKey]);
      expect(parseCheckpoint(opened.text)).toEqual(checkpoint);
    }
    expect(checkpointBody({ origin: 'o', size: 0, rootHash: empty })).toBe(`o\n0\n${empty.toString('base64')}\n`);
  });

  const origin = 'example.com/behind-the-sofa';
  const rootLine = root.toString('base64');
  it.each([
    ['a leading zero', `${origin}\n020852163\n${rootLine}\n`],
    ['a plus sign', `${origin}\n+20852163\n${rootLine}\n`],
    ['a negative size', `${origin}\n-1\n${rootLine}\n`],
    ['a decimal point', `${origin}\n20852163.0\n${rootLine}\n`],
    ['hexadecimal', `${origin}\n0x10\n${rootLine}\n`],
    ['an exponent', `${origin}\n2e7\n${rootLine}\n`],
    ['a space', `${origin}\n 20852163\n${rootLine}\n`],
    ['a size beyond 2^53 - 1', `${origin}\n9007199254740992\n${rootLine}\n`],
    ['a root of 31 bytes', `${origin}\n1\n${root.subarray(1).toString('base64')}\n`],
    ['a root of 33 bytes', `${origin}\n1\n${Buffer.concat([root, Buffer.from([0])]).toString('base64')}\n`],
    ['a root that is not base64', `${origin}\n1\n${root.toString('hex')}\n`],
    ['an unpadded root', `${origin}\n1\n${rootLine.replace('=', '')}\n`],
    ['no root line', `${origin}\n1\n`],
    ['only an origin', `${origin}\n`],
    ['nothing', ''],
    ['no final newline', SPEC_CHECKPOINT.slice(0, -1)],
    ['an empty origin', `\n1\n${rootLine}\n`],
    ['an empty extension line', `${SPEC_CHECKPOINT}\nextension\n`],
  ])('refuses a checkpoint with %s', (_what, text) => {
    expect(refusal(() => parseCheckpoint(text))).toBe('malformed-checkpoint');
  });

  it.each([
    ['a negative size', { origin, size: -1, rootHash: root }],
    ['a fractional size', { origin, size: 1.5, rootHash: root }],
    ['a root of 31 bytes', { origin, size: 1, rootHash: root.subarray(1) }],
    ['an origin of two lines', { origin: `${origin}\nsecond`, size: 1, rootHash: root }],
    ['an empty origin', { origin: '', size: 1, rootHash: root }],
    ['an empty extension', { origin, size: 1, rootHash: root, extensions: [''] }],
  ])('refuses to write a checkpoint with %s', (_what, checkpoint) => {
    expect(refusal(() => checkpointBody(checkpoint))).toBe('malformed-checkpoint');
  });
});
