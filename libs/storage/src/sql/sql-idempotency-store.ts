import { type IdempotencyStore, type Reservation, type StoredResponse } from '@piao/event-store';
import { type SqlClient } from '@piao/event-store';

export class SqlIdempotencyStore implements IdempotencyStore {
  constructor(private readonly sql: SqlClient) {}

  async reserve(scope: string, key: string, requestHash: string, lockMs: number): Promise<Reservation> {
    const inserted = await this.sql.query(
      `INSERT INTO http_idempotency (scope, key, request_hash, locked_until) VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond')
       ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
      [scope, key, requestHash, lockMs],
    );
    if (inserted.length > 0) return { outcome: 'reserved' };
    const [row] = await this.sql.query<{ request_hash: string; status: number | null; body: unknown; expired: boolean }>(
      `SELECT request_hash, status, body, locked_until < now() AS expired FROM http_idempotency WHERE scope = $1 AND key = $2`,
      [scope, key],
    );
    if (!row) return this.reserve(scope, key, requestHash, lockMs); // released meanwhile
    if (row.request_hash !== requestHash) return { outcome: 'key-reused' };
    if (row.status !== null) return { outcome: 'completed', response: { status: row.status, body: row.body } };
    if (!row.expired) return { outcome: 'in-progress' };
    const taken = await this.sql.query(
      `UPDATE http_idempotency SET locked_until = now() + $3 * interval '1 millisecond'
        WHERE scope = $1 AND key = $2 AND status IS NULL AND locked_until < now() RETURNING key`,
      [scope, key, lockMs],
    );
    return taken.length > 0 ? { outcome: 'reserved' } : { outcome: 'in-progress' };
  }

  async complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    await this.sql.query(`UPDATE http_idempotency SET status = $3, body = $4::jsonb WHERE scope = $1 AND key = $2`, [
      scope,
      key,
      response.status,
      JSON.stringify(response.body ?? null),
    ]);
  }

  async release(scope: string, key: string): Promise<void> {
    await this.sql.query(`DELETE FROM http_idempotency WHERE scope = $1 AND key = $2 AND status IS NULL`, [scope, key]);
  }
}
