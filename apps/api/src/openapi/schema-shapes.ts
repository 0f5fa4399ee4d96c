import { type Type } from '@nestjs/common';
import { getSchemaPath } from '@nestjs/swagger';

/**
 * Null, as a schema of its own: OpenAPI 3.0 has no `null` type, and `nullable` needs a `type` beside it (which a `$ref`
 * may not have). For the alternatives below.
 */
export const NULL_ONLY = { type: 'object', nullable: true, enum: [null], description: 'null' };

/**
 * A property holding a class's schema or null: `anyOf` the class and null. Nest's own form (`type: 'object'`,
 * `nullable` and `allOf`) admits no null to a validator that reads `allOf` strictly, and `nullable` beside a bare
 * `oneOf` is an error to the linters (no `type`).
 */
export function nullableRef(type: Type<unknown>, description?: string) {
  return { anyOf: [{ $ref: getSchemaPath(type) }, NULL_ONLY], ...(description ? { description } : {}) };
}

/** Any JSON value, null included: a changed field's old or new value. */
export const ANY_JSON = {
  anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'object', additionalProperties: true }, { type: 'array', items: {} }, NULL_ONLY],
};
