import nx from '@nx/eslint-plugin';
import angular from 'angular-eslint';

/** The server libs the editor may reach only through `import type`. */
const SERVER_ONLY = ['@storyline/api-router', '@storyline/api-server', '@storyline/api-server/*', '@storyline/db', '@storyline/db/*', '@storyline/jobs', '@storyline/job-handlers', '@storyline/realtime', '@storyline/storage', '@storyline/storage/*', '@storyline/story-archive', '@storyline/story-archive/*', '@storyline/story-document', '@storyline/story-document/*'];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/.angular', '**/.nx', '**/migrations', '**/test-results', '**/playwright-report', '.data'],
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: ['^.*/?testing/(vitest-config|provided-context|infra-global-setup|eventually|start-throwaway-services)$'],
          depConstraints: [
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:server', onlyDependOnLibsWithTags: ['scope:shared', 'scope:server'] },
            { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:shared', 'scope:server', 'scope:api'] },
            { sourceTag: 'scope:worker', onlyDependOnLibsWithTags: ['scope:shared', 'scope:server', 'scope:worker'] },
            // The editor needs the router's type for its tRPC client; the rule below keeps that to `import type`.
            { sourceTag: 'scope:editor', onlyDependOnLibsWithTags: ['scope:shared', 'scope:editor', 'scope:api'] },
            { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['scope:shared', 'scope:server', 'scope:api', 'scope:tools'] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'type:ui', onlyDependOnLibsWithTags: ['type:contracts', 'type:ui', 'type:util'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:contracts', 'type:data-access', 'type:util', 'type:server'] },
            { sourceTag: 'type:server', bannedExternalImports: ['@angular/*'] },
            { sourceTag: 'type:data-access', bannedExternalImports: [] },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/editor/**/*.ts', 'libs/editor/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: SERVER_ONLY, allowTypeImports: true, message: 'The editor may only `import type` from server code.' }] },
      ],
    },
  },
  ...angular.configs.tsRecommended.map((config) => ({ ...config, files: ['apps/editor/**/*.ts', 'libs/editor/**/*.ts'] })),
  {
    files: ['apps/editor/**/*.ts', 'libs/editor/**/*.ts'],
    rules: {
      '@angular-eslint/prefer-on-push-component-change-detection': 'error',
      '@angular-eslint/prefer-standalone': 'error',
    },
  },
  ...angular.configs.templateRecommended.map((config) => ({ ...config, files: ['**/*.html'] })),
];
