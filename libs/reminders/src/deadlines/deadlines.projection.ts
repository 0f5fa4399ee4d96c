import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  DEFAULT_REMINDER_POLICY,
  EMPTY_ORGANISATION,
  evolveObjective,
  evolveOrganisation,
  evolvePlan,
  objectiveTrackedDeadlines,
  overdueIndexOf,
  overdueStepAfter,
  romeDateOf,
  planTrackedDeadlines,
  reminderSteps,
  sendInstant,
  OBJECTIVE_STREAM_PREFIX,
  ORGANISATION_STREAM_PREFIX,
  PLAN_STREAM_PREFIX,
  type ObjectiveEvent,
  type ObjectiveState,
  type OrganisationEvent,
  type OrganisationState,
  type PlanEvent,
  type PlanState,
  type ReminderPolicy,
  type TrackedDeadline,
  type IndicatorValue,
} from '@piao/lifecycle';
import { type SqlQuery, type StoredEvent } from '@piao/event-store';

interface Versioned<S> {
  state: S;
  revision: number;
  /**
   * The digest of the deadlines last written for the row (deadlinesDigest), null before any: when the same events
   * leave the digest as it was, rem_deadlines and the outbox already say what the row owes and are not read again.
   */
  digest?: string | null;
}
interface OrganisationRow extends Versioned<OrganisationState> {
  policyRevision: number;
}

/** The policy in force for an ente: the one it adopted last, or the default. */
export function policyOf(organisation: OrganisationState | undefined): ReminderPolicy {
  return organisation?.reminderPolicy ?? DEFAULT_REMINDER_POLICY;
}

/** The outbox key of a deadline's step: stable, so that the same reminder is never written (or sent) twice. */
export function reminderIdOf(deadlineId: string, step: string): string {
  return createHash('sha256').update(`${deadlineId}\n${step}`).digest('hex').slice(0, 40);
}

/**
 * Follows a batch of the log into the deadlines and their reminders, inside the transaction that moves the
 * processor's checkpoint. The streams' states are folded into rem_objectives, rem_plans and rem_organisations; the
 * deadlines of every objective and plan the batch touched are worked out again from them and compared with
 * rem_deadlines; the outbox gets the reminders of open dated deadlines and loses (as `superseded`) the pending ones of
 * deadlines met, moved or cancelled. An event at or below a row's revision is skipped: a batch applied twice changes
 * nothing.
 */
