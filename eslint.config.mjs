import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // The API client's types are generated (npm run api:generate) and checked for drift, not linted.
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', '*.js', '*.mjs', 'libs/api-client/src/schema.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    // Nest resolves constructor parameters from emitted metadata: a type-only import would erase them.
    files: ['apps/**/*.ts', 'libs/event-store/**/*.ts', 'libs/storage/**/*.ts', 'libs/application/**/*.ts', 'libs/read-models/**/*.ts', 'libs/reminders/**/*.ts', 'libs/config/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  { files: ['bench/**/*.ts', 'scripts/**/*.ts', 'apps/**/*.cli.ts'], rules: { 'no-console': 'off' } },
  {
    // The typed client is used as its users will: everything it says is believed, nothing is cast or left untyped.
    files: ['libs/api-client/src/client.ts', 'libs/api-client/src/index.ts', 'test/api-client/**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-assertions': ['error', { assertionStyle: 'never' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
    },
  },
);
