import { randomUUID } from 'node:crypto';
import { type EventMetadata } from '@piao/event-store';

/**
 * The event the store benchmarks write: a phase progress as a dirigente records it, its metadata shaped and sized as
 * the application's (one ente, one actor), the same in every benchmark so that their figures compare.
 */
export const benchMetadata: EventMetadata = {
  actor: { id: 'dalpiaz', name: 'Barbara Dal Piaz', role: 'dirigente' },
  ente: 'comune-bench',
  occurredAt: '2025-07-31',
  recordedAt: new Date().toISOString(),
  correlationId: randomUUID(),
  causationId: randomUUID(),
  schemaVersion: 1,
};

export const benchData = { phaseId: 'f1', progressPercent: 60, actualStart: '2025-01-10', note: 'Avanzamento rilevato al monitoraggio del 31/07' };
