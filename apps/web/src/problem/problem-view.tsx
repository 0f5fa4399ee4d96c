import { Alert } from 'design-react-kit';
import { type Problem } from '@piao/api-client';
import { hasMessage, t } from '../i18n/messages';
import { fieldLabel } from './field-label';

/** What a 409 is about: the text says whose change it was. */
export type ProblemSubject = 'objective' | 'plan';

/** The message a person reads for a problem the API answered. */
export function problemMessage(problem: Problem, subject: ProblemSubject = 'objective'): string {
  if (problem.status === 409) return t(subject === 'plan' ? 'problem.conflictPlan' : 'problem.conflict');
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

/**
 * A problem above the form: everything but the field errors shown beside the fields the form has (`shownFields`); a
 * field error the form cannot place (a field it does not show) is listed here, so nothing refused goes unsaid.
 */
export function ProblemAlert({ problem, subject, shownFields = [] }: { problem: Problem | undefined; subject?: ProblemSubject; shownFields?: string[] }) {
  if (!problem) return null;
  const unplaced = (problem.errors ?? []).filter((e) => !shownFields.includes(e.field));
  if (problem.errors && problem.errors.length > 0 && unplaced.length === 0) return null;
  return (
    <Alert color="danger" role="alert">
      {unplaced.length > 0 ? (
        <ul className="mb-0">
          {unplaced.map((e) => (
            <li key={e.field}>{t('problem.field', { field: fieldLabel(e.field), message: fieldError(problem, e.field) ?? e.message })}</li>
          ))}
        </ul>
      ) : (
        problemMessage(problem, subject)
      )}
    </Alert>
  );
}
