import {
  DEFAULT_SCORING_SYSTEM,
  evolveObjective,
  evolvePlan,
  firstUnmetDeadline,
  monitoringGaps,
  objectiveAchievement,
  objectiveDeadlines,
  timelineChanges,
  OBJECTIVE_STREAM_PREFIX,
  PLAN_STREAM_PREFIX,
  type ObjectiveEvent,
  type ObjectiveState,
  type PlanEvent,
  type PlanState,
  type ProgressLog,
} from '@piao/lifecycle';
import { formatPosition, type SqlQuery, type StoredEvent } from '@piao/event-store';

/** What the read model keeps beside the objective's state: enough to answer "as of a monitoring date". */
export interface ObjectiveExtras {
  progressLog: ProgressLog;
}

interface ObjectiveRow {
  state: ObjectiveState;
  extras: ObjectiveExtras;
  revision: number;
}

interface PlanRow {
  state: PlanState;
  revision: number;
}

/**
 * Projects a batch of the log into rm_objectives, rm_timeline and rm_plans (or a rebuild's tables, with their
 * suffix) with a handful of statements,
 * whatever the batch's size: the rows it touches are read at once, evolved in memory, and written back in bulk.
 * An event at or below a row's stored revision is skipped, so applying a batch twice changes nothing.
 */
