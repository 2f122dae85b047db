import { vitestConfig } from '../../../tools/testing/vitest-config';

export default vitestConfig(import.meta.dirname, { infra: true });
