import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_LEAF_VERSION, CanonicalJsonError, canonicalJson, eventLeafHash, eventLeafInput, type AuditedEvent } from '../src/audit/canonical-event';

/** The vectors are a copy under test/fixtures: a clone of the project has no ../shared. */
const VECTORS = join(__dirname, 'fixtures', 'rfc8785-jcs');
const inputs = readdirSync(join(VECTORS, 'input')).filter((file) => file.endsWith('.json'));

const sha256 = (...parts: Uint8Array[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();

describe('canonicalJson: the RFC 8785 vectors of cyberphone/json-canonicalization', () => {
  it('are all there, each input with its expected output', () => {
    expect(inputs.length).toBeGreaterThan(0);
    expect(readdirSync(join(VECTORS, 'output')).sort()).toEqual([...inputs].sort());
  });

  it('expect outputs without a final newline, as canonical JSON has none: they are compared raw, nothing trimmed', () => {
    for (const file of inputs) expect(readFileSync(join(VECTORS, 'output', file)).at(-1)).not.toBe(0x0a);
  });

  it.each(inputs)('%s canonicalises byte for byte', (file) => {
    const input: unknown = JSON.parse(readFileSync(join(VECTORS, 'input', file), 'utf8'));
    expect(Buffer.from(canonicalJson(input), 'utf8').equals(readFileSync(join(VECTORS, 'output', file)))).toBe(true);
  });
});

describe('canonicalJson', () => {
  it('writes numbers as ECMAScript does (RFC 8785 §3.2.2.3): -0 as 0, exponents from 1e21', () => {
    expect(canonicalJson([-0, 1e21, 1e-7, 100, 0.1, 5e-324])).toBe('[0,1e+21,1e-7,100,0.1,5e-324]');
  });

  it('sorts keys by UTF-16 code units, not by code points or locale', () => {
    // U+1F602 is the surrogate pair D83D DE02: it sorts before U+FB33 although its code point is larger.
    expect(canonicalJson({ '\uFB33': 1, '\u{1F602}': 2, é: 3, e: 4, E: 5 })).toBe('{"E":5,"e":4,"é":3,"😂":2,"דּ":1}');
  });

  it('leaves out properties that are undefined, as JSON.stringify and the event stores do', () => {
    expect(canonicalJson({ b: undefined, a: { reason: undefined, act: null } })).toBe('{"a":{"act":null}}');
  });

  it('writes a Date as its toJSON says, and keeps a key __proto__ that JSON.parse made', () => {
    expect(canonicalJson({ at: new Date('2026-03-10T09:00:00Z') })).toBe('{"at":"2026-03-10T09:00:00.000Z"}');
    expect(canonicalJson(JSON.parse('{"a":1,"__proto__":{"x":1}}'))).toBe('{"__proto__":{"x":1},"a":1}');
  });

  const cycle: Record<string, unknown> = { name: 'loop' };
  cycle.self = { again: cycle };
  it.each<[string, unknown, string]>([
    ['undefined at the top', undefined, ''],
    ['NaN', { target: NaN }, 'target'],
    ['Infinity', { values: [1, Infinity] }, 'values[1]'],
    ['-Infinity', [-Infinity], '[0]'],
    ['a BigInt', { amount: 10n }, 'amount'],
    ['a function', { f: () => 1 }, 'f'],
    ['a symbol', { s: Symbol('s') }, 's'],
    ['undefined in an array', [1, undefined], '[1]'],
    ['a hole in an array', [1, , 3], '[1]'], // eslint-disable-line no-sparse-arrays
    ['a lone surrogate in a text', { t: 'ab\uD800' }, 't'],
    ['a lone surrogate in a key', { ['k\uDC00']: 1 }, '["k\\udc00"]'],
    ['a Map', { m: new Map([['a', 1]]) }, 'm'],
    ['a Set', { s: new Set([1]) }, 's'],
    ['bytes', { b: new Uint8Array([1]) }, 'b'],
    ['a boxed number', { n: new Number(1) }, 'n'],
    ['a cycle', cycle, 'self.again'],
  ])('refuses %s, naming where it is', (_what, value, path) => {
    let error: unknown;
    try {
      canonicalJson(value);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(CanonicalJsonError);
    expect((error as CanonicalJsonError).path).toBe(path);
  });
});

// --- Leaves ---------------------------------------------------------------------------------------------------------

const TITLE = 'Ridurre i tempi medi di pagamento: più efficienza, già entro l’anno — perché no? 🎯';

/** A stored event as an adapter returns it, its log position included. */
function storedEvent(changes: Partial<AuditedEvent> = {}): AuditedEvent & { position: unknown } {
  return {
    id: '0f9d6c1e-8f5b-4c56-9a5e-3d7c0b1a2e44',
    type: 'ObjectiveProposed',
    data: { objectiveId: 'OB-2026-014', title: TITLE, weights: [40, 60], target: { value: 30, unit: 'giorni' } },
    metadata: {
      actor: { id: 'u-17', name: 'Maria Rossi', role: 'dirigente' },
      ente: 'c_h501',
      occurredAt: '2026-03-10',
      recordedAt: '2026-03-14T08:30:00.000Z',
      act: { number: '42', date: '2026-03-10' },
      correlationId: 'c-1',
      causationId: 'c-1',
      schemaVersion: 1,
    },
    streamId: 'objective-OB-2026-014',
    revision: 0,
    position: { commit: 1234n, prepare: 1234n },
    ...changes,
  };
}

/** The same event built with every object's keys in reverse order. */
function reversedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reversedKeys) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, item]) => [key, reversedKeys(item)]),
  ) as T;
}

const PREVIOUS = sha256(Buffer.from('the leaf hash of revision 0'));

