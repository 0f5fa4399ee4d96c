import { parse } from 'cookie';
import { type Request, type Response } from 'express';
import { ProblemException } from '../problem-details/problem';

/**
 * The web interface's session: the access token in a cookie that scripts cannot read (HttpOnly), sent only to this
 * site (SameSite=Strict) and over HTTPS when the site is served so. A request authenticated by it that changes
 * something must also carry WEB_CLIENT_HEADER: a page of another site can make a browser send the cookie with a form,
 * but not with a header of its own (that needs a CORS preflight the API never grants).
 */
export const SESSION_COOKIE = 'piao_session';
export const WEB_CLIENT_HEADER = 'x-piao-client';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session cookie's token, if the request carries one. */
export function sessionTokenOf(request: Request): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  const token = parse(header)[SESSION_COOKIE];
  return token ? token : undefined;
}

/** A request that changes something on the strength of the cookie alone, without the web client's header. */
export function isCrossSiteWrite(request: Request): boolean {
  return !SAFE_METHODS.has(request.method) && request.headers[WEB_CLIENT_HEADER] === undefined;
}

export function setSessionCookie(request: Request, response: Response, token: string, maxAgeMs: number): void {
  response.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: request.secure, path: '/', maxAge: maxAgeMs });
}

export function clearSessionCookie(request: Request, response: Response): void {
  response.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: request.secure, path: '/' });
}

export function crossSite(): ProblemException {
  return new ProblemException({
    type: '/problems/cross-site-request',
    title: 'Cross-site request refused',
    status: 403,
    detail: 'a request authenticated by the session cookie that changes something must carry the X-Piao-Client header',
  });
}
