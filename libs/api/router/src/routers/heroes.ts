import { createWorldRouter } from './world-router';

/** The characters of the story world: `heroes.list`, `get`, `create`, `save`, `version`, `versions`, `versionGet`. */
export const heroesRouter = createWorldRouter('hero');
