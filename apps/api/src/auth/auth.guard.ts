import { createParamDecorator, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type Request } from 'express';
import { type Actor } from '@piao/lifecycle';
import { ProblemException } from '../problem-details/problem';
import { InvalidToken, TokenVerifier } from './token-verifier';
import { crossSite, isCrossSiteWrite, sessionTokenOf } from '../web-session/session-cookie';

const PUBLIC = 'piao:public';
/** Marks a route reachable without a token (health checks). */
export const Public = () => SetMetadata(PUBLIC, true);

type AuthenticatedRequest = Request & { actor?: Actor };

/**
 * Applied to every route: no valid token, no access. The token is the bearer token, or else the web interface's
 * session cookie (docs/web.md), which alone does not let a request change anything without the web client's header.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = request.headers.authorization === undefined ? this.fromCookie(request) : bearerTokenOf(request.headers.authorization);
    try {
      request.actor = await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof InvalidToken) throw unauthorized(error.message);
      throw error;
    }
    return true;
  }

  private fromCookie(request: Request): string {
    const token = sessionTokenOf(request);
    if (!token) throw unauthorized('a bearer token is required');
    if (isCrossSiteWrite(request)) throw crossSite();
    return token;
  }
}

function bearerTokenOf(authorization: string): string {
  const [scheme, token] = authorization.split(' ');
  if (scheme !== 'Bearer' || !token) throw unauthorized('a bearer token is required');
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
