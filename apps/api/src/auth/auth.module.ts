import { Module } from '@nestjs/common';
import { TokenVerifier } from './token-verifier';

/**
 * The one TokenVerifier of the process, for every module that checks a bearer token (the API's guard, the web
 * sign-in, the queue dashboard): its cache of verified tokens and the provider's key set are kept once, not per module.
 */
@Module({ providers: [TokenVerifier], exports: [TokenVerifier] })
export class AuthModule {}
