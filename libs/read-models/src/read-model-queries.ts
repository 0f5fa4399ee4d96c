import { type MonitoringGap, type ObjectiveState, type PlanState } from '@piao/lifecycle';
import { type SqlClient } from '@piao/event-store';
import { type ObjectiveExtras } from './plan-objectives.projection';

export interface ObjectiveFilters {
  unitId?: string;
  responsiblePerson?: string;
  personId?: string;
  status?: string;
  tag?: string;
  /** Objectives with a deadline not met before this date. */
  overdueOn?: string;
  text?: string;
  /** Readers other than the NdV filter and see the status as published (an unshared evaluation is not). */
  seesEvaluations: boolean;
}

export interface ObjectiveListItem {
  objectiveId: string;
  code: string;
  title: string;
  status: string;
  responsibleUnitId: string;
  responsiblePerson: string | null;
  contributingUnitIds: string[];
  tags: string[];
  firstUnmetDue: string | null;
  phasesPercent: number | null;
  indicatorsPercent: number | null;
  revision: number;
  /** Where it hangs in the plan's tree (null: the definition does not say). */
  publicValueArea: string | null;
  strategicLine: string | null;
}

/** Keyset pagination: the (code, id) of the last row of the previous page. */
export interface ListCursor {
  code: string;
  objectiveId: string;
}

export interface ObjectiveRecord {
  state: ObjectiveState;
  extras: ObjectiveExtras;
  revision: number;
  gaps: MonitoringGap[];
}

export interface TimelineRow {
  revision: number;
  eventId: string;
  type: string;
  actor: { id: string; name: string; role: string; capacity?: string };
  occurredAt: string;
  recordedAt: string;
  reason: string | null;
  act: { number: string; date: string } | null;
  changes: { path: string; from: unknown; to: unknown }[];
  data: Record<string, unknown>;
  position: string;
  /** Present on an event imported with a past year's history: who imported it, and when. */
  imported?: { by: { id: string; name: string }; at: string };
}

export interface DashboardRow {
  objectiveId: string;
  code: string;
  status: string;
  responsibleUnitId: string;
  phasesPercent: number | null;
  gaps: MonitoringGap[];
}

const LIST_COLUMNS = `objective_id::text AS "objectiveId", code, title, status, public_status, responsible_unit_id AS "responsibleUnitId",
  responsible_person AS "responsiblePerson", contributing_unit_ids AS "contributingUnitIds", tags, first_unmet_due::text AS "firstUnmetDue",
  phases_percent::float8 AS "phasesPercent", indicators_percent::float8 AS "indicatorsPercent", revision,
  state->'definition'->'place'->>'publicValueArea' AS "publicValueArea", state->'definition'->'place'->>'strategicLine' AS "strategicLine"`;

/** Every read of the read models, each scoped to one ente: no query here can return another ente's row. */
/** What awaits the Segretario on an objective: a proposal to approve, a report to validate, a reprogramming to decide. */
export type ReviewKind = 'proposal' | 'monitoring-report' | 'year-end-report' | 'reprogramming';

export interface ReviewItem {
  kind: ReviewKind;
  planId: string;
  planTitle: string;
  objectiveId: string;
  code: string;
  title: string;
  responsibleUnitId: string;
  /** The monitoring date of a monitoring report. */
  asOf: string | null;
  /**
   * When it was submitted: the occurredAt of the event that submitted it (the day it happened in the ente, which a
   * command may date back with `occurredOn`: a proposal made on paper last week has waited since then).
   */
  since: string;
  /** When that event was recorded: the order of items submitted the same day. */
  recordedAt: string;
  revision: number;
  /**
   * Who submitted a report (their person id); null for a proposal or a reprogramming. Nobody validates or returns their
   * own report: a Segretario's own waits for another one, or for the substitute designated.
   */
  submittedBy: string | null;
}

/** The event that puts each kind in the queue, and what of the objective's state says it still waits. */
const REVIEW_EVENTS: Record<ReviewKind, string> = {
  proposal: 'ObjectiveProposed',
  'monitoring-report': 'MonitoringReportSubmitted',
  'year-end-report': 'YearEndReportSubmitted',
  reprogramming: 'ReprogrammingProposed',
};

