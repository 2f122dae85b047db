export * from './job-event-hub';
export * from './watch-job';
