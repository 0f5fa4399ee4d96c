import { createHash } from 'node:crypto';
import {
  applyDecorators,
  HttpStatus,
  Inject,
  Injectable,
  SetMetadata,
  StreamableFile,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiExtension } from '@nestjs/swagger';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import canonicalize from 'canonicalize';
import { type Response } from 'express';
import { catchError, from, mergeMap, of, type Observable } from 'rxjs';
import { IdempotencyKeyReused } from '@piao/application';
import { COMMAND_RECORDS, type CommandRecords } from '@piao/event-store';
import { type RequestWithContext } from '../commands/request-context';
import { recordedAnswer, RefusalRecords, type Answer } from './refusal-records';
import { PROBLEM_CONTENT_TYPE, validationProblem } from '../problem-details/problem';
import { IGNORES_IDEMPOTENCY_KEY } from '../openapi/openapi-conventions';

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;
const IGNORES_KEY = 'piao:ignores-idempotency-key';

/** For POST routes that are not commands and are idempotent in themselves (an administrator's replay request). */
export const IgnoresIdempotencyKey = () => applyDecorators(SetMetadata(IGNORES_KEY, true), ApiExtension(IGNORES_IDEMPOTENCY_KEY, true));

const ANSWER_AS_LINE = 'piao:answer-as-line';
export const NDJSON = 'application/x-ndjson';

/**
 * For a route that answers a client asking for `application/x-ndjson` in lines (progress, then the outcome): a
 * recorded answer is given again to such a client as the last line it would have read, `asLine(answer)`.
 */
export const AnswersInLines = (asLine: (answer: Answer) => object) => SetMetadata(ANSWER_AS_LINE, asLine);

/**
 * Honours the Idempotency-Key header on every POST. The key, its scope (ente and person, kept apart) and the
 * request's fingerprint travel with the command, whose record is written in the same transaction as its events:
 * a retry, after any crash, timeout or cut connection, gets the first answer back with `Idempotency-Replayed: true`
 * and appends nothing. A refusal (4xx) appended nothing and is recorded here, to be replayed the same way. A server
 * failure records nothing: the command either committed with its record, or did not happen.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(COMMAND_RECORDS) private readonly records: CommandRecords,
    private readonly refusals: RefusalRecords,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<RequestWithContext>();
    const response = context.switchToHttp().getResponse<Response>();
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined || !request.actor) return next.handle();
    if (this.reflector.getAllAndOverride<boolean>(IGNORES_KEY, [context.getHandler(), context.getClass()])) return next.handle();
    if (typeof key !== 'string' || !KEY_FORMAT.test(key)) {
      throw validationProblem([{ field: 'Idempotency-Key', rule: 'format', message: 'Idempotency-Key must be 1 to 255 visible ASCII characters' }]);
    }
    const scope = { ente: request.actor.ente, subject: request.actor.id };
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.originalUrl}\n`)
      // A file (a plan import's spreadsheet) is fingerprinted as its bytes.
      .update(Buffer.isBuffer(request.body) ? request.body : (canonicalize(request.body ?? null) ?? ''))
      .digest('hex');
    const status = this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler()) ?? HttpStatus.CREATED;
    request.idempotency = { scope, key, requestHash, status };
    return from(this.records.find(scope, key)).pipe(
      mergeMap((recorded) => {
        if (!recorded) return this.handle(next, request, response);
        if (recorded.requestHash !== requestHash) throw new IdempotencyKeyReused();
        const asLine = this.reflector.get<((answer: Answer) => object) | undefined>(ANSWER_AS_LINE, context.getHandler());
        if (asLine && String(request.headers.accept ?? '').includes(NDJSON)) {
          response.status(200).setHeader('Idempotency-Replayed', 'true');
          return of(new StreamableFile(Buffer.from(`${JSON.stringify(asLine(recordedAnswer(recorded)))}\n`), { type: NDJSON }));
        }
        return of(replay(response, recordedAnswer(recorded)));
      }),
    );
  }

  private handle(next: CallHandler, request: RequestWithContext, response: Response): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) =>
        from(
          (async () => {
            const answer = await this.refusals.answerFor(request, error);
            if (!answer?.replayed) throw error;
            return replay(response, answer);
          })(),
        ),
      ),
      mergeMap(async (body) => body),
    );
  }
}

/** A recorded answer given again, as first given. */
function replay(response: Response, answer: Answer): unknown {
  response.status(answer.status).setHeader('Idempotency-Replayed', 'true');
  if (answer.status >= 400) response.type(PROBLEM_CONTENT_TYPE);
  return answer.body;
}
