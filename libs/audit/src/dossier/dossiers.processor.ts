import { type Processor } from '@piao/application';
import { type SqlQuery, type StoredEvent } from '@piao/event-store';
import { type DossierRequest } from '@piao/lifecycle';
import { queueDossier } from './dossier-store';

export const DOSSIERS = 'dossiers';

/**
 * Follows the log for dossier requests and queues each one, pinned to the request's own position, in the
 * transaction that moves its checkpoint: a request is queued exactly once, and a dossier never includes what was
 * recorded after it was asked for. The builder (DossierWorker) takes it from there.
 */
export class DossiersProcessor implements Processor {
  readonly name = DOSSIERS;
  readonly mode = 'transactional';
  readonly batchSize = 500;

  async handle(events: StoredEvent[], tx?: SqlQuery): Promise<void> {
    if (!tx) throw new Error('dossier requests are queued inside the checkpoint’s transaction');
    for (const event of events) {
      if (event.type !== 'DossierRequested') continue;
      await queueDossier(tx, {
        ...(event.data as DossierRequest),
        requestedBy: event.metadata.actor,
        requestedAt: event.metadata.recordedAt,
        upTo: event.position,
      });
    }
  }
}
