// Three projects: `unit` (pure code, no I/O), `integration` (real PostgreSQL, PGlite, Redis, HTTP, Chromium) and
// `timed` (integration suites with a time bound, below).
const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  // Transpiled file by file, not type-checked: `npm run lint` type-checks every test with tsc, and a type-check per
  // worker made every fresh worker (below) pay for building the whole program again.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true }] },
  moduleNameMapper: {
    '^@piao/lifecycle$': '<rootDir>/libs/lifecycle/src',
    '^@piao/event-store$': '<rootDir>/libs/event-store/src',
    '^@piao/read-models$': '<rootDir>/libs/read-models/src',
    '^@piao/reminders$': '<rootDir>/libs/reminders/src',
    '^@piao/audit$': '<rootDir>/libs/audit/src',
    '^@piao/storage$': '<rootDir>/libs/storage/src',
    '^@piao/application$': '<rootDir>/libs/application/src',
    '^@piao/config$': '<rootDir>/libs/config/src',
    '^@piao/api-client$': '<rootDir>/libs/api-client/src',
  },
};
// The integration suites that hold a measured time to a bound (a lease taken over within its TTL, a key removed within
// its max-age, a lag under five seconds, a folder lock noticed within three updates). `npm test` runs them one at a
// time after the rest, so that no other suite shares the two cores with them; every other file is isolated (its own
// database, Redis database index and key prefix, free ports) and runs two at a time.
const timed = [
  'test/identity/oidc-provider.test.ts',
  'test/processors/lease-takeover.test.ts',
  'test/processors/poison-events.test.ts',
  'test/reminders-queue/redis-flushed.test.ts',
  'test/storage/pglite-folder-lock.test.ts',
].map((path) => `<rootDir>/${path}`);
module.exports = {
  testTimeout: 120000,
  // One test file at a time unless told (`scripts/run-tests.mjs` asks for two outside the timed suites), in a worker
  // that is replaced once it holds more than this after a file: in one process for the whole run, what each file
  // leaves behind (compiled WebAssembly, module registries) slowed every later file, up to four times on a 2-core
  // machine.
  maxWorkers: 1,
  workerIdleMemoryLimit: '1GB',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...timed],
    },
    { ...common, displayName: 'timed', testMatch: timed },
  ],
};
