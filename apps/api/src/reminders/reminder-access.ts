import { type Actor } from '@piao/lifecycle';

/** The person a `/people/{personId}` route is about (the PERSON_ID pipe checked the text): `me` is the token's own subject. */
export function personOf(actor: Actor, personId: string): string {
  return personId === 'me' ? actor.id : personId;
}
