import { Inject, Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type Request } from 'express';
import { type Observable, from, switchMap } from 'rxjs';
import { ProcessorsHost } from '@piao/application';
import { EVENT_STORE, PROCESSOR_STORE, type EventStore, type LogPosition, type ProcessorStore } from '@piao/event-store';
import { hasReached, READ_MODELS } from '@piao/read-models';
import { AppConfig } from '@piao/config';
import { ProblemException, validationProblem } from '../problem-details/problem';
import { POSITION_MESSAGE, POSITION_PATTERN } from './query.dto';

const READS_FROM = 'piao:reads-from';

/** The processor whose tables a route reads (the read models unless it says otherwise): `after` waits for that one. */
export const ReadsFrom = (processor: string) => SetMetadata(READS_FROM, processor);

/**
 * Read-your-writes: a query carrying `after=<position>` (from a command's response) waits until the read models
 * have applied that position, polling the processor's checkpoint in the database, so it works whichever process
 * projects. Past the configured bound the answer is a 503 with Retry-After, never a silently stale page.
 */
@Injectable()
export class ReadYourWritesInterceptor implements NestInterceptor {
  constructor(
    @Inject(PROCESSOR_STORE) private readonly processors: ProcessorStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly host: ProcessorsHost,
    private readonly config: AppConfig,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const after = context.switchToHttp().getRequest<Request>().query.after;
    if (after === undefined) return next.handle();
    if (typeof after !== 'string' || !POSITION_PATTERN.test(after)) {
      throw validationProblem([{ field: 'after', rule: 'matches', message: POSITION_MESSAGE }]);
    }
    const [commit, prepare] = after.split('/').map((n) => BigInt(n));
    const processor = this.reflector.getAllAndOverride<string>(READS_FROM, [context.getHandler(), context.getClass()]) ?? READ_MODELS;
    return from(this.waitFor({ commit, prepare }, processor)).pipe(switchMap(() => next.handle()));
  }

  async waitFor(position: LogPosition, processor = READ_MODELS): Promise<void> {
    const deadline = performance.now() + this.config.READ_YOUR_WRITES_TIMEOUT_MS;
    let reached: LogPosition;
    for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
      reached = (await this.processors.checkpoint(processor)).position;
      if (hasReached(reached, position)) return;
      if (performance.now() >= deadline) break;
      this.host.poke();
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
    // Still behind at the deadline with nothing left in the log to apply: no command returned that position, and a
    // 503 would blame the server for the client's mistake. Not decided earlier: a position just returned can sit
    // behind a transaction still open (the log shows no event past it until that one ends).
    if ((await this.store.countAfter(reached, 1)) === 0) {
      throw validationProblem([{ field: 'after', rule: 'position-in-log', message: 'after is beyond the end of the log: use a position a command returned' }]);
    }
    throw new ProblemException({
      type: '/problems/read-model-behind',
      title: 'The read model has not caught up yet',
      status: 503,
      detail: `The read side (${processor}) has not reached position ${position.commit}/${position.prepare} within ${this.config.READ_YOUR_WRITES_TIMEOUT_MS} ms: retry shortly`,
    });
  }
}
