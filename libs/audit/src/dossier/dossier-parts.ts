import { type DossierContent, type DossierEvent, type DossierObjective } from './dossier-content';

/** An objective as the dossier's head holds it: everything but its timeline, with the timeline's length. */
export interface DossierObjectiveHead extends Omit<DossierObjective, 'timeline'> {
  events: number;
}

/** What the red flags section prints of an event a red flag cites. */
export interface CitedEvent {
  code: string;
  revision: number;
  label: string;
  occurredAt: string;
}

/** A row of the verification appendix: an event's leaf, in the log's order. */
export interface DossierLeaf {
  index: number | null;
  hash: string | null;
  code: string;
  revision: number;
}

/** Everything of a dossier but the objectives' timelines: small whatever the size of the plan. */
export interface DossierHead extends Omit<DossierContent, 'objectives'> {
  objectives: DossierObjectiveHead[];
  /** The events the red flags cite, by id. */
  cited: Record<string, CitedEvent>;
  /** How many of the leaves are not under the signed checkpoint (yet). */
  unsignedLeaves: number;
}

/**
 * A dossier's content as the renderers read it: the head at once, the timelines one objective at a time. A plan of
 * tens of thousands of events is never in memory whole: the builder reads each objective's history again from the log
 * for every file it renders (`buildDossierParts`), so the memory of a build does not grow with the plan.
 */
export interface DossierParts {
  readonly head: DossierHead;
  /** The objectives with their timelines, in the head's order, one at a time. */
  objectives(): AsyncIterable<DossierObjective>;
  /** Every event's leaf, in the log's order (events not yet hashed last). */
  leaves(): AsyncIterable<DossierLeaf>;
}

/** The parts of a content held in memory whole (a small dossier, a test). */
export function partsOfContent(content: DossierContent): DossierParts {
  const { objectives, ...rest } = content;
  const cited: Record<string, CitedEvent> = {};
  const wanted = new Set(content.redFlags.flatMap((flag) => flag.eventIds));
  const leaves: DossierLeaf[] = [];
  for (const objective of objectives) {
    for (const event of objective.timeline) {
      if (wanted.has(event.eventId)) cited[event.eventId] = citedEvent(objective.code, event);
      leaves.push({ index: event.leafIndex, hash: event.leafHash, code: objective.code, revision: event.revision });
    }
  }
  // Log order; events not yet hashed last, in the content's order (the sort is stable).
  leaves.sort((a, b) => (a.index ?? Number.MAX_SAFE_INTEGER) - (b.index ?? Number.MAX_SAFE_INTEGER));
  const treeSize = content.verification.treeSize;
  return {
    head: {
      ...rest,
      objectives: objectives.map(({ timeline, ...objective }) => ({ ...objective, events: timeline.length })),
      cited,
      unsignedLeaves: leaves.filter((leaf) => !isSigned(leaf.index, treeSize)).length,
    },
    objectives: async function* () {
      yield* objectives;
    },
    leaves: async function* () {
      yield* leaves;
    },
  };
}

export function citedEvent(code: string, event: DossierEvent): CitedEvent {
  return { code, revision: event.revision, label: event.label, occurredAt: event.occurredAt };
}

/**
 * A leaf at or past the signed tree's size is in the log but not yet under a signature: its check waits for the next
 * checkpoint.
 */
export function isSigned(index: number | null, treeSize: number | null): boolean {
  return index !== null && treeSize !== null && index < treeSize;
}

/** The content's members as its JSON holds them, without the objectives. */
export function contentMembers(head: DossierHead): Omit<DossierContent, 'objectives'> {
  const { v, ente, scope, upTo, asOf, summary, acts, redFlags, verification } = head;
  return { v, ente, scope, upTo, asOf, summary, acts, redFlags, verification };
}