export async function projectDeadlines(tx: SqlQuery, events: StoredEvent[]): Promise<void> {
  const objectiveIds = new Set<string>();
  const planIds = new Set<string>();
  const entes = new Set<string>();
  for (const e of events) {
    // Every event's ente, so that its reminder policy is loaded even when nothing else points at it: a plan opened (and
    // objectives drafted into it) in this batch are not in rem_plans yet, and without this their deadlines were
    // planned under the default policy whenever the ente's own events fell in an earlier batch.
    entes.add(e.metadata.ente);
    if (e.streamId.startsWith(OBJECTIVE_STREAM_PREFIX)) objectiveIds.add(e.streamId.slice(OBJECTIVE_STREAM_PREFIX.length));
    else if (e.streamId.startsWith(PLAN_STREAM_PREFIX)) planIds.add(e.streamId.slice(PLAN_STREAM_PREFIX.length));
    else if (e.streamId.startsWith(ORGANISATION_STREAM_PREFIX)) entes.add(e.streamId.slice(ORGANISATION_STREAM_PREFIX.length));
  }
  if (objectiveIds.size + planIds.size + entes.size === 0) return;

  const objectives = await loadObjectives(tx, `objective_id = ANY($1::uuid[])`, [[...objectiveIds]]);
  /** Whether each objective was awaiting the NdV's evaluation before the batch: the plan's NdV deadline counts them. */
  const awaitingBefore = new Map([...objectives].map(([id, row]) => [id, isAwaitingEvaluation(row.state)]));
  for (const row of objectives.values()) planIds.add(row.state.planId);
  for (const e of events) if (e.type === 'ObjectiveDrafted') planIds.add((e.data as { planId: string }).planId);
  const plans = await loadPlans(tx, `plan_id = ANY($1::text[])`, [[...planIds]]);
  for (const row of [...objectives.values(), ...plans.values()]) entes.add(row.state.ente);
  const organisations = await loadOrganisations(tx, [...entes]);

  const dirtyObjectives = new Set<string>();
  const dirtyPlans = new Set<string>();
  const dirtyOrganisations = new Set<string>();
  /** Plans whose objectives all need their deadlines again (a campaign opened), and entes (a policy adopted). */
  const widenPlans = new Set<string>();
  const widenEntes = new Set<string>();
  for (const event of events) {
    if (event.streamId.startsWith(OBJECTIVE_STREAM_PREFIX)) {
      const id = event.streamId.slice(OBJECTIVE_STREAM_PREFIX.length);
      const row = objectives.get(id);
      if (row && event.revision <= row.revision) continue;
      const state = evolveObjective(row?.state, { type: event.type, data: event.data } as ObjectiveEvent, { actorId: event.metadata.actor.id });
      objectives.set(id, { state, revision: event.revision, digest: row?.digest });
      dirtyObjectives.add(id);
    } else if (event.streamId.startsWith(PLAN_STREAM_PREFIX)) {
      const id = event.streamId.slice(PLAN_STREAM_PREFIX.length);
      const row = plans.get(id);
      if (row && event.revision <= row.revision) continue;
      plans.set(id, { state: evolvePlan(row?.state, { type: event.type, data: event.data } as PlanEvent), revision: event.revision, digest: row?.digest });
      dirtyPlans.add(id);
      if (event.type === 'MonitoringCampaignOpened') widenPlans.add(id);
    } else if (event.streamId.startsWith(ORGANISATION_STREAM_PREFIX)) {
      const ente = event.streamId.slice(ORGANISATION_STREAM_PREFIX.length);
      const row = organisations.get(ente) ?? { state: EMPTY_ORGANISATION, revision: -1, policyRevision: -1 };
      if (event.revision <= row.revision) continue;
      const state = evolveOrganisation(row.state, { type: event.type, data: event.data } as OrganisationEvent);
      const adopted = event.type === 'ReminderPolicyAdopted';
      organisations.set(ente, { state, revision: event.revision, policyRevision: adopted ? event.revision : row.policyRevision });
      dirtyOrganisations.add(ente);
      if (adopted) widenEntes.add(ente);
    }
  }

  if (widenPlans.size > 0 || widenEntes.size > 0) {
    const others = await loadObjectives(tx, `(plan_id = ANY($1::text[]) OR ente = ANY($2::text[])) AND NOT (objective_id = ANY($3::uuid[]))`, [
      [...widenPlans],
      [...widenEntes],
      [...objectives.keys()],
    ]);
    for (const [id, row] of others) {
      objectives.set(id, row);
      awaitingBefore.set(id, isAwaitingEvaluation(row.state));
      dirtyObjectives.add(id); // written back unchanged: cheap, and keeps the code to one path
    }
    const otherPlans = await loadPlans(tx, `ente = ANY($1::text[]) AND NOT (plan_id = ANY($2::text[]))`, [[...widenEntes], [...plans.keys()]]);
    for (const [id, row] of otherPlans) plans.set(id, row);
    for (const id of plans.keys()) if (widenEntes.has(plans.get(id)!.state.ente)) dirtyPlans.add(id);
  }
  // The plans whose NdV deadline may move: their own events, and objectives that began or stopped awaiting evaluation.
  const planChecks = new Set(dirtyPlans);
  for (const id of dirtyObjectives) {
    const { state } = objectives.get(id)!;
    if ((awaitingBefore.get(id) ?? false) !== isAwaitingEvaluation(state)) planChecks.add(state.planId);
  }

  // The deadlines of every objective the batch moved, written again only where they (or their titles, or the policy
  // that times their reminders) differ from those last written: a phase's progress or an indicator's tenth value
  // changes nothing that is owed, and leaves rem_deadlines and the outbox unread.
  const next: TrackedDeadline[] = [];
  const titles = new Map<string, { code: string | null; title: string }>();
  /** Whether the row's deadlines differ from those last written; if so they are queued for syncDeadlines. */
  const owedAgain = (row: Versioned<unknown>, deadlines: TrackedDeadline[], title: { code: string | null; title: string }, ente: string): boolean => {
    const digest = deadlinesDigest(deadlines, title, organisations.get(ente));
    if (digest === row.digest) return false;
    row.digest = digest;
    for (const d of deadlines) {
      next.push(d);
      titles.set(d.deadlineId, title);
    }
    return true;
  };
  const syncedObjectives: string[] = [];
  for (const id of dirtyObjectives) {
    const row = objectives.get(id)!;
    const { state } = row;
    const deadlines = objectiveTrackedDeadlines(id, state, plans.get(state.planId)?.state, policyOf(organisations.get(state.ente)?.state));
    if (owedAgain(row, deadlines, { code: state.code, title: state.definition.title }, state.ente)) syncedObjectives.push(id);
  }
  await saveObjectives(tx, objectives, dirtyObjectives);

  const awaiting = await awaitingEvaluation(tx, [...planChecks]);
  const syncedPlans: string[] = [];
  for (const id of planChecks) {
    const row = plans.get(id);
    if (!row) continue; // an objective drafted into a plan this processor has not seen (its stream is parked)
    const { state } = row;
    const deadlines = planTrackedDeadlines(state, policyOf(organisations.get(state.ente)?.state), awaiting.get(id) ?? 0);
    if (owedAgain(row, deadlines, { code: null, title: state.title }, state.ente)) syncedPlans.push(id);
  }
  await savePlans(tx, plans, new Set([...dirtyPlans, ...syncedPlans]));
  await saveOrganisations(tx, organisations, dirtyOrganisations);
  if (syncedObjectives.length + syncedPlans.length > 0) await syncDeadlines(tx, next, titles, syncedObjectives, syncedPlans, organisations);
}

