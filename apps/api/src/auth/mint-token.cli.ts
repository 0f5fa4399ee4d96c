/**
 * Mints a development token: npm run token -- --sub rossi --name "Mario Rossi" --ente comune-demo --roles segretario
 * Uses JWT_SECRET, or the development secret when none is set (as the API does outside production).
 */
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '@piao/lifecycle';
import { DEVELOPMENT_JWT_SECRET } from '@piao/config';
import { mintDevelopmentToken } from './development-token';

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
  if (missing.length > 0 || unknown.length > 0) {
    console.error(`usage: npm run token -- --sub ID --name "Full Name" --ente ENTE --roles ${ROLES.join(',')} [--expires 8h]`);
    if (unknown.length > 0) console.error(`unknown roles: ${unknown.join(', ')}`);
    process.exit(2);
  }
  const secret = process.env.JWT_SECRET || DEVELOPMENT_JWT_SECRET;
  console.log(await mintDevelopmentToken({ sub: values.sub!, name: values.name!, ente: values.ente!, roles: roles as Role[] }, secret, values.expires));
}

void main();
