export * from './create-database';
export * from './migrate-database';
export * as schema from './schema';
export { artifacts, jobEvents, jobs, jobTypeFlags, loginFailures, media, notices, sessions, stories, storyVersions, uploads, users } from './schema';
export { heroes, heroVersions, regions, regionVersions, type LocalizedText } from './world-schema';
