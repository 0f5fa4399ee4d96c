import { type SqlQuery } from '@piao/event-store';
import { READ_MODEL_TABLES } from './read-model.schema';

const ORDER: Record<(typeof READ_MODEL_TABLES)[number], string> = {
  rm_objectives: 'objective_id',
  rm_timeline: 'objective_id, revision',
  rm_plans: 'plan_id',
};

/** One digest per read-model table, over every row in key order: equal digests, equal read models. */
export async function readModelChecksums(sql: SqlQuery): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  for (const table of READ_MODEL_TABLES) {
    const [row] = await sql.query<{ sum: string; n: number }>(
      `SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY ${ORDER[table]}), '')) AS sum, count(*)::integer AS n FROM ${table} t`,
    );
    sums[table] = `${row.n}:${row.sum}`;
  }
  return sums;
}
