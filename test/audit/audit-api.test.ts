import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import { ProcessorsHost } from '@piao/application';
import { loadOrCreateSignerKey } from '@piao/audit';
import { LOG_START } from '@piao/event-store';
import { verifyConsistency } from '@piao/lifecycle';
import { startApi, type Api } from '../support/api-harness';
import { TEST_AUDIT_SIGNER_KEY_FILE } from '../support/api-process';
import { seedEnte, type Ente } from '../support/scenario';

/**
 * The audit log's checkpoints and proofs over HTTP (PGlite, the embedded default), checked by a verifier written here
 * from the specifications alone (C2SP signed-note with Ed25519; RFC 9162 §2.1.3.2 inclusion), not by the project's
 * own code: the periodic signer signs the tree, the note verifies with the installation's published verifier key, and
 * an event's inclusion proof leads to the signed root. Roles and enti are enforced; malformed input is a 400 that
 * names the field.
 */
describe('audit checkpoints and proofs over HTTP', () => {
  let api: Api;
  let a: Ente;
  let b: Ente;
  let verifierKey: string;

  beforeAll(async () => {
    api = await startApi('pglite', { AUDIT_CHECKPOINT_SECONDS: '1' });
    a = await seedEnte(api, 'comune-alfa');
    b = await seedEnte(api, 'comune-beta');
    verifierKey = (await loadOrCreateSignerKey(TEST_AUDIT_SIGNER_KEY_FILE, 'unused')).verifierKey;
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  /** All events of the log, once the audit hashing has caught up and a checkpoint covers them all. */
  async function settled(): Promise<{ events: Awaited<ReturnType<Api['store']['readAll']>>; note: string }> {
    const events = await api.store.readAll(LOG_START, 100_000);
    const deadline = Date.now() + 20_000;
    for (;;) {
      api.app.get(ProcessorsHost).poke();
      const response = await a.as.nucleo.get('/audit/checkpoint');
      if (response.status === 200 && Number(response.text.split('\n')[1]) === events.length) return { events, note: response.text };
      if (Date.now() > deadline) throw new Error(`no checkpoint of ${events.length} events: ${response.status} ${response.text}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  // ---- an independent verifier, from the specifications ----

  /** C2SP signed-note: the text, then a blank line, then "— <name> <base64(key id || signature)>" lines. */
  function verifyNote(note: string, key: string): { origin: string; size: number; root: Buffer } {
    // <name>+<hex key id>+<base64>: the base64 may hold '+' of its own.
    const [name, hexId, ...rest] = key.split('+');
    const keyBase64 = rest.join('+');
    const keyBytes = Buffer.from(keyBase64, 'base64');
    expect(keyBytes[0]).toBe(0x01); // Ed25519
    const publicKey = keyBytes.subarray(1);
    // key id = SHA-256(name || "\n" || 0x01 || public key)[0:4]
    const id = createHash('sha256')
      .update(Buffer.concat([Buffer.from(`${name}\n`), keyBytes]))
      .digest()
      .subarray(0, 4);
    expect(id.toString('hex')).toBe(hexId);
    const split = note.lastIndexOf('\n\n');
    const text = note.slice(0, split + 1);
    const lines = note
      .slice(split + 2)
      .split('\n')
      .filter(Boolean);
    const mine = lines.map((l) => /^\u2014 (\S+) (\S+)$/.exec(l)).find((m) => m && m[1] === name);
    expect(mine).toBeTruthy();
    const signature = Buffer.from(mine![2], 'base64');
    expect(signature.subarray(0, 4).equals(id)).toBe(true);
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]);
    const ok = verifySignature(null, Buffer.from(text), createPublicKey({ key: spki, format: 'der', type: 'spki' }), signature.subarray(4));
    expect(ok).toBe(true);
    const [origin, size, root] = text.split('\n');
    return { origin, size: Number(size), root: Buffer.from(root, 'base64') };
  }

  /**
   * RFC 8785 for JSON as JSON.parse gives it: keys sorted by UTF-16 code units, strings and numbers as ECMAScript's
   * JSON.stringify writes them (which is what RFC 8785 §3.2.2 prescribes), no whitespace.
   */
  function jcs(value: unknown): string {
    if (value === null || typeof value !== 'object') return JSON.stringify(value);
    if (Array.isArray(value)) return `[${value.map(jcs).join(',')}]`;
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${jcs(record[key])}`)
      .join(',')}}`;
  }

  /** RFC 9162 §2.1.3.2, step by step. */
  function rootFromInclusion(leafHash: Buffer, index: number, size: number, proof: Buffer[]): Buffer | undefined {
    if (index >= size) return undefined;
    const node = (l: Buffer, r: Buffer) =>
      createHash('sha256')
        .update(Buffer.from([1]))
        .update(l)
        .update(r)
        .digest();
    let fn = index;
    let sn = size - 1;
    let r = leafHash;
    for (const p of proof) {
      if (sn === 0) return undefined;
      if (fn % 2 === 1 || fn === sn) {
        r = node(p, r);
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) {
            fn = Math.floor(fn / 2);
            sn = Math.floor(sn / 2);
          }
        }
      } else {
        r = node(r, p);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    return sn === 0 ? r : undefined;
  }

  it('signs the tree; the note verifies with the published key; an event’s proof leads to the signed root', async () => {
    const { events, note } = await settled();
    const signed = verifyNote(note, verifierKey);
    expect(signed.size).toBe(events.length);
    expect(signed.origin).toBe('localhost:3000/piao-audit');

    const own = events.filter((e) => e.metadata.ente === 'comune-alfa');
    expect(own.length).toBeGreaterThan(5);
    for (const event of [own[0], own[Math.floor(own.length / 2)], own[own.length - 1]]) {
      const response = await a.as.nucleo.get(`/audit/events/${event.id}/inclusion`);
      expect(response.status).toBe(200);
      const answer = response.body as {
        leafIndex: number;
        leafHash: string;
        leaf: { id: string; type: string; data: unknown; metadata: unknown };
        treeSize: number;
        rootHash: string;
        proof: string[];
        checkpoint: string;
      };
      expect(answer.treeSize).toBe(signed.size);
      expect(answer.checkpoint).toBe(note);
      // The leaf hashed here from what it is made of (the event as the log holds it): that hash is what is proved.
      expect(answer.leaf).toMatchObject({ id: event.id, type: event.type, data: event.data, metadata: event.metadata });
      const leafHash = createHash('sha256')
        .update(Buffer.from([0]))
        .update(jcs(answer.leaf), 'utf8')
        .digest();
      expect(leafHash.toString('base64')).toBe(answer.leafHash);
      const root = rootFromInclusion(
        leafHash,
        answer.leafIndex,
        answer.treeSize,
        answer.proof.map((p) => Buffer.from(p, 'base64')),
      );
      expect(root?.equals(signed.root)).toBe(true);
      // Another leaf's hash does not lead there.
      const other = createHash('sha256').update('not this event').digest();
      expect(
        rootFromInclusion(
          other,
          answer.leafIndex,
          answer.treeSize,
          answer.proof.map((p) => Buffer.from(p, 'base64')),
        )?.equals(signed.root),
      ).toBe(false);
    }
  });

  it('proves a later tree consistent with an earlier signed one', async () => {
    const first = verifyNote((await settled()).note, verifierKey);
    // More history, then a newer checkpoint.
    const progress = await a.as.dirigente.post(`/objectives/${a.objectiveId}/phase-progress`, { phaseId: 'f1', progressPercent: 40 });
    expect(progress.status).toBeLessThan(300);
    const second = verifyNote((await settled()).note, verifierKey);
    expect(second.size).toBeGreaterThan(first.size);
    const response = await b.as.rpct.get(`/audit/consistency?from=${first.size}&to=${second.size}`);
    expect(response.status).toBe(200);
    const { proof, fromRoot, toRoot } = response.body as { proof: string[]; fromRoot: string; toRoot: string };
    expect(Buffer.from(fromRoot, 'base64').equals(first.root)).toBe(true);
    expect(Buffer.from(toRoot, 'base64').equals(second.root)).toBe(true);
    const bytes = proof.map((p) => Buffer.from(p, 'base64'));
    expect(verifyConsistency(first.size, second.size, bytes, first.root, second.root)).toBe(true);
    expect(verifyConsistency(first.size, second.size, bytes, createHash('sha256').update('forged').digest(), second.root)).toBe(false);
    const list = await a.as.segretario.get('/audit/checkpoints?limit=2');
    expect(list.status).toBe(200);
    expect((list.body as { items: { treeSize: number }[] }).items.map((i) => i.treeSize)).toEqual([second.size, first.size]);
  });

  it('keeps to roles and enti, and names the field of a malformed request', async () => {
    const { events } = await settled();
    const ofBeta = events.find((e) => e.metadata.ente === 'comune-beta')!;
    const ofAlfa = events.find((e) => e.metadata.ente === 'comune-alfa')!;
    expect((await a.as.dirigente.get('/audit/checkpoint')).status).toBe(403);
    expect((await a.as.dirigente.get(`/audit/events/${ofAlfa.id}/inclusion`)).status).toBe(403);
    expect((await a.as.nucleo.get(`/audit/events/${ofBeta.id}/inclusion`)).status).toBe(404);
    expect((await b.as.nucleo.get(`/audit/events/${ofBeta.id}/inclusion`)).status).toBe(200);
    expect((await api.anonymous().get('/audit/checkpoint')).status).toBe(401);
    // A parked event of the audit hashing cannot be replayed: it would become a leaf out of the log's order.
    const replay = await a.as.admin.post('/admin/dead-letters/replay', { processor: 'audit-hashing', streamId: ofAlfa.streamId });
    expect(replay.status).toBe(409);
    expect(replay.body).toMatchObject({ type: '/problems/replay-refused' });
    const cases: [string, string][] = [
      [`/audit/events/not-a-uuid/inclusion`, 'eventId'],
      [`/audit/events/${ofAlfa.id}/inclusion?treeSize=0`, 'treeSize'],
      [`/audit/events/${ofAlfa.id}/inclusion?treeSize=abc`, 'treeSize'],
      [`/audit/events/${ofAlfa.id}/inclusion?treeSize=${events.length + 1000}`, 'treeSize'],
      [`/audit/consistency?from=0&to=3`, 'from'],
      [`/audit/consistency?from=5&to=3`, 'to'],
      [`/audit/consistency?from=1&to=${events.length + 1000}`, 'to'],
      [`/audit/consistency?from=1`, 'to'],
      [`/audit/checkpoints?limit=1000`, 'limit'],
    ];
    for (const [path, field] of cases) {
      const response = await a.as.nucleo.get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect(JSON.stringify(response.body)).toContain(field);
    }
  });
});
