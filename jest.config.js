// Two projects: `unit` (pure code, no I/O) and `integration` (real PostgreSQL, PGlite, Redis, HTTP).
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
module.exports = {
  testTimeout: 120000,
  // One test file at a time (the integration tests share PostgreSQL, Redis and the machine's two cores, and several
  // measure time bounds), in a worker that is replaced once it holds more than this after a file: in one process for
  // the whole run, what each file leaves behind (compiled WebAssembly, module registries) slowed every later file,
  // up to four times on a 2-core machine.
  maxWorkers: 1,
  workerIdleMemoryLimit: '1GB',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/**/*.test.ts'] },
  ],
};
