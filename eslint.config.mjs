// Flat config for the whole workspace. Type-aware rules (no-floating-promises) use the project service.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/src/gen/**', '**/.nx/**', '**/test-output/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: [
            // Apps compose libs; nothing imports an app.
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: [
                'type:domain',
                'type:data-access',
                'type:platform',
                'type:contracts',
              ],
            },
            {
              sourceTag: 'type:tool',
              onlyDependOnLibsWithTags: [
                'type:domain',
                'type:data-access',
                'type:platform',
                'type:contracts',
              ],
            },
            // Domain logic is pure: only other domain libs.
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'] },
            {
              // Data access may build on the shared event store (its tables and writer), never on an app.
              sourceTag: 'type:data-access',
              onlyDependOnLibsWithTags: [
                'type:domain',
                'type:data-access',
                'type:platform',
                'type:contracts',
              ],
            },
            { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts'] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
            // Scopes: a service's libs use their own scope and shared ones.
            { sourceTag: 'scope:ingest', onlyDependOnLibsWithTags: ['scope:ingest', 'scope:shared'] },
            { sourceTag: 'scope:realtime', onlyDependOnLibsWithTags: ['scope:realtime', 'scope:shared'] },
            { sourceTag: 'scope:metrics', onlyDependOnLibsWithTags: ['scope:metrics', 'scope:shared'] },
            {
              sourceTag: 'scope:insights',
              onlyDependOnLibsWithTags: ['scope:insights', 'scope:metrics', 'scope:shared'],
            },
            { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:gateway', 'scope:shared'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            // The web dashboard talks to the services only through the generated contracts (Connect-Web).
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:shared'] },
            // Tools (simulator, benchmarks) may use any lib, never an app.
            {
              sourceTag: 'scope:tools',
              onlyDependOnLibsWithTags: [
                'scope:shared',
                'scope:ingest',
                'scope:realtime',
                'scope:metrics',
                'scope:insights',
              ],
            },
          ],
        },
      ],
    },
  },
  {
    // Domain libs import no I/O packages.
    files: ['libs/*/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@nats-io/*',
                'ioredis',
                '@mikro-orm/*',
                'pg',
                'pg-*',
                '@connectrpc/*',
                '@grpc/*',
                'node:net',
                'node:http*',
                'node:fs*',
                '@broxiva/contracts',
              ],
              message: 'Domain libs are pure: no I/O packages and no generated contracts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  prettier,
);
