export * from './job-handler';
export * from './job-reporter';
export * from './job-view';
export * from './job-worker';
export type { ListenToChannel } from './listen-for-wakeups';
export * from './read-jobs';
export * from './record-job-change';
export * from './start-job';
export * from './sweep-stale-jobs';
