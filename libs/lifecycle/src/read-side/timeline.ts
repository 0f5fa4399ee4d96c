import { type FieldChange } from '../objective/definition-changes';
import { type ObjectiveEvent } from '../objective/objective-events';
import { unitValuesOf, type ObjectiveState } from '../objective/objective-state';

/**
 * What one event changed, as the NdV reads it: old → new, for the fields the event touched. It looks only at
 * those fields, so that a replay of millions of events does not diff whole objectives.
 */
export function timelineChanges(before: ObjectiveState | undefined, after: ObjectiveState, event: ObjectiveEvent): FieldChange[] {
  const changes: FieldChange[] = [];
  const change = (path: string, from: unknown, to: unknown) => {
    if (JSON.stringify(from) !== JSON.stringify(to)) changes.push({ path, from: from ?? null, to: to ?? null });
  };
  change('status', before?.status, after.status);
  const prefixed = (list: FieldChange[]) => list.map((c) => ({ ...c, path: `definition.${c.path}` }));
  switch (event.type) {
    case 'ObjectiveDrafted':
      // A copy of last year's objective says which one, at which revision (issue 13, item 6).
      if (event.data.copiedFrom) change('copiedFrom', null, event.data.copiedFrom);
      break;
    case 'ObjectiveDraftUpdated':
    case 'ReprogrammingApprovedByGiunta':
      changes.push(...prefixed(event.data.changes));
      break;
    case 'ReprogrammingProposed':
      changes.push(...prefixed(event.data.changes).map((c) => ({ ...c, path: `proposed.${c.path}` })));
      break;
    case 'PhaseProgressRecorded': {
      const id = event.data.phaseId;
      change(`progress[${id}].progressPercent`, before?.progress[id]?.progressPercent, after.progress[id]?.progressPercent);
      change(`progress[${id}].actualStart`, before?.progress[id]?.actualStart, after.progress[id]?.actualStart);
      change(`progress[${id}].actualEnd`, before?.progress[id]?.actualEnd, after.progress[id]?.actualEnd);
      break;
    }
    case 'IndicatorValueRecorded': {
      const { indicatorId: id, unitId } = event.data;
      // A unit's share is its own field: the unit is named beside the indicator, and its previous value is its own.
      if (unitId !== undefined) change(`unitIndicatorValues[${id}][${unitId}]`, before && unitValuesOf(before, id, unitId).at(-1)?.value, event.data.value);
      else change(`indicatorValues[${id}]`, before?.indicatorValues[id]?.at(-1)?.value, event.data.value);
      break;
    }
    case 'MonitoringReportSubmitted':
    case 'MonitoringReportValidated':
    case 'MonitoringReportReturned': {
      const asOf = event.data.asOf;
      change(`monitoringReports[${asOf}].status`, before?.monitoringReports[asOf]?.status, after.monitoringReports[asOf]?.status);
      break;
    }
    case 'ResponsibleReassigned':
      change('definition.responsibleUnitId', event.data.fromUnitId, event.data.toUnitId);
      break;
    case 'YearEndReportSubmitted':
    case 'YearEndReportValidated':
    case 'YearEndReportReturned':
      change('yearEndReport.status', before?.yearEndReport?.status, after.yearEndReport?.status);
      break;
    case 'ObjectiveEvaluated':
    case 'EvaluationShared':
    case 'EvaluationContested':
    case 'EvaluationConfirmed':
      change('evaluation.status', before?.evaluation?.status, after.evaluation?.status);
      change('evaluation.achievementPercent', before?.evaluation?.achievementPercent, after.evaluation?.achievementPercent);
      break;
    default:
      break;
  }
  return changes;
}
