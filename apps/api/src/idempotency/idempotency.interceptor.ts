import { createHash } from 'node:crypto';
import { applyDecorators, HttpStatus, Inject, Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiExtension } from '@nestjs/swagger';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import canonicalize from 'canonicalize';
import { type Response } from 'express';
import { catchError, from, mergeMap, of, type Observable } from 'rxjs';
import { CommandReplayed, CLOCK, IdempotencyKeyReused, type Clock } from '@piao/application';
import { COMMAND_RECORDS, formatPosition, type CommandRecords, type RecordedCommand } from '@piao/event-store';
import { type RequestWithContext } from '../commands/request-context';
import { PROBLEM_CONTENT_TYPE, toProblem, validationProblem } from '../problem-details/problem';
import { IGNORES_IDEMPOTENCY_KEY } from '../openapi/openapi-conventions';

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;
const IGNORES_KEY = 'piao:ignores-idempotency-key';

/** For POST routes that are not commands and are idempotent in themselves (an administrator's replay request). */
export const IgnoresIdempotencyKey = () => applyDecorators(SetMetadata(IGNORES_KEY, true), ApiExtension(IGNORES_IDEMPOTENCY_KEY, true));

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
    @Inject(CLOCK) private readonly clock: Clock,
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
        return of(replay(response, recorded));
      }),
    );
  }

  private handle(next: CallHandler, request: RequestWithContext, response: Response): Observable<unknown> {
    const { scope, key, requestHash } = request.idempotency!;
    return next.handle().pipe(
      catchError((error: unknown) =>
        from(
          (async () => {
            if (error instanceof CommandReplayed) return replay(response, error.recorded);
            const problem = toProblem(error, request.originalUrl);
            if (problem.status >= 400 && problem.status < 500 && !isAboutTheKey(problem.rule)) {
              const recorded = await this.records.record({
                scope,
                key,
                requestHash,
                answer: { status: problem.status, body: problem },
                recordedAt: this.clock.now(),
              });
              // A concurrent copy of this request got there first, and its answer stands.
              if (recorded.requestHash === requestHash && recorded.answer.status !== problem.status) return replay(response, recorded);
            }
            throw error;
          })(),
        ),
      ),
      mergeMap(async (body) => body),
    );
  }
}

/** The recorded answer, as first given: its log position is kept apart by the store and put back here. */
function replay(response: Response, recorded: RecordedCommand): unknown {
  const { status, body } = recorded.answer;
  response.status(status).setHeader('Idempotency-Replayed', 'true');
  if (status >= 400) response.type(PROBLEM_CONTENT_TYPE);
  if (recorded.position && body && typeof body === 'object' && 'position' in body) return { ...body, position: formatPosition(recorded.position) };
  return body;
}

/** Answers about the key itself are not the command's answer, and are never recorded under it. */
function isAboutTheKey(rule: string | undefined): boolean {
  return rule === 'idempotency-key-reused' || rule === 'idempotency-key-expired';
}
