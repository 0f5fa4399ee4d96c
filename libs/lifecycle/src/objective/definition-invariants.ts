import { isCalendarDate } from '../calendar/calendar-date';
import { Fields, isPlainObject, Problems, scanJson, show } from '../invariants/json-values';
import { INDICATOR_TYPE_ID } from './indicator-types';
import { CROSS_CUTTING, INDICATOR_MEASURES, OBJECTIVE_LEVELS, OBJECTIVE_NATURES, PERSON_ROLE_KINDS, TARGET_SENSES } from './objective-definition';

const PLACE_FIELDS = ['publicValueArea', 'strategicLine', 'mandateObjective', 'dupMission', 'dupProgramme', 'strategicObjective', 'operationalObjective'];
const FREE_TEXTS = ['description', 'purpose', 'implementation', 'criticalFactors', 'assessorato', 'responsiblePerson', 'notes'];

/**
 * What makes a definition unusable by the rest of the system (read models, deadlines, scoring, exports), each
 * problem with its path: `horizon: must be an object with fromYear and toYear`,
 * `phases[2].plannedEnd: "2025-02-30" is not a date`. Empty when the definition is usable. The input is taken
 * as `unknown`: whatever the caller's types said, this looks at what is really there.
 *
 * Only usability is checked here. What is merely questionable in a real plan (weights not totalling 100, an
 * indicator without target) stays a warning (`definitionWarnings`), and fields the type does not know are kept.
 */
