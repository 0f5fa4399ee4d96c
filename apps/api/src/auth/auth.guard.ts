import { createParamDecorator, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type Request, type Response } from 'express';
import { type Actor } from '@piao/lifecycle';
import { ProblemException } from '../problem-details/problem';
import { InvalidToken, TokenVerifier } from './token-verifier';
import { AppConfig } from '@piao/config';
import { crossSite, isCrossSiteWrite, sessionCookieName, sessionTokenOf } from '../web-session/session-cookie';

const PUBLIC = 'piao:public';
/** Marks a route reachable without a token (health checks). */
export const Public = () => SetMetadata(PUBLIC, true);

/** The request once the guard let it through: the actor, and the token that vouched for them. */
export type AuthenticatedRequest = Request & { actor?: Actor; token?: string };

/**
 * Applied to every route: no valid token, no access. The token is the bearer token, or else the web interface's
 * session cookie (docs/web.md), which alone does not let a request change anything without the web client's header.
 * An Authorization header of another scheme (a browser's Basic credentials for a proxy in front) leaves the cookie
 * in force.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly cookie: string;

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly reflector: Reflector,
    config: AppConfig,
  ) {
    this.cookie = sessionCookieName(config);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const bearer = bearerTokenOf(request.headers.authorization);
    const token = bearer ?? this.fromCookie(request);
    // What a session reads is not kept by the browser: another person signing in on the same browser must not be
    // shown it (an NdV's evaluation not shared yet, revalidated by its ETag alone, would be).
    if (bearer === undefined) context.switchToHttp().getResponse<Response>().setHeader('Cache-Control', 'no-store');
    try {
      request.actor = await this.verifier.verify(token);
      request.token = token;
    } catch (error) {
      if (error instanceof InvalidToken) throw unauthorized(error.message);
      throw error;
    }
    return true;
  }

  private fromCookie(request: Request): string {
    const token = sessionTokenOf(request, this.cookie);
    if (!token) throw unauthorized('a bearer token is required');
    if (isCrossSiteWrite(request)) throw crossSite();
    return token;
  }
}

/** The bearer token of the header; undefined without one or with another scheme (a malformed Bearer is refused). */
function bearerTokenOf(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const [scheme, token] = authorization.split(' ');
  if (scheme !== 'Bearer') return undefined;
  if (!token) throw unauthorized('a bearer token is required');
  return token;
}

function unauthorized(detail: string): ProblemException {
  return new ProblemException({ type: '/problems/unauthenticated', title: 'Authentication required', status: 401, detail });
}

/** The authenticated actor of the request. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (!actor) throw unauthorized('a bearer token is required');
  return actor;
});
