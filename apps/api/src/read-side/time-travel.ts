import { fold, type StreamType } from '@piao/application';
import { type StoredEvent } from '@piao/event-store';

/** A point in a stream's past: the end of a business date, or right after a revision. */
export type PointInTime = { date: string } | { revision: number };

/**
 * How many of a stream's first events make it up as of a point. By date, the stream is cut before the first
 * event whose business date is later: later facts never leak in, and a back-dated fact recorded after a later
 * one is shown from the later one on, as it was in the record. By revision, the cut is exact.
 */
export function eventsUpTo(events: StoredEvent[], point: PointInTime): number {
  if ('revision' in point) return Math.min(events.length, point.revision + 1);
  const cut = events.findIndex((e) => e.metadata.occurredAt.slice(0, 10) > point.date);
  return cut < 0 ? events.length : cut;
}

/**
 * The stream as it stood after its first `count` events, and as it stands now, in one fold: the current state
 * decides who may see it (its ente, an evaluation not yet shared), the past one is what is shown.
 */
export function thenAndNow<S>(type: StreamType<S>, events: StoredEvent[], count: number): { then: S | undefined; revision: number; now: S | undefined } {
  const then = fold(type, events.slice(0, count));
  return { then, revision: count - 1, now: fold(type, events.slice(count), then) };
}
