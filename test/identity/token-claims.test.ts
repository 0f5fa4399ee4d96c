import { actorFromClaims, InvalidToken } from '../../apps/api/src/auth/token-claims';

/** The claims a verified token must carry to become an actor (the rest of the checks: oidc-provider.test.ts). */
describe('claims of a verified token', () => {
  const valid = { sub: 'rossi', name: 'Mario Rossi', ente: 'comune-demo', roles: ['dirigente'] };

  it.each([
    ['accented letters and typographic apostrophes', { name: 'Niccolò D’Àrco' }],
    ['an ente with spaces', { ente: 'Comune di Cesano Boscone' }],
    ['characters outside the BMP (surrogate pairs)', { name: 'Mario 𝔅ianchi 😀' }],
    ['a sub of 255 characters', { sub: 's'.repeat(255) }],
    ['a name of 200 characters', { name: 'n'.repeat(200) }],
    ['an ente of 100 characters', { ente: 'e'.repeat(100) }],
  ])('accepts %s', (_, claims: Partial<typeof valid>) => {
    const expected = { ...valid, ...claims };
    expect(actorFromClaims(expected)).toEqual({ id: expected.sub, name: expected.name, ente: expected.ente, roles: expected.roles });
  });

  it.each([
    ['no sub', { sub: undefined }, /no subject/],
    ['a blank name', { name: '   ' }, /no name/],
    ['an ente that is a number', { ente: 42 }, /names no ente/],
    ['a sub of 256 characters', { sub: 's'.repeat(256) }, /sub claim is longer than 255/],
    ['a name of 201 characters', { name: 'n'.repeat(201) }, /name claim is longer than 200/],
    ['an ente of 101 characters', { ente: 'e'.repeat(101) }, /ente claim is longer than 100/],
    ['NUL in ente', { ente: 'comune\u0000demo' }, /ente claim holds control/],
    ['a newline in name', { name: 'Mario\nRossi' }, /name claim holds control/],
    ['DEL in sub', { sub: 'rossi\u007f' }, /sub claim holds control/],
    ['a C1 control in name', { name: 'Mario\u0085Rossi' }, /name claim holds control/],
    ['a lone high surrogate in name', { name: 'Mario \ud83d' }, /name claim holds control/],
    ['a lone low surrogate in ente', { ente: 'comune\udc00' }, /ente claim holds control/],
    ['a line separator in name', { name: 'Mario\u2028Rossi' }, /name claim holds control/],
    ['a bidirectional isolate in ente', { ente: 'comune\u2066demo' }, /ente claim holds control/],
    ['an unknown role', { roles: ['sindaco'] }, /roles must be/],
    ['no roles', { roles: [] }, /roles must be/],
  ])('refuses %s', (_, claims, message) => {
    expect(() => actorFromClaims({ ...valid, ...claims })).toThrow(InvalidToken);
    expect(() => actorFromClaims({ ...valid, ...claims })).toThrow(message);
  });

  it('lists a role named twice once', () => {
    expect(actorFromClaims({ ...valid, roles: ['nucleo', 'nucleo', 'rpct'] }).roles).toEqual(['nucleo', 'rpct']);
  });
});
