import { Injectable, Logger } from '@nestjs/common';
import { decodeJwt } from 'jose';
import type { Configuration } from 'openid-client';
import { type Actor } from '@piao/lifecycle';
import { AppConfig } from '@piao/config';
import { ProblemException } from '../problem-details/problem';
import { TokenVerifier } from '../auth/token-verifier';
import { InvalidToken } from '../auth/token-claims';

/** Where the provider sends the browser back, under PUBLIC_BASE_URL. */
export const CALLBACK_PATH = '/session/oidc/callback';
/** How long a sign-in may take at the provider before its pending state is forgotten. */
export const PENDING_SIGN_IN_MS = 10 * 60 * 1000;
/** How long the provider's metadata (endpoints) is used before it is read again. */
const METADATA_MAX_AGE_MS = 60 * 60 * 1000;
/** How long a request to the provider may take: a person is waiting in front of the page. */
const PROVIDER_TIMEOUT_SECONDS = 10;

/** What the browser keeps (in a cookie of its own) between leaving for the provider and coming back. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** The page of the interface to open once signed in. */
  returnTo: string;
}

/** Why a sign-in did not end in a session: the sign-in page explains each code in Italian. */
export type SignInFailure = 'denied' | 'expired' | 'refused' | 'token-refused' | 'token-too-large' | 'provider-unavailable';

/**
 * The longest token a cookie can carry: browsers keep a cookie of up to 4,096 bytes (name and value) and drop a larger
 * one in silence, which would send the person back and forth between the provider and the sign-in.
 */
const MAX_COOKIE_TOKEN = 3_900;
/** How long a provider that did not answer is not asked again: a burst of sign-ins is one request, not one each. */
const UNAVAILABLE_FOR_MS = 10_000;

export class SignInFailed extends Error {
  constructor(
    readonly failure: SignInFailure,
    why: string,
  ) {
    super(why);
  }
}

/** The session a sign-in ends in: the access token for this API, with the person it speaks for. */
export interface ProviderSession {
  token: string;
  /** The provider's ID token: the hint of the sign-out at the provider. */
  idToken?: string;
  actor: Actor;
  /** Until when the token (and so the cookie) is good, in epoch milliseconds. */
  expiresAt: number;
}

/**
 * The browser sign-in through the ente's identity provider (docs/web.md): OpenID Connect authorization code flow with
 * PKCE (S256), state and nonce, run by this server (the code is exchanged here, with the client's secret when it has
 * one), through panva's `openid-client`. The access token it receives is the session: it must pass the same
 * TokenVerifier as any bearer token (issuer, audience, the provider's keys, and the ente and roles claims), or no
 * session is opened.
 */
