/**
 * The read models, in the same SQL for PostgreSQL and PGlite. Everything here is derived from the event log and
 * can be dropped and rebuilt; nothing in it depends on when it was projected, so a rebuild is identical to a
 * projection that ran live (the crash tests compare checksums of every table).
 */
export const READ_MODEL_LOCK_ID = 7_140_021_002;

export const READ_MODEL_TABLES = ['rm_objectives', 'rm_timeline', 'rm_plans'] as const;

export const READ_MODEL_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS rm_checkpoints (
     name             text PRIMARY KEY,
     commit_position  bigint NOT NULL,
     prepare_position bigint NOT NULL,
     events           bigint NOT NULL DEFAULT 0,
     updated_at       timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE TABLE IF NOT EXISTS rm_objectives (
     objective_id          uuid PRIMARY KEY,
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
     search                tsvector NOT NULL
   )`,
  `CREATE INDEX IF NOT EXISTS rm_objectives_plan ON rm_objectives (ente, plan_id, code, objective_id)`,
  `CREATE INDEX IF NOT EXISTS rm_objectives_search ON rm_objectives USING gin (search)`,
  `CREATE INDEX IF NOT EXISTS rm_objectives_tags ON rm_objectives USING gin (tags)`,
  `CREATE TABLE IF NOT EXISTS rm_timeline (
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
     PRIMARY KEY (objective_id, revision)
   )`,
  `CREATE TABLE IF NOT EXISTS rm_plans (
     plan_id  text PRIMARY KEY,
     ente     text NOT NULL,
     revision integer NOT NULL,
     state    jsonb NOT NULL
   )`,
];
