import { type Problem } from '@piao/api-client';
import { type MessageKey } from '../i18n/it';

/**
 * What the verification page says when the API has no proof to give, in the reader's terms rather than the API's: an
 * event recorded after the latest signed checkpoint (a 409 `not-yet-signed`: it is in the log, and the next checkpoint,
 * a few minutes away, will hold it) is news, not an error; an event the ente's log does not hold (404) is said so. Any
 * other problem is the page's usual alert.
 */
export function inclusionRefusal(problem: Problem): { color: 'info' | 'warning'; messageKey: MessageKey } | undefined {
  if (problem.status === 409 && problem.rule === 'not-yet-signed') return { color: 'info', messageKey: 'verification.notYetSigned' };
  if (problem.status === 404) return { color: 'warning', messageKey: 'verification.notFound' };
  return undefined;
}
