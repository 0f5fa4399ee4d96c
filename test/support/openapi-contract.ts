import { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import Ajv, { type ValidateFunction } from 'ajv';
import { type OpenAPIObject } from '@nestjs/swagger';

/**
 * The contract test: every answer the API gives during the end-to-end suite is checked against its own OpenAPI
 * document, from the outside (the HTTP server's responses, as sent). The status must be declared for the operation;
 * a body must match the declared media type and schema, where an object schema lists every property it may have (an
 * undeclared property is a violation: a typed client would not see it); the API's own headers must be declared.
 * startApi attaches a recorder to every application it starts and close() fails the suite on any violation.
 */

/** The headers a client reads that the document must declare; standard transport headers are not listed. */
const TRACKED_HEADERS = /^(x-[\w-]+|idempotency-replayed|retry-after|etag|location|link)$/;
const MAX_CAPTURED_BYTES = 2_000_000;

type Json = Record<string, unknown>;

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  parameters: number;
  responses: Record<string, { content?: Record<string, { schema?: Json }>; headers?: Record<string, unknown> }>;
}

export class ContractRecorder {
  readonly violations: string[] = [];
  /** Operation and status pairs seen: what the suite exercised. */
  readonly seen = new Set<string>();
  private readonly operations: Operation[];
  private readonly ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly sharedResponses: Record<string, Operation['responses'][string]>;

