import { mkdir, open, readFile } from 'node:fs/promises';
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
 * The installation's checkpoint-signing key, read from `path`; created there (exclusively, mode 0600) when absent,
 * named after the log's origin, so that the embedded default signs from its first start with nothing set up. A file
 * that does not hold a signer key is refused with the reason, never replaced.
 */
export async function loadOrCreateSignerKey(path: string, name: string): Promise<SignerKeyFile> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    const signer = parseSignerKey(text);
    return { signer, verifierKey: signer.verifierKey, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new Error(`the audit signing key in ${path} cannot be used: ${(error as Error).message}`, { cause: error });
  }
  const key = generateNoteKey(name);
  await mkdir(dirname(path), { recursive: true });
  const file = await open(path, 'wx', 0o600).catch(async (error: NodeJS.ErrnoException) => {
    // Another process created it meanwhile: use theirs.
    if (error.code === 'EEXIST') return undefined;
    throw error;
  });
  if (!file) return loadOrCreateSignerKey(path, name);
  try {
    await file.writeFile(`${key.signerKey}\n`);
  } finally {
    await file.close();
  }
  const signer = parseSignerKey(key.signerKey);
  return { signer, verifierKey: key.verifierKey, created: true };
}
