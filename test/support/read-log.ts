import { LOG_START, type EventStore, type LogPosition, type StoredEvent } from '@piao/event-store';

/** Every event of the global log after `from`, paged the way a follower reads it. */
export async function readLog(store: EventStore, from: LogPosition = LOG_START, page = 500): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  let position = from;
  for (;;) {
    const batch = await store.readAll(position, page);
    if (batch.length === 0) return events;
    events.push(...batch);
    position = batch[batch.length - 1].position;
  }
}
