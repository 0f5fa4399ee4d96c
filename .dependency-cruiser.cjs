/* global module */
// Layer rules for the hexagonal layout described in docs/architecture.md ("Layers").
// Run with `npm run lint:layers` (part of `npm run lint`); any violation exits non-zero.
//
//   libs/lifecycle    domain       pure decide/evolve: no other lib, no app, no Nest, no driver, no I/O
//   libs/event-store  ports        storage interfaces and pure helpers: may use the domain only
//   libs/application  application  may use domain, ports and core Nest/rxjs; no driver, no adapter, no app
//   libs/storage      adapters     may use domain, ports, application and drivers; never an app
//   libs/read-models  adapters     idem
//   apps/web          browser      the web interface: libs/api-client only
//   apps/**           composition  may use everything
//
// Tests (test/**, libs/*/test/**, *.spec.ts, *.test.ts) are exempt from the layer rules, but production
// code may never import them; cycles are forbidden everywhere.

/** Matches a test file, exempt from the layer rules. */
const TEST = ['^test/', '^(apps|libs)/[^/]+/test/', '\\.(spec|test)\\.ts$'];

/**
 * Packages (each name a regular expression), resolved into node_modules (or their @types), or left unresolved
 * as a bare name when not installed, so a missing package cannot slip past a rule.
 */
const npm = (names) => {
  const alternatives = names.join('|');
  return [`(^|/)node_modules/(@types/)?(${alternatives})(/|$)`, `^(${alternatives})(/|$)`];
};

/** Node's built-in I/O modules, with or without the `node:` prefix (node:crypto stays allowed). */
const NODE_IO = '^(node:)?(fs|net|http|https|http2|child_process|cluster|dgram|dns|tls|worker_threads)(/|$)';

/** Drivers and I/O packages: databases, queues, HTTP servers, logging, metrics, file locks, migrations. */
const DRIVERS = [
  ...npm([
    'pg',
    '@electric-sql/pglite',
    '@eventstore/db-client',
    'ioredis',
    'bullmq',
    'express',
    'nestjs-pino',
    'pino',
    'prom-client',
    'proper-lockfile',
    'umzug',
  ]),
  NODE_IO,
];

