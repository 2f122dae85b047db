import { vitestConfig } from './testing/vitest-config';

export default vitestConfig(import.meta.dirname, { infra: true, include: ['lint/**/*.spec.ts', 'cluster/**/*.spec.ts', 'bench/**/*.spec.ts', 'start/**/*.spec.ts'] });
