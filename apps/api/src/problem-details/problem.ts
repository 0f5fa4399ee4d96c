import { BadRequestException, HttpException, HttpStatus, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { NotPermitted, RuleViolation } from '@piao/lifecycle';
import { StoreUnavailable, WrongExpectedRevision } from '@piao/event-store';
import { CommandContended, IdempotencyKeyExpired, IdempotencyKeyReused, StreamNotFound } from '@piao/application';

/** One bad field of a request: which field, which rule, in words. */
export interface FieldError {
  field: string;
  rule: string;
  message: string;
}

/** RFC 9457 problem details, with the members this API adds. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  /** 400: every bad field; 422: the field a lifecycle rule blames, when one is to blame. */
  errors?: FieldError[];
  /** 422 and 403: the lifecycle or access rule that was broken. */
  rule?: string;
  /** 409: the stream's revision now, to reload and retry from. */
  currentRevision?: number | null;
  /** 503 from readiness: the result of each check. */
  checks?: unknown;
  /** 422 `import-refused`: the import's report, objective by objective. */
  report?: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** A problem raised on purpose by the application (as opposed to one mapped from a library error). */
export class ProblemException extends HttpException {
  constructor(readonly problem: Omit<Problem, 'instance'>) {
    super(problem, problem.status);
  }
}

export function validationProblem(errors: FieldError[]): ProblemException {
  const fields = [...new Set(errors.map((e) => e.field))];
  return new ProblemException({
    type: '/problems/validation',
    title: 'The request is not valid',
    status: 400,
    detail: `Invalid fields: ${fields.join(', ')}`,
    errors,
  });
}

export function notFound(what: string): ProblemException {
  return new ProblemException({ type: '/problems/not-found', title: 'Not found', status: 404, detail: `${what} does not exist` });
}

const MALFORMED_JSON: Omit<Problem, 'instance'> = {
  type: '/problems/malformed-json',
  title: 'Malformed JSON',
  status: 400,
  detail: 'The request body is not valid JSON',
  errors: [{ field: '(body)', rule: 'json', message: 'the body is not valid JSON' }],
};

/** Maps anything thrown while serving a request to the problem the client receives. */
export function toProblem(error: unknown, instance: string): Problem {
  const withInstance = (p: Omit<Problem, 'instance'>): Problem => ({ ...p, instance });
  if (error instanceof ProblemException) return withInstance(error.problem);
  if (error instanceof StreamNotFound) return withInstance({ type: '/problems/not-found', title: 'Not found', status: 404, detail: error.message });
  if (error instanceof IdempotencyKeyReused) {
    return withInstance({
      type: '/problems/idempotency-key-reused',
      title: 'Idempotency-Key already used',
      status: 422,
      detail: error.message,
      rule: 'idempotency-key-reused',
    });
  }
  if (error instanceof IdempotencyKeyExpired) {
    return withInstance({
      type: '/problems/idempotency-key-expired',
      title: 'Idempotency-Key expired',
      status: 422,
      detail: error.message,
      rule: 'idempotency-key-expired',
    });
  }
  if (error instanceof CommandContended) {
    return withInstance({ type: '/problems/contended', title: 'Too many concurrent changes', status: 503, detail: error.message });
  }
  if (error instanceof StoreUnavailable) {
    return withInstance({
      type: '/problems/store-unavailable',
      title: 'The database is unavailable',
      status: 503,
      detail:
        'The database could not be reached, or the connection was lost: retry shortly. With the same Idempotency-Key, a retry is answered once and never applied twice.',
    });
  }
  if (error instanceof RuleViolation) {
    const errors = error.field === undefined ? {} : { errors: [{ field: error.field, rule: error.rule, message: error.message }] };
    return withInstance({
      type: `/problems/lifecycle/${error.rule}`,
      title: 'Lifecycle rule broken',
      status: 422,
      detail: error.message,
      rule: error.rule,
      ...errors,
    });
  }
  if (error instanceof NotPermitted) {
    return withInstance({ type: `/problems/access/${error.rule}`, title: 'Not permitted', status: 403, detail: error.message, rule: error.rule });
  }
  if (error instanceof WrongExpectedRevision) {
    return withInstance({
      type: '/problems/concurrency-conflict',
      title: 'The objective changed meanwhile',
      status: 409,
      detail: `Expected revision ${error.expected}, but the stream is at ${error.actual}: reload and retry`,
      currentRevision: error.actual === 'no-stream' ? null : error.actual,
    });
  }
  const bodyError = (error as { type?: string; status?: number })?.type;
  if (bodyError === 'entity.parse.failed') return withInstance(MALFORMED_JSON);
  if (bodyError === 'json.too.deep') {
    return withInstance({
      type: '/problems/json-too-deep',
      title: 'JSON nested too deeply',
      status: 400,
      detail: (error as Error).message,
      errors: [{ field: '(body)', rule: 'max-depth', message: (error as Error).message }],
    });
  }
  if (bodyError === 'charset.unsupported' || bodyError === 'encoding.unsupported') {
    return withInstance({ type: '/problems/unsupported-encoding', title: 'Unsupported encoding', status: 415, detail: 'Send UTF-8 JSON' });
  }
  if (error instanceof PayloadTooLargeException || bodyError === 'entity.too.large') {
    return withInstance({ type: '/problems/payload-too-large', title: 'Request too large', status: 413, detail: 'The request body exceeds the size limit' });
  }
  if (error instanceof BadRequestException && /JSON/i.test(error.message)) return withInstance(MALFORMED_JSON);
  if (error instanceof Error && error.message.startsWith('Failed to decode param')) {
    // The router could not percent-decode a path segment (not UTF-8): it does not say which parameter it was.
    return withInstance(validationProblem([{ field: '(path)', rule: 'utf-8', message: 'a path parameter is not percent-encoded UTF-8' }]).problem);
  }
  if (error instanceof NotFoundException) {
    return withInstance({ type: '/problems/not-found', title: 'Not found', status: 404, detail: error.message });
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return withInstance({ type: `/problems/http-${status}`, title: HttpStatus[status] ?? 'Error', status, detail: error.message });
  }
  return withInstance({ type: '/problems/internal', title: 'Internal error', status: 500, detail: 'The server failed; the request may be retried' });
}
