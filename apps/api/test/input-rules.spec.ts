import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { getMetadataStorage } from 'class-validator';
import { AppModule } from '../src/app.module';
import { AppConfig } from '@piao/config';

/**
 * The DTOs' rules, checked on every DTO class at once, so that a new field cannot forget one: a nested object is an
 * object (never an array), a list is an array of bounded size, a number has bounds the storage holds, a text has a
 * maximum length (docs/input-rules.md).
 */
void AppModule; // imports every controller, hence every DTO class

type Class = abstract new (...args: never[]) => unknown;
type Metadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

/** The validation rules of every request class the API declares (the configuration's own class aside), by property. */
function dtoProperties(): Map<string, Metadata[]> {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<Class, Metadata[]> };
  const properties = new Map<string, Metadata[]>();
  const names = new Map<Class, string>();
  for (const [target, list] of storage.validationMetadatas) {
    if (target === AppConfig) continue;
    // Keyed by the class itself: two classes of the same name keep their rules apart.
    const name = names.get(target) ?? `${target.name}#${names.size}`;
    names.set(target, name);
    for (const m of list) properties.set(`${name}.${m.propertyName}`, [...(properties.get(`${name}.${m.propertyName}`) ?? []), m]);
  }
  return properties;
}

/** Whether a pattern refuses every 100,000-character text of one repeated character it could otherwise take. */
function refusesLongText(pattern: unknown): boolean {
  if (!(pattern instanceof RegExp)) return false;
  return ['a', 'A', '1', '-', '_', '/', 'é', ' '].every((c) => !new RegExp(pattern.source, pattern.flags.replace('g', '')).test(c.repeat(100_000)));
}

const ruleOf = (m: Metadata) => String(m.name ?? m.constraintCls?.name ?? m.type);

describe('every DTO field declares its shape and bounds', () => {
  const properties = dtoProperties();
  const problems: string[] = [];
  for (const [property, list] of properties) {
    // The rules on the value itself, and those on each item of a list (`each: true`), kept apart.
    const own = new Set(list.filter((m) => !m.each).map(ruleOf));
    const items = new Set(list.filter((m) => m.each).map(ruleOf));
    const types = new Set(list.map((m) => m.type));
    const has = (rules: Set<string>, ...candidates: string[]) => candidates.some((c) => rules.has(c));
    if (types.has('nestedValidation') && !has(own, 'isObject', 'isArray')) problems.push(`${property}: nested, but neither an object nor an array`);
    if (has(own, 'isArray') && !has(own, 'arrayMaxSize')) problems.push(`${property}: a list without a maximum size`);
    for (const [rules, what] of [
      [own, ''],
      [items, ' (each item)'],
    ] as const) {
      if (has(rules, 'isInt', 'isNumber') && !(has(rules, 'min') && has(rules, 'max'))) problems.push(`${property}${what}: a number without both bounds`);
      // A closed list, a UUID, a date or a pattern that refuses long texts bounds a text; `/^[^\p{Cc}]+$/` does not.
      const text = has(rules, 'isString', 'matches', 'storableText');
      const boundedPattern = list.some((m) => !m.each === (what === '') && ruleOf(m) === 'matches' && refusesLongText(m.constraints?.[0]));
      if (text && !boundedPattern && !has(rules, 'maxLength', 'isIn', 'isUuid', 'isCalendarDate', 'isEmail')) {
        problems.push(`${property}${what}: a text without a maximum length`);
      }
    }
  }
  it('has found the DTOs', () => expect(properties.size).toBeGreaterThan(100));
  it('has no field without its rule', () => expect(problems).toEqual([]));
});

describe('every path parameter passes a pipe', () => {
  const controllers = (AppModule.forRoot(new AppConfig()).controllers ?? []) as Class[];
  const unpiped: string[] = [];
  let params = 0;
  for (const controller of controllers) {
    for (const method of Object.getOwnPropertyNames(controller.prototype)) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<string, { data?: unknown; pipes?: unknown[] }>;
      for (const [key, arg] of Object.entries(args)) {
        if (Number(key.split(':')[0]) !== RouteParamtypes.PARAM) continue;
        params++;
        if (!arg.pipes?.length) unpiped.push(`${controller.name}.${method}(${String(arg.data)})`);
      }
    }
  }
  it('has found the path parameters', () => expect(params).toBeGreaterThan(40));
  it('checks each of them (validation/route-params.ts)', () => expect(unpiped).toEqual([]));
});
