import fc from 'fast-check';

/**
 * Requests generated from the OpenAPI document: for every operation, bodies, query strings and path parameters that
 * follow its schemas, then mutated the way a careless or hostile client would (a wrong type, a NUL, a lone
 * surrogate, an array where an object goes, a key named `__proto__`, 40 levels of nesting, a missing field, a body
 * that is not JSON). Used by test/api/fuzz.test.ts.
 */

export interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  example?: unknown;
  minimum?: number;
  maximum?: number;
  allOf?: Schema[];
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface Operation {
  method: 'get' | 'post' | 'put' | 'delete' | 'patch';
  path: string;
  parameters: Parameter[];
  body?: Schema;
}

export interface FuzzRequest {
  operation: Operation;
  url: string;
  persona: string;
  headers: Record<string, string>;
  /** The body as sent: JSON text, or something else on purpose. */
  body?: string;
  /** What was done to the body, for the failure report. */
  mutation: string;
}

/** Ids and words of the seeded ente, so that a good share of the requests reach the domain rather than a 404. */
export interface FuzzVocabulary {
  planIds: string[];
  objectiveIds: string[];
  personIds: string[];
  unitIds: string[];
  words: string[];
}

export function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method as Operation['method'],
      path,
      parameters: operation.parameters ?? [],
      body: operation.requestBody?.content?.['application/json']?.schema,
    })),
  );
}

/** JSON with a key that an object literal could not hold (`{ __proto__: … }` sets the prototype instead). */
function withOwnKey(key: string, value: unknown): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  Object.defineProperty(object, key, { value, enumerable: true, configurable: true, writable: true });
  return object;
}

function nested(depth: number): unknown {
  let value: unknown = 'fondo';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

const HOSTILE_TEXTS = [
  '\u0000',
  'Fase\u0000 1',
  '\uD800',
  'x\uDFFFy',
  '',
  '   ',
  'x'.repeat(5_000),
  '2025-02-30',
  '31/12/25',
  '../../etc/passwd',
  "'; DROP TABLE events; --",
  '<script>alert(1)</script>',
  '\u200B\u202E',
  '%00',
  'NaN',
  'ABCDEF00-0000-4000-8000-00000000000A',
  '9999-12-31',
];

export const HOSTILE_VALUES: unknown[] = [
  ...HOSTILE_TEXTS,
  null,
  true,
  0,
  -1,
  1.5,
  2 ** 31,
  2 ** 53 + 2,
  -(2 ** 31) - 1,
  1e308,
  -1e308,
  [],
  [[]],
  [{}],
  {},
  nested(40),
  withOwnKey('__proto__', { admin: true }),
  withOwnKey('constructor', { prototype: { admin: true } }),
  withOwnKey('prototype', 1),
];

/** Bodies that are not a JSON value, or not one a route should parse. */
const RAW_BODIES = ['{"a":', '['.repeat(5_000) + ']'.repeat(5_000), '{"a":1}{"b":2}', 'null', '"testo"', '\u0000', 'kind=PIAO&title=x', '{"a":"\\ud800"}'];
const CONTENT_TYPES = [
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=latin1',
  'application/json; charset=utf-16le',
  'application/merge-patch+json',
  '',
];

function resolve(schema: Schema, document: OpenApiDocument): Schema {
  let current = schema;
  for (let i = 0; current.$ref && i < 10; i++) current = document.components?.schemas?.[current.$ref.replace('#/components/schemas/', '')] ?? {};
  if (current.allOf) return current.allOf.reduce<Schema>((merged, part) => mergeSchemas(merged, resolve(part, document)), {});
  return current;
}

function mergeSchemas(a: Schema, b: Schema): Schema {
  return { ...a, ...b, properties: { ...a.properties, ...b.properties }, required: [...(a.required ?? []), ...(b.required ?? [])] };
}

/** A value that follows the schema, with words and ids the server knows. */
function plausible(schema: Schema, document: OpenApiDocument, vocabulary: FuzzVocabulary, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, document);
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.type === 'object' || s.properties) {
    if (depth > 6) return fc.constant({});
    const properties = s.properties ?? {};
    const model = Object.fromEntries(Object.entries(properties).map(([k, p]) => [k, plausible(p, document, vocabulary, depth + 1)]));
    return fc.record(model, { requiredKeys: (s.required ?? []).filter((k) => k in properties) });
  }
  if (s.type === 'array') return fc.array(plausible(s.items ?? {}, document, vocabulary, depth + 1), { maxLength: 3 });
  if (s.type === 'integer' || s.type === 'number') {
    const min = s.minimum ?? -5;
    const max = s.maximum ?? Math.max(min + 1000, 100);
    const integers = fc.integer({ min: Math.ceil(Math.max(min, -1e9)), max: Math.floor(Math.min(max, 1e9)) });
    return s.type === 'integer' ? integers : fc.oneof(integers, fc.double({ min, max, noNaN: true, noDefaultInfinity: true }));
  }
  if (s.type === 'boolean') return fc.boolean();
  const words = [...vocabulary.words, ...vocabulary.unitIds, ...vocabulary.personIds, ...vocabulary.planIds, ...vocabulary.objectiveIds];
  return s.example !== undefined
    ? fc.oneof(fc.constant(s.example), fc.constantFrom(...words))
    : fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 20 }));
}

