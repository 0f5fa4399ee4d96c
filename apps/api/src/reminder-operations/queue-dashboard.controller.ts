import { Controller, Delete, Get, Header, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { type Request, type Response } from 'express';
import { NotPermitted } from '@piao/lifecycle';
import { AppConfig } from '@piao/config';
import { Public, type AuthenticatedRequest } from '../auth/auth.guard';
import { Context, type RequestContext } from '../commands/request-context';
import { IgnoresIdempotencyKey } from '../idempotency/idempotency.interceptor';
import { DASHBOARD_COOKIE, DASHBOARD_COOKIE_MAX_SECONDS, DASHBOARD_PATH, DASHBOARD_SESSION_PATH, dashboardRefusal } from './queue-dashboard';

/**
 * Signing in to the queue dashboard. The API authenticates with bearer tokens, which a browser does not send by itself
 * when it follows a link: so the operator's admin hands their token once (the login page does it with a fetch and an
 * Authorization header; `curl -X POST -H "Authorization: Bearer …"` works too), and gets it back as a cookie that the
 * browser sends to /admin/queues only: HttpOnly (no script reads it), SameSite=Strict (no other site's page can make
 * the browser use it), Secure over HTTPS, and living no longer than the token nor an hour. Each request to the
 * dashboard verifies the token again, exactly as the AuthGuard does. The token never travels in a URL (URLs are logged).
 * These routes exist only when REDIS_URL is set; the dashboard itself (bull-board, an express router) is not in the
 * OpenAPI document.
 */
@ApiTags('operations')
@Controller()
export class QueueDashboardController {
  constructor(private readonly config: AppConfig) {}

  @Post(DASHBOARD_SESSION_PATH)
  @HttpCode(204)
  @IgnoresIdempotencyKey()
  @ApiBearerAuth()
  @ApiOperation({
    operationId: 'openQueueDashboardSession',
    summary: 'Open the queue dashboard (/admin/queues) in this browser',
    description: [
      'Role: admin of the operator’s ente (`QUEUE_DASHBOARD_ENTE`): the dashboard shows every ente’s reminder jobs.',
      'Sets the bearer token as an HttpOnly, SameSite=Strict cookie sent to /admin/queues only, for the token’s life and at',
      'most an hour. Only with Redis (`REDIS_URL`); `Idempotency-Key` is ignored.',
    ].join('\n'),
  })
  @ApiNoContentResponse({
    description: 'Signed in: the cookie is set',
    headers: { 'Set-Cookie': { description: 'The dashboard’s cookie (`piao_queues`, Path=/admin/queues)', schema: { type: 'string' } } },
  })
  open(@Context() c: RequestContext, @Req() request: Request, @Res({ passthrough: true }) response: Response): void {
    const refusal = dashboardRefusal(c.actor, this.config);
    if (refusal) throw new NotPermitted('role-not-allowed', refusal);
    // The token the guard verified: the bearer token, or the web interface's session cookie.
    const token = (request as AuthenticatedRequest).token ?? '';
    const expiresAt = tokenExpiry(token);
    const seconds = Math.floor(Math.min(DASHBOARD_COOKIE_MAX_SECONDS, expiresAt === undefined ? Infinity : (expiresAt - Date.now()) / 1000));
    response.cookie(DASHBOARD_COOKIE, token, {
      path: DASHBOARD_PATH,
      httpOnly: true,
      sameSite: 'strict',
      secure: request.secure,
      maxAge: Math.max(0, seconds) * 1000,
    });
  }

  @Delete(DASHBOARD_SESSION_PATH)
  @HttpCode(204)
  @Public()
  @ApiOperation({
    operationId: 'closeQueueDashboardSession',
    // Public: no bearer token (an explicit empty requirement, not a forgotten one).
    security: [],
    summary: 'Close the queue dashboard in this browser',
    description: 'Public: clears the dashboard’s cookie. Only with Redis (`REDIS_URL`).',
  })
  @ApiNoContentResponse({
    description: 'Signed out: the cookie is cleared',
    headers: { 'Set-Cookie': { description: 'The dashboard’s cookie, expired', schema: { type: 'string' } } },
  })
  close(@Req() request: Request, @Res({ passthrough: true }) response: Response): void {
    response.clearCookie(DASHBOARD_COOKIE, { path: DASHBOARD_PATH, httpOnly: true, sameSite: 'strict', secure: request.secure });
  }

  @Get('/admin/queues-login')
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiProduces('text/html')
  @ApiOperation({
    operationId: 'getQueueDashboardLoginPage',
    security: [],
    summary: 'The sign-in page of the queue dashboard',
    description: 'Public: an HTML page to paste an admin’s token into, which opens the dashboard. Only with Redis (`REDIS_URL`).',
  })
  @ApiOkResponse({ description: 'The page', content: { 'text/html': { schema: { type: 'string' } } } })
  login(): string {
    return LOGIN_PAGE;
  }
}

/** The token's `exp` (ms), read without verifying it: the guard has just verified it. */
function tokenExpiry(token: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

const LOGIN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Reminder queues: sign in</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>Reminder queues</h1>
<p>Paste the bearer token of an administrator of the operator's ente. It is kept in a cookie for this dashboard only,
for at most an hour.</p>
<form id="f"><textarea id="t" rows="6" style="width: 100%" autocomplete="off" required></textarea>
<p><button type="submit">Open the dashboard</button> <span id="e" role="alert"></span></p></form>
<script>
document.getElementById('f').addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = document.getElementById('t').value.trim().replace(/^Bearer\\s+/i, '');
  const answer = await fetch('${DASHBOARD_SESSION_PATH}', { method: 'POST', headers: { Authorization: 'Bearer ' + token } });
  if (answer.status === 204) { location.href = '${DASHBOARD_PATH}'; return; }
  const problem = await answer.json().catch(() => ({}));
  document.getElementById('e').textContent = problem.detail || ('refused: ' + answer.status);
});
</script></body></html>`;
