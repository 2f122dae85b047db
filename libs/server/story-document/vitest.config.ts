import { vitestConfig } from '../../../tools/testing/vitest-config';

// No `infra`: rendering a PDF needs neither Postgres nor Azurite.
export default vitestConfig(import.meta.dirname);
