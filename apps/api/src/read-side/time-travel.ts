import { type StoredEvent } from '@piao/event-store';
import { fold, type StreamType } from '../event-sourcing/stream-types';

/** A point in a stream's past: the end of a business date, or right after a revision. */
export type PointInTime = { date: string } | { revision: number };

/**
 * The events that make up a stream as of a point. By date, the stream is cut before the first event whose
 * business date is later: later facts never leak in, and a back-dated fact recorded after a later one is shown
 * from the later one on, as it was in the record. By revision, the cut is exact.
 */
export function eventsAsOf(events: StoredEvent[], point: PointInTime): StoredEvent[] {
  if ('revision' in point) return events.filter((e) => e.revision <= point.revision);
  const cut = events.findIndex((e) => e.metadata.occurredAt.slice(0, 10) > point.date);
  return cut < 0 ? events : events.slice(0, cut);
}

export function stateAsOf<S>(type: StreamType<S>, events: StoredEvent[], point: PointInTime): { state: S | undefined; revision: number } {
  const kept = eventsAsOf(events, point);
  return { state: fold(type, kept), revision: kept.length - 1 };
}
