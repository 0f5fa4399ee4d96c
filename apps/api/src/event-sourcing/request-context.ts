import { randomUUID } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type Request } from 'express';
import { type Actor } from '@piao/lifecycle';
import { type CommandRequest } from './command-request';
import { type CommandOptionsDto, type GiuntaActCommandDto } from './command-options.dto';

/** Who is asking and under which ids; combined with a command's options into a CommandRequest. */
export interface RequestContext {
  actor: Actor;
  requestId: string;
  correlationId: string;
}

export const Context = createParamDecorator((_: unknown, context: ExecutionContext): RequestContext => {
  const request = context.switchToHttp().getRequest<Request & { actor: Actor; id?: string | number }>();
  const requestId = String(request.id ?? randomUUID());
  const header = request.headers['x-correlation-id'];
  return { actor: request.actor, requestId, correlationId: typeof header === 'string' && header ? header : requestId };
});

export function commandRequest(
  context: RequestContext,
  options: CommandOptionsDto & Partial<Pick<GiuntaActCommandDto, 'act'>>,
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
  };
}
