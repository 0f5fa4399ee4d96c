import { comparePositions, formatPosition, type EventStore, type LogPosition, type SqlQuery, type StoredEvent } from '@piao/event-store';
import {
  definitionChanges,
  evolveObjective,
  objectiveRedFlags,
  objectiveStreamId,
  organisationStreamId,
  planStreamId,
  timelineChanges,
  type DossierRequest,
  type ObjectiveEvent,
  type ObjectiveState,
  type OrganisationState,
  type PlanState,
  type RedFlag,
} from '@piao/lifecycle';
import { evaluationUnshared, foldObjective, foldOrganisation, foldPlan, redFlagContext, withoutUnsharedEvaluation } from '../red-flags/red-flag-scan';
import { type DossierAct, type DossierContent, type DossierEvent, type DossierObjective } from './dossier-content';
import { eventLabel } from './dossier-labels';
import { citedEvent, contentMembers, type CitedEvent, type DossierHead, type DossierLeaf, type DossierObjectiveHead, type DossierParts } from './dossier-parts';

/** The dossier cannot be verified at all (an event in it was parked by the audit hashing): it fails, saying why. */
export class DossierUnverifiable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DossierUnverifiable';
  }
}

/** The dossier cannot be built yet: the hashing or the signing has not reached what it holds. Try again later. */
export class DossierNotYetVerifiable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DossierNotYetVerifiable';
  }
}

export interface DossierSource {
  store: EventStore;
  sql: SqlQuery;
}

type DossierRequestAt = DossierRequest & { upTo: LogPosition; requestedAt: string; checkpointSize?: number };

/**
 * Builds a dossier's content from the log, up to the request's position: the objectives in scope as they stood
 * then, each with its whole history (who, role, when, why, act, old → new), the versions as first approved and as
 * they stood, the acts cited, the red flags, and for every event its leaf in the tamper-evident tree with the
 * smallest signed checkpoint that covers them all. Everything comes from the log and the tree, nothing from the
 * time of building: the same request gives the same content.
 *
 * The content of a large plan is not held: this reads every objective once for the head (everything but the
 * timelines), and the parts read an objective's history again each time a renderer asks for its timeline.
 */
export async function buildDossierParts(
  source: DossierSource,
  request: DossierRequestAt,
  onProgress: (done: number, of: number) => Promise<void> = async () => undefined,
): Promise<DossierParts> {
  const reader = await DossierReader.open(source, request);
  const candidates = await objectivesInScope(source, request, (planId) => reader.planOf(planId));
  const objectives: DossierObjectiveHead[] = [];
  const acts: DossierAct[] = [];
  const redFlags: RedFlag[] = [];
  const cited: Record<string, CitedEvent> = {};
  let maxLeaf = -1;
  for (const [i, objectiveId] of candidates.entries()) {
    const read = await reader.objective(objectiveId);
    if (read) {
      const { objective, maxLeaf: last } = read;
      const { timeline, ...head } = objective;
      objectives.push({ ...head, events: timeline.length });
      acts.push(...read.acts);
      redFlags.push(...read.redFlags);
      const wanted = new Set(read.redFlags.flatMap((flag) => flag.eventIds));
      for (const event of timeline) if (wanted.has(event.eventId)) cited[event.eventId] = citedEvent(objective.code, event);
      maxLeaf = Math.max(maxLeaf, last);
    }
    await onProgress(i + 1, candidates.length);
  }

  if (request.scope.kind === 'plan') {
    const plan = await reader.planOf(request.scope.id);
    const approval = reader.within(await source.store.readStream(planStreamId(request.scope.id))).find((e) => e.type === 'PlanApprovedByGiunta');
    if (plan?.approvalAct && approval) acts.unshift({ ...plan.approvalAct, subject: 'approvazione del piano', eventId: approval.id });
  }
  // By code unit, not by locale: the order (and so the bytes) must not depend on the machine's ICU data.
  const byCodeUnit = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  objectives.sort((a, b) => byCodeUnit(a.code, b.code) || byCodeUnit(a.objectiveId, b.objectiveId));
  const checkpoint = maxLeaf < 0 ? undefined : await coveringCheckpoint(source.sql, maxLeaf + 1, request.checkpointSize);
  if (maxLeaf >= 0 && !checkpoint) throw new DossierNotYetVerifiable(`no signed checkpoint covers the first ${maxLeaf + 1} leaves yet`);
  const origin = checkpoint?.origin ?? '';
  const count = (severity: RedFlag['severity']) => redFlags.filter((f) => f.severity === severity).length;
  const head: DossierHead = {
    v: 1,
    ente: request.ente,
    scope: { ...request.scope, label: await scopeLabel(request, reader.organisation, objectives, (planId) => reader.planOf(planId)) },
    upTo: formatPosition(request.upTo),
    asOf: request.requestedAt,
    summary: {
      objectives: objectives.length,
      events: objectives.reduce((n, o) => n + o.events, 0),
      acts: acts.length,
      redFlags: { high: count('high'), medium: count('medium'), low: count('low') },
    },
    objectives,
    acts,
    redFlags,
    verification: {
      checkpoint: checkpoint?.note ?? null,
      treeSize: checkpoint ? checkpoint.treeSize : null,
      rootHash: checkpoint?.rootHash ?? null,
      origin,
      howToCheck: howToCheck(origin),
    },
    cited,
    // Every event has its leaf (or the build waits), and the checkpoint covers the largest: none is unsigned.
    unsignedLeaves: 0,
  };
  return {
    head,
    objectives: async function* () {
      for (const expected of objectives) {
        const read = await reader.objective(expected.objectiveId, { timelineOnly: true });
        // The log up to a position never changes: an objective read differently the second time is a defect here.
        if (read?.objective.timeline.length !== expected.events) throw new Error(`objective ${expected.objectiveId} read differently on a second pass`);
        yield read.objective;
      }
    },
    leaves: () => leavesInLogOrder(source.sql, objectives, maxLeaf),
  };
}

