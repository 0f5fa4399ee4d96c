import { parse } from 'cookie';
import { type Request, type Response } from 'express';
import { type AppConfig } from '@piao/config';
import { ProblemException } from '../problem-details/problem';

/**
 * The web interface's session: the access token in a cookie that scripts cannot read (HttpOnly), sent only to this
 * site (SameSite=Strict) and over HTTPS when the site is served so. A request authenticated by it that changes
 * something must also carry WEB_CLIENT_HEADER: a page of another site can make a browser send the cookie with a form,
 * but not with a header of its own (that needs a CORS preflight the API never grants).
 *
 * When the product is served over HTTPS (PUBLIC_BASE_URL) the cookie is `__Host-piao_session`: the browser then
 * takes it only from this host, Secure and for Path=/, so a sibling subdomain cannot plant a session of its own.
 * Over plain HTTP (development, an intranet without TLS) that prefix cannot be set, and it is `piao_session`.
 */
export const SESSION_COOKIE = 'piao_session';
const HOST_ONLY_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;
export const WEB_CLIENT_HEADER = 'x-piao-client';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function servedOverHttps(config: AppConfig): boolean {
  return new URL(config.PUBLIC_BASE_URL).protocol === 'https:';
}

/** The session cookie's name on this installation. */
export function sessionCookieName(config: AppConfig): string {
  return servedOverHttps(config) ? HOST_ONLY_SESSION_COOKIE : SESSION_COOKIE;
}

/** The session cookie's token, if the request carries one. */
export function sessionTokenOf(request: Request, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  const token = parse(header)[name];
  return token ? token : undefined;
}

/** A request that changes something on the strength of the cookie alone, without the web client's header. */
export function isCrossSiteWrite(request: Request): boolean {
  return !SAFE_METHODS.has(request.method) && request.headers[WEB_CLIENT_HEADER] === undefined;
}

/** Secure when the product is served over HTTPS, or this request came so (`trust proxy`: X-Forwarded-Proto). */
function cookieOptions(config: AppConfig, request: Request) {
  return { httpOnly: true, sameSite: 'strict' as const, secure: servedOverHttps(config) || request.secure, path: '/' };
}

export function setSessionCookie(config: AppConfig, request: Request, response: Response, token: string, maxAgeMs: number): void {
  response.cookie(sessionCookieName(config), token, { ...cookieOptions(config, request), maxAge: maxAgeMs });
}

export function clearSessionCookie(config: AppConfig, request: Request, response: Response): void {
  response.clearCookie(sessionCookieName(config), cookieOptions(config, request));
}

export function crossSite(): ProblemException {
  return new ProblemException({
    type: '/problems/cross-site-request',
    title: 'Cross-site request refused',
    status: 403,
    detail: 'a request authenticated by the session cookie that changes something must carry the X-Piao-Client header',
  });
}
