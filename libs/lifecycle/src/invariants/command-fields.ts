import { violated } from '../access/rule-violation';
import { objectiveDefinitionProblems } from '../objective/definition-invariants';
import { Fields, isRecord, Problems, scanJson, show } from './json-values';
import { isPersonId, REMINDER_CHANNELS } from '../reminders/reminder-policy';

/**
 * What each field of a command must be, checked at run time by `refuseMalformedCommand` before `decide`
 * looks at the command:
 * - `id`: a non-empty text naming something (value-invalid); `value`: a text (value-invalid);
 * - `text`: a free text; `name`: a non-empty free text (text-invalid);
 * - `date`: an ISO calendar date `YYYY-MM-DD` (date-invalid: the HTTP layer converts `31/07/2025` before);
 * - `percent`: a finite number 0–100; `year`: an integer 2000–2100 (value-invalid);
 * - `act`: a Giunta act, `{ number, date }`;
 * - `definition`: an objective definition (definition-invalid, see `objectiveDefinitionProblems`);
 * - `scoring-system`: left to `scoringSystemProblems` (scoring-system-invalid); `reminder-policy`: left to
 *   `reminderPolicyProblems` (reminder-policy-invalid);
 * - `ids`: a list of ids; `channels`: a list of reminder channels; `names`: a list of at most 50 non-empty texts (value-invalid);
 * - a list of strings: one of them (value-invalid);
 * - `revision`: a stream's revision, an integer from 0 (value-invalid);
 * - `{ listOf: { field: spec } }`: a list of objects, each field as its spec says (`optional: true` accepts absence);
 * - `{ objectOf: { field: spec } }`: one object, each field as its spec says (`optional: true` accepts absence).
 * A trailing `?` accepts absence (`undefined`, never `null`).
 */
export type FieldKind =
  | 'id'
  | 'ids'
  | 'names'
  | 'value'
  | 'text'
  | 'name'
  | 'date'
  | 'percent'
  | 'year'
  | 'revision'
  | 'act'
  | 'definition'
  | 'scoring-system'
  | 'reminder-policy'
  | 'channels'
  | 'flag';
export type FieldSpec = FieldKind | `${FieldKind}?` | readonly string[] | ListSpec | ObjectSpec;
export interface ListSpec {
  readonly listOf: Readonly<Record<string, FieldSpec>>;
  readonly optional?: boolean;
}
export interface ObjectSpec {
  readonly objectOf: Readonly<Record<string, FieldSpec>>;
  readonly optional?: boolean;
}

type FieldsOf<C, T> = Exclude<keyof Extract<C, { type: T }>, 'type'>;

/**
 * Every field of every command, with what it must be. The type requires them all: a field added to a command
 * does not compile until it says what it must be, so that nothing reaches the log unchecked.
 */
export type CommandFields<C extends { type: string }> = { readonly [T in C['type']]: { readonly [K in FieldsOf<C, T>]-?: FieldSpec } };

/** At most this many problems are spelled out in the violation's message. */
const MESSAGE_PROBLEMS = 20;

/**
 * Refuses a command the rest of the system could not use, whoever sends it: a RuleViolation named after the
 * first problem's rule (`definition-invalid`, `date-invalid`, `value-invalid`, `text-invalid`), listing every
 * problem of that rule with its path. Beyond the declared fields, everything the command carries is walked as
 * JSON: no `__proto__`/`constructor`/`prototype` key, no NUL or lone surrogate in any text, no NaN or Infinity.
 */
export function refuseMalformedCommand<C extends { type: string }>(command: C, table: CommandFields<C>): void {
  const input: unknown = command;
  if (!isRecord(input)) return violated('value-invalid', `a command must be an object, not ${show(input)}`);
  const { type } = input;
  if (typeof type !== 'string' || !Object.hasOwn(table, type)) return violated('value-invalid', `type: ${show(type)} is not a command here`);
  const declared = table[type as C['type']] as Readonly<Record<string, FieldSpec>>;
  const specOf = (key: string): FieldSpec | undefined => (Object.hasOwn(declared, key) ? declared[key] : undefined);

  // A malformed definition is refused before anything (permissions included) reads it.
  for (const [key, spec] of Object.entries(declared)) {
    if (kindOf(spec) !== 'definition' || (input[key] === undefined && isOptional(spec))) continue;
    const found = objectiveDefinitionProblems(input[key]);
    if (found.length > 0) violated('definition-invalid', summarise(found));
  }

  const problems = new Problems();
  const fields = new Fields(problems, input, '', false);
  for (const [key, spec] of Object.entries(declared)) checkField(fields, key, spec);

  const rest: Record<string, unknown> = {};
  for (const key of Object.keys(input)) {
    const kind = kindOf(specOf(key));
    if (key === 'type' || kind === 'definition' || kind === 'scoring-system' || kind === 'reminder-policy') continue;
    Object.defineProperty(rest, key, { value: input[key], enumerable: true }); // an own `__proto__` stays an own key
  }
  scanJson(rest, '', problems);

  const all = problems.all;
  if (all.length === 0) return;
  const rule = all[0].rule;
  violated(rule, summarise(all.filter((p) => p.rule === rule).map(({ path, message }) => `${path}: ${message}`)));
}