describe('eventLeafInput', () => {
  it('is the UTF-8 canonical JSON of {v, id, stream, revision, type, data, metadata, prev}', () => {
    const event = { id: 'e1', streamId: 's', revision: 0, type: 'T', data: { b: 2, a: 1 }, metadata: { z: 'é' } };
    expect(eventLeafInput(event, null).toString('utf8')).toBe(
      '{"data":{"a":1,"b":2},"id":"e1","metadata":{"z":"é"},"prev":null,"revision":0,"stream":"s","type":"T","v":1}',
    );
    expect(AUDIT_LEAF_VERSION).toBe(1);
  });

  it('gives the same bytes whatever the order of the keys, at every depth', () => {
    const event = storedEvent();
    const reordered = reversedKeys({ ...event, position: undefined });
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify({ ...event, position: undefined }));
    expect(eventLeafInput(reordered, null).equals(eventLeafInput(event, null))).toBe(true);
  });

  it('leaves the log position out: it differs between adapters and after a rebuild', () => {
    const here = eventLeafInput({ ...storedEvent(), position: { commit: 1n } } as AuditedEvent, null);
    const there = eventLeafInput({ ...storedEvent(), position: 987654 } as AuditedEvent, null);
    expect(here.equals(there)).toBe(true);
    expect(here.toString('utf8')).not.toContain('position');
  });

  it('hashes the same before the event is stored and after it is read back as JSON', () => {
    const event = storedEvent({ revision: 1 });
    (event.metadata as { reason?: string }).reason = undefined;
    const readBack = JSON.parse(JSON.stringify({ ...event, position: undefined })) as AuditedEvent;
    expect(eventLeafHash(readBack, PREVIOUS).equals(eventLeafHash(event, PREVIOUS))).toBe(true);
  });

  it('has prev null at revision 0, and the base64 of the previous leaf hash after it', () => {
    const first = storedEvent();
    const h0 = eventLeafHash(first, null);
    expect(JSON.parse(eventLeafInput(first, null).toString('utf8'))).toMatchObject({ v: 1, revision: 0, prev: null });
    const second = storedEvent({ id: 'e-2', revision: 1 });
    expect(JSON.parse(eventLeafInput(second, h0).toString('utf8'))).toMatchObject({ revision: 1, prev: h0.toString('base64') });
  });

  it('refuses a chain that cannot be right: a previous hash at revision 0, none after it, one not 32 bytes', () => {
    expect(() => eventLeafInput(storedEvent(), PREVIOUS)).toThrow(RangeError);
    expect(() => eventLeafInput(storedEvent({ revision: 3 }), null)).toThrow(/needs the leaf hash of event 2/);
    expect(() => eventLeafInput(storedEvent({ revision: 1 }), PREVIOUS.subarray(1))).toThrow(/32 bytes, not 31/);
    expect(() => eventLeafInput(storedEvent({ revision: -1 }), null)).toThrow(RangeError);
    expect(() => eventLeafInput(storedEvent({ revision: 1.5 }), PREVIOUS)).toThrow(RangeError);
  });

  it('keeps Italian accents and emoji as UTF-8, not as escapes, and they read back unchanged', () => {
    const input = eventLeafInput(storedEvent(), null);
    expect(input.includes(Buffer.from('più efficienza, già entro l’anno — perché', 'utf8'))).toBe(true);
    expect(input.includes(Buffer.from([0xf0, 0x9f, 0x8e, 0xaf]))).toBe(true); // U+1F3AF in UTF-8
    expect(input.toString('utf8')).not.toContain('\\u');
    expect((JSON.parse(input.toString('utf8')) as { data: { title: string } }).data.title).toBe(TITLE);
  });

  it('refuses an event whose data JSON cannot carry, naming the field', () => {
    expect(() => eventLeafInput(storedEvent({ data: { target: NaN } }), null)).toThrow(new CanonicalJsonError('data.target', 'NaN is not a finite number'));
  });
});

describe('eventLeafHash', () => {
  it('is the RFC 6962 leaf hash SHA-256(0x00 || leaf input)', () => {
    const event = storedEvent({ revision: 1 });
    const hash = eventLeafHash(event, PREVIOUS);
    expect(hash).toHaveLength(32);
    expect(hash.equals(sha256(Buffer.from([0x00]), eventLeafInput(event, PREVIOUS)))).toBe(true);
  });

  const base = storedEvent({ revision: 1 });
  const flippedPrevious = Buffer.from(PREVIOUS);
  flippedPrevious[31] ^= 0x01;
  it.each<[string, AuditedEvent, Buffer]>([
    ['one character of the data changed', { ...base, data: { ...base.data, title: TITLE.replace('più', 'piu') } }, PREVIOUS],
    ['a number in the data changed', { ...base, data: { ...base.data, weights: [40, 61] } }, PREVIOUS],
    ['another revision', { ...base, revision: 2 }, PREVIOUS],
    ['another stream', { ...base, streamId: 'objective-OB-2026-015' }, PREVIOUS],
    ['another id', { ...base, id: '0f9d6c1e-8f5b-4c56-9a5e-3d7c0b1a2e45' }, PREVIOUS],
    ['another type', { ...base, type: 'ObjectiveWithdrawn' }, PREVIOUS],
    ['another actor', { ...base, metadata: { ...base.metadata, actor: { id: 'u-18', name: 'Maria Rossi', role: 'dirigente' } } }, PREVIOUS],
    ['a reason added', { ...base, metadata: { ...base.metadata, reason: 'rettifica' } }, PREVIOUS],
    ['one bit of prev flipped', base, flippedPrevious],
  ])('%s: another hash', (_what, changed, previous) => {
    expect(eventLeafHash(changed, previous).equals(eventLeafHash(base, PREVIOUS))).toBe(false);
  });
});