@Injectable()
export class IdentityProviderSignIn {
  private readonly logger = new Logger('IdentityProviderSignIn');
  private metadata?: { configuration: Configuration; readUntil: number };
  /** The discovery under way, shared by every sign-in that needs it meanwhile. */
  private discovering?: Promise<Configuration>;
  private unavailableUntil = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly tokens: TokenVerifier,
  ) {}

  /** Configured: OIDC_CLIENT_ID (loadConfig then insists on OIDC_ISSUER and OIDC_JWKS_URL). */
  get open(): boolean {
    return this.config.OIDC_CLIENT_ID !== undefined;
  }

  get redirectUri(): string {
    return new URL(CALLBACK_PATH, this.config.PUBLIC_BASE_URL).href;
  }

  /** Where to send the browser, and what it must bring back. */
  async begin(returnTo: string): Promise<{ authorizationUrl: URL; pending: PendingSignIn }> {
    const oidc = await import('openid-client');
    const configuration = await this.configuration();
    const pending: PendingSignIn = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
      returnTo,
    };
    const parameters: Record<string, string> = {
      redirect_uri: this.redirectUri,
      scope: this.config.OIDC_SCOPES,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    };
    if (this.config.OIDC_RESOURCE) parameters.resource = this.config.OIDC_RESOURCE;
    return { authorizationUrl: oidc.buildAuthorizationUrl(configuration, parameters), pending };
  }

  /** The provider's answer (the callback's query) exchanged for a session, or SignInFailed saying why not. */
  async finish(query: URLSearchParams, pending: PendingSignIn): Promise<ProviderSession> {
    const oidc = await import('openid-client');
    // The browser came back with another sign-in's answer (or an attacker's): not this browser's sign-in.
    if (query.get('state') !== pending.state) throw new SignInFailed('expired', 'the state does not match the pending sign-in');
    if (query.get('error') === 'access_denied') throw new SignInFailed('denied', 'the provider answered access_denied');
    const configuration = await this.configuration();
    const currentUrl = new URL(this.redirectUri);
    for (const [key, value] of query) currentUrl.searchParams.append(key, value);
    let token: string;
    let idToken: string | undefined;
    try {
      const answer = await oidc.authorizationCodeGrant(
        configuration,
        currentUrl,
        { pkceCodeVerifier: pending.codeVerifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true },
        this.config.OIDC_RESOURCE ? { resource: this.config.OIDC_RESOURCE } : undefined,
      );
      token = answer.access_token;
      idToken = answer.id_token;
    } catch (error) {
      throw this.failureOf(error, oidc);
    }
    let actor: Actor;
    try {
      actor = await this.tokens.verify(token);
    } catch (error) {
      if (error instanceof InvalidToken) throw new SignInFailed('token-refused', `the provider's access token is not one this API takes: ${error.message}`);
      if (error instanceof ProblemException && error.getStatus() === 503)
        throw new SignInFailed('provider-unavailable', 'the provider’s keys could not be fetched');
      throw error;
    }
    if (token.length > MAX_COOKIE_TOKEN) {
      throw new SignInFailed('token-too-large', `the access token is ${token.length} characters long, more than a cookie holds (${MAX_COOKIE_TOKEN})`);
    }
    // The ID token is only the sign-out's hint: without it, the sign-out at the provider asks the person to confirm.
    const hint = idToken && idToken.length <= MAX_COOKIE_TOKEN ? idToken : undefined;
    return { token, idToken: hint, actor, expiresAt: decodeJwt(token).exp! * 1000 };
  }

  /**
   * Where to send the browser to end the person's session at the provider too (RP-initiated logout), back to the
   * sign-in page afterwards; undefined when the provider offers no such endpoint or cannot be reached (the session
   * here is over either way).
   */
  async signOutUrl(idToken: string): Promise<string | undefined> {
    try {
      const oidc = await import('openid-client');
      const configuration = await this.configuration();
      if (!configuration.serverMetadata().end_session_endpoint) return undefined;
      return oidc.buildEndSessionUrl(configuration, { id_token_hint: idToken, post_logout_redirect_uri: this.signedOutPage }).href;
    } catch (error) {
      if (error instanceof SignInFailed) return undefined;
      throw error;
    }
  }

  /** Where the provider sends the browser after signing the person out (to register at the provider). */
  get signedOutPage(): string {
    return new URL('/app/sign-in', this.config.PUBLIC_BASE_URL).href;
  }

  /** The provider's metadata (its endpoints), read from its discovery document and kept for an hour. */
  private async configuration(): Promise<Configuration> {
    if (this.metadata && this.metadata.readUntil > Date.now()) return this.metadata.configuration;
    if (Date.now() < this.unavailableUntil) throw new SignInFailed('provider-unavailable', 'the provider did not answer a moment ago');
    this.discovering ??= this.discover().finally(() => (this.discovering = undefined));
    return this.discovering;
  }

  private async discover(): Promise<Configuration> {
    const oidc = await import('openid-client');
    const issuer = new URL(this.config.OIDC_ISSUER!);
    const authentication = this.config.OIDC_CLIENT_SECRET ? oidc.ClientSecretPost(this.config.OIDC_CLIENT_SECRET) : oidc.None();
    try {
      const configuration = await oidc.discovery(issuer, this.config.OIDC_CLIENT_ID!, undefined, authentication, {
        timeout: PROVIDER_TIMEOUT_SECONDS,
        // The operator chose the issuer's scheme (an intranet provider may be plain HTTP, as the key set may).
        execute: issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
      });
      this.metadata = { configuration, readUntil: Date.now() + METADATA_MAX_AGE_MS };
      return configuration;
    } catch (error) {
      this.logger.warn(`the identity provider's discovery document could not be read: ${describe(error)}`);
      this.unavailableUntil = Date.now() + UNAVAILABLE_FOR_MS;
      throw new SignInFailed('provider-unavailable', 'the provider’s discovery document could not be read');
    }
  }

  private failureOf(error: unknown, oidc: typeof import('openid-client')): SignInFailed {
    this.logger.debug(`the provider's answer: ${describe(error)}`);
    if (error instanceof oidc.AuthorizationResponseError) return new SignInFailed('refused', `the provider answered ${error.error}`);
    if (error instanceof oidc.ResponseBodyError) return new SignInFailed('refused', `the token endpoint answered ${error.error}`);
    if (error instanceof oidc.ClientError) return new SignInFailed('refused', 'the provider’s answer did not pass the checks');
    // Anything else is the provider not answering (a refused connection, a timeout, a page that is not JSON).
    return new SignInFailed('provider-unavailable', 'the provider did not answer');
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.name}: ${error.message}${cause}`;
}
