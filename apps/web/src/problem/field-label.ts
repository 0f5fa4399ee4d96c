import { t } from '../i18n/messages';
import { type MessageKey } from '../i18n/it';
import { DEFINITION_FIELDS } from '../objectives/timeline-changes';

/** A request's own fields, by their path in the body. */
const REQUEST_FIELDS: Record<string, MessageKey> = {
  code: 'field.code',
  reason: 'field.reason',
  act: 'field.act',
  'act.number': 'field.actNumber',
  'act.date': 'field.actDate',
  asOf: 'field.asOf',
  occurredOn: 'field.occurredOn',
  phaseId: 'field.phaseId',
  progressPercent: 'field.progressPercent',
  actualStart: 'field.actualStart',
  actualEnd: 'field.actualEnd',
  indicatorId: 'field.indicatorId',
  value: 'field.value',
  unitId: 'field.unitId',
  achievementPercent: 'field.achievementPercent',
  toUnitId: 'field.toUnitId',
  effectiveOn: 'field.effectiveOn',
  personId: 'field.personId',
  from: 'field.from',
  to: 'field.to',
  dueOn: 'field.dueOn',
  fromYear: 'field.fromYear',
  toYear: 'field.toYear',
};

/** The fields of a phase or an indicator (of a definition, or of a report), by their path inside it. */
const ITEM_FIELDS: Record<string, MessageKey> = {
  description: 'field.item.description',
  plannedStart: 'field.item.plannedStart',
  plannedEnd: 'field.item.plannedEnd',
  weight: 'field.item.weight',
  progressPercent: 'field.item.progressPercent',
  phaseId: 'field.item.id',
  indicatorId: 'field.item.id',
  id: 'field.item.id',
  'target.text': 'field.item.target',
  baseline: 'field.item.baseline',
  unit: 'field.item.unit',
  value: 'field.item.value',
  type: 'field.item.type',
};

/**
 * A field a problem names (`definition.phases.1.plannedEnd`, `indicators.0.indicatorId`, `act.date`) as people read
 * it: "Fase n. 2: fine prevista", "Indicatore n. 1: identificativo", "Data dell’atto". Lists are counted from one, as
 * the forms and the files count them. A path this does not know is shown as it came, never dropped.
 */
export function fieldLabel(path: string): string {
  if (REQUEST_FIELDS[path]) return t(REQUEST_FIELDS[path]);
  const inDefinition = /^definition\.(.+)$/.exec(path)?.[1];
  if (inDefinition !== undefined && DEFINITION_FIELDS[inDefinition]) return t(DEFINITION_FIELDS[inDefinition]);
  const rest = inDefinition ?? path;
  const contributing = /^contributingUnitIds\.(\d+)$/.exec(rest);
  if (inDefinition !== undefined && contributing) return t('field.contributingUnit', { n: Number(contributing[1]) + 1 });
  const item = /^(phases|indicators)\.(\d+)(?:\.(.+))?$/.exec(rest);
  if (!item) return path;
  const [, list, index, field] = item;
  const name = t(list === 'phases' ? 'field.phase' : 'field.indicator', { n: Number(index) + 1 });
  if (field === undefined) return name;
  const unitTarget = /^unitTargets\.(\d+)(?:\.(.+))?$/.exec(field);
  if (unitTarget) {
    const target = t('field.unitTarget', { n: Number(unitTarget[1]) + 1 });
    const part = unitTarget[2] === undefined ? '' : `: ${unitTarget[2] === 'unitId' ? t('field.unitId') : itemField(unitTarget[2])}`;
    return `${name}, ${target}${part}`;
  }
  return `${name}: ${itemField(field)}`;
}

function itemField(field: string): string {
  return ITEM_FIELDS[field] ? t(ITEM_FIELDS[field]) : field;
}