/**
 * What the rows written for a deadline depend on beyond the deadline itself: the code that works out the reminders'
 * steps (bump the number when it changes) and the holiday calendar that moves them off public holidays. A new release
 * of either changes every digest, so each objective's reminders are worked out again at its next event.
 */
const REMINDER_SCHEDULE = `steps-1/date-holidays-${(createRequire(__filename)('date-holidays/package.json') as { version: string }).version}`;

/**
 * What the deadlines written for a row depend on: the deadlines themselves, the titles beside them, the policy in force
 * (with its revision: the outbox records it) and the schedule's code.
 */
function deadlinesDigest(deadlines: TrackedDeadline[], title: { code: string | null; title: string }, organisation: OrganisationRow | undefined): string {
  const policy = [organisation?.policyRevision ?? -1, policyOf(organisation?.state)];
  return createHash('sha256')
    .update(JSON.stringify([REMINDER_SCHEDULE, policy, title.code, title.title, deadlines]))
    .digest('base64url');
}

/** Writes the deadlines worked out again, closes those that no longer exist, and brings the outbox in line. */
async function syncDeadlines(
  tx: SqlQuery,
  next: TrackedDeadline[],
  titles: Map<string, { code: string | null; title: string }>,
  objectiveIds: string[],
  planIds: string[],
  organisations: Map<string, OrganisationRow>,
): Promise<void> {
  const previous = await tx.query<{ deadline_id: string; ente: string }>(
    `SELECT deadline_id, ente FROM rem_deadlines WHERE objective_id = ANY($1::uuid[]) OR (objective_id IS NULL AND plan_id = ANY($2::text[]))`,
    [objectiveIds, planIds],
  );
  const nextIds = new Set(next.map((d) => d.deadlineId));
  const gone = previous.filter((p) => !nextIds.has(p.deadline_id)).map((p) => p.deadline_id);
  if (gone.length > 0) await tx.query(`UPDATE rem_deadlines SET open = false WHERE deadline_id = ANY($1::text[])`, [gone]);
  if (next.length > 0) {
    const rows = next.map((d) => ({
      deadline_id: d.deadlineId,
      ente: d.ente,
      plan_id: d.planId,
      objective_id: d.objectiveId ?? null,
      code: titles.get(d.deadlineId)?.code ?? null,
      title: titles.get(d.deadlineId)?.title ?? '',
      kind: d.kind,
      ref: d.ref,
      description: d.description,
      due_on: d.dueOn ?? null,
      period_text: d.periodText ?? null,
      unit_id: d.unitId ?? null,
      audience: d.audience,
      open: d.open,
    }));
    await tx.query(
      `INSERT INTO rem_deadlines (deadline_id, ente, plan_id, objective_id, code, title, kind, ref, description, due_on, period_text, unit_id, audience, open)
       SELECT r.deadline_id, r.ente, r.plan_id, r.objective_id, r.code, r.title, r.kind, r.ref, r.description, r.due_on, r.period_text, r.unit_id, r.audience, r.open
         FROM jsonb_to_recordset($1::jsonb) AS r(deadline_id text, ente text, plan_id text, objective_id uuid, code text, title text, kind text, ref text,
              description text, due_on date, period_text text, unit_id text, audience text, open boolean)
       ON CONFLICT (deadline_id) DO UPDATE SET code = excluded.code, title = excluded.title, description = excluded.description,
              due_on = excluded.due_on, period_text = excluded.period_text, unit_id = excluded.unit_id, audience = excluded.audience, open = excluded.open`,
      [JSON.stringify(rows)],
    );
  }

  // The outbox: what each deadline should have pending now, against what it has.
  const affected = [...nextIds, ...gone];
  if (affected.length === 0) return;
  const existing = await tx.query<{
    reminder_id: string;
    deadline_id: string;
    step: string;
    status: string;
    due_on: string;
    policy_revision: number;
    settled_at: Date | null;
  }>(
    `SELECT reminder_id, deadline_id, step, status, to_char(due_on, 'YYYY-MM-DD') AS due_on, policy_revision, settled_at
       FROM rem_outbox WHERE deadline_id = ANY($1::text[])`,
    [affected],
  );
  const byDeadline = new Map<string, typeof existing>();
  for (const row of existing) byDeadline.set(row.deadline_id, [...(byDeadline.get(row.deadline_id) ?? []), row]);

  const wanted: object[] = [];
  const superseded: string[] = [];
  for (const d of next) {
    const organisation = organisations.get(d.ente);
    const policy = policyOf(organisation?.state);
    const policyRevision = organisation?.policyRevision ?? -1;
    const rows = byDeadline.get(d.deadlineId) ?? [];
    const keep = new Set<string>();
    if (d.open && d.dueOn) {
      const steps = reminderSteps(d.dueOn, policy, d.audience).filter((s) => d.audience === 'responsible' || !s.step.startsWith('escalation@'));
      // The overdue series goes on from where the sender left it (it writes each next step as it settles one): its
      // next step, on the first of the policy's days after the day the last one settled went out, as the sender would
      // (overdueStepAfter), not on the next day of the grid after the last step's, which may be long past (a deadline
      // found weeks overdue): it would go out at once.
      const series = rows.filter((r) => r.due_on === d.dueOn && overdueIndexOf(r.step) !== undefined);
      const pendingOverdue = series.filter((r) => r.status === 'pending' && r.policy_revision === policyRevision).map((r) => r.step);
      const settled = series
        // A failed step is settled too: the sender goes on with the series after it, as after one sent.
        .filter((r) => r.status === 'sent' || r.status === 'skipped' || r.status === 'failed')
        .reduce<(typeof series)[number] | undefined>((last, r) => (!last || overdueIndexOf(r.step)! > overdueIndexOf(last.step)! ? r : last), undefined);
      const settledIndex = settled ? overdueIndexOf(settled.step)! : 0;
      const withoutFirstOverdue = steps.filter((s) => s.overdueIndex === undefined);
      const next = settled
        ? overdueStepAfter(d.dueOn, policy, settledIndex, settled.settled_at ? romeDateOf(settled.settled_at) : d.dueOn, d.audience)
        : undefined;
      const continuing = pendingOverdue.length > 0 || !next ? [] : [next];
      const chosen = settledIndex === 0 && pendingOverdue.length === 0 ? steps : [...withoutFirstOverdue, ...continuing];
      for (const step of pendingOverdue) keep.add(reminderIdOf(d.deadlineId, step));
      for (const s of chosen) {
        const id = reminderIdOf(d.deadlineId, s.step);
        keep.add(id);
        wanted.push({
          reminder_id: id,
          ente: d.ente,
          deadline_id: d.deadlineId,
          step: s.step,
          audience: s.audience,
          due_on: d.dueOn,
          send_on: s.sendOn,
          send_at: sendInstant(s.sendOn, policy.sendHour).toISOString(),
          policy_revision: policyRevision,
        });
      }
    }
    for (const r of rows) if (r.status === 'pending' && !keep.has(r.reminder_id)) superseded.push(r.reminder_id);
  }
  for (const id of gone) for (const r of byDeadline.get(id) ?? []) if (r.status === 'pending') superseded.push(r.reminder_id);

  if (superseded.length > 0) {
    await tx.query(`UPDATE rem_outbox SET status = 'superseded', queued_at = NULL WHERE reminder_id = ANY($1::text[]) AND status = 'pending'`, [superseded]);
  }
  if (wanted.length > 0) {
    // A step written before comes back to life if it had been superseded (a deadline moved back); one already sent
    // or skipped stays as it is: never twice.
    await tx.query(
      `INSERT INTO rem_outbox (reminder_id, ente, deadline_id, step, audience, due_on, send_on, send_at, policy_revision, status)
       SELECT r.reminder_id, r.ente, r.deadline_id, r.step, r.audience, r.due_on, r.send_on, r.send_at, r.policy_revision, 'pending'
         FROM jsonb_to_recordset($1::jsonb) AS r(reminder_id text, ente text, deadline_id text, step text, audience text, due_on date, send_on date,
              send_at timestamptz, policy_revision integer)
       ON CONFLICT (reminder_id) DO UPDATE SET status = 'pending', send_on = excluded.send_on, send_at = excluded.send_at,
              policy_revision = excluded.policy_revision, queued_at = CASE WHEN rem_outbox.send_at = excluded.send_at THEN rem_outbox.queued_at END
        WHERE rem_outbox.status IN ('pending', 'superseded')
          AND (rem_outbox.status <> 'pending' OR rem_outbox.send_at <> excluded.send_at OR rem_outbox.policy_revision <> excluded.policy_revision)`,
      [JSON.stringify(wanted)],
    );
  }
}

