import { type HeaderObject, type OpenAPIObject, type OperationObject, type ParameterObject, type ResponseObject } from '@nestjs/swagger';

/**
 * What holds for every operation of the API, written once here rather than on 80 routes: the problems an
 * operation can answer (which follow from its method, its parameters and its security: docs/api.md), the headers
 * every answer carries, and the headers every command reads. A route declares its own successes and any problem
 * these rules do not imply (`@ApiProblems`).
 */

export const PROBLEM_REF = '#/components/schemas/Problem';
/** Marks an operation that takes no Idempotency-Key (`@IgnoresIdempotencyKey`). */
export const IGNORES_IDEMPOTENCY_KEY = 'x-ignores-idempotency-key';
/**
 * An operation whose body comes in several media types, each with its own schema (a plan import: XLSX, CSV or JSON),
 * declares them in this extension; `ApiBody` gives every media type the same schema.
 */
export const REQUEST_CONTENT = 'x-request-content';

export const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'A field, parameter or header is not valid: `errors[]` names each one and the rule it broke',
  401: 'No bearer token, or one that is not valid (expired, another issuer or audience, a key the provider does not publish)',
  403: 'The token is valid but its roles, units or duties do not allow this (`rule` says which)',
  404: 'No such resource in the token’s ente (another ente’s is not disclosed either)',
  409: 'The stream changed since `expectedRevision`: `currentRevision` says where it is; reload and retry',
  412: 'The `If-Match` revision is stale: reload and retry',
  413: 'The body is over 256 kB',
  415: 'The body is not `application/json` in UTF-8',
  422: 'A lifecycle rule refused the command (`rule` names it; `errors[]` the field it blames, when one is), or the Idempotency-Key was used for another request',
  428: 'The route requires `If-Match`',
  503: 'The database, the identity provider or a read model is not available in time: retry after `Retry-After` seconds',
};

const RETRY_AFTER: HeaderObject = { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } };
const REQUEST_ID: HeaderObject = {
  description: 'The id of this request in the server’s logs: the client’s `X-Request-Id` when well formed, otherwise a new UUID',
  schema: { type: 'string', maxLength: 100 },
};
const IDEMPOTENCY_REPLAYED: HeaderObject = {
  description: '`true` when this is the stored answer to an earlier request with the same Idempotency-Key',
  schema: { type: 'string', enum: ['true'] },
};

const IDEMPOTENCY_KEY: ParameterObject = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'A key of your own (1–255 visible ASCII characters) for a command you may retry: the first answer is kept and replayed to a retry of the same request, which never runs twice',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
};
const CLIENT_IDS: ParameterObject[] = [
  {
    name: 'X-Request-Id',
    in: 'header',
    required: false,
    description: 'An id for this request (at most 100 of `A–Z a–z 0–9 _ . : @ -`), echoed in the answer; any other value is replaced',
    schema: { type: 'string', maxLength: 100 },
  },
  {
    name: 'X-Correlation-Id',
    in: 'header',
    required: false,
    description: 'Ties the events of a command to a business process of yours (same format); stored with every event it records',
    schema: { type: 'string', maxLength: 100 },
  },
];

type Method = 'get' | 'post' | 'put' | 'delete' | 'patch';
const METHODS: Method[] = ['get', 'post', 'put', 'delete', 'patch'];

/** The problems an operation answers by the API's rules. */
function impliedProblems(method: Method, path: string, operation: OperationObject): number[] {
  const secured = (operation.security ?? []).length > 0;
  const command = method === 'post' || method === 'put' || method === 'patch';
  const statuses = new Set<number>([400, 503]);
  if (secured) [401, 403].forEach((s) => statuses.add(s));
  if (path.includes('{')) statuses.add(404);
  // Any content sent with a POST or PUT is read, and refused when it is not JSON, whether the route takes a body or not.
  if (command) [413, 415].forEach((s) => statuses.add(s));
  if (command && secured) [409, 422].forEach((s) => statuses.add(s));
  return [...statuses];
}

const PROBLEM_RESPONSE_NAMES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthenticated',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Unprocessable',
  503: 'Unavailable',
};

/** A problem answer as a reusable response of the document's components. */
export function problemResponse(status: number, description = PROBLEM_DESCRIPTIONS[status]): ResponseObject {
  return {
    description,
    headers: {
      'X-Request-Id': { $ref: '#/components/headers/RequestId' },
      ...(status === 503 ? { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } } : {}),
      // A refused command is replayed as well as an accepted one (never on a GET: only commands take the key).
      ...(status < 500 ? { 'Idempotency-Replayed': { $ref: '#/components/headers/IdempotencyReplayed' } } : {}),
    },
    content: { 'application/problem+json': { schema: { $ref: PROBLEM_REF } } },
  };
}

/** The document with the API's conventions applied to every operation. */
export function withApiConventions(document: OpenAPIObject): OpenAPIObject {
  const components = (document.components ??= {});
  components.headers = { ...components.headers, RequestId: REQUEST_ID, RetryAfter: RETRY_AFTER, IdempotencyReplayed: IDEMPOTENCY_REPLAYED };
  components.parameters = { ...components.parameters, IdempotencyKey: IDEMPOTENCY_KEY, RequestId: CLIENT_IDS[0], CorrelationId: CLIENT_IDS[1] };
  components.responses = {
    ...components.responses,
    ...Object.fromEntries(Object.entries(PROBLEM_RESPONSE_NAMES).map(([status, name]) => [name, problemResponse(Number(status))])),
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const extensions = operation as unknown as Record<string, unknown>;
      if (extensions[REQUEST_CONTENT]) {
        operation.requestBody = { required: true, content: extensions[REQUEST_CONTENT] as ResponseObject['content'] & object };
        delete extensions[REQUEST_CONTENT];
      }
      const responses = operation.responses as Record<string, ResponseObject | { $ref: string }>;
      for (const status of impliedProblems(method, path, operation)) {
        responses[String(status)] ??= { $ref: `#/components/responses/${PROBLEM_RESPONSE_NAMES[status]}` };
      }
      const idempotent =
        method === 'post' && (operation.security ?? []).length > 0 && !(operation as unknown as Record<string, unknown>)[IGNORES_IDEMPOTENCY_KEY];
      operation.parameters = [
        ...(operation.parameters ?? []),
        ...(idempotent ? [{ $ref: '#/components/parameters/IdempotencyKey' }] : []),
        { $ref: '#/components/parameters/RequestId' },
        { $ref: '#/components/parameters/CorrelationId' },
      ];
      for (const [status, response] of Object.entries(responses)) {
        if ('$ref' in response) continue;
        response.headers = {
          'X-Request-Id': { $ref: '#/components/headers/RequestId' },
          ...(status === '503' ? { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } } : {}),
          ...(idempotent && Number(status) < 500 ? { 'Idempotency-Replayed': { $ref: '#/components/headers/IdempotencyReplayed' } } : {}),
          ...response.headers,
        };
      }
    }
  }
  return document;
}
