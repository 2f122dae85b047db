export * from './job-queues';
export * from './start-azurite';
