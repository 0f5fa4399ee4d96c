/**
 * Mints a development token: npm run token -- --sub rossi --name "Mario Rossi" --ente comune-demo --roles segretario
 * Uses JWT_SECRET, or the development secret when none is set (as the API does outside production), and gives the
 * token the OIDC_ISSUER and OIDC_AUDIENCE of the environment when they are set, since the API then checks them.
 */
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '@piao/lifecycle';
import { DEVELOPMENT_JWT_SECRET } from '@piao/config';
import { mintDevelopmentToken } from './development-token';

/** jose's time spans: a number and a unit (s, m, h, d, w, y and their long forms). */
const TIME_SPAN = /^\d+\s?(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks|y|yr|yrs|year|years)$/i;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      name: { type: 'string' },
      ente: { type: 'string' },
      roles: { type: 'string' },
      expires: { type: 'string', default: '8h' },
    },
  });
  const roles = (values.roles ?? '').split(',').filter(Boolean);
  const missing = ['sub', 'name', 'ente', 'roles'].filter((k) => !values[k as keyof typeof values]);
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  const badExpiry = !TIME_SPAN.test(values.expires!);
  if (missing.length > 0 || unknown.length > 0 || badExpiry) {
    console.error(`usage: npm run token -- --sub ID --name "Full Name" --ente ENTE --roles ${ROLES.join(',')} [--expires 8h]`);
    if (unknown.length > 0) console.error(`unknown roles: ${unknown.join(', ')}`);
    if (badExpiry) console.error(`--expires must be a time span such as 30m, 8h or 7d (every token expires)`);
    process.exit(2);
  }
  const secret = process.env.JWT_SECRET || DEVELOPMENT_JWT_SECRET;
  const claims = { sub: values.sub!, name: values.name!, ente: values.ente!, roles: roles as Role[] };
  console.log(
    await mintDevelopmentToken(claims, secret, {
      expiresIn: values.expires,
      issuer: process.env.OIDC_ISSUER || undefined,
      audience: process.env.OIDC_AUDIENCE || undefined,
    }),
  );
}

void main();
