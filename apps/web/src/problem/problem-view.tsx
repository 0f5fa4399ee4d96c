import { Alert } from 'design-react-kit';
import { type Problem } from '@piao/api-client';
import { hasMessage, t } from '../i18n/messages';

/** The message a person reads for a problem the API answered (the fields' own errors are shown beside the fields). */
export function problemMessage(problem: Problem): string {
  if (problem.status === 409) return t('problem.conflict');
  if (problem.status === 403) return t('problem.forbidden');
  if (problem.status === 401) return t('problem.unauthenticated');
  if (problem.status === 503 || problem.status === 0) return t('app.unavailable');
  return problem.detail ?? problem.title;
}

/**
 * The error of one field named by a problem, if any: in Italian when the catalogue knows its rule (`rule.<rule>`),
 * else the API's own message (in English, precise: better than nothing).
 */
export function fieldError(problem: Problem | undefined, field: string): string | undefined {
  const error = problem?.errors?.find((e) => e.field === field);
  if (!error) return undefined;
  const key = `rule.${error.rule}`;
  return hasMessage(key) ? t(key) : error.message;
}

export function ProblemAlert({ problem }: { problem: Problem | undefined }) {
  if (!problem) return null;
  return (
    <Alert color="danger" role="alert">
      {problemMessage(problem)}
    </Alert>
  );
}
