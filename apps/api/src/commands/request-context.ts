import { randomUUID } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type Request } from 'express';
import { type Actor } from '@piao/lifecycle';
import { FAIL_POINTS, type CommandRequest, type FailPoint, type IdempotentRequest } from '@piao/application';
import { type CommandOptionsDto, type GiuntaActCommandDto } from './command-options.dto';

/** The Idempotency-Key of a command request, as the IdempotencyInterceptor read it; the body's rendering comes later. */
export type IdempotencyHeader = Omit<IdempotentRequest, 'render'>;

/** Who is asking and under which ids; combined with a command's options into a CommandRequest. */
export interface RequestContext {
  actor: Actor;
  requestId: string;
  correlationId: string;
  idempotency?: IdempotencyHeader;
  failPoint?: FailPoint;
}

export type RequestWithContext = Request & { actor: Actor; id?: string | number; idempotency?: IdempotencyHeader };

export const Context = createParamDecorator((_: unknown, context: ExecutionContext): RequestContext => {
  const request = context.switchToHttp().getRequest<RequestWithContext>();
  const requestId = String(request.id ?? randomUUID());
  return {
    actor: request.actor,
    requestId,
    correlationId: correlationIdOf(request.headers['x-correlation-id']) ?? requestId,
    idempotency: request.idempotency,
    failPoint: failPointOf(request.headers['x-fail-point']),
  };
});

/**
 * Request and correlation ids a client may give: short and plain, since they are stored in every event of the command
 * and written in every log line. Any other value is not refused, but replaced by the request's own id.
 */
export const CLIENT_ID_FORMAT = /^[\w.:@-]{1,100}$/;

export function correlationIdOf(header: unknown): string | undefined {
  return typeof header === 'string' && CLIENT_ID_FORMAT.test(header) ? header : undefined;
}

/** The fail point a test asked for; ignored unless the installation enables fault injection (StreamCommands checks). */
function failPointOf(header: unknown): FailPoint | undefined {
  return typeof header === 'string' && (FAIL_POINTS as readonly string[]).includes(header) ? (header as FailPoint) : undefined;
}

/**
 * The command request of an HTTP command. `render` is how the route turns the command's result into its answer:
 * with an Idempotency-Key the answer is stored with the command's events, so it is computed before they are appended.
 */
export function commandRequest<R>(
  context: RequestContext,
  options: CommandOptionsDto & Partial<Pick<GiuntaActCommandDto, 'act'>>,
  render: (result: R) => unknown,
  reason?: string,
): CommandRequest {
  return {
    actor: context.actor,
    occurredOn: options.occurredOn,
    reason: reason ?? options.reason,
    act: options.act ? { number: options.act.number, date: options.act.date } : undefined,
    expectedRevision: options.expectedRevision,
    correlationId: context.correlationId,
    causationId: context.requestId,
    idempotency: context.idempotency && { ...context.idempotency, render: render as (result: never) => unknown },
    failPoint: context.failPoint,
  };
}
