import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { compilerOptions } = JSON.parse(readFileSync(`${root}/tsconfig.base.json`, 'utf8')) as {
  compilerOptions: { paths: Record<string, string[]> };
};

/** Path aliases straight to the libs' sources, so nothing is built before a test. */
const alias = Object.entries(compilerOptions.paths)
  .sort(([a], [b]) => b.length - a.length)
  .map(([find, [target]]) => ({ find: new RegExp(`^${find.replace(/[/]/g, '\\/')}$`), replacement: `${root}/${target}` }));

/**
 * The vitest config of a lib. `infra: true` adds the global setup that provides a
 * real Postgres and Azurite (started here unless the test command already did).
 */
export function vitestConfig(projectRoot: string, options: { infra?: boolean; include?: string[] } = {}): ViteUserConfig {
  return defineConfig({
    root: projectRoot,
    resolve: { alias },
    test: {
      include: options.include ?? ['src/**/*.spec.ts'],
      environment: 'node',
      globalSetup: options.infra ? [`${root}/tools/testing/infra-global-setup.ts`] : [],
      testTimeout: 60_000,
      hookTimeout: 120_000,
      pool: 'forks',
      // Leak tests compare the heap after a full collection.
      execArgv: ['--expose-gc'],
      reporters: ['default'],
    },
  });
}
