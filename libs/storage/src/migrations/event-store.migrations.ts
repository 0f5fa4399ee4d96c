import { type SqlMigration } from '@piao/event-store';
import { migration0001EventStore } from './0001-event-store';
import { migration0003CommandAnswerAsText } from './0003-command-answer-as-text';
import { migration0011EventIdUniquePerStream } from './0011-event-id-unique-per-stream';

/**
 * The event store's migrations, in order: applied by `migrate` (sql-event-store.ts) whenever the storage opens. To
 * change the schema, add a module `NNNN-what.ts` beside 0001-event-store.ts (NNNN: the next number free in every
 * lib, see migrator.ts), with plain statements, and append it here; never edit one that has been released.
 */
export const EVENT_STORE_MIGRATIONS: readonly SqlMigration[] = [migration0001EventStore, migration0003CommandAnswerAsText, migration0011EventIdUniquePerStream];
