export * from './job-queues';
export * from './start-azurite';
export * from './blob-store';
