import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', '*.js', '*.mjs'] },
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
  { files: ['bench/**/*.ts', 'apps/**/*.cli.ts'], rules: { 'no-console': 'off' } },
);
