export * from './log-position';
export * from './log-reader';
export * from './sse-frames';
export * from './stream-hub';
export { StreamLimitError, type StreamAccount } from './stream-index';
export * from './stream-sink';
export * from './notices';
export * from './ops-samples';
