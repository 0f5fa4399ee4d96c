import { type Actor } from '@piao/lifecycle';
import { validationProblem } from '../problem-details/problem';
import { VISIBLE } from './reminders.dto';

/** The person a `/people/{personId}` route is about: `me` is the token's own subject; anything else must be printable text of at most 200 characters. */
export function personOf(actor: Actor, personId: string): string {
  if (personId === 'me') return actor.id;
  if (personId.length > 200 || !VISIBLE.test(personId))
    throw validationProblem([{ field: 'personId', rule: 'personId', message: 'personId must be `me` or a person id' }]);
  return personId;
}