function isOptional(spec: FieldSpec): boolean {
  if (isListSpec(spec) || isObjectSpec(spec)) return spec.optional === true;
  return typeof spec === 'string' && spec.endsWith('?');
}

function isListSpec(spec: FieldSpec): spec is ListSpec {
  return typeof spec === 'object' && 'listOf' in spec;
}

function isObjectSpec(spec: FieldSpec): spec is ObjectSpec {
  return typeof spec === 'object' && 'objectOf' in spec;
}

function kindOf(spec: FieldSpec | undefined): FieldKind | Exclude<FieldSpec, string> | undefined {
  return typeof spec === 'string' ? (spec.replace(/\?$/, '') as FieldKind) : spec;
}

function checkField(command: Fields, key: string, spec: FieldSpec): void {
  const presence = isOptional(spec) ? 'optional' : 'required';
  if (isListSpec(spec)) {
    const fields = Object.entries(spec.listOf);
    command.eachObject(key, presence, `an object with ${fields.map(([name]) => name).join(', ')}`, (item) => {
      for (const [name, itemSpec] of fields) checkField(item, name, itemSpec);
    });
    return;
  }
  if (isObjectSpec(spec)) {
    const fields = Object.entries(spec.objectOf);
    const object = command.object(key, presence, `an object with ${fields.map(([name]) => name).join(', ')}`);
    if (object) for (const [name, itemSpec] of fields) checkField(object, name, itemSpec);
    return;
  }
  const kind = kindOf(spec);
  if (kind === undefined || isListSpec(kind) || isObjectSpec(kind)) return;
  if (typeof kind !== 'string') {
    command.oneOf(key, kind, presence);
    return;
  }
  switch (kind) {
    case 'id':
      command.id(key, presence);
      return;
    case 'value':
      command.text(key, presence, 'value-invalid');
      return;
    case 'text':
      command.text(key, presence);
      return;
    case 'name':
      if (presence === 'required' || command.record[key] !== undefined) command.text(key, 'non-empty');
      return;
    case 'date':
      command.date(key, presence);
      return;
    case 'percent':
      command.number(key, { presence, min: 0, max: 100 });
      return;
    case 'flag':
      command.boolean(key);
      return;
    case 'year':
      command.number(key, { presence, integer: true, min: 2000, max: 2100 });
      return;
    case 'revision':
      command.number(key, { presence, integer: true, min: 0 });
      return;
    case 'act': {
      const act = command.object(key, presence, 'an object with number and date');
      act?.id('number');
      act?.date('date', 'required');
      return;
    }
    case 'ids':
    case 'channels': {
      const value = command.record[key];
      if (value === undefined && presence === 'optional') return;
      const valid =
        Array.isArray(value) &&
        value.length <= 50 &&
        value.every((v) => (kind === 'ids' ? isPersonId(v) : (REMINDER_CHANNELS as readonly unknown[]).includes(v)));
      if (!valid) command.problem('value-invalid', key, kind === 'ids' ? 'must be a list of ids' : `must be a list of ${REMINDER_CHANNELS.join(', ')}`);
      return;
    }
    case 'names': {
      const value = command.record[key];
      if (value === undefined && presence === 'optional') return;
      const valid = Array.isArray(value) && value.length <= 50 && value.every((v) => typeof v === 'string' && v.trim() !== '');
      if (!valid) command.problem('value-invalid', key, 'must be a list of at most 50 non-empty texts');
      return;
    }
    case 'definition':
    case 'scoring-system':
    case 'reminder-policy':
      return; // checked by their own functions
  }
}

function summarise(messages: string[]): string {
  const shown = messages.slice(0, MESSAGE_PROBLEMS).join('; ');
  return messages.length > MESSAGE_PROBLEMS ? `${shown}; … and ${messages.length - MESSAGE_PROBLEMS} more` : shown;
}