export function objectiveDefinitionProblems(definition: unknown): string[] {
  if (!isPlainObject(definition)) return [`definition: must be an object, not ${show(definition)}`];
  const problems = new Problems();
  const d = new Fields(problems, definition);

  d.text('title', 'non-empty');
  for (const key of FREE_TEXTS) d.text(key);
  const place = d.object('place');
  if (place) for (const key of PLACE_FIELDS) place.text(key);

  const kind = d.object('kind');
  if (kind) {
    kind.oneOf('nature', OBJECTIVE_NATURES);
    kind.oneOf('level', OBJECTIVE_LEVELS);
    kind.oneOf('crossCutting', CROSS_CUTTING);
    const multiYear = kind.object('multiYear', 'optional', 'an object with stage and of');
    if (multiYear) {
      const stage = multiYear.number('stage', { presence: 'required', integer: true, min: 1 });
      const of = multiYear.number('of', { integer: true, min: 1 });
      if (stage !== undefined && of !== undefined && stage > of) multiYear.problem('value-invalid', 'stage', `stage ${stage} of ${of} is past the last`);
    }
  }

  d.texts('tags');
  const pnrr = d.object('pnrr');
  pnrr?.text('measureCode');
  pnrr?.text('cup');

  d.text('responsibleUnitId', 'non-empty', 'value-invalid');
  d.texts('contributingUnitIds', 'non-empty');
  d.text('coordinatingUnitId', 'optional', 'value-invalid');
  d.date('deadline');
  d.eachObject('people', 'optional', 'an object with a name', (person) => {
    person.text('name', 'required');
    person.text('personId');
    person.text('category');
    person.number('participationPercent', { min: 0, max: 100 });
    person.text('role');
    person.oneOf('roleKind', PERSON_ROLE_KINDS);
  });

  const horizon = d.object('horizon', 'required', 'an object with fromYear and toYear');
  if (horizon) {
    const fromYear = horizon.number('fromYear', { presence: 'required', integer: true, min: 2000, max: 2100 });
    const toYear = horizon.number('toYear', { presence: 'required', integer: true, min: 2000, max: 2100 });
    if (fromYear !== undefined && toYear !== undefined && toYear < fromYear)
      horizon.problem('value-invalid', 'toYear', `${toYear} precedes fromYear ${fromYear}`);
    horizon.boolean('cyclical');
  }

  const phaseIds = new Map<string, number>();
  d.eachObject('phases', 'required', 'an object with id and description', (phase, index) => {
    uniqueId(phase, phaseIds, index, 'phases');
    phase.text('description', 'required');
    const start = phase.date('plannedStart');
    const end = phase.date('plannedEnd');
    if (start !== undefined && end !== undefined && end < start) phase.problem('date-invalid', 'plannedEnd', `${end} precedes plannedStart ${start}`);
    phase.text('plannedPeriodText');
    phase.number('weight', { min: 0, nullable: true });
    const plannedPercentAt = phase.object('plannedPercentAt', 'optional', 'an object from dates to percentages');
    if (plannedPercentAt) {
      for (const date of Object.keys(plannedPercentAt.record)) {
        if (!isCalendarDate(date)) plannedPercentAt.problem('date-invalid', date, `${show(date)} is not a date`);
        else plannedPercentAt.number(date, { presence: 'required', min: 0, max: 100 });
      }
    }
    phase.text('responsiblePerson');
    phase.text('notes');
    phase.boolean('cancelled');
  });

  // The units an indicator may give a target of their own to.
  const involved = new Set([definition.responsibleUnitId, ...(Array.isArray(definition.contributingUnitIds) ? definition.contributingUnitIds : [])]);
  const indicatorIds = new Map<string, number>();
  d.eachObject('indicators', 'required', 'an object with id and description', (indicator, index) => {
    uniqueId(indicator, indicatorIds, index, 'indicators');
    indicator.text('description', 'required');
    // Which ids exist depends on the ente (its catalogue, checked where the organisation is at hand): here, the shape.
    const type = indicator.text('type', 'optional', 'value-invalid');
    if (type !== undefined && !INDICATOR_TYPE_ID.test(type)) {
      indicator.problem('value-invalid', 'type', `must be an indicator type id (1 to 40 lower-case letters, digits or dashes), not ${show(type)}`);
    }
    indicator.text('typeAsWritten');
    indicator.oneOf('measure', INDICATOR_MEASURES);
    targetFields(indicator.object('target', 'optional', 'an object with a text'));
    const unitsTargeted = new Set<string>();
    indicator.eachObject('unitTargets', 'optional', 'an object with unitId and target', (unitTarget) => {
      const unitId = unitTarget.text('unitId', 'non-empty', 'value-invalid');
      if (unitId !== undefined && unitsTargeted.has(unitId)) unitTarget.problem('value-invalid', 'unitId', `${show(unitId)} has a target already`);
      if (unitId !== undefined && !involved.has(unitId)) {
        unitTarget.problem('value-invalid', 'unitId', `${show(unitId)} is neither the responsible unit nor a contributing one`);
      }
      if (unitId !== undefined) unitsTargeted.add(unitId);
      targetFields(unitTarget.object('target', 'required', 'an object with a text'));
      unitTarget.date('dueDate');
    });
    indicator.text('baseline');
    indicator.date('dueDate');
    indicator.eachObject('historicalValues', 'optional', 'an object with year and value', (historical) => {
      historical.number('year', { presence: 'required', integer: true });
      historical.text('value', 'required');
    });
  });

  d.eachObject('resources', 'optional', 'an object with a description', (resource) => {
    resource.text('description', 'required');
    resource.number('amountEuro', { min: 0 });
  });

  const asWritten = d.object('asWritten', 'optional', 'an object from field paths to texts');
  if (asWritten) for (const path of Object.keys(asWritten.record)) asWritten.text(path, 'required');

  scanJson(definition, '', problems);
  return problems.messages();
}

/** A target as written, with its structured reading when one was given: the indicator's own, or a unit's. */
function targetFields(target: Fields | undefined): void {
  if (!target) return;
  target.text('text', 'required');
  target.oneOf('sense', TARGET_SENSES);
  target.number('value');
  target.boolean('strict');
  target.text('unit');
  target.date('date');
}

/** Phases and indicators are matched by id across versions (reprogramming, progress): an id names one item. */
function uniqueId(item: Fields, seen: Map<string, number>, index: number, list: string): void {
  const id = item.id('id');
  if (id === undefined) return;
  const first = seen.get(id);
  if (first !== undefined) item.problem('value-invalid', 'id', `${show(id)} is already the id of ${list}[${first}]`);
  else seen.set(id, index);
}
