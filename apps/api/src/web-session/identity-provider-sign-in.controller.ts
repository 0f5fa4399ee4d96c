import { Controller, Get, Logger, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { type Request, type Response } from 'express';
import { AppConfig } from '@piao/config';
import { Public } from '../auth/auth.guard';
import { ApiProblems } from '../openapi/api-problems';
import { notFound, validationProblem } from '../problem-details/problem';
import { IdentityProviderSignIn, PENDING_SIGN_IN_MS, SignInFailed, type SignInFailure } from './identity-provider-sign-in';
import { clearPendingSignInCookie, isInterfacePath, pendingSignInOf, setIdTokenCookie, setPendingSignInCookie, setSessionCookie } from './session-cookie';

/** The page the interface opens once signed in, when the sign-in named none. */
const DEFAULT_RETURN_TO = '/app/plans';

export class IdentityProviderSignInQueryDto {
  @ApiPropertyOptional({ description: 'The page of the interface to open once signed in (a path under /app)', example: '/app/plans', maxLength: 2048 })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  returnTo?: string;
}

/** A redirect the browser follows, without a body (express's would be a page of text). */
function seeOther(response: Response, location: string): void {
  response.status(303).location(location).end();
}

const LOCATION = { Location: { description: 'Where the browser goes next', schema: { type: 'string' } } };

/**
 * The browser sign-in through the ente's identity provider (docs/web.md, "Signing in"). Both routes are navigations
 * of the browser, not calls of the page: they answer with redirects (303), and a sign-in that fails sends the browser
 * back to the sign-in page with `?error=` naming why (`denied`, `expired`, `refused`, `token-refused`,
 * `provider-unavailable`), which the page says in Italian. The details go to the log, not to the browser.
 */
@ApiTags('session')
@Controller('session/oidc')
export class IdentityProviderSignInController {
  private readonly logger = new Logger('IdentityProviderSignIn');

  constructor(
    private readonly config: AppConfig,
    private readonly signIn: IdentityProviderSignIn,
  ) {}

  @Public()
  @Get('sign-in')
  @ApiOperation({
    operationId: 'beginIdentityProviderSignIn',
    security: [],
    summary: 'Sign in through the identity provider (a browser navigation)',
    description: [
      'Public. Sends the browser to the identity provider (OpenID Connect authorization code flow with PKCE) and remembers the',
      'sign-in under way in a short-lived HttpOnly cookie. Open when `OIDC_CLIENT_ID` is set; 404 otherwise.',
      'When the provider cannot be reached, the browser is sent back to the sign-in page with `?error=provider-unavailable`.',
    ].join('\n'),
  })
  @ApiResponse({ status: 303, description: 'To the provider’s authorization endpoint (or back to the sign-in page)', headers: LOCATION })
  @ApiProblems([400, '`returnTo` is not a page of the interface (a path under /app)'], [404, 'No identity provider is configured for the browser sign-in'])
  async begin(@Req() request: Request, @Res() response: Response, @Query() query: IdentityProviderSignInQueryDto): Promise<void> {
    if (!this.signIn.open) throw notFound('The sign-in through an identity provider');
    const returnTo = query.returnTo ?? DEFAULT_RETURN_TO;
    // Only a page of the interface: never a redirect to another site once signed in.
    if (!isInterfacePath(returnTo)) {
      throw validationProblem([{ field: 'returnTo', rule: 'interface-path', message: 'returnTo must be a path of the web interface, under /app' }]);
    }
    response.setHeader('Cache-Control', 'no-store');
    try {
      const { authorizationUrl, pending } = await this.signIn.begin(returnTo);
      setPendingSignInCookie(this.config, request, response, pending, PENDING_SIGN_IN_MS);
      seeOther(response, authorizationUrl.href);
    } catch (error) {
      if (!(error instanceof SignInFailed)) throw error;
      this.logger.warn(`sign-in through the identity provider not completed (${error.failure}): ${error.message}`);
      seeOther(response, signInPage(error.failure));
    }
  }

  @Public()
  @Get('callback')
  @ApiOperation({
    operationId: 'completeIdentityProviderSignIn',
    security: [],
    summary: 'Where the identity provider sends the browser back',
    description: [
      'Public. Takes the provider’s answer (`code`, `state`, or `error`), checks it against the sign-in under way, exchanges the',
      'code for tokens with the PKCE verifier, verifies the access token like any bearer token (issuer, audience, keys, ente and',
      'roles), and opens the session (the HttpOnly cookie of `POST /session/development`) until the token expires. Then to the',
      'page the sign-in named, or to the sign-in page with `?error=`.',
    ].join('\n'),
  })
  @ApiResponse({ status: 303, description: 'To the interface, signed in, or back to the sign-in page with `?error=`', headers: LOCATION })
  @ApiProblems([404, 'No identity provider is configured for the browser sign-in'])
  async complete(@Req() request: Request, @Res() response: Response): Promise<void> {
    if (!this.signIn.open) throw notFound('The sign-in through an identity provider');
    response.setHeader('Cache-Control', 'no-store');
    const pending = pendingSignInOf(this.config, request);
    // Whatever happens next, this sign-in's state is used once.
    clearPendingSignInCookie(this.config, request, response);
    if (!pending) {
      seeOther(response, signInPage('expired'));
      return;
    }
    // Everything after the first `?`: a provider's error_description may hold another one.
    const query = request.originalUrl.indexOf('?');
    const search = new URLSearchParams(query < 0 ? '' : request.originalUrl.slice(query + 1));
    try {
      const session = await this.signIn.finish(search, pending);
      const lifetimeMs = Math.max(0, session.expiresAt - Date.now());
      setSessionCookie(this.config, request, response, session.token, lifetimeMs);
      if (session.idToken) setIdTokenCookie(this.config, request, response, session.idToken, lifetimeMs);
      seeOther(response, pending.returnTo);
    } catch (error) {
      if (!(error instanceof SignInFailed)) throw error;
      this.logger.warn(`sign-in through the identity provider not completed (${error.failure}): ${error.message}`);
      seeOther(response, signInPage(error.failure));
    }
  }
}

function signInPage(failure: SignInFailure): string {
  return `/app/sign-in?error=${failure}`;
}
