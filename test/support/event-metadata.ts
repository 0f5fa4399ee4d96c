import { type EventMetadata } from '@piao/event-store';

/** The metadata of an event written straight to a store by a test: a Segretaria's act of 10/03/2022, recorded on 14/03. */
export function testMetadata(overrides: Partial<EventMetadata> = {}): EventMetadata {
  return {
    actor: { id: 'seg', name: 'Segretaria Generale', role: 'segretario' },
    ente: 'comune-test',
    occurredAt: '2022-03-10',
    recordedAt: '2022-03-14T09:00:00.000Z',
    correlationId: 'corr-1',
    causationId: 'cause-1',
    schemaVersion: 1,
    ...overrides,
  };
}
