/**
 * The read models, in the same SQL for PostgreSQL and PGlite. Everything here is derived from the event log and
 * can be dropped and rebuilt; nothing in it depends on when it was projected, so a rebuild is identical to a
 * projection that ran live (the crash tests compare checksums of every table).
 *
 * The tables are created by `readModelTables(suffix)`: with no suffix the live tables (by the migration
 * 0002-read-models, read-model.migrations.ts), with one the tables a rebuild fills beside them before it takes their
 * names (read-models.rebuild.ts). Every index and constraint is named, with the same suffix, so that the switch can
 * give them the live names back.
 *
 * Changing a table: change it here (a rebuild creates the tables as they are now) and add a migration for the live
 * tables. Migration 0002 runs this function as it is when it runs, so a new database already has the new shape when
 * the later migration comes: that one must hold on either shape. The read models are derived from the log, so the
 * plain way is to drop the live tables, create them again with `readModelTables('')` and reset the read models'
 * checkpoint (they are projected again from the start); or run a rebuild.
 */

/** Taken while read-model tables are created: by a rebuild, and by the migration 0002-read-models. */
export const READ_MODEL_LOCK_ID = 7_140_021_002;

export const READ_MODEL_TABLES = ['rm_objectives', 'rm_timeline', 'rm_plans'] as const;
export type ReadModelTable = (typeof READ_MODEL_TABLES)[number];

/** Named indexes and constraints of each table (the primary keys included). */
export const READ_MODEL_INDEXES: Record<ReadModelTable, { indexes: string[]; constraints: string[] }> = {
  rm_objectives: { indexes: ['rm_objectives_plan', 'rm_objectives_search', 'rm_objectives_tags'], constraints: ['rm_objectives_pkey'] },
  rm_timeline: { indexes: ['rm_timeline_log_order'], constraints: ['rm_timeline_pkey'] },
  rm_plans: { indexes: [], constraints: ['rm_plans_pkey'] },
};

export function readModelTables(suffix = ''): string[] {
  const t = (name: ReadModelTable) => `${name}${suffix}`;
  const n = (name: string) => `${name}${suffix}`;
  return [
    `CREATE TABLE IF NOT EXISTS ${t('rm_objectives')} (
       objective_id          uuid NOT NULL,
       ente                  text NOT NULL,
       plan_id               text NOT NULL,
       code                  text NOT NULL,
       title                 text NOT NULL,
       status                text NOT NULL,
       public_status         text NOT NULL,
       responsible_unit_id   text NOT NULL,
       responsible_person    text,
       contributing_unit_ids text[] NOT NULL,
       person_ids            text[] NOT NULL,
       tags                  text[] NOT NULL,
       first_unmet_due       date,
       phases_percent        numeric,
       indicators_percent    numeric,
       gaps                  jsonb NOT NULL,
       revision              integer NOT NULL,
       state                 jsonb NOT NULL,
       extras                jsonb NOT NULL,
       search                tsvector NOT NULL,
       CONSTRAINT ${n('rm_objectives_pkey')} PRIMARY KEY (objective_id)
     )`,
    `CREATE INDEX IF NOT EXISTS ${n('rm_objectives_plan')} ON ${t('rm_objectives')} (ente, plan_id, code, objective_id)`,
    `CREATE INDEX IF NOT EXISTS ${n('rm_objectives_search')} ON ${t('rm_objectives')} USING gin (search)`,
    `CREATE INDEX IF NOT EXISTS ${n('rm_objectives_tags')} ON ${t('rm_objectives')} USING gin (tags)`,
    `CREATE TABLE IF NOT EXISTS ${t('rm_timeline')} (
       objective_id uuid NOT NULL,
       revision     integer NOT NULL,
       ente         text NOT NULL,
       event_id     uuid NOT NULL,
       type         text NOT NULL,
       actor        jsonb NOT NULL,
       occurred_at  text NOT NULL,
       recorded_at  text NOT NULL,
       reason       text,
       act          jsonb,
       changes      jsonb NOT NULL,
       data         jsonb NOT NULL,
       position     text NOT NULL,
       imported     jsonb,
       CONSTRAINT ${n('rm_timeline_pkey')} PRIMARY KEY (objective_id, revision)
     )`,
    timelineLogOrderIndex(suffix),
    `CREATE TABLE IF NOT EXISTS ${t('rm_plans')} (
       plan_id  text NOT NULL,
       ente     text NOT NULL,
       revision integer NOT NULL,
       state    jsonb NOT NULL,
       CONSTRAINT ${n('rm_plans_pkey')} PRIMARY KEY (plan_id)
     )`,
  ];
}

/** An ente's timeline in log order (`commit/prepare` as numbers): the audit trail's pages (libs/audit). */
export function timelineLogOrderIndex(suffix = ''): string {
  return `CREATE INDEX IF NOT EXISTS rm_timeline_log_order${suffix} ON rm_timeline${suffix}
            (ente, (split_part(position, '/', 1)::bigint), (split_part(position, '/', 2)::bigint))`;
}
