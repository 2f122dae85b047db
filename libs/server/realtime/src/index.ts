export * from './feed-position';
export * from './job-feed';
export * from './watch-job';
export * from './watch-job-feed';
