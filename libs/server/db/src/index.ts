export * from './create-database';
export * from './migrate-database';
export { hasUnpublishedChanges } from './unpublished-changes';
export * as schema from './schema';
export { artifacts, jobEvents, jobs, jobTypeFlags, loginFailures, media, notices, sessions, stories, storyVersions, uploads, users } from './schema';
export { heroes, heroVersions, regions, regionVersions, type LocalizedText } from './world-schema';
export { worldTables, type WorldItemRow, type WorldTables, type WorldVersionRow } from './world-tables';
