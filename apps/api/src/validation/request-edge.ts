import { type Server } from 'node:http';
import { type Duplex } from 'node:stream';
import { type Express, type NextFunction, type Request, type Response } from 'express';
import { FORBIDDEN_KEYS, textFlaw } from '@piao/lifecycle';
import { PROBLEM_CONTENT_TYPE, toProblem, validationProblem, type FieldError, type Problem } from '../problem-details/problem';

/**
 * The first line of defence, before routing, guards, interceptors and pipes: what no route may receive, whatever its
 * DTO says. Everything here answers a problem naming the field and the rule; the DTOs (class-validator) check the
 * rest. docs/input-rules.md lists every rule.
 */

/** Far beyond any command's shape (a definition is about 6 levels deep); checked on the raw bytes before JSON.parse. */
export const MAX_JSON_DEPTH = 32;
export const MAX_BODY_BYTES = '256kb';
/** Node's own limit on the request line and headers together: above it the request is a 431. */
export const MAX_HEADER_BYTES = 16 * 1024;
/** At most this many bad fields are named in one answer: a hostile body cannot make the answer large. */
const MAX_FIELD_ERRORS = 50;

const JSON_TYPES = ['application/json', 'application/*+json'];
/** A plan import (docs/plan-import.md) is a file: a spreadsheet, a CSV table or a JSON plan document, up to this size. */
export const PLAN_IMPORT_ROUTE = '/plans/:planId/imports';
export const MAX_IMPORT_BYTES = '10mb';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const SPREADSHEET_TYPES = [XLSX_TYPE, 'text/csv'];
/** A past year's history (docs/plan-import.md): up to 5,000 steps of JSON, some with a whole definition, up to this size. */
export const PLAN_HISTORY_ROUTE = '/plans/:planId/history';
export const MAX_HISTORY_BYTES = '10mb';
const METHODS_WITHOUT_CONTENT = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

/** An error body-parser passes on as it is: the problem mapping reads `type` and `status`. */
class BodyRefused extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Throws when the JSON text nests deeper than MAX_JSON_DEPTH: one pass over the bytes, strings skipped, so that no
 * recursive parser, transformer or validator ever sees a 5,000-level document.
 */
export function refuseDeepJson(_request: unknown, _response: unknown, body: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === 0x5c)
        i++; // an escape: the next byte is part of it
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x7b || byte === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) throw new BodyRefused('json.too.deep', 400, `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
    } else if (byte === 0x7d || byte === 0x5d) depth--;
  }
}

/** The faults of one value: a text PostgreSQL cannot store, a key that reaches a prototype. Depth is already bounded. */
export function unstorableFields(value: unknown, path: string, errors: FieldError[] = [], depth = 0): FieldError[] {
  if (errors.length >= MAX_FIELD_ERRORS) return errors;
  // The raw-byte depth check comes first; this bound only keeps a value built some other way from recursing without end.
  if (depth > MAX_JSON_DEPTH) {
    errors.push({ field: path || '(body)', rule: 'max-depth', message: `nested deeper than ${MAX_JSON_DEPTH} levels` });
    return errors;
  }
  if (Buffer.isBuffer(value)) return errors; // a file: its reader checks what it reads from it
  if (typeof value === 'string') {
    const flaw = textFlaw(value);
    if (flaw) errors.push({ field: path, rule: 'storable-text', message: `${path} ${flaw}: not allowed in any text` });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => unstorableFields(item, path ? `${path}.${index}` : String(index), errors, depth + 1));
  } else if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) {
      const at = path ? `${path}.${key}` : key;
      const keyFlaw = textFlaw(key);
      if (keyFlaw) errors.push({ field: path || '(body)', rule: 'storable-text', message: `a key of ${path || 'the body'} ${keyFlaw}` });
      else if (FORBIDDEN_KEYS.has(key)) errors.push({ field: at, rule: 'forbidden-key', message: `${at}: the key "${key}" is not allowed anywhere` });
      else unstorableFields((value as Record<string, unknown>)[key], at, errors, depth + 1);
    }
  }
  return errors;
}

function sendProblem(request: Request, response: Response, problem: Problem): void {
  response
    .status(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify({ ...problem, instance: request.originalUrl }));
}

/**
 * A body that is not JSON is refused (415), never ignored: a `text/plain` command would otherwise run with none of
 * its options, its expected revision included.
 */
function requireJsonBody(request: Request, response: Response, next: NextFunction): void {
  // `is` answers null when the request has no body at all.
  const type = request.is(JSON_TYPES);
  // A plan import's file was read by its own parser, the only one that takes other media types.
  if (type === null || request.headers['content-length'] === '0' || Buffer.isBuffer(request.body)) return next();
  if (!type) {
    return sendProblem(request, response, {
      type: '/problems/unsupported-media-type',
      title: 'Unsupported media type',
      status: 415,
      detail: 'The body must be JSON (Content-Type: application/json)',
      errors: [{ field: 'Content-Type', rule: 'media-type', message: 'Content-Type must be application/json' }],
    });
  }
  // UTF-8 only: the depth check reads the raw bytes as UTF-8, and a UTF-16 body would slip past it.
  const charset = /;\s*charset\s*=\s*"?([^";]+)/i
    .exec(request.headers['content-type'] ?? '')?.[1]
    .trim()
    .toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return sendProblem(request, response, {
      type: '/problems/unsupported-encoding',
      title: 'Unsupported encoding',
      status: 415,
      detail: 'Send UTF-8 JSON',
      errors: [{ field: 'Content-Type', rule: 'charset', message: 'the charset must be utf-8' }],
    });
  }
  next();
}

/** Every body and query value checked for what no field may hold: one 400 naming each bad field. */
function refuseUnstorableInput(request: Request, response: Response, next: NextFunction): void {
  const errors = unstorableFields(request.body, '');
  for (const [key, value] of Object.entries(request.query as Record<string, unknown>)) {
    const keyFlaw = textFlaw(key);
    if (keyFlaw) errors.push({ field: '(query)', rule: 'storable-text', message: `a query parameter's name ${keyFlaw}` });
    else if (FORBIDDEN_KEYS.has(key)) errors.push({ field: key, rule: 'forbidden-key', message: `the query parameter "${key}" is not allowed` });
    else unstorableFields(value, key, errors);
  }
  if (errors.length === 0) return next();
  sendProblem(request, response, { ...validationProblem(errors).problem });
}

