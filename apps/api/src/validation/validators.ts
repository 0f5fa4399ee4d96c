import { applyDecorators } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import { IsObject, IsUUID, registerDecorator, ValidateNested, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { isCalendarDate, parseCalendarDate } from '@piao/lifecycle';

/**
 * A real calendar date. ISO `YYYY-MM-DD` and Italian `DD/MM/YYYY` are accepted and stored as ISO;
 * 31/09/2024 or 2023-02-29 are refused.
 */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  const validate = (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: (args: ValidationArguments) => `${args.property} must be a real date as YYYY-MM-DD or DD/MM/YYYY`, ...options },
      validator: { validate: (value: unknown) => isCalendarDate(value) },
    });
  return applyDecorators(
    Transform(({ value }) => (typeof value === 'string' ? (parseCalendarDate(value.trim()) ?? value) : value)),
    validate as PropertyDecorator,
  );
}

/** Items of an array identified by `id` must not share one. */
export function HasUniqueIds(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'uniqueIds',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: (args: ValidationArguments) => `${args.property} must not contain two items with the same id`, ...options },
      validator: {
        validate: (value: unknown) => {
          if (!Array.isArray(value)) return true;
          const ids = value.map((item: { id?: unknown }) => item?.id).filter((id) => id !== undefined);
          return new Set(ids).size === ids.length;
        },
      },
    });
}

/** A UTF-16 surrogate without its pair: not Unicode, and PostgreSQL refuses it in jsonb. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A text PostgreSQL can store: no NUL, no lone surrogate (free text otherwise: new lines and tabs are fine). */
export function IsStorableText(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'storableText',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: (args: ValidationArguments) => `${args.property} must not contain a NUL character or a lone surrogate`, ...options },
      validator: { validate: (value: unknown) => typeof value !== 'string' || (!value.includes('\u0000') && !LONE_SURROGATE.test(value)) },
    });
}

/** A query string's whole number as a number (query values arrive as text); anything else is left for the validators to refuse. */
export const ToInteger = (): PropertyDecorator => Transform(({ value }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value));

/**
 * A nested object of the given class: an object, never an array or a scalar (`definition: []` would otherwise pass
 * as a list of nothing to validate and reach the domain as an array).
 */
export function NestedObject(type: () => new () => object): PropertyDecorator {
  return applyDecorators(IsObject(), ValidateNested(), Type(type));
}

/** Revisions and log sizes: what a PostgreSQL integer holds. */
export const MAX_REVISION = 2_147_483_647;
/** Amounts and measured values: beyond it a double no longer holds every whole number (2^53). */
export const MAX_QUANTITY = 1e15;

/** A UUID in any case, kept in lower case as ids are stored: `ABC…` and `abc…` name the same objective. */
export function IsUuidAnyCase(field: string): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => (typeof value === 'string' ? value.toLowerCase() : value)),
    IsUUID('all', { message: `${field} must be a UUID` }),
  );
}
