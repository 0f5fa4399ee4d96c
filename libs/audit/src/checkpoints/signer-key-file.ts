import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { generateNoteKey, parseSignerKey, type NoteSignerKey } from '@piao/lifecycle';

export interface SignerKeyFile {
  signer: NoteSignerKey;
  /** The line to publish: whoever holds it can check every checkpoint this key signs. */
  verifierKey: string;
  /** True when this call created the file. */
  created: boolean;
}

/**
 * The installation's checkpoint-signing key, read from `path`. A file that does not hold a signer key, or that others
 * than its owner may read, is refused with the reason, never replaced.
 */
export async function readSignerKey(path: string): Promise<SignerKeyFile> {
  const mode = (await stat(path)).mode;
  if ((mode & 0o077) !== 0) throw new Error(`the audit signing key in ${path} is readable by others (mode ${(mode & 0o777).toString(8)}): chmod 600 it`);
  const signer = parseSignerKey((await readFile(path, 'utf8')).trim());
  return { signer, verifierKey: signer.verifierKey, created: false };
}

/**
 * The key of `path`, created there when absent (named after the log's origin) so that the embedded default signs
 * from its first start with nothing set up. The file is written whole under another name (mode 0600, synced) and
 * then linked into place, so that nobody ever reads a half-written key, and two processes starting together end up
 * with the one that was linked first.
 */
export async function loadOrCreateSignerKey(path: string, name: string): Promise<SignerKeyFile> {
  try {
    return await readSignerKey(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new Error(`the audit signing key in ${path} cannot be used: ${(error as Error).message}`, { cause: error });
  }
  const key = generateNoteKey(name);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const file = await open(temporary, 'wx', 0o600);
  try {
    await file.writeFile(`${key.signerKey}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await link(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readSignerKey(path); // another process won: its key
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
  return { signer: parseSignerKey(key.signerKey), verifierKey: key.verifierKey, created: true };
}
