import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { WrongExpectedRevision } from '@piao/event-store';
import { ProblemException, validationProblem } from '../problem-details/problem';
import { MAX_REVISION } from '../validation/validators';

/**
 * Optimistic concurrency in HTTP terms (docs/api.md, "ETag and If-Match"): an objective's revision is its strong entity
 * tag, `"<revision>"`; a command may pin the revision it was decided on with `If-Match` instead of `expectedRevision`,
 * and is then answered 412 rather than 409 when the objective moved on.
 */

/** The strong entity tag of an objective at a revision: `"7"`. */
export function entityTag(revision: number): string {
  return `"${revision}"`;
}

/** What `If-Match` asks: absent or `*` asks nothing; otherwise the objective must be at one of these revisions. */
export type IfMatch = { revisions: number[] } | undefined;

/** One entity tag (RFC 9110 §8.8.3): optionally weak, quoted, visible characters other than `"`. */
const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;
const REVISION = /^(0|[1-9][0-9]{0,9})$/;

function malformed(message: string): ProblemException {
  return validationProblem([{ field: 'If-Match', rule: 'entity-tag', message }]);
}

/**
 * Reads `If-Match`: `*`, or a list of entity tags. A weak tag, or a tag that is no revision, never matches (If-Match
 * compares strongly), so only the strong tags that name a revision remain; an empty list can match nothing.
 */
export function parseIfMatch(header: string | string[] | undefined): IfMatch {
  if (header === undefined) return undefined;
  const value = (Array.isArray(header) ? header.join(', ') : header).trim();
  if (value === '*') return undefined;
  // Empty list elements ("7", , "8") are ignored, as RFC 9110 §5.6.1 asks; a header without any tag is malformed.
  const tags = value
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');
  if (tags.length === 0 || tags.some((tag) => !ENTITY_TAG.test(tag))) {
    throw malformed('If-Match must be * or entity tags as ETag gives them, such as "7" (with the quotes)');
  }
  const revisions = tags
    .map((tag) => ENTITY_TAG.exec(tag)!)
    .filter(([, weak, opaque]) => !weak && REVISION.test(opaque) && Number(opaque) <= MAX_REVISION)
    .map(([, , opaque]) => Number(opaque));
  return { revisions: [...new Set(revisions)] };
}

/** Sets `ETag: "<revision>"` on the answer. */
export type RevisionTag = (revision: number) => void;

function tagOf(context: ExecutionContext): RevisionTag {
  const response = context.switchToHttp().getResponse<Response>();
  return (revision) => void response.setHeader('ETag', entityTag(revision));
}

/** The answer's `ETag`: the objective's revision. */
export const ObjectiveETag = createParamDecorator((_: unknown, context: ExecutionContext): RevisionTag => tagOf(context));

/** What the client said about the objective's revision (`If-Match`), and how to answer with its `ETag`. */
export interface RevisionPreconditions {
  readonly ifMatch: IfMatch;
  readonly tag: RevisionTag;
}

/** A command's `If-Match` (400 when it is not one), and its answer's `ETag`. */
export const Preconditions = createParamDecorator((_: unknown, context: ExecutionContext): RevisionPreconditions => ({
  ifMatch: parseIfMatch(context.switchToHttp().getRequest<Request>().headers['if-match']),
  tag: tagOf(context),
}));

/**
 * The revision a command is pinned to: `expectedRevision`, or the one `If-Match` names. Both at once must say the
 * same (400 otherwise). When If-Match lists several tags, or none that names a revision, only the current revision
 * can match: it is read and pinned, or the answer is 412 at once.
 */
export async function pinnedRevision(expectedRevision: number | undefined, ifMatch: IfMatch, current: () => Promise<number>): Promise<number | undefined> {
  if (!ifMatch) return expectedRevision;
  if (expectedRevision !== undefined) {
    if (ifMatch.revisions.length === 1 && ifMatch.revisions[0] === expectedRevision) return expectedRevision;
    throw validationProblem([
      {
        field: 'If-Match',
        rule: 'matches-expectedRevision',
        message: `If-Match (${named(ifMatch)}) and expectedRevision (${expectedRevision}) disagree: give one of them`,
      },
    ]);
  }
  if (ifMatch.revisions.length === 1) return ifMatch.revisions[0];
  const revision = await current();
  // A missing objective (or another ente's) is left to the command, which answers 404 as for any request.
  if (revision < 0) return undefined;
  if (ifMatch.revisions.includes(revision)) return revision;
  throw preconditionFailed(ifMatch, revision);
}

/** 412: the objective is no longer at the revision If-Match names. */
export function preconditionFailed(ifMatch: NonNullable<IfMatch>, currentRevision: number | null): ProblemException {
  return new ProblemException({
    type: '/problems/precondition-failed',
    title: 'The objective changed meanwhile',
    status: 412,
    detail: `If-Match (${named(ifMatch)}) does not match the objective${currentRevision === null ? '' : `, now at revision ${currentRevision}`}: reload and retry`,
    currentRevision,
  });
}

function named(ifMatch: NonNullable<IfMatch>): string {
  const tags = ifMatch.revisions.map(entityTag);
  return tags.length === 0 ? 'no revision' : tags.join(', ');
}

/** A conflict on the revision If-Match pinned is the client's precondition failing (412), not a 409. */
export function asPreconditionFailure(error: unknown, ifMatch: IfMatch): unknown {
  if (!ifMatch || !(error instanceof WrongExpectedRevision)) return error;
  return preconditionFailed(ifMatch, error.actual === 'no-stream' ? null : error.actual);
}
