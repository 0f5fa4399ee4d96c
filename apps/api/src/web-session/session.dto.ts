import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Matches } from 'class-validator';
import { ROLES, type Role } from '@piao/lifecycle';

/** As a token's `sub` and `name` (docs/identity.md): plain text, no control, format or separator characters. */
const PERSON_ID = /^[^\p{C}\p{Zl}\p{Zp}]{1,255}$/u;
const PERSON_NAME = /^[^\p{C}\p{Zl}\p{Zp}]{1,200}$/u;

/** Who to sign in as on the development sign-in (docs/web.md): a person of the demo ente, in one role. */
export class DevelopmentSignInDto {
  @ApiProperty({ description: 'The person’s id, as the organisation directory knows them', example: 'rossi' })
  @IsString()
  @Matches(PERSON_ID, { message: 'personId must be 1 to 255 characters of plain text (no control or format characters)' })
  personId!: string;

  @ApiProperty({ description: 'The person’s full name', example: 'Mario Rossi' })
  @IsString()
  @Matches(PERSON_NAME, { message: 'name must be 1 to 200 characters of plain text (no control or format characters)' })
  name!: string;

  @ApiProperty({ enum: ROLES, example: 'dirigente' }) @IsIn(ROLES) role!: Role;
}

/** The person a session (or a bearer token) speaks for. */
export class SessionView {
  @ApiProperty({ example: 'rossi' }) personId!: string;
  @ApiProperty({ example: 'Mario Rossi' }) name!: string;
  @ApiProperty({ example: 'comune-demo' }) ente!: string;
  @ApiProperty({ enum: ROLES, isArray: true, example: ['dirigente'] }) roles!: string[];
}

/** How one signs in here: what the web interface's sign-in page offers. */
export class SignInOptionsView {
  @ApiProperty({ description: 'The development sign-in is open (never in production)' }) development!: boolean;
  @ApiProperty({ description: 'The ente of the development sign-in', example: 'comune-demo' }) demoEnte!: string;
  @ApiProperty({ description: 'The sign-in through the ente’s identity provider is open (`GET /session/oidc/sign-in`)' })
  identityProvider!: boolean;
}

/** A sign-out that goes on at the identity provider. */
export class SignOutView {
  @ApiProperty({ description: 'The provider’s end-session address, with the ID token as hint; it sends the browser back to the sign-in page' })
  providerSignOutUrl!: string;
}
