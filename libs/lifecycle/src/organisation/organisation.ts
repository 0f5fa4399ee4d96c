import { type DecisionContext, type Role } from '../access/actor';
import { actingRole, type Grant } from '../access/permissions';
import { violated } from '../access/rule-violation';
import { refuseMalformedCommand, type CommandFields } from '../invariants/command-fields';
import { type CalendarDate } from '../calendar/calendar-date';
import { scoringSystemProblems, type ScoringSystem } from '../scoring/scoring-system';
import { reminderPolicyProblems, type ReminderChannel, type ReminderPolicy, type ReminderPreferences } from '../reminders/reminder-policy';

export const UNIT_KINDS = ['settore', 'direzione', 'servizio', 'ufficio', 'centro-di-responsabilita', 'altro'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

type Event<Type extends string, Data> = { type: Type; data: Data };
export type OrganisationEvent =
  | Event<'UnitCreated', { unitId: string; name: string; kind: UnitKind }>
  | Event<'PersonRegistered', { personId: string; name: string; email?: string }>
  /** `to` is the last day of the headship; absent while it is open-ended. */
  | Event<'UnitHeadAssigned', { unitId: string; personId: string; from: CalendarDate; to?: CalendarDate }>
  | Event<'UnitHeadshipEnded', { unitId: string; personId: string; from: CalendarDate; to: CalendarDate }>
  /** The ente's SMVP: how achievement becomes a score. The act that adopted it travels in the metadata. */
  | Event<'ScoringSystemAdopted', { system: ScoringSystem }>
  /** The ente's reminder policy (BRIEF §5), as a whole: each adoption is a new version. */
  | Event<'ReminderPolicyAdopted', { policy: ReminderPolicy }>
  | Event<'ReminderPreferencesSet', { personId: string; channels: ReminderChannel[]; copyTo: string[] }>;

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
  /** Absent until the ente adopts one: the default (linear) applies. */
  scoringSystem?: ScoringSystem;
  /** Absent until the ente adopts one: DEFAULT_REMINDER_POLICY applies. */
  reminderPolicy?: ReminderPolicy;
  /** Per person; absent: e-mail and in-app, no copies. */
  reminderPreferences?: Record<string, ReminderPreferences>;
}

export const EMPTY_ORGANISATION: OrganisationState = { units: {}, people: {}, headships: [] };

type Command<Type extends string, Data> = { type: Type } & Data;
export type OrganisationCommand =
  | Command<'CreateUnit', { unitId: string; name: string; kind: UnitKind }>
  | Command<'RegisterPerson', { personId: string; name: string; email?: string }>
  | Command<'AssignUnitHead', { unitId: string; personId: string; from: CalendarDate; to?: CalendarDate }>
  | Command<'EndUnitHeadship', { unitId: string; personId: string; from: CalendarDate; to: CalendarDate }>
  | Command<'AdoptScoringSystem', { system: ScoringSystem }>
  | Command<'AdoptReminderPolicy', { policy: ReminderPolicy }>
  | Command<'SetReminderPreferences', { personId: string; channels: ReminderChannel[]; copyTo?: string[] }>;