const NEST = npm(['@nestjs/[^/]+']);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A cycle ties modules together so neither can change, load or be tested alone, and breaks the layer ' +
        'order (under CommonJS one side sees the other half-initialised). Type-only cycles count too. Break it by ' +
        'moving the shared piece down.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-unresolved-piao-alias',
      severity: 'error',
      comment:
        'An @piao/* import that does not resolve to its libs/*/src folder would slip past every layer rule: ' +
        'keep tsconfig.json "paths" and this configuration in step.',
      from: {},
      to: { path: '^@piao/', couldNotResolve: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment:
        'The layer rules can only judge imports that resolve to a file or a package: an import that points nowhere ' +
        '(a stale relative path after a move, a package not installed) would hide where it really leads.',
      from: {},
      to: { pathNot: '^@piao/', couldNotResolve: true },
    },
    {
      name: 'production-not-to-test',
      severity: 'error',
      comment: 'Production code must not depend on tests, fixtures or test support: they are not built or shipped.',
      from: { pathNot: TEST },
      to: { path: TEST },
    },

    // Domain: libs/lifecycle.
    {
      name: 'domain-not-to-other-layers',
      severity: 'error',
      comment:
        'The domain (libs/lifecycle) is the centre of the hexagon: it imports no other lib and no app, so it ' +
        'can be reasoned about and tested as plain functions.',
      from: { path: '^libs/lifecycle/', pathNot: TEST },
      to: { path: ['^libs/(?!lifecycle/)', '^apps/'] },
    },
    {
      name: 'domain-not-to-nest',
      severity: 'error',
      comment: 'The domain never sees Nest: decide/evolve are plain TypeScript, wired by the application and the apps.',
      from: { path: '^libs/lifecycle/', pathNot: TEST },
      to: { path: NEST },
    },
    {
      name: 'domain-not-to-drivers',
      severity: 'error',
      comment:
        'The domain does no I/O: no database, queue, HTTP, logging or metrics package and no Node I/O module ' +
        '(fs, net, http, ...). node:crypto and pure libraries such as canonicalize are fine.',
      from: { path: '^libs/lifecycle/', pathNot: TEST },
      to: { path: DRIVERS },
    },

    // Ports: libs/event-store.
    {
      name: 'ports-not-to-other-layers',
      severity: 'error',
      comment:
        'The storage ports (libs/event-store) are interfaces, errors and pure helpers: they may use the domain ' +
        'only, never the application, an adapter (libs/storage, libs/read-models) or an app.',
      from: { path: '^libs/event-store/', pathNot: TEST },
      to: { path: ['^libs/(?!lifecycle/|event-store/)', '^apps/'] },
    },
    {
      name: 'ports-not-to-nest',
      severity: 'error',
      comment: 'Ports are framework-free; the Nest modules that provide them live with the adapters (libs/storage).',
      from: { path: '^libs/event-store/', pathNot: TEST },
      to: { path: NEST },
    },
    {
      name: 'ports-not-to-drivers',
      severity: 'error',
      comment: 'Ports describe storage; the drivers that implement it belong to the adapters in libs/storage.',
      from: { path: '^libs/event-store/', pathNot: TEST },
      to: { path: DRIVERS },
    },

    // Application: libs/application.
    {
      name: 'application-not-to-adapters-or-apps',
      severity: 'error',
      comment:
        'The application talks to storage through the ports (libs/event-store) only; the adapters ' +
        '(libs/storage, libs/read-models) and the apps depend on it, never the other way round.',
      from: { path: '^libs/application/', pathNot: TEST },
      to: { path: ['^libs/(storage|read-models|reminders|audit)/', '^apps/'] },
    },
    {
      name: 'application-only-core-nest',
      severity: 'error',
      comment:
        'The application may use @nestjs/common, @nestjs/cqrs and @nestjs/core (and rxjs); the other Nest packages ' +
        '(HTTP platform, Swagger, config, health) belong to the apps.',
      from: { path: '^libs/application/', pathNot: TEST },
      to: { path: NEST, pathNot: npm(['@nestjs/common', '@nestjs/cqrs', '@nestjs/core']) },
    },
    {
      name: 'application-not-to-drivers',
      severity: 'error',
      comment: 'The application does no I/O of its own: drivers are wrapped by adapters behind the ports.',
      from: { path: '^libs/application/', pathNot: TEST },
      to: { path: DRIVERS },
    },

    // Adapters: libs/storage, libs/read-models.
    {
      name: 'adapters-not-to-apps',
      severity: 'error',
      comment: 'Adapters are wired by the apps, so they may never import from an app.',
      from: { path: '^libs/(storage|read-models|reminders|audit)/', pathNot: TEST },
      to: { path: '^apps/' },
    },

    // The web interface (apps/web) runs in the browser and speaks to the API only.
    {
      name: 'web-only-through-the-api-client',
      severity: 'error',
      comment:
        'The web interface calls the API through libs/api-client, as any client would: it may not reach into the ' +
        'domain, the adapters or the API app, nor use Node or Nest.',
      from: { path: '^apps/web/' },
      to: { path: ['^libs/(?!api-client/)', '^apps/(?!web/)', NODE_IO, ...NEST, ...DRIVERS] },
    },
  ],
  options: {
    // Keep the crawl to our own sources. Packages are recorded as leaves but never crawled into (doNotFollow):
    // they must not be `exclude`d, or the rules could no longer see an import of a driver. Build output is
    // excluded; the pattern is anchored because packages ship their own dist/ folders.
    doNotFollow: { path: ['node_modules'] },
    exclude: { path: ['^dist/'] },
    // Resolve the @piao/* aliases through tsconfig.json "paths" to libs/*/src.
    tsConfig: { fileName: 'tsconfig.json' },
    // Count type-only imports too: a port or the domain must not even name a driver's types.
    tsPreCompilationDeps: true,
    // Also see process.getBuiltinModule('fs') as an import of fs.
    detectProcessBuiltinModuleCalls: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.cjs', '.mjs', '.json'],
      mainFields: ['main', 'types', 'typings'],
    },
    // Only compute what the rules use (cycles): keeps the run near a second in CI.
    skipAnalysisNotInRules: true,
  },
};
