import { type Processor } from '@piao/application';
import { type SqlQuery, type StoredEvent } from '@piao/event-store';
import { projectDeadlines } from './deadlines.projection';

export const DEADLINES = 'deadlines';

/**
 * The deadlines and their reminders as a processor of the log: each batch is followed in the transaction that moves
 * the processor's checkpoint, outbox included, so a reminder is written exactly when the events that make it due are
 * (and withdrawn exactly when those that make it stale are).
 */
export class DeadlinesProcessor implements Processor {
  readonly name = DEADLINES;
  readonly mode = 'transactional';
  readonly batchSize = 1_000;

  handle(events: StoredEvent[], tx?: SqlQuery): Promise<void> {
    if (!tx) throw new Error('the deadlines are followed inside the checkpoint’s transaction');
    return projectDeadlines(tx, events);
  }
}
