import { ParseUUIDPipe } from '@nestjs/common';
import { validationProblem } from '../problem-details/problem';

/** A route parameter that must be a UUID: otherwise a 400 naming it, like any other bad field. */
function uuidParam(field: string): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => validationProblem([{ field, rule: 'isUuid', message: `${field} must be a UUID` }]) });
}

export const PLAN_ID = uuidParam('planId');
export const OBJECTIVE_ID = uuidParam('objectiveId');
