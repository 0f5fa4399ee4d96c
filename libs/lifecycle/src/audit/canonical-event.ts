import canonicalize from 'canonicalize';
import { pathOf, show } from '../invariants/json-values';
import { HASH_BYTES, leafHash } from './merkle-tree';

/**
 * The bytes of an event that the tamper-evident log hashes: RFC 8785 (JCS) canonical JSON, so that the same event
 * gives the same bytes whatever the order of its keys, the adapter that stored it or the language that re-checks it.
 */

/** Why a value has no canonical JSON form; `path` says where (`data.phases[2]`), empty for the value itself. */
export class CanonicalJsonError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'CanonicalJsonError';
  }
}

/** With the `u` flag a surrogate pair is one code point: only a lone surrogate matches. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Built-ins that JSON.stringify silently turns into `{}` or into an index-keyed object: their content would be lost. */
const NOT_JSON_OBJECTS: readonly (abstract new (...args: never[]) => object)[] = [Map, Set, WeakMap, WeakSet, ArrayBuffer, DataView, Promise];

/**
 * RFC 8785 canonical JSON of `value`. Object properties whose value is `undefined` are left out, as JSON.stringify
 * and every event store do (an optional field that is absent), so that an event hashes the same before it is
 * stored and after it is read back. Everything JSON cannot carry faithfully is refused with its path: undefined
 * at the top or in an array, NaN and ±Infinity, BigInt, functions, symbols, lone surrogates (RFC 8785 §3.1 asks
 * for an error), Maps, Sets, binary buffers, boxed primitives and cycles.
 */
export function canonicalJson(value: unknown): string {
  // The package only sorts and stringifies: it would write `undefined` for a function, skip array holes and
  // loop on a cycle. It is given a tree already reduced to plain JSON values.
  const text = canonicalize(jsonTree(value, '', '', []));
  if (text === undefined) throw new CanonicalJsonError('', 'has no JSON form');
  return text;
}

/** `value` reduced to plain JSON values; `key` is its name in its parent, which JSON.stringify hands to `toJSON`. */
function jsonTree(value: unknown, key: string, path: string, ancestors: object[]): unknown {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) throw new CanonicalJsonError(path, 'contains a lone UTF-16 surrogate, which UTF-8 cannot encode');
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new CanonicalJsonError(path, `${value} is not a finite number`);
    return value;
  }
  if (typeof value === 'bigint') throw new CanonicalJsonError(path, `the BigInt ${value} has no JSON number form: pass it as a string`);
  if (value === undefined) throw new CanonicalJsonError(path, 'is undefined, which JSON cannot represent');
  if (typeof value !== 'object') throw new CanonicalJsonError(path, `${show(value)} is not a JSON value`);

  if (ancestors.includes(value)) throw new CanonicalJsonError(path, 'refers to itself');
  const toJSON: unknown = (value as { toJSON?: unknown }).toJSON;
  // A Date (or a Buffer) says itself what it is in JSON; JSON.stringify passes the key, so this does too.
  if (typeof toJSON === 'function') return jsonTree(toJSON.call(value, key), key, path, [...ancestors, value]);
  if (ArrayBuffer.isView(value) || NOT_JSON_OBJECTS.some((type) => value instanceof type)) {
    throw new CanonicalJsonError(path, `a ${Object.prototype.toString.call(value).slice(8, -1)} is not JSON data`);
  }
  if (value instanceof Number || value instanceof String || value instanceof Boolean) {
    throw new CanonicalJsonError(path, 'a boxed primitive is not JSON data');
  }

  const inside = [...ancestors, value];
  if (Array.isArray(value)) {
    // A plain index loop: `reduce` and `map` skip holes, which JSON.stringify would have written as null.
    const items: unknown[] = [];
    for (let index = 0; index < value.length; index++) items.push(jsonTree(value[index], String(index), pathOf(path, index), inside));
    return items;
  }
  // No prototype: a key `__proto__` (which JSON.parse makes an own property) stays a key.
  const record = Object.create(null) as Record<string, unknown>;
  for (const name of Object.keys(value)) {
    const at = pathOf(path, name);
    if (LONE_SURROGATE.test(name)) throw new CanonicalJsonError(at, 'the key contains a lone UTF-16 surrogate');
    const item = (value as Record<string, unknown>)[name];
    if (item === undefined) continue;
    record[name] = jsonTree(item, name, at, inside);
  }
  return record;
}

/** Bumped whenever the shape hashed below changes: a verifier picks the rules of the version it reads. */
export const AUDIT_LEAF_VERSION = 1;

/** What of a stored event the log hashes: any stored event fits (its log position is not read). */
export interface AuditedEvent {
  id: string;
  streamId: string;
  /** 0-based index of the event in its stream. */
  revision: number;
  type: string;
  data: object;
  metadata: object;
}

/** What the log hashes of an event: the object whose canonical JSON is its leaf input. */
export interface AuditLeaf {
  v: typeof AUDIT_LEAF_VERSION;
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: object;
  metadata: object;
  /** The base64 leaf hash of the event before it in the same stream; null for the first. */
  prev: string | null;
}

/**
 * The object an event's leaf is made of, `{v, id, stream, revision, type, data, metadata, prev}`, where `prev` is the
 * base64 leaf hash of the event before it in the same stream (null for the first). The chain makes a deleted or
 * reordered event of a stream visible even to a reader who holds that stream alone. The log position is left out:
 * it differs between adapters and after a rebuild, while the event does not. A reader who is given this object
 * hashes it again (canonical JSON, then the leaf hash) rather than trust a hash given beside it.
 */
export function auditLeaf(event: AuditedEvent, previous: Uint8Array | null): AuditLeaf {
  const { revision, streamId } = event;
  if (!Number.isSafeInteger(revision) || revision < 0) throw new RangeError(`${show(revision)} is not a revision (a non-negative integer)`);
  if (revision === 0 && previous !== null) throw new RangeError(`event 0 of ${streamId} is the first of its stream: it has no previous hash`);
  if (revision > 0 && previous === null) throw new RangeError(`event ${revision} of ${streamId} needs the leaf hash of event ${revision - 1}`);
  if (previous !== null && previous.length !== HASH_BYTES) throw new RangeError(`a leaf hash has ${HASH_BYTES} bytes, not ${previous.length}`);
  return {
    v: AUDIT_LEAF_VERSION,
    id: event.id,
    stream: event.streamId,
    revision: event.revision,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    prev: previous === null ? null : Buffer.from(previous).toString('base64'),
  };
}

/** The leaf input of an event: the UTF-8 bytes of the canonical JSON of its `auditLeaf`. */
export function eventLeafInput(event: AuditedEvent, previous: Uint8Array | null): Buffer {
  return Buffer.from(canonicalJson(auditLeaf(event, previous)), 'utf8');
}

/** The RFC 6962 leaf hash of an event, SHA-256(0x00 || leaf input): the value chained as the next event's `prev`. */
export function eventLeafHash(event: AuditedEvent, previous: Uint8Array | null): Buffer {
  return leafHash(eventLeafInput(event, previous));
}
