export { adminGuard } from './admin-guard';
export { authGuard } from './auth-guard';
export { AuthStore } from './auth-store';
export { errorMessage } from './error-message';
export { FlagsStore } from './flags-store';
export { JobWatcher, type WatchedJob } from './job-watcher';
export { pollJob, PollTimeoutError, type PollJobOptions } from './poll-job';
export { injectTrpc, provideTrpc, type TrpcClient } from './provide-trpc';