/** The whole content in memory: for a small dossier, or to compare two builds. */
export async function buildDossierContent(
  source: DossierSource,
  request: DossierRequestAt,
  onProgress?: (done: number, of: number) => Promise<void>,
): Promise<DossierContent> {
  const parts = await buildDossierParts(source, request, onProgress);
  const objectives: DossierObjective[] = [];
  for await (const objective of parts.objectives()) objectives.push(objective);
  return { ...contentMembers(parts.head), objectives };
}

/** An objective of the dossier as read from the log, with the acts it cites, its red flags and its last leaf. */
interface ObjectiveRead {
  objective: DossierObjective;
  acts: DossierAct[];
  redFlags: RedFlag[];
  maxLeaf: number;
}

/** Reads the objectives of a dossier from the log as they stood at the request, with the organisation and plans then. */
class DossierReader {
  private readonly plans = new Map<string, PlanState | undefined>();

  private constructor(
    private readonly source: DossierSource,
    private readonly request: DossierRequestAt,
    readonly organisation: OrganisationState,
    private readonly parked: ReadonlySet<string>,
  ) {}

  static async open(source: DossierSource, request: DossierRequestAt): Promise<DossierReader> {
    const upTo = request.upTo;
    const events = await source.store.readStream(organisationStreamId(request.ente));
    const organisation = foldOrganisation(
      request.ente,
      events.filter((e) => comparePositions(e.position, upTo) <= 0),
    );
    return new DossierReader(source, request, organisation, await parkedByHashing(source.sql));
  }

  within(events: StoredEvent[]): StoredEvent[] {
    return events.filter((e) => comparePositions(e.position, this.request.upTo) <= 0);
  }

  async planOf(planId: string): Promise<PlanState | undefined> {
    if (!this.plans.has(planId)) this.plans.set(planId, foldPlan(this.within(await this.source.store.readStream(planStreamId(planId)))));
    return this.plans.get(planId);
  }

