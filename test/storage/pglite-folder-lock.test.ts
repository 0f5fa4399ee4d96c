import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFolderLocked, isOnDisk, lockDataFolder, STALE_MS, UPDATE_MS } from '../../libs/storage/src/sql/pglite-folder-lock';
import { killApiProcesses, spawnApiProcess, startApiProcess, type ApiProcess, type TokenHolder } from '../support/api-process';

const LOCK = '.data-folder.lock';
const OWNER = '.data-folder.owner.json';
const temporaryFolder = () => realpathSync(mkdtempSync(join(tmpdir(), 'piao-pglite-lock-')));

describe('the lock on a PGlite data folder', () => {
  const folders: string[] = [];
  const folder = () => {
    const created = temporaryFolder();
    folders.push(created);
    return created;
  };
  afterAll(() => folders.forEach((f) => rmSync(f, { recursive: true, force: true })));

  it('is not taken for an in-memory database', () => {
    expect([undefined, '', 'memory://', 'memory://x'].map(isOnDisk)).toEqual([false, false, false, false]);
    expect(['./data', 'file:///tmp/x'].map(isOnDisk)).toEqual([true, true]);
  });

  it('creates the folder, and is refused to a second taker within about UPDATE_MS while its holder lives', async () => {
    const dataDir = join(folder(), 'not-yet-there');
    const held = await lockDataFolder(dataDir);
    try {
      expect(JSON.parse(readFileSync(join(dataDir, OWNER), 'utf8'))).toMatchObject({ pid: process.pid });
      const started = Date.now();
      const refused = await lockDataFolder(dataDir).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(DataFolderLocked);
      expect((refused as Error).message).toContain(dataDir);
      expect((refused as Error).message).toContain(`in use by another process (pid ${process.pid}`);
      expect((refused as Error).message).toContain('set PGLITE_DATA_DIR to another folder');
      expect(Date.now() - started).toBeLessThan(3 * UPDATE_MS);
    } finally {
      await held.release();
    }
    expect([existsSync(join(dataDir, LOCK)), existsSync(join(dataDir, OWNER))]).toEqual([false, false]);
    await (await lockDataFolder(dataDir)).release();
  });

  it('left by a dead holder, is taken over once STALE_MS have passed since its last refresh', async () => {
    const dataDir = folder();
    mkdirSync(join(dataDir, LOCK));
    writeFileSync(join(dataDir, OWNER), JSON.stringify({ pid: 999_999, hostname: 'gone', since: '2025-01-01T00:00:00.000Z' }));
    // Last refreshed STALE_MS - 1.5 s ago, then never again: stale in 1.5 s.
    const lastRefresh = new Date(Date.now() - STALE_MS + 1_500);
    utimesSync(join(dataDir, LOCK), lastRefresh, lastRefresh);
    const held = await lockDataFolder(dataDir);
    const waited = Date.now() - (lastRefresh.getTime() + STALE_MS);
    try {
      expect(waited).toBeGreaterThanOrEqual(-50);
      expect(waited).toBeLessThan(1_000);
      expect(JSON.parse(readFileSync(join(dataDir, OWNER), 'utf8'))).toMatchObject({ pid: process.pid });
    } finally {
      await held.release();
    }
  });

  it('reports its loss while held, within about UPDATE_MS', async () => {
    const dataDir = folder();
    let lost: (error: Error) => void = () => undefined;
    const compromised = new Promise<Error>((resolve) => (lost = resolve));
    const held = await lockDataFolder(dataDir, { onCompromised: (error) => lost(error) });
    rmSync(join(dataDir, LOCK), { recursive: true });
    const started = Date.now();
    expect(await compromised).toMatchObject({ code: 'ECOMPROMISED' });
    expect(Date.now() - started).toBeLessThan(3 * UPDATE_MS);
    await held.release();
  });
});

describe('the API on a PGlite data folder, one process at a time', () => {
  let folder: string;
  let env: Record<string, string>;
  const admin: TokenHolder = { sub: 'comune-lock:admin', name: 'Amministratore', ente: 'comune-lock', roles: ['admin'] };
  let holder: ApiProcess;
  /** How long a start takes when the folder is free: the wait for an abandoned lock comes on top of it. */
  let freeStartMs: number;

  async function createUnit(api: ApiProcess, unitId: string): Promise<void> {
    const response = await api.fetch('/organisation/units', { as: admin, body: { unitId, name: `Settore ${unitId}`, kind: 'settore' } });
    expect({ status: response.status, body: await response.json() }).toMatchObject({ status: 201, body: { unitId } });
  }

  async function unitIds(api: ApiProcess): Promise<string[]> {
    const response = await api.fetch('/organisation', { as: admin });
    expect(response.status).toBe(200);
    return ((await response.json()) as { units: { unitId: string }[] }).units.map((unit) => unit.unitId).sort();
  }

  async function timeToReady(): Promise<{ api: ApiProcess; ms: number }> {
    const started = Date.now();
    const api = await startApiProcess({ env });
    return { api, ms: Date.now() - started };
  }

  beforeAll(() => {
    folder = temporaryFolder();
    env = { PGLITE_DATA_DIR: folder };
  });
  afterAll(async () => {
    await killApiProcesses();
    rmSync(folder, { recursive: true, force: true });
  });

  it('a second process on the folder exits with code 1 and a message naming the folder; the first keeps its data', async () => {
    holder = await startApiProcess({ env });
    await createUnit(holder, 'welfare');

    const second = await spawnApiProcess({ env });
    // Bounded: it stops by itself (the lock's own bound, about UPDATE_MS, is checked above; the rest is the start).
    expect(await second.exitedWithin(60_000)).toEqual({ code: 1, signal: null });
    expect(second.stderr()).toContain(folder);
    expect(second.stderr()).toMatch(/is in use by another process \(pid \d+/);
    expect(second.stderr()).toContain('PGLITE_DATA_DIR');
    expect(second.stderr()).not.toMatch(/^\s+at /m);

    expect(await unitIds(holder)).toEqual(['welfare']);
    await createUnit(holder, 'cultura');
    expect(await unitIds(holder)).toEqual(['cultura', 'welfare']);
  });

  it('after SIGTERM the folder is released, and the next process opens it and sees the data', async () => {
    await holder.kill('SIGTERM');
    expect(existsSync(join(folder, LOCK))).toBe(false);
    const restart = await timeToReady();
    holder = restart.api;
    freeStartMs = restart.ms;
    expect(await unitIds(holder)).toEqual(['cultura', 'welfare']);
  });

  it(`after SIGKILL the lock stays behind, and a new process takes the folder over (within STALE_MS = ${STALE_MS} ms) and sees the data`, async () => {
    await createUnit(holder, 'tributi');
    expect(await holder.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    expect(existsSync(join(folder, LOCK))).toBe(true);

    const takeover = await timeToReady();
    holder = takeover.api;
    // STALE_MS at most for the lock, on top of a start like the one on the free folder (with room for a loaded machine).
    expect(takeover.ms).toBeLessThan(STALE_MS + 2 * freeStartMs + 5_000);
    expect(await unitIds(holder)).toEqual(['cultura', 'tributi', 'welfare']);
  });

  it('a holder whose lock is taken away exits with code 1 instead of writing on', async () => {
    rmSync(join(folder, LOCK), { recursive: true });
    expect(await holder.exitedWithin(30_000)).toEqual({ code: 1, signal: null });
    expect(holder.stderr()).toContain(`The lock on the PGlite data folder ${folder} was lost`);
  });
});
