import { parse } from 'cookie';
import { type Request, type Response } from 'express';
import { type AppConfig } from '@piao/config';
import { ProblemException } from '../problem-details/problem';
import { type PendingSignIn } from './identity-provider-sign-in';

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
export const WEB_CLIENT_HEADER = 'x-piao-client';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function servedOverHttps(config: AppConfig): boolean {
  return new URL(config.PUBLIC_BASE_URL).protocol === 'https:';
}

/** A cookie's name on this installation: host-only (`__Host-`) when served over HTTPS. */
function cookieName(config: AppConfig, name: string): string {
  return servedOverHttps(config) ? `__Host-${name}` : name;
}

/** The session cookie's name on this installation. */
export function sessionCookieName(config: AppConfig): string {
  return cookieName(config, SESSION_COOKIE);
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

/**
 * The sign-in under way at the identity provider (identity-provider-sign-in.ts): its state, nonce and PKCE verifier,
 * for the callback only. SameSite=Lax, unlike the session: the provider's redirect back is a navigation another site
 * started, and a Strict cookie would not come with it. HttpOnly, short-lived, and read back only as that shape.
 */
const PENDING_SIGN_IN_COOKIE = 'piao_sign_in';

function pendingSignInCookieName(config: AppConfig): string {
  return cookieName(config, PENDING_SIGN_IN_COOKIE);
}

export function setPendingSignInCookie(config: AppConfig, request: Request, response: Response, pending: PendingSignIn, maxAgeMs: number): void {
  const value = Buffer.from(JSON.stringify(pending)).toString('base64url');
  response.cookie(pendingSignInCookieName(config), value, { ...cookieOptions(config, request), sameSite: 'lax', maxAge: maxAgeMs });
}

/** The pending sign-in the browser brought back, or undefined when it brought none or not that shape. */
export function pendingSignInOf(config: AppConfig, request: Request): PendingSignIn | undefined {
  const value = sessionTokenOf(request, pendingSignInCookieName(config));
  if (!value || value.length > 4096) return undefined;
  try {
    const pending = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Record<string, unknown>;
    const { state, nonce, codeVerifier, returnTo } = pending;
    if (
      [state, nonce, codeVerifier].every((v) => typeof v === 'string' && /^[A-Za-z0-9_-]{16,128}$/.test(v)) &&
      typeof returnTo === 'string' &&
      isInterfacePath(returnTo)
    ) {
      return { state, nonce, codeVerifier, returnTo } as PendingSignIn;
    }
  } catch {
    // Not JSON: not a cookie this server set.
  }
  return undefined;
}

export function clearPendingSignInCookie(config: AppConfig, request: Request, response: Response): void {
  response.clearCookie(pendingSignInCookieName(config), { ...cookieOptions(config, request), sameSite: 'lax' });
}

/**
 * The provider's ID token of a session it opened, kept beside the session cookie (same rules, same lifetime) for one
 * use: the hint of the sign-out at the provider (RP-initiated logout), so that signing out here ends the person's
 * session there too.
 */
const ID_TOKEN_COOKIE = 'piao_id_token';

export function setIdTokenCookie(config: AppConfig, request: Request, response: Response, idToken: string, maxAgeMs: number): void {
  response.cookie(cookieName(config, ID_TOKEN_COOKIE), idToken, { ...cookieOptions(config, request), maxAge: maxAgeMs });
}

export function idTokenOf(config: AppConfig, request: Request): string | undefined {
  const token = sessionTokenOf(request, cookieName(config, ID_TOKEN_COOKIE));
  return token && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token) ? token : undefined;
}

export function clearIdTokenCookie(config: AppConfig, request: Request, response: Response): void {
  response.clearCookie(cookieName(config, ID_TOKEN_COOKIE), cookieOptions(config, request));
}

/** A page of the web interface (`/app` or below), never another site (`//host`) or a path of the API. */
export function isInterfacePath(path: string): boolean {
  if (path.length > 2048 || !/^\/app(\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?[\]{}|^]*)?$/.test(path)) return false;
  // As the browser will resolve it: `%2e%2e` is `..`, and a dot segment could leave /app.
  const resolved = new URL(path, 'http://interface.invalid');
  return (resolved.pathname === '/app' || resolved.pathname.startsWith('/app/')) && !path.includes('//') && !/\/(\.|%2e)/i.test(path);
}

export function crossSite(): ProblemException {
  return new ProblemException({
    type: '/problems/cross-site-request',
    title: 'Cross-site request refused',
    status: 403,
    detail: 'a request authenticated by the session cookie that changes something must carry the X-Piao-Client header',
  });
}
