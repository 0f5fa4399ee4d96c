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

function dtoProperties(): Map<string, Metadata[]> {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<Class, Metadata[]> };
  const properties = new Map<string, Metadata[]>();
  for (const [target, list] of storage.validationMetadatas) {
    if (!/Dto$/.test(target.name)) continue;
    for (const m of list) {
      const key = `${target.name}.${m.propertyName}`;
      properties.set(key, [...(properties.get(key) ?? []), m]);
    }
  }
  return properties;
}

const names = (list: Metadata[]) =>
  new Set(list.map((m) => (m.type === 'customValidation' ? String(m.name ?? m.constraintCls?.name) : m.type) + (m.each ? '[]' : '')));

describe('every DTO field declares its shape and bounds', () => {
  const properties = dtoProperties();
  const problems: string[] = [];
  for (const [property, list] of properties) {
    const rules = names(list);
    const constraintNames = new Set(list.map((m) => String(m.name ?? m.constraintCls?.name ?? m.type)));
    const has = (...candidates: string[]) => candidates.some((c) => rules.has(c) || constraintNames.has(c));
    if (rules.has('nestedValidation') && !has('isObject', 'isArray')) problems.push(`${property}: nested, but neither an object nor an array`);
    if (has('isArray') && !has('arrayMaxSize')) problems.push(`${property}: a list without a maximum size`);
    if (has('isInt', 'isNumber') && !(has('min') && has('max'))) problems.push(`${property}: a number without both bounds`);
    if (has('isString') && !has('maxLength', 'isIn', 'matches', 'isUuid', 'isCalendarDate')) problems.push(`${property}: a text without a maximum length`);
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