/** Every place in a JSON value: the value itself, each property, each item. */
function placesIn(value: unknown, path: (string | number)[] = [], found: (string | number)[][] = []): (string | number)[][] {
  found.push(path);
  if (Array.isArray(value)) value.forEach((item, i) => placesIn(item, [...path, i], found));
  else if (value && typeof value === 'object') for (const key of Object.keys(value)) placesIn((value as Record<string, unknown>)[key], [...path, key], found);
  return found;
}

function parentOf(root: unknown, path: (string | number)[]): unknown {
  return path.slice(0, -1).reduce<unknown>((at, key) => (at as Record<string | number, unknown>)[key], root);
}

type Mutation = 'none' | 'replace' | 'add-key' | 'forbidden-key' | 'delete' | 'whole' | 'raw';

function mutate(value: unknown, kind: Mutation, pick: number, hostile: unknown, rawBody: string): { body?: string; mutation: string } {
  const copy: unknown = value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  if (kind === 'raw') return { body: rawBody, mutation: `raw ${JSON.stringify(rawBody.slice(0, 40))}` };
  if (kind === 'whole') return { body: JSON.stringify(hostile), mutation: `whole body ${JSON.stringify(hostile)?.slice(0, 60)}` };
  if (copy === undefined) return { body: undefined, mutation: 'no body' };
  const places = placesIn(copy).filter((p) => p.length > 0);
  const objects = placesIn(copy).filter((p) => {
    const at = p.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], copy);
    return at !== null && typeof at === 'object' && !Array.isArray(at);
  });
  if (kind === 'none' || (kind !== 'add-key' && kind !== 'forbidden-key' && places.length === 0)) return { body: JSON.stringify(copy), mutation: 'none' };
  if (kind === 'add-key' || kind === 'forbidden-key') {
    const path = objects[pick % objects.length];
    const target = path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], copy) as Record<string, unknown>;
    const key = kind === 'add-key' ? 'campoSconosciuto' : ['__proto__', 'constructor', 'prototype'][pick % 3];
    Object.defineProperty(target, key, { value: hostile, enumerable: true, configurable: true, writable: true });
    return { body: JSON.stringify(copy), mutation: `${kind} ${key} at ${path.join('.') || '(body)'}` };
  }
  const path = places[pick % places.length];
  const parent = parentOf(copy, path) as Record<string | number, unknown>;
  const key = path[path.length - 1];
  if (kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
    return { body: JSON.stringify(copy), mutation: `delete ${path.join('.')}` };
  }
  parent[key] = hostile;
  return { body: JSON.stringify(copy), mutation: `replace ${path.join('.')} with ${JSON.stringify(hostile)?.slice(0, 60)}` };
}

/** Percent-encodes as a browser would, except that a lone surrogate is sent as the bytes it would have been. */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

