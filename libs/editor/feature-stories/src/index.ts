// The routes the editor app loads lazily, and nothing else; the folders hold the pages.
export { epicsRoutes } from './epics/epic-routes';
export { jobsRoutes } from './jobs/jobs-routes';
export { storiesRoutes } from './stories/stories-routes';
export { heroesRoutes, regionsRoutes } from './world/world-routes';