export async function projectPlanObjectives(tx: SqlQuery, events: StoredEvent[], suffix = ''): Promise<void> {
  const objectiveIds = new Set<string>();
  const planIds = new Set<string>();
  for (const e of events) {
    if (e.streamId.startsWith(OBJECTIVE_STREAM_PREFIX)) objectiveIds.add(e.streamId.slice(OBJECTIVE_STREAM_PREFIX.length));
    else if (e.streamId.startsWith(PLAN_STREAM_PREFIX)) planIds.add(e.streamId.slice(PLAN_STREAM_PREFIX.length));
  }
  if (objectiveIds.size === 0 && planIds.size === 0) return;

  const objectives = await loadObjectives(tx, suffix, `objective_id = ANY($1::uuid[])`, [[...objectiveIds]]);
  for (const row of objectives.values()) planIds.add(row.state.planId);
  for (const e of events) if (e.type === 'ObjectiveDrafted') planIds.add((e.data as { planId: string }).planId);
  const plans = await loadPlans(tx, suffix, [...planIds]);

  const dirty = new Set<string>();
  const dirtyPlans = new Set<string>();
  const campaignsChanged = new Set<string>();
  const timeline: object[] = [];
  for (const event of events) {
    if (event.streamId.startsWith(PLAN_STREAM_PREFIX)) {
      const planId = event.streamId.slice(PLAN_STREAM_PREFIX.length);
      const row = plans.get(planId);
      if (row && event.revision <= row.revision) continue;
      plans.set(planId, { state: evolvePlan(row?.state, { type: event.type, data: event.data } as PlanEvent), revision: event.revision });
      dirtyPlans.add(planId);
      if (event.type === 'MonitoringCampaignOpened') campaignsChanged.add(planId);
    } else if (event.streamId.startsWith(OBJECTIVE_STREAM_PREFIX)) {
      const objectiveId = event.streamId.slice(OBJECTIVE_STREAM_PREFIX.length);
      const row = objectives.get(objectiveId);
      if (row && event.revision <= row.revision) continue;
      const domainEvent = { type: event.type, data: event.data } as ObjectiveEvent;
      const state = evolveObjective(row?.state, domainEvent, { actorId: event.metadata.actor.id });
      const extras = evolveExtras(row?.extras ?? { progressLog: {} }, domainEvent, event.metadata.occurredAt.slice(0, 10));
      objectives.set(objectiveId, { state, extras, revision: event.revision });
      dirty.add(objectiveId);
      timeline.push(timelineRow(objectiveId, event, timelineChanges(row?.state, state, domainEvent)));
    }
  }

  // A new campaign is a new deadline for every objective of the plan, including those this batch did not touch.
  for (const planId of campaignsChanged) {
    const others = await loadObjectives(tx, suffix, `plan_id = $1 AND NOT (objective_id = ANY($2::uuid[]))`, [planId, [...objectives.keys()]]);
    for (const [id, row] of others) {
      objectives.set(id, row);
      dirty.add(id);
    }
  }

  if (timeline.length > 0) {
    await tx.query(
      `INSERT INTO rm_timeline${suffix} (objective_id, revision, ente, event_id, type, actor, occurred_at, recorded_at, reason, act, changes, data, position, imported)
       SELECT r.objective_id, r.revision, r.ente, r.event_id, r.type, r.actor, r.occurred_at, r.recorded_at, r.reason, r.act, r.changes, r.data, r.position, r.imported
         FROM jsonb_to_recordset($1::jsonb) AS r(objective_id uuid, revision integer, ente text, event_id uuid, type text, actor jsonb,
              occurred_at text, recorded_at text, reason text, act jsonb, changes jsonb, data jsonb, position text, imported jsonb)
       ON CONFLICT (objective_id, revision) DO NOTHING`,
      [JSON.stringify(timeline)],
    );
  }
  if (dirty.size > 0) {
    const rows = [...dirty].map((id) => objectiveRow(id, objectives.get(id)!, plans.get(objectives.get(id)!.state.planId)?.state));
    await tx.query(
      `INSERT INTO rm_objectives${suffix} (objective_id, ente, plan_id, code, title, status, public_status, responsible_unit_id, responsible_person,
              contributing_unit_ids, person_ids, tags, first_unmet_due, phases_percent, indicators_percent, gaps, revision, state, extras, search)
       SELECT r.objective_id, r.ente, r.plan_id, r.code, r.title, r.status, r.public_status, r.responsible_unit_id, r.responsible_person,
              ARRAY(SELECT jsonb_array_elements_text(r.contributing_unit_ids)), ARRAY(SELECT jsonb_array_elements_text(r.person_ids)),
              ARRAY(SELECT jsonb_array_elements_text(r.tags)), r.first_unmet_due, r.phases_percent, r.indicators_percent, r.gaps,
              r.revision, r.state, r.extras, to_tsvector('italian', r.search_text)
         FROM jsonb_to_recordset($1::jsonb) AS r(objective_id uuid, ente text, plan_id text, code text, title text, status text, public_status text,
              responsible_unit_id text, responsible_person text, contributing_unit_ids jsonb, person_ids jsonb, tags jsonb, first_unmet_due date,
              phases_percent numeric, indicators_percent numeric, gaps jsonb, revision integer, state jsonb, extras jsonb, search_text text)
       ON CONFLICT (objective_id) DO UPDATE SET
              title = excluded.title, status = excluded.status, public_status = excluded.public_status,
              responsible_unit_id = excluded.responsible_unit_id, responsible_person = excluded.responsible_person,
              contributing_unit_ids = excluded.contributing_unit_ids, person_ids = excluded.person_ids, tags = excluded.tags,
              first_unmet_due = excluded.first_unmet_due, phases_percent = excluded.phases_percent,
              indicators_percent = excluded.indicators_percent, gaps = excluded.gaps, revision = excluded.revision,
              state = excluded.state, extras = excluded.extras, search = excluded.search`,
      [JSON.stringify(rows)],
    );
  }
  if (dirtyPlans.size > 0) {
    const rows = [...dirtyPlans].map((id) => ({
      plan_id: id,
      ente: plans.get(id)!.state.ente,
      revision: plans.get(id)!.revision,
      state: plans.get(id)!.state,
    }));
    await tx.query(
      `INSERT INTO rm_plans${suffix} (plan_id, ente, revision, state)
       SELECT r.plan_id, r.ente, r.revision, r.state FROM jsonb_to_recordset($1::jsonb) AS r(plan_id text, ente text, revision integer, state jsonb)
       ON CONFLICT (plan_id) DO UPDATE SET revision = excluded.revision, state = excluded.state`,
      [JSON.stringify(rows)],
    );
  }
}