export class ReadModelQueries {
  constructor(private readonly sql: SqlClient) {}

  async listObjectives(ente: string, planId: string, filters: ObjectiveFilters, after: ListCursor | undefined, limit: number) {
    const where = ['ente = $1', 'plan_id = $2'];
    const params: unknown[] = [ente, planId];
    const add = (clause: (n: string) => string, value: unknown) => {
      params.push(value);
      where.push(clause(`$${params.length}`));
    };
    if (filters.unitId) add((n) => `(responsible_unit_id = ${n} OR ${n} = ANY(contributing_unit_ids))`, filters.unitId);
    if (filters.responsiblePerson) add((n) => `lower(responsible_person) = lower(${n})`, filters.responsiblePerson);
    if (filters.personId) add((n) => `${n} = ANY(person_ids)`, filters.personId);
    if (filters.status) add((n) => `${filters.seesEvaluations ? 'status' : 'public_status'} = ${n}`, filters.status);
    if (filters.tag) add((n) => `tags @> ARRAY[${n}]::text[]`, filters.tag);
    if (filters.overdueOn) add((n) => `first_unmet_due < ${n}::date`, filters.overdueOn);
    if (filters.text) add((n) => `search @@ websearch_to_tsquery('italian', ${n})`, filters.text);
    if (after) {
      params.push(after.code, after.objectiveId);
      where.push(`(code, objective_id) > ($${params.length - 1}, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    const rows = await this.sql.query<ObjectiveListItem & { public_status: string }>(
      `SELECT ${LIST_COLUMNS} FROM rm_objectives WHERE ${where.join(' AND ')} ORDER BY code, objective_id LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit).map(({ public_status, ...row }) => ({ ...row, status: filters.seesEvaluations ? row.status : public_status }));
    const last = page[page.length - 1];
    return { items: page, next: rows.length > limit && last ? { code: last.code, objectiveId: last.objectiveId } : undefined };
  }

  async objective(ente: string, objectiveId: string): Promise<ObjectiveRecord | undefined> {
    const rows = await this.sql.query<ObjectiveRecord>(`SELECT state, extras, revision, gaps FROM rm_objectives WHERE ente = $1 AND objective_id = $2::uuid`, [
      ente,
      objectiveId,
    ]);
    return rows[0];
  }

  /** The timeline in revision order, from `fromRevision`; types narrows it to some kinds of event. */
  async timeline(ente: string, objectiveId: string, fromRevision: number, limit: number, types?: string[]): Promise<TimelineRow[]> {
    const rows = await this.sql.query<Omit<TimelineRow, 'imported'> & { imported: TimelineRow['imported'] | null }>(
      `SELECT revision, event_id::text AS "eventId", type, actor, occurred_at AS "occurredAt", recorded_at AS "recordedAt", reason, act, changes, data, position,
              imported
         FROM rm_timeline
        WHERE ente = $1 AND objective_id = $2::uuid AND revision >= $3 AND ($5::text[] IS NULL OR type = ANY($5::text[]))
        ORDER BY revision LIMIT $4`,
      [ente, objectiveId, fromRevision, limit, types ?? null],
    );
    // `imported` only where there is one: events recorded as they happened read as they always did.
    return rows.map(({ imported, ...row }) => (imported ? { ...row, imported } : row));
  }

  async plan(ente: string, planId: string): Promise<{ state: PlanState; revision: number } | undefined> {
    const rows = await this.sql.query<{ state: PlanState; revision: number }>(`SELECT state, revision FROM rm_plans WHERE ente = $1 AND plan_id = $2`, [
      ente,
      planId,
    ]);
    return rows[0];
  }

  async dashboardRows(ente: string, planId: string, seesEvaluations: boolean): Promise<DashboardRow[]> {
    return this.sql.query<DashboardRow>(
      `SELECT objective_id::text AS "objectiveId", code, ${seesEvaluations ? 'status' : 'public_status'} AS status,
              responsible_unit_id AS "responsibleUnitId", phases_percent::float8 AS "phasesPercent", gaps
         FROM rm_objectives WHERE ente = $1 AND plan_id = $2 ORDER BY code, objective_id`,
      [ente, planId],
    );
  }

  /** What scoring a plan needs of each objective: the two achievement parts and the people with their shares. */
  async scoreRows(ente: string, planId: string) {
    return this.sql.query<{
      objectiveId: string;
      code: string;
      responsibleUnitId: string;
      phasesPercent: number | null;
      indicatorsPercent: number | null;
      people: unknown[];
      evaluationStatus: 'evaluated' | 'shared' | 'contested' | 'confirmed' | null;
    }>(
      `SELECT objective_id::text AS "objectiveId", code, responsible_unit_id AS "responsibleUnitId", phases_percent::float8 AS "phasesPercent",
              indicators_percent::float8 AS "indicatorsPercent", coalesce(state->'definition'->'people', '[]'::jsonb) AS people,
              state->'evaluation'->>'status' AS "evaluationStatus"
         FROM rm_objectives WHERE ente = $1 AND plan_id = $2 AND status NOT IN ('draft', 'returned', 'cancelled') ORDER BY code, objective_id`,
      [ente, planId],
    );
  }

  /** Objectives a person answers for: of the units given (those they head), or naming them among the people. */
  async objectivesOf(ente: string, unitIds: string[], personId: string): Promise<(ObjectiveRecord & { objectiveId: string })[]> {
    return this.sql.query<ObjectiveRecord & { objectiveId: string }>(
      `SELECT objective_id::text AS "objectiveId", state, extras, revision, gaps FROM rm_objectives
        WHERE ente = $1 AND (responsible_unit_id = ANY($2::text[]) OR contributing_unit_ids && $2::text[] OR $3 = ANY(person_ids))
        ORDER BY plan_id, code`,
      [ente, unitIds, personId],
    );
  }

  /** Every objective of a plan, by code, with the recorded time of its last event (for open data's modification date). */
  async planObjectives(ente: string, planId: string): Promise<{ objectiveId: string; state: ObjectiveState; lastRecordedAt: string | null }[]> {
    return this.sql.query<{ objectiveId: string; state: ObjectiveState; lastRecordedAt: string | null }>(
      `SELECT o.objective_id::text AS "objectiveId", o.state,
              (SELECT max(t.recorded_at) FROM rm_timeline t WHERE t.objective_id = o.objective_id) AS "lastRecordedAt"
         FROM rm_objectives o WHERE o.ente = $1 AND o.plan_id = $2 ORDER BY o.code, o.objective_id`,
      [ente, planId],
    );
  }

  /** Every plan of an ente, the latest years first (the web interface's list of plans). */
  async plansOfEnte(ente: string, limit: number): Promise<PlanState[]> {
    const rows = await this.sql.query<{ state: PlanState }>(
      `SELECT state FROM rm_plans WHERE ente = $1 ORDER BY (state->>'fromYear')::integer DESC, state->>'title', plan_id LIMIT $2`,
      [ente, limit],
    );
    return rows.map((r) => r.state);
  }

  /**
   * What awaits the Segretario across the ente's plans that are not closed, oldest first: each objective proposed, each
   * monitoring report and year-end report submitted, each reprogramming proposed, with the time the event that put it
   * there occurred. Two queries whatever the plan's size: the objectives whose state says something waits, then the
   * last such event of each in the timeline.
   */
  async reviewQueue(ente: string, limit: number): Promise<ReviewItem[]> {
    const rows = await this.sql.query<{
      objective_id: string;
      plan_id: string;
      plan_title: string;
      code: string;
      title: string;
      responsible_unit_id: string;
      revision: number;
      proposed: boolean;
      submitted_reports: { asOf: string; by: string | null }[];
      year_end: boolean;
      year_end_by: string | null;
      reprogramming: boolean;
    }>(
      `SELECT o.objective_id, o.plan_id, p.state->>'title' AS plan_title, o.code, o.title, o.responsible_unit_id, o.revision,
              o.status = 'proposed' AS proposed,
              (SELECT COALESCE(jsonb_agg(jsonb_build_object('asOf', r.key, 'by', r.value->>'submittedBy') ORDER BY r.key), '[]'::jsonb)
                 FROM jsonb_each(o.state->'monitoringReports') r WHERE r.value->>'status' = 'submitted') AS submitted_reports,
              COALESCE(o.state->'yearEndReport'->>'status' = 'submitted', false) AS year_end,
              o.state->'yearEndReport'->>'submittedBy' AS year_end_by,
              jsonb_typeof(o.state->'pendingReprogramming') = 'object' AS reprogramming
         FROM rm_objectives o JOIN rm_plans p ON p.plan_id = o.plan_id AND p.ente = o.ente
        WHERE o.ente = $1 AND p.state->>'status' <> 'closed'
          -- A cancelled or closed objective takes no more decisions, whatever its reports were left as.
          AND o.status NOT IN ('cancelled', 'closed')
          AND (o.status = 'proposed'
               OR o.state->'yearEndReport'->>'status' = 'submitted'
               OR jsonb_typeof(o.state->'pendingReprogramming') = 'object'
               OR jsonb_path_exists(o.state->'monitoringReports', '$.* ? (@.status == "submitted")'))`,
      [ente],
    );
    if (rows.length === 0) return [];
    // The last event of each kind per objective (a monitoring report: per date), which is when it began to wait.
    const events = await this.sql.query<{ objective_id: string; type: string; as_of: string | null; occurred_at: string; recorded_at: string }>(
      `SELECT DISTINCT ON (objective_id, type, data->>'asOf') objective_id, type, data->>'asOf' AS as_of, occurred_at, recorded_at
         FROM rm_timeline
        WHERE ente = $1 AND objective_id = ANY($2::uuid[]) AND type = ANY($3::text[])
        ORDER BY objective_id, type, data->>'asOf', revision DESC`,
      [ente, rows.map((r) => r.objective_id), Object.values(REVIEW_EVENTS)],
    );
    const when = new Map(events.map((e) => [`${e.objective_id}|${e.type}|${e.as_of ?? ''}`, e]));
    const items: ReviewItem[] = [];
    for (const row of rows) {
      const item = (kind: ReviewKind, asOf: string | null = null, submittedBy: string | null = null): ReviewItem => ({
        kind,
        planId: row.plan_id,
        planTitle: row.plan_title,
        objectiveId: row.objective_id,
        code: row.code,
        title: row.title,
        responsibleUnitId: row.responsible_unit_id,
        asOf,
        since: when.get(`${row.objective_id}|${REVIEW_EVENTS[kind]}|${asOf ?? ''}`)?.occurred_at ?? '',
        recordedAt: when.get(`${row.objective_id}|${REVIEW_EVENTS[kind]}|${asOf ?? ''}`)?.recorded_at ?? '',
        revision: row.revision,
        submittedBy,
      });
      if (row.proposed) items.push(item('proposal'));
      for (const { asOf, by } of row.submitted_reports) items.push(item('monitoring-report', asOf, by));
      if (row.year_end) items.push(item('year-end-report', null, row.year_end_by));
      if (row.reprogramming) items.push(item('reprogramming'));
    }
    // By day (an occurredAt is a date, or an instant when the command gave none), then in the order they were recorded.
    items.sort((a, b) => a.since.slice(0, 10).localeCompare(b.since.slice(0, 10)) || a.recordedAt.localeCompare(b.recordedAt) || a.code.localeCompare(b.code));
    return items.slice(0, limit);
  }

  /** The plans' states, for the campaigns that make deadlines. */
  async plans(ente: string, planIds: string[]): Promise<Map<string, PlanState>> {
    const rows = await this.sql.query<{ plan_id: string; state: PlanState }>(
      `SELECT plan_id, state FROM rm_plans WHERE ente = $1 AND plan_id = ANY($2::text[])`,
      [ente, planIds],
    );
    return new Map(rows.map((r) => [r.plan_id, r.state]));
  }
}