function pathValues(name: string, vocabulary: FuzzVocabulary): fc.Arbitrary<string> {
  const ids = /planId$/.test(name) ? vocabulary.planIds : /objectiveId$/.test(name) ? vocabulary.objectiveIds : [];
  const known =
    name === 'personId'
      ? ['me', ...vocabulary.personIds]
      : name === 'file'
        ? ['fascicolo.pdf', 'fascicolo.json']
        : name === 'token'
          ? ['A'.repeat(43)]
          : ids.flatMap((id) => [id, id.toUpperCase()]);
  const wrong = ['00000000-0000-4000-8000-000000000000', 'non-un-uuid', '%00', '%ED%A0%80', 'x'.repeat(300), '%2e%2e', '-1', '1e400'];
  return fc.oneof(
    { weight: 3, arbitrary: known.length ? fc.constantFrom(...known.map(encode)) : fc.constantFrom(...wrong) },
    { weight: 1, arbitrary: fc.constantFrom(...wrong) },
  );
}

function queryValue(parameter: Parameter, document: OpenApiDocument, vocabulary: FuzzVocabulary): fc.Arbitrary<string | string[]> {
  const good = plausible(parameter.schema ?? { type: 'string' }, document, vocabulary).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  const bad = fc.constantFrom(...HOSTILE_TEXTS, '2147483648', '99999999999999999999', '-1', '1.5', '0x10', '748/12', '1/1', 'me');
  return fc.oneof({ weight: 3, arbitrary: good }, { weight: 2, arbitrary: bad }, { weight: 1, arbitrary: fc.array(bad, { minLength: 2, maxLength: 2 }) });
}

/** One request to one operation: mostly plausible, often hostile. */
export function requestArbitrary(
  operation: Operation,
  document: OpenApiDocument,
  vocabulary: FuzzVocabulary,
  personas: readonly string[],
): fc.Arbitrary<FuzzRequest> {
  const pathParameters = operation.parameters.filter((p) => p.in === 'path');
  const queryParameters = operation.parameters.filter((p) => p.in === 'query');
  const path = fc
    .tuple(...pathParameters.map((p) => pathValues(p.name, vocabulary)))
    .map((values) => pathParameters.reduce((url, p, i) => url.replace(`{${p.name}}`, values[i]), operation.path));
  // Now and then a parameter the operation does not have, or one named after a prototype key.
  const stray = fc.constantFrom('', '', '', '', '__proto__=1', 'constructor=1', 'campoSconosciuto=1');
  const query = fc.tuple(fc.tuple(...queryParameters.map((p) => fc.option(queryValue(p, document, vocabulary), { freq: 2 }))), stray).map(([values, extra]) =>
    [
      ...queryParameters.flatMap((p, i) => {
        const value = values[i];
        if (value === null) return [];
        return (Array.isArray(value) ? value : [value]).map((v) => `${encode(p.name)}=${encode(v)}`);
      }),
      ...(extra ? [extra] : []),
    ].join('&'),
  );
  const mutation = fc.constantFrom<Mutation>('none', 'none', 'replace', 'replace', 'replace', 'add-key', 'forbidden-key', 'delete', 'whole', 'raw');
  const body = operation.body ? plausible(operation.body, document, vocabulary) : fc.constant(undefined);
  const headers = fc.record(
    {
      'Idempotency-Key': fc.constantFrom('chiave-1', 'chiave-2', ' ', 'x'.repeat(300), 'chiave con spazi'),
      'X-Correlation-Id': fc.constantFrom('corr-1', 'x'.repeat(15_000), 'a b c', 'é'),
      'X-Request-Id': fc.constantFrom('req-1', 'x'.repeat(500), '../../x'),
      'Content-Type': fc.oneof({ weight: 6, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) }),
    },
    { requiredKeys: [] },
  );
  return fc
    .record({
      url: fc.tuple(path, query).map(([p, q]) => (q ? `${p}?${q}` : p)),
      persona: fc.constantFrom(...personas),
      headers,
      value: body,
      kind: operation.body ? mutation : fc.constantFrom<Mutation>('none', 'none', 'none', 'whole', 'raw'),
      pick: fc.nat(),
      hostile: fc.constantFrom(...HOSTILE_VALUES),
      raw: fc.constantFrom(...RAW_BODIES),
    })
    .map(({ url, persona, headers, value, kind, pick, hostile, raw }) => {
      // Without a body, only the explicit 'whole' and 'raw' mutations send one.
      const { body, mutation } =
        operation.body || kind === 'whole' || kind === 'raw' ? mutate(value, kind, pick, hostile, raw) : { body: undefined, mutation: 'no body' };
      return { operation, url, persona, headers: headers as Record<string, string>, body, mutation };
    });
}
