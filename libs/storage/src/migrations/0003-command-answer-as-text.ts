import { type SqlMigration } from '@piao/event-store';

/**
 * A command's answer is kept as the exact JSON text the client received (jsonb reordered its keys, so a replay was
 * equal but not byte for byte the same, and parsing it cost every keyed command), and the index on `recorded_at`
 * goes: every keyed command paid for it, while the hourly purge scans a week of records at most.
 */
export const migration0003CommandAnswerAsText: SqlMigration = {
  name: '0003-command-answer-as-text',
  async up(tx) {
    await tx.query(`ALTER TABLE command_records ALTER COLUMN body TYPE text USING body::text`);
    await tx.query(`DROP INDEX IF EXISTS command_records_recorded_at`);
  },
};
