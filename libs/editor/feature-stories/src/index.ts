export { epicsRoutes } from './epic-routes';
export { storiesRoutes } from './stories-routes';
export { StoryEditorPage } from './story-editor-page';
export { StoryListPage } from './story-list-page';
export { heroesRoutes, regionsRoutes } from './world-routes';
