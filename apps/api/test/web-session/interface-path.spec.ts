import { isInterfacePath } from '../../src/web-session/session-cookie';

describe('a page of the web interface, where a sign-in may return to', () => {
  it.each(['/app', '/app/', '/app/plans', '/app/objectives/0b1c7a52?tab=1', '/app/mine?view=calendar&month=2025-07', '/app/a[1]|b^{c}'])('takes %s', (path) =>
    expect(isInterfacePath(path)).toBe(true),
  );

  it.each([
    '//evil.example/app',
    'https://evil.example/app',
    '/plans',
    '/application',
    '/app/../session',
    '/app/./plans',
    '/app/%2e%2e/session',
    '/app/%2E%2e/audit/trail/export',
    '/app/.%2e/session',
    '/app//evil.example',
    '/app\\evil',
    '/app/plans\n',
    `/app/${'a'.repeat(2048)}`,
  ])('refuses %j', (path) => expect(isInterfacePath(path)).toBe(false));
});
