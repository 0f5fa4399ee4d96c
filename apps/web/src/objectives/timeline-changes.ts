import { type components } from '@piao/api-client';
import { formatPercent, formatValue } from '../format/format';
import { label, t, type LabelKind } from '../i18n/messages';
import { type MessageKey } from '../i18n/it';

type Definition = components['schemas']['ObjectiveView']['definition'];

/** A change of a timeline entry (libs/lifecycle's timelineChanges): a JSON path, old and new value. */
export interface TimelineChange {
  path: string;
  from?: unknown;
  to?: unknown;
}

/** How a field's values are written: a status by its name, a share as a percentage, anything else as a value. */
type ValueKind = LabelKind | 'percent' | 'plain';

/** The fields of a definition by their path inside it (`title`, `place.strategicLine`, …); problem/field-label.ts too. */
export const DEFINITION_FIELDS: Record<string, MessageKey> = {
  title: 'compare.title',
  description: 'compare.description',
  responsibleUnitId: 'compare.unit',
  coordinatingUnitId: 'field.coordinatingUnit',
  deadline: 'compare.deadline',
  'place.publicValueArea': 'compare.area',
  'place.strategicLine': 'compare.line',
  'horizon.fromYear': 'change.fromYear',
  'horizon.toYear': 'change.toYear',
  tags: 'change.tags',
  contributingUnitIds: 'change.contributingUnits',
  people: 'change.people',
};

/** The fields of a phase or an indicator, by their path inside it. */
const PHASE_FIELDS: Record<string, MessageKey> = {
  description: 'change.phase.description',
  plannedStart: 'change.phase.plannedStart',
  plannedEnd: 'change.phase.plannedEnd',
  weight: 'change.phase.weight',
};
const INDICATOR_FIELDS: Record<string, MessageKey> = {
  description: 'change.indicator.description',
  'target.text': 'change.indicator.target',
  baseline: 'change.indicator.baseline',
  unit: 'change.indicator.unit',
  weight: 'change.indicator.weight',
};

/**
 * A change as people read it — "Fase «Avvio del servizio»: fine prevista: 31/12/2025 → 30/11/2025" — rather than its
 * path (`definition.phases[f2].plannedEnd`). Phases and indicators are named by their description in the definition as
 * it is now; a path this does not know is shown as it came, never dropped.
 */
export function changeText(change: TimelineChange, definition: Definition): string {
  const { field, values } = fieldOf(change.path, definition);
  const write = (value: unknown) => valueText(value, values);
  return t('objective.change', { field, before: write(change.from), after: write(change.to) });
}

function fieldOf(path: string, definition: Definition): { field: string; values: ValueKind } {
  if (path === 'status') return { field: t('change.status'), values: 'objectiveStatus' };
  if (path === 'copiedFrom') return { field: t('change.copiedFrom'), values: 'plain' };
  if (path === 'yearEndReport.status') return { field: t('change.yearEndReport'), values: 'reportStatus' };
  if (path === 'evaluation.status') return { field: t('change.evaluation'), values: 'evaluationStatus' };
  if (path === 'evaluation.achievementPercent') return { field: t('change.achievement'), values: 'percent' };
  const phaseName = (id: string) => definition.phases.find((p) => p.id === id)?.description ?? id;
  const indicatorName = (id: string) => definition.indicators.find((i) => i.id === id)?.description ?? id;

  let match = /^progress\[([^\]]+)\]\.(progressPercent|actualStart|actualEnd)$/.exec(path);
  if (match) {
    const key = ({ progressPercent: 'change.phaseProgress', actualStart: 'change.actualStart', actualEnd: 'change.actualEnd' } as const)[
      match[2] as 'progressPercent' | 'actualStart' | 'actualEnd'
    ];
    return { field: t(key, { phase: phaseName(match[1]) }), values: match[2] === 'progressPercent' ? 'percent' : 'plain' };
  }
  match = /^indicatorValues\[([^\]]+)\]$/.exec(path);
  if (match) return { field: t('change.indicatorValue', { indicator: indicatorName(match[1]) }), values: 'plain' };
  match = /^unitIndicatorValues\[([^\]]+)\]\[([^\]]+)\]$/.exec(path);
  if (match) return { field: t('change.unitIndicatorValue', { indicator: indicatorName(match[1]), unit: match[2] }), values: 'plain' };
  match = /^monitoringReports\[([^\]]+)\]\.status$/.exec(path);
  if (match) return { field: t('change.monitoringReport', { date: formatValue(match[1]) }), values: 'reportStatus' };

  // A definition's field: drafted, reprogrammed, or proposed for a reprogramming (`proposed.definition.…`).
  match = /^(proposed\.)?definition\.(.+)$/.exec(path);
  if (match) {
    const field = definitionField(match[2], phaseName, indicatorName);
    return { field: match[1] ? t('change.proposed', { field }) : field, values: 'plain' };
  }
  return { field: path, values: 'plain' };
}

function definitionField(path: string, phaseName: (id: string) => string, indicatorName: (id: string) => string): string {
  if (DEFINITION_FIELDS[path]) return t(DEFINITION_FIELDS[path]);
  const item = /^(phases|indicators)\[([^\]]+)\](?:\.(.+))?$/.exec(path);
  if (!item) return path;
  const [, list, id, rest] = item;
  const phase = list === 'phases';
  const name = phase ? phaseName(id) : indicatorName(id);
  // The whole phase or indicator added or removed, or one of its fields.
  if (rest === undefined) return t(phase ? 'change.phase' : 'change.indicator', { name });
  const known = (phase ? PHASE_FIELDS : INDICATOR_FIELDS)[rest];
  return known ? t(known, { name }) : `${t(phase ? 'change.phase' : 'change.indicator', { name })}: ${rest}`;
}

function valueText(value: unknown, kind: ValueKind): string {
  if (kind === 'percent') return typeof value === 'number' ? formatPercent(value) : formatValue(value);
  if (kind !== 'plain' && typeof value === 'string') return label(kind, value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.length === 0 ? '—' : value.join(', ');
  return formatValue(value);
}
