import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { validationProblem, type FieldError } from '../problem-details/problem';

/** class-validator constraint names → the rule names clients see. */
const RULE_NAMES: Record<string, string> = { whitelistValidation: 'unknown-field', nestedValidation: 'nested-object' };

/** class-validator's nested errors as the fields clients see, with their paths. */
export function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
      field,
      rule: RULE_NAMES[rule] ?? rule,
      message: rule === 'whitelistValidation' ? `${field} is not a known field` : message.replace(/^[\w.]+ /, `${field} `),
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Whitelisting, no implicit conversions ("12" is not a number), every bad field named in one 400. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationProblem(flatten(errors)),
  });
}
