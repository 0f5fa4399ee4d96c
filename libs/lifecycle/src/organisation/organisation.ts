import { type DecisionContext, type Role } from '../access/actor';
import { actingRole, type Grant } from '../access/permissions';
import { type DesignationAct, type SubstituteValidator, type Tenure } from '../access/appointments';
import { NotPermitted, violated } from '../access/rule-violation';
import { refuseMalformedCommand, type CommandFields } from '../invariants/command-fields';
import { show } from '../invariants/json-values';
import { type CalendarDate } from '../calendar/calendar-date';
import { scoringSystemProblems, type ScoringSystem } from '../scoring/scoring-system';
import { reminderPolicyProblems, type ReminderChannel, type ReminderPolicy, type ReminderPreferences } from '../reminders/reminder-policy';
import {
  INDICATOR_TYPE_ID,
  INDICATOR_TYPE_LABEL_MAX,
  INDICATOR_TYPE_SYNONYMS_MAX,
  indicatorTypeKey,
  namesOf,
  STANDARD_INDICATOR_TYPES,
  type CatalogueEntry,
  type IndicatorType,
} from '../objective/indicator-types';

export const UNIT_KINDS = ['settore', 'direzione', 'servizio', 'ufficio', 'centro-di-responsabilita', 'altro'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

type Event<Type extends string, Data> = { type: Type; data: Data };
export type OrganisationEvent =
  | Event<'UnitCreated', { unitId: string; name: string; kind: UnitKind }>
  | Event<'PersonRegistered', { personId: string; name: string; email?: string }>
  /** `to` is the last day of the headship; absent while it is open-ended. */
  | Event<'UnitHeadAssigned', { unitId: string; personId: string; from: CalendarDate; to?: CalendarDate; interim?: boolean }>
  | Event<'UnitHeadshipEnded', { unitId: string; personId: string; from: CalendarDate; to: CalendarDate }>
  /** The person works in the unit (not as its head) from `from`, to `to` when given: the segregation of duties reads it. */
  | Event<'PersonAssignedToUnit', { unitId: string; personId: string; from: CalendarDate; to?: CalendarDate }>
  | Event<'UnitAssignmentEnded', { unitId: string; personId: string; from: CalendarDate; to: CalendarDate }>
  /** Who validates, in the Segretario's stead, the reports the Segretario may not validate (docs/segregation-of-duties.md). */
  | Event<'SubstituteValidatorDesignated', { personId: string; segretarioPersonId: string; from: CalendarDate; to?: CalendarDate; act: DesignationAct }>
  | Event<'SubstituteValidatorDesignationEnded', { personId: string; segretarioPersonId: string; from: CalendarDate; to: CalendarDate }>
  /** The ente's SMVP: how achievement becomes a score. The act that adopted it travels in the metadata. */
  | Event<'ScoringSystemAdopted', { system: ScoringSystem }>
  /** The ente's reminder policy (BRIEF §5), as a whole: each adoption is a new version. */
  | Event<'ReminderPolicyAdopted', { policy: ReminderPolicy }>
  | Event<'ReminderPreferencesSet', { personId: string; channels: ReminderChannel[]; copyTo: string[] }>
  /** An indicator type of the ente's own, beside the standard ones (docs/api.md, "Indicator types"). */
  | Event<'IndicatorTypeDefined', { typeId: string; label: string; synonyms?: string[] }>;

export interface Headship {
  unitId: string;
  personId: string;
  from: CalendarDate;
  to?: CalendarDate;
}

export interface OrganisationState {
  units: Record<string, { unitId: string; name: string; kind: UnitKind }>;
  people: Record<string, { personId: string; name: string; email?: string }>;
  headships: Headship[];
  /** Who works in which unit when (heads are in `headships`); absent until the first assignment. */
  unitAssignments?: Tenure[];
  /** Substitute validators designated, in force or not; absent until the first designation. */
  substituteValidators?: SubstituteValidator[];
  /** Absent until the ente adopts one: the default (linear) applies. */
  scoringSystem?: ScoringSystem;
  /** Absent until the ente adopts one: DEFAULT_REMINDER_POLICY applies. */
  reminderPolicy?: ReminderPolicy;
  /** Per person; absent: e-mail and in-app, no copies. */
  reminderPreferences?: Record<string, ReminderPreferences>;
  /** The ente's own indicator types, in the order defined; absent until the first definition (the standard ones are not here). */
  indicatorTypes?: { typeId: string; label: string; synonyms?: string[] }[];
}

export const EMPTY_ORGANISATION: OrganisationState = { units: {}, people: {}, headships: [] };

type Command<Type extends string, Data> = { type: Type } & Data;
export type OrganisationCommand =
  | Command<'CreateUnit', { unitId: string; name: string; kind: UnitKind }>
  | Command<'RegisterPerson', { personId: string; name: string; email?: string }>
  | Command<'AssignUnitHead', { unitId: string; personId: string; from: CalendarDate; to?: CalendarDate; interim?: boolean }>
  | Command<'EndUnitHeadship', { unitId: string; personId: string; from: CalendarDate; to: CalendarDate }>
  | Command<'AssignPersonToUnit', { unitId: string; personId: string; from: CalendarDate; to?: CalendarDate }>
  | Command<'EndUnitAssignment', { unitId: string; personId: string; from: CalendarDate; to: CalendarDate }>
  /** `segretarioPersonId` absent: the Segretario issuing it designates his own substitute. */
  | Command<'DesignateSubstituteValidator', { personId: string; segretarioPersonId?: string; from: CalendarDate; to?: CalendarDate; act: DesignationAct }>
  | Command<'EndSubstituteValidatorDesignation', { personId: string; segretarioPersonId?: string; from: CalendarDate; to: CalendarDate }>
  | Command<'AdoptScoringSystem', { system: ScoringSystem }>
  | Command<'AdoptReminderPolicy', { policy: ReminderPolicy }>
  | Command<'SetReminderPreferences', { personId: string; channels: ReminderChannel[]; copyTo?: string[] }>
  | Command<'DefineIndicatorType', { typeId: string; label: string; synonyms?: string[] }>;

/** What each field of an organisation command must be, checked before anything else reads the command. */
const ORGANISATION_COMMAND_FIELDS: CommandFields<OrganisationCommand> = {
  CreateUnit: { unitId: 'id', name: 'name', kind: UNIT_KINDS },
  RegisterPerson: { personId: 'id', name: 'name', email: 'text?' },
  AssignUnitHead: { unitId: 'id', personId: 'id', from: 'date', to: 'date?', interim: 'flag?' },
  EndUnitHeadship: { unitId: 'id', personId: 'id', from: 'date', to: 'date' },
  AssignPersonToUnit: { unitId: 'id', personId: 'id', from: 'date', to: 'date?' },
  EndUnitAssignment: { unitId: 'id', personId: 'id', from: 'date', to: 'date' },
  DesignateSubstituteValidator: { personId: 'id', segretarioPersonId: 'id?', from: 'date', to: 'date?', act: 'act' },
  EndSubstituteValidatorDesignation: { personId: 'id', segretarioPersonId: 'id?', from: 'date', to: 'date' },
  AdoptScoringSystem: { system: 'scoring-system' },
  AdoptReminderPolicy: { policy: 'reminder-policy' },
  SetReminderPreferences: { personId: 'id', channels: 'channels', copyTo: 'ids?' },
  DefineIndicatorType: { typeId: 'id', label: 'name', synonyms: 'names?' },
};

export function evolveOrganisation(state: OrganisationState, event: OrganisationEvent): OrganisationState {
  switch (event.type) {
    case 'UnitCreated':
      return { ...state, units: { ...state.units, [event.data.unitId]: event.data } };
    case 'PersonRegistered':
      return { ...state, people: { ...state.people, [event.data.personId]: event.data } };
    case 'UnitHeadAssigned':
      return { ...state, headships: [...state.headships, event.data] };
    case 'UnitHeadshipEnded': {
      const { unitId, personId, from, to } = event.data;
      return {
        ...state,
        headships: state.headships.map((h) => (h.unitId === unitId && h.personId === personId && h.from === from ? { ...h, to } : h)),
      };
    }
    case 'PersonAssignedToUnit':
      return { ...state, unitAssignments: [...(state.unitAssignments ?? []), event.data] };
    case 'UnitAssignmentEnded': {
      const { unitId, personId, from, to } = event.data;
      const assignments = state.unitAssignments ?? [];
      return { ...state, unitAssignments: assignments.map((a) => (a.unitId === unitId && a.personId === personId && a.from === from ? { ...a, to } : a)) };
    }
    case 'SubstituteValidatorDesignated':
      return { ...state, substituteValidators: [...(state.substituteValidators ?? []), event.data] };
    case 'SubstituteValidatorDesignationEnded': {
      const { personId, segretarioPersonId, from, to } = event.data;
      const designations = state.substituteValidators ?? [];
      return {
        ...state,
        substituteValidators: designations.map((d) =>
          d.personId === personId && d.segretarioPersonId === segretarioPersonId && d.from === from ? { ...d, to } : d,
        ),
      };
    }
    case 'ScoringSystemAdopted':
      return { ...state, scoringSystem: event.data.system };
    case 'ReminderPolicyAdopted':
      return { ...state, reminderPolicy: event.data.policy };
    case 'ReminderPreferencesSet': {
      const { personId, channels, copyTo } = event.data;
      return { ...state, reminderPreferences: { ...state.reminderPreferences, [personId]: { channels, copyTo } } };
    }
    case 'IndicatorTypeDefined':
      return { ...state, indicatorTypes: [...(state.indicatorTypes ?? []), event.data] };
  }
}

/** The ente's catalogue of indicator types: the standard ones, then its own in the order defined. */
export function indicatorTypeCatalogue(state: OrganisationState): CatalogueEntry[] {
  return [
    ...STANDARD_INDICATOR_TYPES.map((type) => ({ ...type, synonyms: [...(type.synonyms ?? [])], standard: true })),
    ...(state.indicatorTypes ?? []).map((type) => ({ ...type, synonyms: [...(type.synonyms ?? [])], standard: false })),
  ];
}

function covers(headship: Headship, date: CalendarDate): boolean {
  return headship.from <= date && (headship.to === undefined || date <= headship.to);
}

function overlaps(a: { from: CalendarDate; to?: CalendarDate }, b: { from: CalendarDate; to?: CalendarDate }): boolean {
  return (a.to === undefined || b.from <= a.to) && (b.to === undefined || a.from <= b.to);
}

/** The units a person heads on a date: one person may head two units, and a unit may be vacant. */
export function unitsHeadedBy(state: OrganisationState, personId: string, date: CalendarDate): Set<string> {
  return new Set(state.headships.filter((h) => h.personId === personId && covers(h, date)).map((h) => h.unitId));
}

export function headOf(state: OrganisationState, unitId: string, date: CalendarDate): string | undefined {
  return state.headships.find((h) => h.unitId === unitId && covers(h, date))?.personId;
}

export function decideOrganisation(
  state: OrganisationState,
  command: OrganisationCommand,
  context: DecisionContext,
): { events: OrganisationEvent[]; role: Role } {
  refuseMalformedCommand(command, ORGANISATION_COMMAND_FIELDS);
  const role = ownPreferences(command, context) ?? actingRole(ORGANISATION_GRANTS(command), context, undefined, command.type);
  switch (command.type) {
    case 'CreateUnit': {
      if (state.units[command.unitId]) violated('unit-already-exists', `unit ${command.unitId} already exists`);
      const sameName = Object.values(state.units).find((u) => u.name.toLocaleLowerCase('it') === command.name.toLocaleLowerCase('it'));
      if (sameName) violated('unit-name-taken', `a unit named "${command.name}" already exists (${sameName.unitId})`);
      return { role, events: [{ type: 'UnitCreated', data: { unitId: command.unitId, name: command.name, kind: command.kind } }] };
    }
    case 'RegisterPerson':
      if (state.people[command.personId]) violated('person-already-registered', `person ${command.personId} is already registered`);
      return { role, events: [{ type: 'PersonRegistered', data: compactPerson(command) }] };
    case 'AssignUnitHead': {
      const { unitId, personId, from, to } = command;
      if (!state.units[unitId]) violated('unknown-unit', `the ente has no unit ${unitId}`, 'unitId');
      if (!state.people[personId]) violated('unknown-person', `the ente has no person ${personId}`, 'personId');
      if (to !== undefined && to < from) violated('end-before-start', 'the headship ends before it starts', 'to');
      const clash = state.headships.find((h) => h.unitId === unitId && overlaps(h, { from, to }));
      if (clash) {
        violated(
          'headship-overlap',
          `unit ${unitId} is headed by ${clash.personId} from ${clash.from}${clash.to ? ` to ${clash.to}` : ''}: end that headship first`,
        );
      }
      const data = { unitId, personId, from, ...(to === undefined ? {} : { to }), ...(command.interim ? { interim: true } : {}) };
      return { role, events: [{ type: 'UnitHeadAssigned', data }] };
    }
    case 'EndUnitHeadship': {
      const { unitId, personId, from, to } = command;
      const headship = state.headships.find((h) => h.unitId === unitId && h.personId === personId && h.from === from);
      if (!headship) violated('unknown-headship', `${personId} has no headship of ${unitId} starting ${from}`);
      if (to < from) violated('end-before-start', 'the headship ends before it starts', 'to');
      return { role, events: [{ type: 'UnitHeadshipEnded', data: { unitId, personId, from, to } }] };
    }
    case 'AssignPersonToUnit': {
      const { unitId, personId, from, to } = command;
      if (!state.units[unitId]) violated('unknown-unit', `the ente has no unit ${unitId}`, 'unitId');
      if (!state.people[personId]) violated('unknown-person', `the ente has no person ${personId}`, 'personId');
      if (to !== undefined && to < from) violated('end-before-start', 'the assignment ends before it starts', 'to');
      const clash = (state.unitAssignments ?? []).find((a) => a.unitId === unitId && a.personId === personId && overlaps(a, { from, to }));
      if (clash) {
        violated(
          'assignment-overlap',
          `${personId} is already assigned to ${unitId} from ${clash.from}${clash.to ? ` to ${clash.to}` : ''}: end that assignment first`,
        );
      }
      return { role, events: [{ type: 'PersonAssignedToUnit', data: to === undefined ? { unitId, personId, from } : { unitId, personId, from, to } }] };
    }
    case 'EndUnitAssignment': {
      const { unitId, personId, from, to } = command;
      const assignment = (state.unitAssignments ?? []).find((a) => a.unitId === unitId && a.personId === personId && a.from === from);
      if (!assignment) violated('unknown-assignment', `${personId} has no assignment to ${unitId} starting ${from}`);
      if (to < from) violated('end-before-start', 'the assignment ends before it starts', 'to');
      return { role, events: [{ type: 'UnitAssignmentEnded', data: { unitId, personId, from, to } }] };
    }
    case 'DesignateSubstituteValidator': {
      const { personId, from, to, act } = command;
      if (command.segretarioPersonId !== undefined && command.segretarioPersonId !== context.actor.id) {
        throw new NotPermitted('designation-by-segretario', 'only the Segretario designates who validates in his stead: segretarioPersonId must be yourself');
      }
      const segretarioPersonId = context.actor.id;
      if (!state.people[personId]) violated('unknown-person', `the ente has no person ${personId}`, 'personId');
      // The Segretario is the actor (checked above): not a field the caller may get wrong, a state of the directory.
      if (!state.people[segretarioPersonId]) violated('unknown-person', `the ente has no person ${segretarioPersonId}`);
      if (personId === segretarioPersonId) violated('value-invalid', 'personId: the Segretario does not substitute himself', 'personId');
      if (to !== undefined && to < from) violated('end-before-start', 'the designation ends before it starts', 'to');
      if (act.date > context.today) violated('date-in-future', `the act is dated ${act.date}, after today (${context.today})`, 'act.date');
      const clash = (state.substituteValidators ?? []).find(
        (d) => d.personId === personId && d.segretarioPersonId === segretarioPersonId && overlaps(d, { from, to }),
      );
      if (clash) {
        violated(
          'designation-overlap',
          `${personId} is already designated to substitute ${segretarioPersonId} from ${clash.from}${clash.to ? ` to ${clash.to}` : ''}: end that designation first`,
        );
      }
      const data = { personId, segretarioPersonId, from, ...(to === undefined ? {} : { to }), act: { number: act.number, date: act.date } };
      return { role, events: [{ type: 'SubstituteValidatorDesignated', data }] };
    }
    case 'EndSubstituteValidatorDesignation': {
      const { personId, from, to } = command;
      const segretarioPersonId = segretarioNamedIn(command, role, context);
      const designation = (state.substituteValidators ?? []).find(
        (d) => d.personId === personId && d.segretarioPersonId === segretarioPersonId && d.from === from,
      );
      if (!designation) violated('unknown-designation', `${personId} has no designation to substitute ${segretarioPersonId} starting ${from}`);
      if (to < from) violated('end-before-start', 'the designation ends before it starts', 'to');
      return { role, events: [{ type: 'SubstituteValidatorDesignationEnded', data: { personId, segretarioPersonId, from, to } }] };
    }
    case 'AdoptScoringSystem': {
      const problems = scoringSystemProblems(command.system);
      if (problems.length > 0) violated('scoring-system-invalid', problems.join('; '));
      return { role, events: [{ type: 'ScoringSystemAdopted', data: { system: command.system } }] };
    }
    case 'AdoptReminderPolicy': {
      const problems = reminderPolicyProblems(command.policy);
      // Each problem starts with its path in the command (`policy.monitoringCampaigns[1]: …`): the first is blamed.
      if (problems.length > 0) violated('reminder-policy-invalid', problems.join('; '), bodyPath(/^([\w.[\]]+): /.exec(problems[0])?.[1]));
      const { segretarioPersonId, nucleoPersonIds = [] } = command.policy;
      if (segretarioPersonId && !state.people[segretarioPersonId]) {
        violated('unknown-person', `the ente has no person ${segretarioPersonId}`, 'policy.segretarioPersonId');
      }
      for (const [index, personId] of nucleoPersonIds.entries()) {
        if (!state.people[personId]) violated('unknown-person', `the ente has no person ${personId}`, `policy.nucleoPersonIds.${index}`);
      }
      return { role, events: [{ type: 'ReminderPolicyAdopted', data: { policy: command.policy } }] };
    }
    case 'SetReminderPreferences': {
      const { personId, channels, copyTo = [] } = command;
      if (!state.people[personId]) violated('unknown-person', `the ente has no person ${personId}`); // the route's path names the person, not the body
      if (channels.length === 0) violated('value-invalid', 'channels: choose e-mail, in-app or both', 'channels');
      if (new Set(channels).size !== channels.length) violated('value-invalid', 'channels: a channel is listed twice', 'channels');
      for (const [index, other] of copyTo.entries()) {
        if (!state.people[other]) violated('unknown-person', `copyTo: the ente has no person ${other}`, `copyTo.${index}`);
        if (other === personId) violated('value-invalid', 'copyTo: a person is not copied on their own reminders', `copyTo.${index}`);
      }
      if (copyTo.length > 10) violated('value-invalid', 'copyTo: at most 10 people', 'copyTo');
      return { role, events: [{ type: 'ReminderPreferencesSet', data: { personId, channels, copyTo: [...new Set(copyTo)] } }] };
    }
    case 'DefineIndicatorType':
      return { role, events: defineIndicatorType(state, command) };
  }
}

/**
 * An own indicator type: an id no type has, and names (id, label, synonyms) no other type answers to, so that a type
 * as written resolves to one type only. Defining again an own type as it is records nothing; a standard type, or an
 * own one with other names, is not redefined (objectives already name it).
 */
function defineIndicatorType(state: OrganisationState, command: { typeId: string; label: string; synonyms?: string[] }): OrganisationEvent[] {
  const { typeId } = command;
  if (!INDICATOR_TYPE_ID.test(typeId)) violated('value-invalid', `typeId: must be 1 to 40 lower-case letters, digits or dashes, not ${show(typeId)}`, 'typeId');
  const label = command.label.trim();
  if (label.length > INDICATOR_TYPE_LABEL_MAX) violated('value-invalid', `label: at most ${INDICATOR_TYPE_LABEL_MAX} characters`, 'label');
  if (indicatorTypeKey(label) === '') violated('value-invalid', 'label: must contain letters or digits', 'label');
  const synonyms: string[] = [];
  const seen = new Set([indicatorTypeKey(typeId), indicatorTypeKey(label)]);
  for (const synonym of (command.synonyms ?? []).map((s) => s.trim())) {
    const key = indicatorTypeKey(synonym);
    if (synonym.length > INDICATOR_TYPE_LABEL_MAX) violated('value-invalid', `synonyms: each at most ${INDICATOR_TYPE_LABEL_MAX} characters`, 'synonyms');
    if (key === '') violated('value-invalid', `synonyms: ${show(synonym)} has no letter or digit`, 'synonyms');
    if (!seen.has(key)) synonyms.push(synonym); // "Processo" beside "processo": one name
    seen.add(key);
  }
  if (synonyms.length > INDICATOR_TYPE_SYNONYMS_MAX) violated('value-invalid', `synonyms: at most ${INDICATOR_TYPE_SYNONYMS_MAX}`, 'synonyms');
  const defined: IndicatorType = { typeId, label, ...(synonyms.length > 0 ? { synonyms } : {}) };

  const standard = STANDARD_INDICATOR_TYPES.find((t) => t.typeId === typeId);
  if (standard) violated('indicator-type-already-exists', `${typeId} is a standard indicator type ("${standard.label}"): every ente has it`);
  const own = (state.indicatorTypes ?? []).find((t) => t.typeId === typeId);
  if (own) {
    if (own.label === label && sameNames(own.synonyms ?? [], synonyms)) return [];
    violated('indicator-type-already-exists', `the ente already has the indicator type ${typeId} ("${own.label}"): a type is not redefined`);
  }
  for (const other of indicatorTypeCatalogue(state)) {
    const taken = namesOf(defined).find((name) => namesOf(other).some((n) => indicatorTypeKey(n) === indicatorTypeKey(name)));
    if (taken !== undefined) {
      violated(
        'indicator-type-name-taken',
        `"${taken}" already names the indicator type ${other.typeId} ("${other.label}"): a type as written must resolve to one type`,
      );
    }
  }
  return [{ type: 'IndicatorTypeDefined', data: defined.synonyms ? { typeId, label, synonyms } : { typeId, label } }];
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');
}

/**
 * The SMVP and the reminder policy are the Segretario's to record as much as the administrator's (the Giunta adopts
 * them), and so is the designation of a substitute validator (the Sindaco's decree or the Giunta's deliberation that
 * the designation must name is what makes it, not who keys it in); a person sets their own reminder preferences, and
 * the administrator may set anybody's.
 */
function ORGANISATION_GRANTS(command: OrganisationCommand): Grant[] {
  switch (command.type) {
    case 'AdoptScoringSystem':
    case 'AdoptReminderPolicy':
    case 'EndSubstituteValidatorDesignation':
      return ['admin', 'segretario'];
    // The organisation does not know who the Segretario is (roles come from tokens): a designation recorded by anyone
    // else could name any person "Segretario" and hand his validations to whoever records it.
    case 'DesignateSubstituteValidator':
      return ['segretario'];
    // The catalogue is part of how the plan is written and read, which the Segretario coordinates for the ente.
    case 'DefineIndicatorType':
      return ['segretario'];
    default:
      return ['admin'];
  }
}

/** The Segretario a designation is about: the one named, or the Segretario recording it for himself. */
function segretarioNamedIn(command: { segretarioPersonId?: string }, role: Role, context: DecisionContext): string {
  if (command.segretarioPersonId !== undefined) return command.segretarioPersonId;
  if (role === 'segretario') return context.actor.id;
  return violated('segretario-required', 'segretarioPersonId: name the Segretario whom the validator substitutes', 'segretarioPersonId');
}

/** A path as the problems write it (`policy.monitoringCampaigns[1]`) as a body's field (`policy.monitoringCampaigns.1`). */
function bodyPath(path: string | undefined): string | undefined {
  return path?.replace(/\[(\d+)\]/g, '.$1');
}

/** A person setting their own reminder preferences acts in their first role, whatever it is. */
function ownPreferences(command: OrganisationCommand, context: DecisionContext): Role | undefined {
  return command.type === 'SetReminderPreferences' && command.personId === context.actor.id ? context.actor.roles[0] : undefined;
}

function compactPerson(command: { personId: string; name: string; email?: string }) {
  return command.email ? { personId: command.personId, name: command.name, email: command.email } : { personId: command.personId, name: command.name };
}
