import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { PROBLEM_DESCRIPTIONS, problemResponse } from './openapi-conventions';

/**
 * Problems a route answers beyond those its method, parameters and security imply (openapi-conventions.ts): a 409 on
 * a download that is not ready, a 503 of its own. The description may say when.
 */
export function ApiProblems(...problems: (number | [number, string])[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...problems.map((problem) => {
      const [status, description] = Array.isArray(problem) ? problem : [problem, PROBLEM_DESCRIPTIONS[problem] ?? 'A problem'];
      return ApiResponse({ status, ...problemResponse(status, description) });
    }),
  );
}