/** Installs the edge on the Express instance, before Nest's routes. */
export async function installRequestEdge(express: Express): Promise<void> {
  const { json, raw } = await import('express');
  // Content on a GET, HEAD or DELETE has no meaning (RFC 9110 §9.3): it is neither read nor refused.
  const withContent =
    (handler: (request: Request, response: Response, next: NextFunction) => void) => (request: Request, response: Response, next: NextFunction) =>
      METHODS_WITHOUT_CONTENT.has(request.method) ? next() : handler(request, response, next);
  express.post(
    PLAN_IMPORT_ROUTE,
    json({ limit: MAX_IMPORT_BYTES, type: JSON_TYPES, verify: refuseDeepJson }),
    raw({ limit: MAX_IMPORT_BYTES, type: SPREADSHEET_TYPES }),
  );
  express.post(PLAN_HISTORY_ROUTE, json({ limit: MAX_HISTORY_BYTES, type: JSON_TYPES, verify: refuseDeepJson }));
  express.use(withContent(requireJsonBody));
  express.use(withContent(json({ limit: MAX_BODY_BYTES, type: JSON_TYPES, verify: refuseDeepJson })));
  express.use(refuseUnstorableInput);
  // Body-parsing errors happen before Nest's pipeline: answer them as problem details here.
  express.use((error: unknown, request: Request, response: Response, next: NextFunction) => {
    if (!error) return next();
    sendProblem(request, response, toProblem(error, request.originalUrl));
  });
}

/**
 * Errors Node's HTTP parser raises before any handler runs (headers too large, a malformed request line): answered
 * as problem details too. Without this listener Node answers a bare 431 or 400.
 */
export function answerParserErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
    // As Node's own handler: an answer already under way on this keep-alive connection cannot be followed by another
    // one written into its body; the connection is dropped instead.
    const connection = socket as Duplex & { _httpMessage?: { _headerSent?: boolean } | null };
    if (connection._httpMessage?._headerSent) return socket.destroy();
    connection._httpMessage = null;
    const [status, title, detail] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request headers too large', `The request line and headers exceed ${MAX_HEADER_BYTES} bytes`]
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request timeout', 'The request was not received in time']
          : [400, 'Malformed request', 'The request is not valid HTTP'];
    const body = JSON.stringify({ type: `/problems/http-${status}`, title, status, detail });
    socket.end(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
