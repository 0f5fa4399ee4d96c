import { type PipeTransform } from '@nestjs/common';
import { notFound, validationProblem } from '../problem-details/problem';

/**
 * Every path parameter passes one of these pipes: a value the route cannot use is a 400 naming the parameter, before
 * it reaches a query (apps/api/test/input-rules.spec.ts checks that no `@Param` goes without one).
 */
interface RouteParamRule {
  accepts: (value: string) => boolean;
  /** The answer to a value it does not accept: a 400 naming the parameter unless said otherwise. */
  refusal: () => Error;
  normalise?: (value: string) => string;
}

class RouteParam implements PipeTransform<unknown, string> {
  constructor(private readonly rule: RouteParamRule) {}

  transform(value: unknown): string {
    if (typeof value !== 'string' || !this.rule.accepts(value)) throw this.rule.refusal();
    return this.rule.normalise ? this.rule.normalise(value) : value;
  }
}

const badField = (field: string, rule: string, message: string) => () => validationProblem([{ field, rule, message: `${field} ${message}` }]);

/** A UUID in any case: ids are stored in lower case, and compared once lowered. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Printable text: no control character (NUL included), no lone surrogate. */
const VISIBLE = /^[^\p{Cc}\p{Cs}]+$/u;

/** Ids are stored in lower case; a client that writes a UUID in upper case means the same id. */
const uuidParam = (name: string) =>
  new RouteParam({ accepts: (v) => UUID.test(v), refusal: badField(name, 'isUuid', 'must be a UUID'), normalise: (v) => v.toLowerCase() });
const textParam = (name: string, maxLength: number, message: string) =>
  new RouteParam({ accepts: (v) => v.length <= maxLength && VISIBLE.test(v), refusal: badField(name, name, message) });

export const PLAN_ID = uuidParam('planId');
export const OBJECTIVE_ID = uuidParam('objectiveId');
export const DOSSIER_ID = uuidParam('dossierId');
export const EVENT_ID = uuidParam('eventId');
/** A person's id as the identity provider gives it (the token's `sub`), or `me`. */
export const PERSON_ID = textParam('personId', 200, 'must be `me` or a person id (at most 200 printable characters)');
export const MESSAGE_ID = textParam('messageId', 300, 'must be the id of a message');
export const DOSSIER_FILE = textParam('file', 40, 'must be fascicolo.pdf, fascicolo.json or fascicolo.csv');
/**
 * The calendar feed's secret: 32 random bytes as base64url; anything else cannot be one. A secret URL says nothing
 * about why it does not open: a malformed one is the same 404 as an unknown one.
 */
export const CALENDAR_TOKEN = new RouteParam({ accepts: (v) => /^[A-Za-z0-9_-]{20,100}$/.test(v), refusal: () => notFound('calendar feed') });
