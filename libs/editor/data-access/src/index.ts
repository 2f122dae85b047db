// What the editor's pages and app use, and nothing else; the folders hold the rest.
export { errorMessage } from './api/error-message';
export { injectTrpc, provideTrpc } from './api/provide-trpc';
export { JobActivity } from './activity/job-activity';
export { adminGuard } from './auth/admin-guard';
export { authGuard } from './auth/auth-guard';
export { AuthStore } from './auth/auth-store';
export { FileTransfer } from './files/file-transfer';
export { uploadFile } from './files/upload-file';
export { UploadQueue } from './files/upload-queue';
export { FlagsStore } from './flags/flags-store';
export { injectJobFollower, injectJobFollowerFactory } from './following/inject-job-follower';
export type { JobEndWording } from './following/job-end-wording';
export type { JobFollower } from './following/job-follower';
export { NoticeBoard } from './notices/notice-board';
export { OpsHistory, type OpsSeries } from './ops/ops-history';
export { UserStream } from './user-stream/user-stream';
