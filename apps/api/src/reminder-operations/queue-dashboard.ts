import { Injectable, type NestMiddleware } from '@nestjs/common';
import { parse } from 'cookie';
import { type NextFunction, type Request, type Response } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { type Actor } from '@piao/lifecycle';
import { AppConfig } from '@piao/config';
import { InvalidToken, TokenVerifier } from '../auth/token-verifier';
import { PROBLEM_CONTENT_TYPE } from '../problem-details/problem';
import { type ReminderOperations } from './reminder-operations';

export const DASHBOARD_PATH = '/admin/queues';
export const DASHBOARD_LOGIN_PATH = '/admin/queues-login';
export const DASHBOARD_SESSION_PATH = '/admin/queues-session';
/** The dashboard's cookie: the admin's bearer token, sent back by the browser to /admin/queues only. */
export const DASHBOARD_COOKIE = 'piao_queues';
/** The cookie's life at most (the token's own expiry, when sooner, ends it first). */
export const DASHBOARD_COOKIE_MAX_SECONDS = 3_600;

/**
 * Who may open the dashboard: it shows (and lets one retry, promote or remove) the reminder jobs of every ente, so it
 * belongs to the installation's operator, not to an ente: an `admin` of the ente named by QUEUE_DASHBOARD_ENTE.
 * Returns why not, or undefined.
 */
export function dashboardRefusal(actor: Actor, config: AppConfig): string | undefined {
  if (!actor.roles.includes('admin')) return 'the queue dashboard is reserved to: admin';
  if (!config.QUEUE_DASHBOARD_ENTE) return 'the queue dashboard is closed: QUEUE_DASHBOARD_ENTE does not name the operator’s ente';
  if (actor.ente !== config.QUEUE_DASHBOARD_ENTE) return 'the queue dashboard shows every ente’s reminders: it is reserved to the operator’s admins';
  return undefined;
}

/** bull-board (the express adapter) over the reminder queues, served under /admin/queues. */
export function queueDashboardRouter(operations: ReminderOperations) {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: operations.queues.map((queue) => new BullMQAdapter(queue, { description: 'reminders (apps/worker)' })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'PIAO reminders' } },
  });
  return serverAdapter.getRouter() as (request: Request, response: Response, next: NextFunction) => void;
}

/**
 * In front of the dashboard (Nest's AuthGuard does not see express routers): the token comes from the dashboard's
 * cookie (set by POST /admin/queues-session) or an Authorization header, and is verified as the guard would. A page
 * asked for without one goes to the login page; anything else is answered 401 or 403 as a problem.
 */
@Injectable()
export class QueueDashboardAuth implements NestMiddleware {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly config: AppConfig,
  ) {}

  async use(request: Request, response: Response, next: NextFunction): Promise<void> {
    const [scheme, bearer] = (request.headers.authorization ?? '').split(' ');
    const token = scheme === 'Bearer' && bearer ? bearer : parse(request.headers.cookie ?? '')[DASHBOARD_COOKIE];
    const refuse = (status: 401 | 403, detail: string) => {
      if (status === 401 && request.method === 'GET' && (request.headers.accept ?? '').includes('text/html')) {
        response.redirect(303, DASHBOARD_LOGIN_PATH);
        return;
      }
      const title = status === 401 ? 'Authentication required' : 'Not permitted';
      const problem =
        status === 401
          ? { type: '/problems/unauthenticated', title, status, detail }
          : { type: '/problems/access/role-not-allowed', title, status, detail, rule: 'role-not-allowed' };
      response
        .status(status)
        .type(PROBLEM_CONTENT_TYPE)
        .send(JSON.stringify({ ...problem, instance: request.originalUrl }));
    };
    if (!token) return refuse(401, 'a bearer token is required: sign in at /admin/queues-login');
    let actor: Actor;
    try {
      actor = await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof InvalidToken) return refuse(401, error.message);
      return next(error);
    }
    const refusal = dashboardRefusal(actor, this.config);
    if (refusal) return refuse(403, refusal);
    next();
  }
}
