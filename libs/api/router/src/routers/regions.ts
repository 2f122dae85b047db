import { createWorldRouter } from './world-router';

/** The places of the story world: `regions.list`, `get`, `create`, `save`, `version`, `versions`, `versionGet`. */
export const regionsRouter = createWorldRouter('region');
