import { type Actor, type ObjectiveState } from '@piao/lifecycle';
import { formatPosition, type StoredEvent } from '@piao/event-store';

/** Only the NdV reads an evaluation before it is shared with the person evaluated (BRIEF §2.6). */
export function seesUnsharedEvaluations(reader: Actor): boolean {
  return reader.roles.includes('nucleo');
}

/** The evaluation is the NdV's until it is shared with the person evaluated. */
export function evaluationHiddenFrom(reader: Actor, state: Pick<ObjectiveState, 'evaluation'>): boolean {
  return state.evaluation?.status === 'evaluated' && !seesUnsharedEvaluations(reader);
}

/**
 * An evaluation event shown to someone who may not read it yet: that it happened, not what it said (its data, the
 * motivation and the evaluation's fields among the changes).
 */
export function withheldEvaluation<T extends { reason: string | null; changes: { path: string }[]; data?: unknown }>(row: T): T {
  return {
    ...row,
    ...('data' in row ? { data: { withheld: 'the evaluation is not shared yet' } } : {}),
    reason: null,
    changes: row.changes.filter((c) => !c.path.startsWith('evaluation.')),
  };
}

export function objectiveView(state: ObjectiveState, revision: number, reader: Actor) {
  const hidden = evaluationHiddenFrom(reader, state);
  return {
    objectiveId: state.objectiveId,
    planId: state.planId,
    code: state.code,
    revision,
    status: hidden ? 'reported' : state.status,
    definition: state.definition,
    warnings: state.warnings,
    approvalAct: state.approvalAct ?? null,
    approvedDefinition: state.approvedDefinition ?? null,
    progress: state.progress,
    indicatorValues: state.indicatorValues,
    unitIndicatorValues: state.unitIndicatorValues ?? {},
    monitoringReports: state.monitoringReports,
    pendingReprogramming: state.pendingReprogramming ?? null,
    reprogrammings: state.reprogrammings,
    yearEndReport: state.yearEndReport ?? null,
    evaluation: hidden ? null : (state.evaluation ?? null),
  };
}

export function historyView(events: StoredEvent[], state: ObjectiveState, reader: Actor) {
  const hidden = evaluationHiddenFrom(reader, state);
  return events.map((event) => {
    // The score and its motivation (the event's reason) stay with the NdV until shared.
    const withheld = hidden && event.type === 'ObjectiveEvaluated';
    return {
      revision: event.revision,
      eventId: event.id,
      type: event.type,
      data: withheld ? { withheld: 'the evaluation is not shared yet' } : event.data,
      actor: event.metadata.actor,
      occurredAt: event.metadata.occurredAt,
      recordedAt: event.metadata.recordedAt,
      reason: withheld ? null : (event.metadata.reason ?? null),
      act: event.metadata.act ?? null,
      correlationId: event.metadata.correlationId,
      causationId: event.metadata.causationId,
      position: formatPosition(event.position),
      ...(event.metadata.imported ? { imported: { by: event.metadata.imported.by, at: event.metadata.imported.at } } : {}),
    };
  });
}