  constructor(document: OpenAPIObject) {
    this.sharedResponses = (document.components?.responses ?? {}) as Record<string, Operation['responses'][string]>;
    this.ajv.addSchema({ $id: 'openapi', components: { schemas: asJsonSchema(document.components?.schemas ?? {}) } });
    this.operations = Object.entries(document.paths)
      .flatMap(([template, item]) =>
        ['get', 'post', 'put', 'delete', 'patch']
          .filter((method) => (item as Json)[method])
          .map((method) => ({
            method: method.toUpperCase(),
            template,
            pattern: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
            parameters: (template.match(/\{/g) ?? []).length,
            responses: ((item as Json)[method] as Json).responses as Operation['responses'],
          })),
      )
      // The most specific template first: /people/me/inbox before /people/{personId}/….
      .sort((a, b) => a.parameters - b.parameters || b.template.length - a.template.length);
  }

  attach(server: Server): void {
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const capture = (chunk: unknown, encoding?: unknown) => {
        if (chunk === undefined || chunk === null || typeof chunk === 'function' || size > MAX_CAPTURED_BYTES) return;
        const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
        size += buffer.length;
        chunks.push(buffer);
      };
      const write = response.write.bind(response) as (...args: unknown[]) => boolean;
      const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
      response.write = ((chunk: unknown, ...rest: unknown[]) => (capture(chunk, rest[0]), write(chunk, ...rest))) as ServerResponse['write'];
      response.end = ((chunk?: unknown, ...rest: unknown[]) => (capture(chunk, rest[0]), end(chunk, ...rest))) as ServerResponse['end'];
      response.on('finish', () => this.check(request, response, size > MAX_CAPTURED_BYTES ? undefined : Buffer.concat(chunks)));
    });
  }

  /** Throws, listing every violation, when an answer broke the contract. */
  assertNone(): void {
    if (this.violations.length === 0) return;
    const shown = [...new Set(this.violations)];
    throw new Error(`${shown.length} answer(s) do not match /docs/openapi.json:\n${shown.join('\n')}`);
  }

  private check(request: IncomingMessage, response: ServerResponse, body: Buffer | undefined): void {
    const method = request.method ?? 'GET';
    // originalUrl: a router mounted under a prefix (the queue dashboard) rewrites `url` to its own paths.
    const path = ((request as { originalUrl?: string }).originalUrl ?? request.url ?? '/').split('?')[0];
    // Swagger UI, the queue dashboard (bull-board, /admin/queues) and the web interface (/, /app) are pages, not
    // operations of the API.
    if (path.startsWith('/docs') || /^\/admin\/queues(\/|$)/.test(path) || path === '/' || /^\/app(\/|$)/.test(path)) return;
    const operation = this.operations.find((o) => o.method === method && o.pattern.test(path));
    const status = response.statusCode;
    if (!operation) {
      // A route the API does not have: the router's 404, and nothing to check it against.
      if (status !== 404) this.violations.push(`${method} ${path}: ${status} from an operation the document does not have`);
      return;
    }
    const where = `${method} ${operation.template} → ${status}`;
    this.seen.add(where);
    const declaredOrReference = operation.responses[String(status)] ?? operation.responses[`${String(status)[0]}XX`] ?? operation.responses.default;
    const reference = (declaredOrReference as { $ref?: string } | undefined)?.$ref;
    const declared = reference ? this.sharedResponses[reference.replace('#/components/responses/', '')] : declaredOrReference;
    if (!declared) return void this.violations.push(`${where}: status not declared`);
    for (const name of response.getHeaderNames()) {
      if (TRACKED_HEADERS.test(name) && !Object.keys(declared.headers ?? {}).some((h) => h.toLowerCase() === name)) {
        this.violations.push(`${where}: header ${name} not declared`);
      }
    }
    if (!body || body.length === 0 || method === 'HEAD' || status === 304) return;
    const mediaType = String(response.getHeader('content-type') ?? '')
      .split(';')[0]
      .trim();
    const content = declared.content ?? {};
    const entry = content[mediaType] ?? content[`${mediaType.split('/')[0]}/*`] ?? content['*/*'];
    if (!entry)
      return void this.violations.push(
        `${where}: a ${mediaType || 'body without a type'} not declared (declared: ${Object.keys(content).join(', ') || 'none'})`,
      );
    if (!entry.schema || !/json/.test(mediaType)) return;
    // Newline-delimited JSON: each line is a value of the schema.
    const texts = mediaType === 'application/x-ndjson' ? body.toString('utf8').split('\n').filter(Boolean) : [body.toString('utf8')];
    for (const text of texts) this.checkValue(where, mediaType, text, entry.schema);
  }

  private checkValue(where: string, mediaType: string, text: string, schema: Json): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return void this.violations.push(`${where}: ${mediaType} that is not JSON`);
    }
    const validate = this.validatorFor(schema);
    if (!validate(value)) {
      const errors = (validate.errors ?? [])
        .slice(0, 5)
        .map(
          (e) => `${e.instancePath || '(body)'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
        );
      this.violations.push(`${where}: body does not match its schema: ${errors.join('; ')}`);
    }
  }

  private validatorFor(schema: Json): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(asJsonSchema(schema) as Json);
      this.validators.set(key, validate);
    }
    return validate;
  }
}

/**
 * An OpenAPI 3.0 schema as JSON Schema for Ajv: `nullable` becomes a `null` alternative, references point into the
 * document registered as `openapi`, and an object schema that lists its properties allows no others.
 */
function asJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(asJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const { nullable, ...rest } = node as Json;
  const out: Json = {};
  for (const [key, value] of Object.entries(rest)) {
    if (key === 'example' || key === 'examples') continue;
    if (key === '$ref' && typeof value === 'string') out.$ref = value.replace(/^#\//, 'openapi#/');
    else if (key === 'properties' && value && typeof value === 'object')
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asJsonSchema(v)]));
    else out[key] = asJsonSchema(value);
  }
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  if (nullable !== true) return out;
  // A composed schema (`allOf: [$ref]`, as Nest writes a nullable class) is null or the composition.
  const composed = out.allOf || out.oneOf || out.anyOf || out.$ref;
  if (typeof out.type === 'string' && !composed) return { ...out, type: [out.type, 'null'], ...(out.enum ? { enum: [...(out.enum as unknown[]), null] } : {}) };
  return { anyOf: [out, { type: 'null' }] };
}
