import { mkdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { lock } from 'proper-lockfile';

/**
 * One process per PGlite data folder. PGlite is PostgreSQL inside the process, without a postmaster to refuse a
 * second one: two processes on the same folder each keep their own buffers and overwrite each other's files, and
 * acknowledged writes vanish. So the folder is locked by the process that opens it, with proper-lockfile: a
 * directory created atomically (mkdir) inside the data folder, whose mtime the holder refreshes while it lives.
 *
 * - A holder that lives refreshes the lock every UPDATE_MS. A second process that finds the lock watches its mtime:
 *   as soon as it moves (within about UPDATE_MS) the holder is known to be alive and the second process stops
 *   with DataFolderLocked.
 * - A holder killed without releasing (SIGKILL, power cut) stops refreshing. A lock not refreshed for STALE_MS is
 *   abandoned: the next process removes it and takes the folder over, at most STALE_MS (plus a poll) after the
 *   holder's last refresh; a restart right after the crash simply waits that long.
 * - A holder that cannot refresh within STALE_MS (event loop blocked that long, system suspended, lock removed by
 *   hand) may have been taken over meanwhile: proper-lockfile reports the lock compromised, and the process stops
 *   at once rather than go on writing to a folder that is no longer its own.
 */

/** A lock not refreshed for this long belongs to a dead process (proper-lockfile's default; at least 2 s). */
export const STALE_MS = 10_000;
/** The holder refreshes the lock's mtime this often (proper-lockfile's minimum): a second process sees it live within about 1 s. */
export const UPDATE_MS = 1_000;
/** How often a second process looks at the lock again. */
const POLL_MS = 100;

/** The lock itself: a directory inside the data folder (PostgreSQL ignores unknown entries of its data directory). */
const LOCK_NAME = '.data-folder.lock';
/** Who holds the lock, for the message of a second process. Beside the lock: proper-lockfile removes the lock with rmdir. */
const OWNER_NAME = '.data-folder.owner.json';

interface Holder {
  pid: number;
  hostname: string;
  since: string;
}

/** The data folder is in use by another process (or already opened by this one). */
export class DataFolderLocked extends Error {
  override readonly name = 'DataFolderLocked';
  constructor(
    readonly folder: string,
    readonly holder?: Holder,
  ) {
    const who = holder ? `another process (pid ${holder.pid} on ${holder.hostname}, since ${holder.since})` : 'another process';
    super(
      `The PGlite data folder ${folder} is in use by ${who}; only one process may open it at a time. ` +
        `Stop that process, or set PGLITE_DATA_DIR to another folder.`,
    );
  }
}

export interface DataFolderLock {
  readonly folder: string;
  /** Releases the lock; the folder may then be opened by another process. */
  release(): Promise<void>;
}

export interface DataFolderLockOptions {
  /** Called when the lock is lost while held. By default: an error on stderr and exit code 1. */
  onCompromised?: (error: Error) => void;
}

/** True when PGlite keeps its data in a folder: not for none, an empty one or `memory://` (in memory, nothing to lock). */
export const isOnDisk = (dataDir: string | undefined): dataDir is string => !!dataDir && !dataDir.startsWith('memory://');

/**
 * Locks PGlite's data folder, creating it if missing. Throws DataFolderLocked when another living process holds
 * it (within about UPDATE_MS); takes over a lock abandoned by a dead process (within STALE_MS of its last refresh).
 */
export async function lockDataFolder(dataDir: string, options: DataFolderLockOptions = {}): Promise<DataFolderLock> {
  // PGlite accepts `file://` too; the folder is what follows.
  const given = resolve(dataDir.replace(/^file:\/\//, ''));
  await mkdir(given, { recursive: true });
  const folder = await realpath(given);
  const lockPath = join(folder, LOCK_NAME);
  const ownerPath = join(folder, OWNER_NAME);
  const onCompromised = options.onCompromised ?? ((error: Error) => exitOnCompromised(folder, error));
  // Bounded even if the lock's mtime misbehaves (a clock set back, a future mtime): past this, the folder is in use.
  const deadline = Date.now() + STALE_MS + 2 * UPDATE_MS;
  let seen: number | undefined;
  for (;;) {
    try {
      const release = await lock(folder, { lockfilePath: lockPath, stale: STALE_MS, update: UPDATE_MS, retries: 0, realpath: false, onCompromised });
      const holder: Holder = { pid: process.pid, hostname: hostname(), since: new Date().toISOString() };
      await writeFile(ownerPath, JSON.stringify(holder) + '\n').catch(async (error: unknown) => {
        await release();
        throw error;
      });
      return {
        folder,
        async release() {
          // The owner file is removed only while it is still ours (after a compromise it is the new holder's).
          const owner = await readHolder(ownerPath);
          if (owner?.pid === holder.pid && owner.since === holder.since) await rm(ownerPath, { force: true });
          await release().catch((error: NodeJS.ErrnoException) => {
            if (error.code !== 'ERELEASED') throw error;
          });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    }
    // Held, and not stale: alive if its mtime moves. Gone meanwhile: try again at once.
    const mtime = await stat(lockPath).then(
      (s) => s.mtimeMs,
      () => undefined,
    );
    if (mtime === undefined) continue;
    if (seen === undefined) seen = mtime;
    else if (mtime !== seen || Date.now() > deadline) throw new DataFolderLocked(folder, await readHolder(ownerPath));
    await new Promise((done) => setTimeout(done, POLL_MS));
  }
}

async function readHolder(ownerPath: string): Promise<Holder | undefined> {
  try {
    const holder = JSON.parse(await readFile(ownerPath, 'utf8')) as Partial<Holder>;
    return typeof holder.pid === 'number' ? { pid: holder.pid, hostname: String(holder.hostname), since: String(holder.since) } : undefined;
  } catch {
    return undefined;
  }
}

function exitOnCompromised(folder: string, error: Error): never {
  process.stderr.write(
    `The lock on the PGlite data folder ${folder} was lost (${error.message}); another process may be using the folder. ` +
      `Stopping now, so as not to write to it.\n`,
  );
  process.exit(1);
}
