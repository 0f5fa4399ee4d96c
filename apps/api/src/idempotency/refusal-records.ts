import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, CommandReplayed, type Clock } from '@piao/application';
import { COMMAND_RECORDS, formatPosition, type CommandRecords, type RecordedCommand } from '@piao/event-store';
import { type RequestWithContext } from '../commands/request-context';
import { toProblem } from '../problem-details/problem';

/** An answer as the client gets it: its status and body. */
export interface Answer {
  status: number;
  body: unknown;
  /** True when it is the answer recorded under the Idempotency-Key by an earlier copy of the request. */
  replayed: boolean;
}

/**
 * What a command that failed answers under its Idempotency-Key: a refusal (4xx) is recorded under the key, so that a
 * retry gets it again and the key cannot be reused for another request; a command already executed is answered
 * from its record; a concurrent copy of the request that recorded first has its answer stand. A server failure
 * records nothing. Used by the IdempotencyInterceptor, and by routes that answer in a stream (a streamed import),
 * where the status is sent before the command fails.
 */
@Injectable()
export class RefusalRecords {
  constructor(
    @Inject(COMMAND_RECORDS) private readonly records: CommandRecords,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The answer to give for `error`; undefined when it is a server failure, to be answered as such and not recorded. */
  async answerFor(request: RequestWithContext, error: unknown): Promise<Answer | undefined> {
    if (error instanceof CommandReplayed) return recordedAnswer(error.recorded);
    const problem = toProblem(error, request.originalUrl);
    if (problem.status < 400 || problem.status >= 500) return undefined;
    const idempotency = request.idempotency;
    if (!idempotency || isAboutTheKey(problem.rule)) return { status: problem.status, body: problem, replayed: false };
    const { scope, key, requestHash } = idempotency;
    const recorded = await this.records.record({ scope, key, requestHash, answer: { status: problem.status, body: problem }, recordedAt: this.clock.now() });
    // A concurrent copy of this request got there first, and its answer stands.
    if (recorded.requestHash === requestHash && recorded.answer.status !== problem.status) return recordedAnswer(recorded);
    return { status: problem.status, body: problem, replayed: false };
  }
}

/** The recorded answer, as first given: its log position is kept apart by the store and put back here. */
export function recordedAnswer(recorded: RecordedCommand): Answer {
  const { status, body } = recorded.answer;
  const withPosition =
    recorded.position && body && typeof body === 'object' && 'position' in body ? { ...body, position: formatPosition(recorded.position) } : body;
  return { status, body: withPosition, replayed: true };
}

/** Answers about the key itself are not the command's answer, and are never recorded under it. */
function isAboutTheKey(rule: string | undefined): boolean {
  return rule === 'idempotency-key-reused' || rule === 'idempotency-key-expired';
}
