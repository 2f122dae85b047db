export * from './create-database';
export * from './migrate-database';
export * as schema from './schema';
export { jobEvents, jobs, jobTypeFlags, loginFailures, sessions, stories, storyVersions, users } from './schema';
