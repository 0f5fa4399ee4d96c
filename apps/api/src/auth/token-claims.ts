import { type JWTPayload } from 'jose';
import { ROLES, type Actor, type Role } from '@piao/lifecycle';

/** A token that is not accepted: answered 401. Its message is shown to the client, so it never names an address. */
export class InvalidToken extends Error {}

/**
 * The longest accepted claims, in UTF-16 code units. `sub`: OpenID Connect's limit. `name` and `ente` end up in
 * stream ids, event metadata, e-mails and PDFs: a person's full name and an ente's identifier fit easily.
 */
const MAX_LENGTH = { sub: 255, name: 200, ente: 100 } as const;

/**
 * Control characters (NUL among them, which PostgreSQL refuses in text: it was a 500), lone surrogates (not text:
 * they cannot be encoded as UTF-8), line and paragraph separators, and the bidirectional marks, embeddings, overrides
 * and isolates that make a name display as something else.
 */
const NOT_TEXT = /[\p{Cc}\p{Cs}\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** The actor a verified token speaks for, or InvalidToken when a claim is missing, too long or not plain text. */
export function actorFromClaims(payload: JWTPayload): Actor {
  const { sub, name, ente, roles } = payload as JWTPayload & { name?: unknown; ente?: unknown; roles?: unknown };
  const id = text(sub, 'sub', 'the token has no subject (sub)');
  const fullName = text(name, 'name', 'the token has no name');
  const enteId = text(ente, 'ente', 'the token names no ente');
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => (ROLES as readonly unknown[]).includes(r))) {
    throw new InvalidToken(`the token's roles must be a non-empty list of: ${ROLES.join(', ')}`);
  }
  return { id, name: fullName, ente: enteId, roles: [...new Set(roles as Role[])] };
}

function text(value: unknown, claim: keyof typeof MAX_LENGTH, missing: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidToken(missing);
  if (value.length > MAX_LENGTH[claim]) throw new InvalidToken(`the token's ${claim} claim is longer than ${MAX_LENGTH[claim]} characters`);
  if (NOT_TEXT.test(value)) throw new InvalidToken(`the token's ${claim} claim holds control or invisible formatting characters`);
  return value;
}
