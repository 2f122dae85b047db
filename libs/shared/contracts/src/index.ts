export * from './auth';
export * from './job';
export * from './job-event';
export * from './job-payload';
export * from './job-type';
export * from './story';
export * from './domain-error';
export * from './feed-position';