async function saveObjectives(tx: SqlQuery, objectives: Map<string, Versioned<ObjectiveState>>, dirty: Set<string>): Promise<void> {
  if (dirty.size === 0) return;
  const rows = [...dirty].map((id) => {
    const { state, revision, digest } = objectives.get(id)!;
    return {
      objective_id: id,
      ente: state.ente,
      plan_id: state.planId,
      revision,
      awaiting_evaluation: isAwaitingEvaluation(state),
      state: keptForDeadlines(state),
      deadlines_digest: digest ?? null,
    };
  });
  await tx.query(
    `INSERT INTO rem_objectives (objective_id, ente, plan_id, revision, awaiting_evaluation, state, deadlines_digest)
     SELECT r.objective_id, r.ente, r.plan_id, r.revision, r.awaiting_evaluation, r.state, r.deadlines_digest
       FROM jsonb_to_recordset($1::jsonb) AS r(objective_id uuid, ente text, plan_id text, revision integer, awaiting_evaluation boolean, state jsonb, deadlines_digest text)
     ON CONFLICT (objective_id) DO UPDATE SET revision = excluded.revision, awaiting_evaluation = excluded.awaiting_evaluation, state = excluded.state,
            deadlines_digest = excluded.deadlines_digest`,
    [JSON.stringify(rows)],
  );
}

