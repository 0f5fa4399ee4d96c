import { createHash } from 'node:crypto';
import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import canonicalize from 'canonicalize';
import { type Request, type Response } from 'express';
import { catchError, from, mergeMap, of, type Observable } from 'rxjs';
import { type Actor } from '@piao/lifecycle';
import { IDEMPOTENCY_STORE, type IdempotencyStore } from '@piao/event-store';
import { PROBLEM_CONTENT_TYPE, ProblemException, toProblem, validationProblem } from '../problem-details/problem';

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;
/** How long a reservation blocks retries of a request that is still running (or whose process died). */
const LOCK_MS = 30_000;

/**
 * Honours the Idempotency-Key header on every POST: the first response (success or client error) is kept and
 * replayed to retries of the same request, which then append nothing. The same key with another request is
 * refused. Keys are scoped to the ente and the person, so two clients cannot collide.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(@Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const response = context.switchToHttp().getResponse<Response>();
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined || !request.actor) return next.handle();
    if (typeof key !== 'string' || !KEY_FORMAT.test(key)) {
      throw validationProblem([{ field: 'Idempotency-Key', rule: 'format', message: 'Idempotency-Key must be 1 to 255 visible ASCII characters' }]);
    }
    const scope = `${request.actor.ente}:${request.actor.id}`;
    const hash = createHash('sha256')
      .update(`${request.method} ${request.originalUrl}\n${canonicalize(request.body ?? null) ?? ''}`)
      .digest('hex');
    return from(this.store.reserve(scope, key, hash, LOCK_MS)).pipe(
      mergeMap((reservation) => {
        switch (reservation.outcome) {
          case 'completed': {
            const { status, body } = reservation.response;
            response.status(status).setHeader('Idempotency-Replayed', 'true');
            if (status >= 400) response.type(PROBLEM_CONTENT_TYPE);
            return of(body);
          }
          case 'key-reused':
            throw new ProblemException({
              type: '/problems/idempotency-key-reused',
              title: 'Idempotency-Key already used',
              status: 422,
              detail: 'This Idempotency-Key was used for a different request; use a new key for a new request',
              rule: 'idempotency-key-reused',
            });
          case 'in-progress':
            throw new ProblemException({
              type: '/problems/request-in-progress',
              title: 'Request in progress',
              status: 409,
              detail: 'A request with this Idempotency-Key is still being processed; retry later',
            });
          case 'reserved':
            return next.handle().pipe(
              mergeMap(async (body: unknown) => {
                await this.store.complete(scope, key, { status: response.statusCode, body });
                return body;
              }),
              catchError(async (error: unknown) => {
                const problem = toProblem(error, request.originalUrl);
                if (problem.status < 500) await this.store.complete(scope, key, { status: problem.status, body: problem });
                else await this.store.release(scope, key);
                throw error;
              }),
            );
        }
      }),
    );
  }
}