/** The extras after one event; exported for its spec. */
export function evolveExtras(extras: ObjectiveExtras, event: ObjectiveEvent, on: string): ObjectiveExtras {
  if (event.type !== 'PhaseProgressRecorded') return extras;
  const { phaseId, progressPercent } = event.data;
  // One entry per phase and business date: what a day's monitoring reads is that day's last figure (progressOn), so
  // an earlier one of the same day is dropped rather than kept for ever (a phase updated many times a day grew the
  // row, and every later event's work with it, without bound).
  const entries = [...(extras.progressLog[phaseId] ?? []).filter((entry) => entry.on !== on), { on, percent: progressPercent }];
  return { ...extras, progressLog: { ...extras.progressLog, [phaseId]: entries } };
}

/** What an objective's row holds beside its state: the columns the list filters and sorts on. */
function objectiveRow(objectiveId: string, row: ObjectiveRow, plan: PlanState | undefined) {
  const { state, extras } = row;
  const definition = state.definition;
  const campaigns = plan?.campaigns ?? {};
  const deadlines = objectiveDeadlines(state, campaigns);
  // Both parts are kept; the ente's SMVP combines them when a query asks.
  const achievement = objectiveAchievement(state, DEFAULT_SCORING_SYSTEM);
  const tags = new Set(definition.tags ?? []);
  if (definition.kind?.crossCutting) tags.add(definition.kind.crossCutting);
  if (definition.pnrr) tags.add('pnrr');
  if (definition.kind?.multiYear) tags.add('pluriennale');
  return {
    objective_id: objectiveId,
    ente: state.ente,
    plan_id: state.planId,
    code: state.code,
    title: definition.title,
    status: state.status,
    // Until the NdV shares it, an evaluation is the NdV's alone: everybody else sees the objective as reported.
    public_status: state.status === 'evaluated' && state.evaluation?.status === 'evaluated' ? 'reported' : state.status,
    responsible_unit_id: definition.responsibleUnitId,
    responsible_person: definition.responsiblePerson ?? null,
    contributing_unit_ids: definition.contributingUnitIds ?? [],
    person_ids: (definition.people ?? []).flatMap((p) => (p.personId ? [p.personId] : [])),
    tags: [...tags].sort(),
    first_unmet_due: firstUnmetDeadline(deadlines)?.dueOn ?? null,
    phases_percent: achievement.phasesPercent ?? null,
    indicators_percent: achievement.indicatorsPercent ?? null,
    gaps: monitoringGaps(state, extras.progressLog, Object.keys(campaigns)),
    revision: row.revision,
    state,
    extras,
    search_text: [definition.title, definition.description ?? '', state.code].join(' '),
  };
}

function timelineRow(objectiveId: string, event: StoredEvent, changes: unknown[]) {
  const m = event.metadata;
  return {
    objective_id: objectiveId,
    revision: event.revision,
    ente: m.ente,
    event_id: event.id,
    type: event.type,
    actor: m.actor,
    occurred_at: m.occurredAt,
    recorded_at: m.recordedAt,
    reason: m.reason ?? null,
    act: m.act ?? null,
    changes,
    data: event.data,
    position: formatPosition(event.position),
    imported: m.imported ?? null,
  };
}

async function loadObjectives(tx: SqlQuery, suffix: string, where: string, params: unknown[]): Promise<Map<string, ObjectiveRow>> {
  const rows = await tx.query<{ objective_id: string; state: ObjectiveState; extras: ObjectiveExtras; revision: number }>(
    `SELECT objective_id::text AS objective_id, state, extras, revision FROM rm_objectives${suffix} WHERE ${where}`,
    params,
  );
  return new Map(rows.map((r) => [r.objective_id, { state: r.state, extras: r.extras, revision: r.revision }]));
}

async function loadPlans(tx: SqlQuery, suffix: string, planIds: string[]): Promise<Map<string, PlanRow>> {
  if (planIds.length === 0) return new Map();
  const rows = await tx.query<{ plan_id: string; state: PlanState; revision: number }>(
    `SELECT plan_id, state, revision FROM rm_plans${suffix} WHERE plan_id = ANY($1::text[])`,
    [planIds],
  );
  return new Map(rows.map((r) => [r.plan_id, { state: r.state, revision: r.revision }]));
}