  /**
   * The objective as the dossier shows it, or undefined when it is not in the dossier's scope (or ente). With
   * `timelineOnly`, what only the head holds (its red flags) is not worked out again.
   */
  async objective(objectiveId: string, options: { timelineOnly?: boolean } = {}): Promise<ObjectiveRead | undefined> {
    const { request } = this;
    const events = this.within(await this.source.store.readStream(objectiveStreamId(objectiveId)));
    if (events.length === 0 || events[0].metadata.ente !== request.ente) return undefined;
    const asRequested = foldObjective(events)!;
    if (!inScope(request.scope, asRequested)) return undefined;
    // An evaluation the NdV had not shared at the request stays the NdV's: the dossier says it happened, not what it
    // said (the same for every reader, so that the dossier is one document whoever downloads it).
    const withheld = evaluationUnshared(asRequested);
    const leaves = await leavesOf(this.source.sql, events);
    let state: ObjectiveState | undefined;
    let maxLeaf = -1;
    const timeline: DossierEvent[] = [];
    const acts: DossierAct[] = [];
    for (const event of events) {
      const domainEvent = { type: event.type, data: event.data } as ObjectiveEvent;
      const before = state;
      state = evolveObjective(state, domainEvent, { actorId: event.metadata.actor.id });
      const leaf = leaves.get(event.id);
      if (!leaf && this.parked.has(event.id)) throw new DossierUnverifiable(`event ${event.id} was parked by the audit hashing: it has no leaf`);
      if (!leaf) throw new DossierNotYetVerifiable(`the audit hashing has not reached event ${event.id} yet`);
      const hidden = withheld && event.type === 'ObjectiveEvaluated';
      maxLeaf = Math.max(maxLeaf, leaf.index);
      const act = actOf(event);
      const changes = timelineChanges(before, state, domainEvent).filter((c) => !hidden || !c.path.startsWith('evaluation.'));
      timeline.push({
        eventId: event.id,
        revision: event.revision,
        type: event.type,
        label: eventLabel(event.type, changes),
        actor: event.metadata.actor,
        occurredAt: event.metadata.occurredAt,
        recordedAt: event.metadata.recordedAt,
        reason: hidden ? null : (event.metadata.reason ?? null),
        act,
        changes,
        leafIndex: leaf.index,
        leafHash: leaf.hash,
        ...(event.metadata.imported ? { imported: { by: event.metadata.imported.by, at: event.metadata.imported.at } } : {}),
      });
      const subject = ACT_SUBJECTS[event.type];
      if (act && subject) acts.push({ ...act, subject, objectiveId, objectiveCode: state.code, eventId: event.id });
    }
    const final = state!;
    const redFlags = options.timelineOnly
      ? []
      : withoutUnsharedEvaluation(objectiveRedFlags(objectiveId, events, redFlagContext(this.organisation, await this.planOf(final.planId))), final);
    const objective: DossierObjective = {
      objectiveId,
      code: final.code,
      title: final.definition.title,
      status: withheld ? 'reported' : final.status,
      responsibleUnitId: final.definition.responsibleUnitId,
      responsibleUnitName: this.organisation.units[final.definition.responsibleUnitId]?.name ?? null,
      approvalAct: final.approvalAct ?? null,
      versions: final.approvedDefinition ? definitionChanges(final.approvedDefinition, final.definition) : [],
      timeline,
    };
    return { objective, acts, redFlags, maxLeaf };
  }
}

/**
 * The leaves of the dossier's objectives in the log's order, a page at a time: every leaf up to the last of the
 * dossier belongs to an event up to the request (the hashing follows the log's order).
 */
async function* leavesInLogOrder(sql: SqlQuery, objectives: readonly DossierObjectiveHead[], maxLeaf: number): AsyncIterable<DossierLeaf> {
  const codes = new Map(objectives.map((o) => [objectiveStreamId(o.objectiveId), o.code]));
  // Ordered by the column, not by its text (the name alone would sort "12" before "7").
  const streams = [...codes.keys()];
  let after = -1;
  while (after < maxLeaf) {
    const rows = await sql.query<{ leaf_index: string; leaf_hash: Buffer | Uint8Array; stream_id: string; revision: number }>(
      `SELECT leaf_index::text, leaf_hash, stream_id, revision FROM audit_leaves
        WHERE stream_id = ANY($1::text[]) AND leaf_index > $2 AND leaf_index <= $3 ORDER BY audit_leaves.leaf_index LIMIT ${LEAVES_PAGE}`,
      [streams, after, maxLeaf],
    );
    for (const row of rows) {
      yield { index: Number(row.leaf_index), hash: Buffer.from(row.leaf_hash).toString('base64'), code: codes.get(row.stream_id)!, revision: row.revision };
    }
    if (rows.length < LEAVES_PAGE) return;
    after = Number(rows[rows.length - 1].leaf_index);
  }
}

const LEAVES_PAGE = 2000;

/** The acts an event cites, with what they did. */
const ACT_SUBJECTS: Record<string, string> = {
  ObjectiveApprovedByGiunta: "approvazione dell'obiettivo",
  ReprogrammingApprovedByGiunta: 'riprogrammazione',
  ObjectiveCancelled: "annullamento dell'obiettivo",
  ResponsibleReassigned: 'riassegnazione della responsabilità',
};

function actOf(event: StoredEvent): { number: string; date: string } | null {
  const fromData = (event.data as { act?: { number: string; date: string } }).act;
  const act = fromData ?? event.metadata.act;
  return act ? { number: act.number, date: act.date } : null;
}

function inScope(scope: DossierRequest['scope'], state: ObjectiveState): boolean {
  if (scope.kind === 'objective') return state.objectiveId === scope.id;
  if (scope.kind === 'plan') return state.planId === scope.id;
  return state.definition.responsibleUnitId === scope.id || (state.definition.contributingUnitIds ?? []).includes(scope.id);
}

/**
 * The objectives that may be in scope: a plan's members, or every objective stream of the ente in the tree (checked
 * one by one as they stood), from the tree's leaves rather than the read models, which may skip a parked event.
 */