/**
 * The objective as this processor keeps it: the deadlines ask of an indicator (or a unit's share of it) only whether a
 * value was recorded, so each keeps its latest value and the row does not grow with every value (the whole series is
 * in the log and the read models).
 */
function keptForDeadlines(state: ObjectiveState): ObjectiveState {
  const latest = (values: Record<string, IndicatorValue[]>) => Object.fromEntries(Object.entries(values).map(([id, series]) => [id, series.slice(-1)]));
  const units = state.unitIndicatorValues;
  return {
    ...state,
    indicatorValues: latest(state.indicatorValues),
    ...(units ? { unitIndicatorValues: Object.fromEntries(Object.entries(units).map(([id, byUnit]) => [id, latest(byUnit)])) } : {}),
  };
}

async function savePlans(tx: SqlQuery, plans: Map<string, Versioned<PlanState>>, dirty: Set<string>): Promise<void> {
  const rows = [...dirty]
    .filter((id) => plans.has(id))
    .map((id) => {
      const { state, revision, digest } = plans.get(id)!;
      // The deadlines read of a plan its years, status and campaigns, not the list of its objectives (each has a row
      // of its own): kept without it, a plan's row stays small however many objectives are drafted into it.
      return { plan_id: id, ente: state.ente, revision, state: { ...state, objectives: [] }, deadlines_digest: digest ?? null };
    });
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO rem_plans (plan_id, ente, revision, state, deadlines_digest)
     SELECT r.plan_id, r.ente, r.revision, r.state, r.deadlines_digest
       FROM jsonb_to_recordset($1::jsonb) AS r(plan_id text, ente text, revision integer, state jsonb, deadlines_digest text)
     ON CONFLICT (plan_id) DO UPDATE SET revision = excluded.revision, state = excluded.state, deadlines_digest = excluded.deadlines_digest`,
    [JSON.stringify(rows)],
  );
}

async function saveOrganisations(tx: SqlQuery, organisations: Map<string, OrganisationRow>, dirty: Set<string>): Promise<void> {
  if (dirty.size === 0) return;
  const rows = [...dirty].map((ente) => {
    const { state, revision, policyRevision } = organisations.get(ente)!;
    return { ente, revision, policy_revision: policyRevision, state };
  });
  await tx.query(
    `INSERT INTO rem_organisations (ente, revision, policy_revision, state)
     SELECT r.ente, r.revision, r.policy_revision, r.state FROM jsonb_to_recordset($1::jsonb) AS r(ente text, revision integer, policy_revision integer, state jsonb)
     ON CONFLICT (ente) DO UPDATE SET revision = excluded.revision, policy_revision = excluded.policy_revision, state = excluded.state`,
    [JSON.stringify(rows)],
  );
}

/** Approved or reported, and not yet evaluated by the NdV: what keeps the plan's NdV deadline open. */
function isAwaitingEvaluation(state: ObjectiveState): boolean {
  return (state.status === 'approved' || state.status === 'reported') && state.evaluation === undefined;
}

async function awaitingEvaluation(tx: SqlQuery, planIds: string[]): Promise<Map<string, number>> {
  if (planIds.length === 0) return new Map();
  const rows = await tx.query<{ plan_id: string; n: number }>(
    `SELECT plan_id, count(*)::int AS n FROM rem_objectives WHERE plan_id = ANY($1::text[]) AND awaiting_evaluation GROUP BY plan_id`,
    [planIds],
  );
  return new Map(rows.map((r) => [r.plan_id, r.n]));
}

async function loadObjectives(tx: SqlQuery, where: string, params: unknown[]): Promise<Map<string, Versioned<ObjectiveState>>> {
  const rows = await tx.query<{ objective_id: string; state: ObjectiveState; revision: number; deadlines_digest: string | null }>(
    `SELECT objective_id::text AS objective_id, state, revision, deadlines_digest FROM rem_objectives WHERE ${where}`,
    params,
  );
  return new Map(rows.map((r) => [r.objective_id, { state: r.state, revision: r.revision, digest: r.deadlines_digest }]));
}

async function loadPlans(tx: SqlQuery, where: string, params: unknown[]): Promise<Map<string, Versioned<PlanState>>> {
  const rows = await tx.query<{ plan_id: string; state: PlanState; revision: number; deadlines_digest: string | null }>(
    `SELECT plan_id, state, revision, deadlines_digest FROM rem_plans WHERE ${where}`,
    params,
  );
  return new Map(rows.map((r) => [r.plan_id, { state: r.state, revision: r.revision, digest: r.deadlines_digest }]));
}

async function loadOrganisations(tx: SqlQuery, entes: string[]): Promise<Map<string, OrganisationRow>> {
  if (entes.length === 0) return new Map();
  const rows = await tx.query<{ ente: string; state: OrganisationState; revision: number; policy_revision: number }>(
    `SELECT ente, state, revision, policy_revision FROM rem_organisations WHERE ente = ANY($1::text[])`,
    [entes],
  );
  return new Map(rows.map((r) => [r.ente, { state: r.state, revision: r.revision, policyRevision: r.policy_revision }]));
}
