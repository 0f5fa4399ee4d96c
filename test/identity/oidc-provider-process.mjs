/* global process, URL */
// A real OpenID provider (panva's oidc-provider) as a process of its own, for test/identity: oidc-provider is
// ESM-only and jest here loads the tests as CommonJS, so it runs beside the tests rather than inside them. Version 8:
// the newest line whose supported runtimes include Node 20 (9 warns "Unsupported runtime" below Node 22).
//
// Its settings come as JSON in OIDC_TEST_PROVIDER:
//   { port, issuer, audience, keys: [private JWKs with kid and alg],
//     clients: { [clientId]: { alg, kid?, ttl?, claims: { name, ente, roles }, tamper?: { deleteExp, nbfIn, iss, randomKid } } },
//     webClients?: { [clientId]: { alg, ttl?, redirectUri, postLogoutRedirectUri? } }, accounts?: { [personId]: { name, ente, roles } } }
// A web client signs people in with the authorization code flow (PKCE) through the provider's development login page
// (any password); their access tokens carry the account's name, ente and roles.
// Each client gets access tokens (client_credentials grant, JWT format, resource indicators) whose `sub` is its id,
// signed with the key of its `alg` (or `kid`), carrying its claims. `tamper` makes the provider itself sign what a
// real provider would not send (no exp, a future nbf, another iss, a key id it does not publish), so that those
// tokens too are signed with the provider's keys and only their content is wrong.
//
// Beside the provider's own routes: GET /__test/jwks-fetches counts the requests to its key set (/jwks), and
// POST /__test/jwks-mode?mode=ok|error|hang makes /jwks answer normally, 503, or never. It prints
// {"listening":port} on stdout once it accepts connections.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const settings = JSON.parse(process.env.OIDC_TEST_PROVIDER);
const CLIENT_SECRET = 'piao-test-client-secret-piao-test-client-secret';

const webClients = settings.webClients ?? {};
const accounts = settings.accounts ?? {};

const provider = new Provider(settings.issuer, {
  clients: [
    ...Object.keys(settings.clients).map((clientId) => ({
      client_id: clientId,
      client_secret: CLIENT_SECRET,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_post',
    })),
    // Browser sign-ins (authorization code with PKCE), confidential: the API exchanges the code with the secret.
    ...Object.entries(webClients).map(([clientId, { redirectUri, postLogoutRedirectUri }]) => ({
      client_id: clientId,
      client_secret: CLIENT_SECRET,
      grant_types: ['authorization_code'],
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: postLogoutRedirectUri ? [postLogoutRedirectUri] : [],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    })),
  ],
  jwks: { keys: settings.keys },
  cookies: { keys: ['piao-test-cookie-key'] },
  // The people who can sign in at the provider's own (development) login page: any password is taken.
  findAccount: (_ctx, id) => (accounts[id] ? { accountId: id, claims: () => ({ sub: id, name: accounts[id].name }) } : undefined),
  claims: { openid: ['sub'], profile: ['name'] },
  features: {
    // Its built-in login and consent pages, for the browser sign-in's test only (never a production setting).
    devInteractions: { enabled: Object.keys(webClients).length > 0 },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => settings.audience,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resourceIndicator, client) => {
        const { alg, kid, ttl } = settings.clients[client.clientId] ?? webClients[client.clientId];
        return { scope: 'piao', audience: resourceIndicator, accessTokenFormat: 'jwt', accessTokenTTL: ttl ?? 600, jwt: { sign: { alg, kid } } };
      },
    },
  },
  // A person's token carries their ente and roles; a client's, the claims the test gave it.
  extraTokenClaims: (_ctx, token) => (token.accountId ? accounts[token.accountId] : settings.clients[token.clientId]?.claims),
  formats: {
    customizers: {
      jwt: (_ctx, token, jwt) => {
        const tamper = settings.clients[token.clientId]?.tamper;
        if (!tamper) return;
        if (tamper.deleteExp) delete jwt.payload.exp;
        if (tamper.nbfIn !== undefined) jwt.payload.nbf = Math.floor(Date.now() / 1000) + tamper.nbfIn;
        if (tamper.iss !== undefined) jwt.payload.iss = tamper.iss;
        if (tamper.randomKid) jwt.header = { ...jwt.header, kid: randomUUID() };
      },
    },
  },
});

let jwksMode = 'ok';
let jwksFetches = 0;
const serve = provider.callback();
const server = createServer((request, response) => {
  const url = new URL(request.url, settings.issuer);
  if (url.pathname === '/__test/jwks-fetches') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ fetches: jwksFetches }));
    return;
  }
  if (url.pathname === '/__test/jwks-mode' && request.method === 'POST') {
    jwksMode = url.searchParams.get('mode') ?? 'ok';
    response.writeHead(204).end();
    return;
  }
  if (url.pathname === '/jwks') {
    jwksFetches++;
    if (jwksMode === 'error') {
      response.writeHead(503, { 'content-type': 'text/plain' }).end('key service down');
      return;
    }
    // The request is left unanswered: the client's timeout has to end it.
    if (jwksMode === 'hang') return;
  }
  serve(request, response);
});
server.listen(settings.port, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ listening: settings.port })}\n`));
