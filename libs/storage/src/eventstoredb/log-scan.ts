import { type AllStreamResolvedEvent, type AllStreamSubscription } from '@eventstore/db-client';
import { StoreUnavailable } from '@piao/event-store';
import { unavailableOr } from './recorded-events';

export interface LogScanOptions {
  /** Stop once `take` has accepted this many events. */
  limit: number;
  /**
   * Give up (StoreUnavailable) after this long without a sign of life from the server: an event, a checkpoint or the
   * caught-up message. A catch-up over a long stretch the filter leaves out still sends checkpoints.
   */
  idleMs: number;
  /** Called with each event in log order; true when the event counts towards `limit`. May throw: the scan stops. */
  take: (resolved: AllStreamResolvedEvent) => boolean;
}

/**
 * Reads a catch-up subscription to `$all` until `take` has accepted `limit` events or the subscription has caught up
 * with the end of the log, then unsubscribes. `subscribe` opens the subscription and receives the hook to pass as the
 * filter's `checkpointReached`.
 *
 * "Caught up" is the server's own message (EventStoreDB 23.10 and later), sent after every event that was in the log
 * when the subscription went live. The client emits it as an event of the stream (`caughtUp`) while earlier events
 * may still wait in the stream's buffer, so the scan counts how many were buffered at that moment
 * (`readableLength`: one per event in object mode) and stops after exactly those: an event committed later is left
 * for the next scan, and none before it is lost.
 */
export function scanLog(subscribe: (checkpointReached: () => void) => AllStreamSubscription, options: LogScanOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    let taken = 0;
    /** Events still buffered when the server said it had caught up: the last ones this scan reads. */
    let beforeCaughtUp: number | undefined;
    let finished = false;
    let idle: NodeJS.Timeout | undefined;

    const finish = (error?: unknown) => {
      if (finished) return;
      finished = true;
      clearTimeout(idle);
      const release = () => subscription.destroy();
      subscription.unsubscribe().then(release, release);
      if (error === undefined) resolve();
      else reject(error);
    };
    const alive = () => {
      if (finished) return;
      clearTimeout(idle);
      idle = setTimeout(() => finish(new StoreUnavailable(`EventStoreDB sent nothing for ${options.idleMs} ms while reading $all`)), options.idleMs);
    };

    const subscription = subscribe(alive);
    subscription.on('data', (resolved: AllStreamResolvedEvent) => {
      if (finished) return;
      alive();
      try {
        if (options.take(resolved)) taken += 1;
      } catch (error) {
        return finish(error);
      }
      if (beforeCaughtUp !== undefined) beforeCaughtUp -= 1;
      if (taken >= options.limit || beforeCaughtUp === 0) finish();
    });
    subscription.on('caughtUp', () => {
      // Only the first time: a subscription that fell behind and caught up again is past this scan's end already.
      if (finished || beforeCaughtUp !== undefined) return;
      beforeCaughtUp = subscription.readableLength;
      if (beforeCaughtUp === 0) finish();
    });
    subscription.on('error', (error: Error) => finish(unavailableOr(error, 'reading $all')));
    // The server ended the subscription before it caught up (or the connection closed): nothing says the log ends here.
    const ended = () => finish(new StoreUnavailable('the subscription to $all ended before it caught up with the end of the log'));
    subscription.on('end', ended);
    subscription.on('close', ended);
    if (options.limit <= 0) finish();
    else alive();
  });
}
