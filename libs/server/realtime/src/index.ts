export * from './feed-position';
export * from './job-feed';
export * from './sse-frames';
export * from './stream-hub';
export * from './stream-sink';
