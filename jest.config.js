// Two projects: `unit` (pure code, no I/O) and `integration` (real PostgreSQL, PGlite, Redis, HTTP).
const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
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
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/**/*.test.ts'] },
  ],
};
