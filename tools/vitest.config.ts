import { vitestConfig } from './testing/vitest-config';

export default vitestConfig(import.meta.dirname, { include: ['lint/**/*.spec.ts'] });