async function objectivesInScope(
  source: DossierSource,
  request: DossierRequest,
  planOf: (planId: string) => Promise<PlanState | undefined>,
): Promise<string[]> {
  if (request.scope.kind === 'objective') return [request.scope.id];
  if (request.scope.kind === 'plan') return ((await planOf(request.scope.id))?.objectives ?? []).map((o) => o.objectiveId);
  const rows = await source.sql.query<{ stream_id: string }>(
    `SELECT DISTINCT stream_id FROM audit_leaves WHERE ente = $1 AND stream_id LIKE 'objective-%' ORDER BY stream_id`,
    [request.ente],
  );
  return rows.map((r) => r.stream_id.slice('objective-'.length));
}

/** The events the audit hashing parked (they have no leaf and never will, until a rebuild). */
async function parkedByHashing(sql: SqlQuery): Promise<Set<string>> {
  const rows = await sql.query<{ event_id: string }>(
    `SELECT event_id::text FROM processor_dead_letters WHERE processor = 'audit-hashing' AND resolved_at IS NULL`,
  );
  return new Set(rows.map((r) => r.event_id));
}

async function leavesOf(sql: SqlQuery, events: StoredEvent[]): Promise<Map<string, { index: number; hash: string }>> {
  const rows = await sql.query<{ event_id: string; leaf_index: string; leaf_hash: Buffer | Uint8Array }>(
    `SELECT event_id, leaf_index::text, leaf_hash FROM audit_leaves WHERE event_id = ANY($1::text[])`,
    [events.map((e) => e.id)],
  );
  return new Map(rows.map((r) => [r.event_id, { index: Number(r.leaf_index), hash: Buffer.from(r.leaf_hash).toString('base64') }]));
}

/**
 * The smallest signed checkpoint that holds the first `size` leaves, or the one pinned by an earlier build of the same
 * dossier (a smaller checkpoint signed later by a concurrent signer must not change a rebuild).
 */
async function coveringCheckpoint(sql: SqlQuery, size: number, pinned?: number) {
  // Ordered by the column, not by its text output of the same name (which would put 9 after 10).
  const [row] = await sql.query<{ tree_size: string; root_hash: Buffer | Uint8Array; origin: string; note: string }>(
    pinned === undefined
      ? `SELECT tree_size::text, root_hash, origin, note FROM audit_checkpoints WHERE tree_size >= $1 ORDER BY audit_checkpoints.tree_size LIMIT 1`
      : `SELECT tree_size::text, root_hash, origin, note FROM audit_checkpoints WHERE tree_size >= $1 AND tree_size = $2`,
    pinned === undefined ? [size] : [size, pinned],
  );
  return row && { treeSize: Number(row.tree_size), rootHash: Buffer.from(row.root_hash).toString('base64'), origin: row.origin, note: row.note };
}

async function scopeLabel(
  request: DossierRequest,
  organisation: OrganisationState,
  objectives: readonly DossierObjectiveHead[],
  planOf: (planId: string) => Promise<PlanState | undefined>,
): Promise<string> {
  if (request.scope.kind === 'unit') return organisation.units[request.scope.id]?.name ?? request.scope.id;
  if (request.scope.kind === 'plan') {
    const plan = await planOf(request.scope.id);
    return plan ? `${plan.title} (${plan.kind} ${plan.fromYear}${plan.toYear !== plan.fromYear ? `–${plan.toYear}` : ''})` : request.scope.id;
  }
  const objective = objectives[0];
  // The kind is printed beside it ("Obiettivo: …"): the label is the objective's code and title alone.
  return objective ? `${objective.code} — ${objective.title}` : request.scope.id;
}

/** How to check the appendix with tools that are not ours (docs/audit.md says the same at length). */
function howToCheck(origin: string): string[] {
  return [
    `Il checkpoint firmato qui riportato è una "signed note" C2SP (tlog-checkpoint) del registro ${origin || '(origine non ancora firmata)'}: la firma Ed25519 si verifica con la chiave pubblica dell'installazione, pubblicata dall'ente (formato nome+id+chiave).`,
    "Per ogni evento, l'hash della foglia (SHA-256 di 0x00 seguito dal JSON canonico RFC 8785 dell'evento) si prova incluso nell'albero di Merkle RFC 6962 del checkpoint con la prova di inclusione fornita da GET /audit/events/{eventId}/inclusion?treeSize=N.",
    "Ricalcolare la radice dalla prova (RFC 9162, §2.1.3.2) e confrontarla con la radice del checkpoint: se coincidono, l'evento è nel registro firmato così com'è.",
    'Un checkpoint più recente si lega a questo con la prova di consistenza di GET /audit/consistency?from=N&to=M: nessun evento già firmato può essere stato cambiato, tolto o riordinato.',
    "Il comando `npm run audit -- verify` ricontrolla l'intero registro sul database dell'installazione.",
  ];
}
