import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../openapi/api-problems';
import { type Request, type Response } from 'express';
import { type Actor } from '@piao/lifecycle';
import { AppConfig, DEVELOPMENT_JWT_SECRET } from '@piao/config';
import { CurrentActor, Public } from '../auth/auth.guard';
import { mintDevelopmentToken } from '../auth/development-token';
import { notFound } from '../problem-details/problem';
import { clearIdTokenCookie, clearSessionCookie, crossSite, idTokenOf, isCrossSiteWrite, setSessionCookie } from './session-cookie';
import { DevelopmentSignInDto, SessionView, SignInOptionsView, SignOutView } from './session.dto';
import { IdentityProviderSignIn } from './identity-provider-sign-in';

/** A development session lasts a working day, like a token of `npm run token`. */
const DEVELOPMENT_SESSION_MS = 8 * 60 * 60 * 1000;

/**
 * The web interface's session (docs/web.md): who is signed in, the development sign-in of the embedded default, and
 * sign-out. The token lives in an HttpOnly cookie (session-cookie.ts); API clients keep sending bearer tokens.
 */
@ApiTags('session')
@Controller('session')
export class SessionController {
  constructor(
    private readonly config: AppConfig,
    private readonly identityProvider: IdentityProviderSignIn,
  ) {}

  @Get()
  @ApiBearerAuth()
  @ApiOperation({
    operationId: 'getSession',
    summary: 'Who is signed in',
    description: 'The person, ente and roles of the session cookie or the bearer token. 401 when there is neither.',
  })
  @ApiOkResponse({ type: SessionView })
  session(@CurrentActor() actor: Actor): SessionView {
    return { personId: actor.id, name: actor.name, ente: actor.ente, roles: [...actor.roles] };
  }

  @Public()
  @Get('options')
  // Public: no bearer token (an explicit empty requirement, not a forgotten one).
  @ApiOperation({
    operationId: 'getSignInOptions',
    security: [],
    summary: 'How one signs in',
    description: 'Public. Whether the development sign-in is open, and for which ente; whether the identity provider’s sign-in is.',
  })
  @ApiOkResponse({ type: SignInOptionsView })
  options(): SignInOptionsView {
    return {
      development: developmentSignInOpen(this.config),
      demoEnte: this.config.DEMO_ENTE,
      identityProvider: this.config.OIDC_CLIENT_ID !== undefined,
    };
  }

  @Public()
  @Post('development')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'signInForDevelopment',
    security: [],
    summary: 'Sign in as a person of the demo ente (development only)',
    description: [
      'Public. Opens a session as the person and role given, with a token signed by the development secret, in an HttpOnly cookie.',
      'The ente is always `DEMO_ENTE`. Only on the embedded default: 404 in production, with an identity provider (`OIDC_JWKS_URL`),',
      'with a `JWT_SECRET` of the installation’s own, or with `DEVELOPMENT_SIGN_IN=false`.',
      'The request must carry `X-Piao-Client: web` (a page of another site cannot send it).',
    ].join('\n'),
  })
  @ApiOkResponse({ type: SessionView })
  @ApiProblems(
    [403, 'Without the `X-Piao-Client` header (`/problems/cross-site-request`)'],
    [404, 'The development sign-in is closed here (production, an identity provider, a secret of the installation’s own, or `DEVELOPMENT_SIGN_IN=false`)'],
  )
  async signIn(@Req() request: Request, @Res({ passthrough: true }) response: Response, @Body() body: DevelopmentSignInDto): Promise<SessionView> {
    if (!developmentSignInOpen(this.config)) throw notFound('The development sign-in');
    if (isCrossSiteWrite(request)) throw crossSite();
    const claims = { sub: body.personId, name: body.name, ente: this.config.DEMO_ENTE, roles: [body.role] };
    const token = await mintDevelopmentToken(claims, this.config.JWT_SECRET!, {
      expiresIn: `${DEVELOPMENT_SESSION_MS / 1000}s`,
      issuer: this.config.OIDC_ISSUER,
      audience: this.config.OIDC_AUDIENCE,
    });
    setSessionCookie(this.config, request, response, token, DEVELOPMENT_SESSION_MS);
    return { personId: claims.sub, name: claims.name, ente: claims.ente, roles: claims.roles };
  }

  @Public()
  @Post('sign-out')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'signOut',
    security: [],
    summary: 'Sign out',
    description: [
      'Public. The browser forgets the session: its cookie is cleared. The token itself stays valid until it expires (8 hours at most for',
      'the development sign-in), like any bearer token. Needs `X-Piao-Client: web`, so that another site cannot sign a browser out.',
      'A session opened by the identity provider answers 200 with the provider’s sign-out address (RP-initiated logout), where the',
      'browser goes next to end the person’s session there too; 204 otherwise.',
    ].join('\n'),
  })
  @ApiNoContentResponse({ description: 'Signed out' })
  @ApiOkResponse({
    type: SignOutView,
    description: 'Signed out here; the session came from the identity provider: the browser goes on to `providerSignOutUrl` to end it there too',
  })
  @ApiProblems([403, 'Without the `X-Piao-Client` header (`/problems/cross-site-request`)'])
  async signOut(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<SignOutView | undefined> {
    if (isCrossSiteWrite(request)) throw crossSite();
    clearSessionCookie(this.config, request, response);
    const idToken = idTokenOf(this.config, request);
    if (idToken) clearIdTokenCookie(this.config, request, response);
    if (!idToken || !this.identityProvider.open) return undefined;
    const providerSignOutUrl = await this.identityProvider.signOutUrl(idToken);
    if (!providerSignOutUrl) return undefined;
    response.status(200);
    return { providerSignOutUrl };
  }
}

/**
 * Never in production, never beside an identity provider, and only while tokens are signed with the built-in
 * development secret (or the test suite's, NODE_ENV=test): an installation with a secret of its own (a gateway's)
 * never lets anyone mint tokens with it, whatever NODE_ENV says.
 */
export function developmentSignInOpen(config: AppConfig): boolean {
  const developmentSecret = config.JWT_SECRET === DEVELOPMENT_JWT_SECRET || (config.NODE_ENV === 'test' && config.JWT_SECRET !== undefined);
  return config.NODE_ENV !== 'production' && config.DEVELOPMENT_SIGN_IN === 'true' && !config.OIDC_JWKS_URL && developmentSecret;
}