/** What each field of an organisation command must be, checked before anything else reads the command. */
const ORGANISATION_COMMAND_FIELDS: CommandFields<OrganisationCommand> = {
  CreateUnit: { unitId: 'id', name: 'name', kind: UNIT_KINDS },
  RegisterPerson: { personId: 'id', name: 'name', email: 'text?' },
  AssignUnitHead: { unitId: 'id', personId: 'id', from: 'date', to: 'date?' },
  EndUnitHeadship: { unitId: 'id', personId: 'id', from: 'date', to: 'date' },
  AdoptScoringSystem: { system: 'scoring-system' },
  AdoptReminderPolicy: { policy: 'reminder-policy' },
  SetReminderPreferences: { personId: 'id', channels: 'channels', copyTo: 'ids?' },
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
    case 'ScoringSystemAdopted':
      return { ...state, scoringSystem: event.data.system };
    case 'ReminderPolicyAdopted':
      return { ...state, reminderPolicy: event.data.policy };
    case 'ReminderPreferencesSet': {
      const { personId, channels, copyTo } = event.data;
      return { ...state, reminderPreferences: { ...state.reminderPreferences, [personId]: { channels, copyTo } } };
    }
  }
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
      if (!state.units[unitId]) violated('unknown-unit', `the ente has no unit ${unitId}`);
      if (!state.people[personId]) violated('unknown-person', `the ente has no person ${personId}`);
      if (to !== undefined && to < from) violated('end-before-start', 'the headship ends before it starts');
      const clash = state.headships.find((h) => h.unitId === unitId && overlaps(h, { from, to }));
      if (clash) {
        violated(
          'headship-overlap',
          `unit ${unitId} is headed by ${clash.personId} from ${clash.from}${clash.to ? ` to ${clash.to}` : ''}: end that headship first`,
        );
      }
      return { role, events: [{ type: 'UnitHeadAssigned', data: to === undefined ? { unitId, personId, from } : { unitId, personId, from, to } }] };
    }
    case 'EndUnitHeadship': {
      const { unitId, personId, from, to } = command;
      const headship = state.headships.find((h) => h.unitId === unitId && h.personId === personId && h.from === from);
      if (!headship) violated('unknown-headship', `${personId} has no headship of ${unitId} starting ${from}`);
      if (to < from) violated('end-before-start', 'the headship ends before it starts');
      return { role, events: [{ type: 'UnitHeadshipEnded', data: { unitId, personId, from, to } }] };
    }
    case 'AdoptScoringSystem': {
      const problems = scoringSystemProblems(command.system);
      if (problems.length > 0) violated('scoring-system-invalid', problems.join('; '));
      return { role, events: [{ type: 'ScoringSystemAdopted', data: { system: command.system } }] };
    }
    case 'AdoptReminderPolicy': {
      const problems = reminderPolicyProblems(command.policy);
      if (problems.length > 0) violated('reminder-policy-invalid', problems.join('; '));
      const { segretarioPersonId, nucleoPersonIds = [] } = command.policy;
      for (const personId of [...(segretarioPersonId ? [segretarioPersonId] : []), ...nucleoPersonIds]) {
        if (!state.people[personId]) violated('unknown-person', `the ente has no person ${personId}`);
      }
      return { role, events: [{ type: 'ReminderPolicyAdopted', data: { policy: command.policy } }] };
    }
    case 'SetReminderPreferences': {
      const { personId, channels, copyTo = [] } = command;
      if (!state.people[personId]) violated('unknown-person', `the ente has no person ${personId}`);
      if (channels.length === 0) violated('value-invalid', 'channels: choose e-mail, in-app or both');
      if (new Set(channels).size !== channels.length) violated('value-invalid', 'channels: a channel is listed twice');
      for (const other of copyTo) {
        if (!state.people[other]) violated('unknown-person', `copyTo: the ente has no person ${other}`);
        if (other === personId) violated('value-invalid', 'copyTo: a person is not copied on their own reminders');
      }
      if (copyTo.length > 10) violated('value-invalid', 'copyTo: at most 10 people');
      return { role, events: [{ type: 'ReminderPreferencesSet', data: { personId, channels, copyTo: [...new Set(copyTo)] } }] };
    }
  }
}

/**
 * The SMVP and the reminder policy are the Segretario's to record as much as the administrator's (the Giunta adopts
 * them); a person sets their own reminder preferences, and the administrator may set anybody's.
 */
function ORGANISATION_GRANTS(command: OrganisationCommand): Grant[] {
  return command.type === 'AdoptScoringSystem' || command.type === 'AdoptReminderPolicy' ? ['admin', 'segretario'] : ['admin'];
}

/** A person setting their own reminder preferences acts in their first role, whatever it is. */
function ownPreferences(command: OrganisationCommand, context: DecisionContext): Role | undefined {
  return command.type === 'SetReminderPreferences' && command.personId === context.actor.id ? context.actor.roles[0] : undefined;
}

function compactPerson(command: { personId: string; name: string; email?: string }) {
  return command.email ? { personId: command.personId, name: command.name, email: command.email } : { personId: command.personId, name: command.name };
}
