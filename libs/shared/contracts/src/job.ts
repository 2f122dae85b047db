import * as z from 'zod';
import { JobSeqText } from './log-position';
import { JobStatus, JobType, type Transport } from './job-type';

export const JobId = z.uuid({ message: 'jobId must be a UUID' });

/**
 * What can cure a failure no retry can: `choose-another-file` (the uploaded file itself is
 * at fault: import another), `fix-target` (the story, epic, region or hero is at fault:
 * edit it, at `page` when one page is, then start the job again).
 */
export const JobRemedy = z.object({
  action: z.enum(['choose-another-file', 'fix-target']),
  /** The 1-based page of the story at fault, when one is. */
  page: z.number().int().min(1).nullable(),
});
export type JobRemedy = z.infer<typeof JobRemedy>;

/** How a failed job failed: whether starting it again can succeed, and what can cure it otherwise. */
export const JobFailure = z.object({
  retryable: z.boolean(),
  remedy: JobRemedy.nullable(),
});
export type JobFailure = z.infer<typeof JobFailure>;

/** A failure a retry may cure (the service was down, a worker died): Retry is offered. */
export const RETRYABLE_FAILURE: JobFailure = { retryable: true, remedy: null };

/** A job as every client sees it, whether it arrived by push or by polling. */
export const JobView = z.object({
  id: z.string(),
  type: JobType,
  targetId: z.string(),
  ownerId: z.string(),
  status: JobStatus,
  phase: z.string().nullable(),
  progress: z.number().int().min(0).max(100),
  message: z.string().nullable(),
  dequeueCount: z.number().int(),
  queuedAt: z.string(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  error: z.string().nullable(),
  /** How it failed, while its status is `Failed`; null otherwise. */
  failure: JobFailure.nullable(),
  result: z.record(z.string(), z.unknown()).nullable(),
  /** Sequence number of the newest event applied to this view. */
  lastSeq: z.number().int(),
  /** The job that queued this one as its next step (a fork's assets job names its fork). */
  parentJobId: z.string().nullable(),
});
export type JobView = z.infer<typeof JobView>;

/** Whether starting `job` again can succeed: it was cancelled, or failed in a way a retry may cure. */
export function canRetryJob(job: Pick<JobView, 'status' | 'failure'>): boolean {
  return job.status === 'Cancelled' || (job.status === 'Failed' && job.failure?.retryable !== false);
}

/** What can cure `job`'s failure when a retry cannot; null when Retry is the answer, or nothing is. */
export function jobRemedy(job: Pick<JobView, 'status' | 'failure'>): JobRemedy | null {
  return job.status === 'Failed' && job.failure?.retryable === false ? job.failure.remedy : null;
}

/**
 * A job the editor follows: its view as it stands, and how its updates arrive
 * (the job type's flag picks the transport). The page and the job list show both.
 */
export type FollowedJob = JobView & {
  transport: Transport;
  /** Push was chosen but the user stream is unavailable, so this job is being polled instead. */
  fellBack: boolean;
};

/**
 * A job with the title of what it works on, as the server joins it: a story's title, an
 * epic's, region's or hero's name; null when that is gone (deleted) or not made yet (an import's story).
 */
export const TitledJob = JobView.extend({ targetTitle: z.string().nullable() });
export type TitledJob = z.infer<typeof TitledJob>;

/** A job in the editor's Activity list: as its history, the stream or following last saw it, with its target's title. */
export type ActivityJob = TitledJob | (FollowedJob & Pick<TitledJob, 'targetTitle'>);

/** Where a page of job history ends: the last job's queued time (to the microsecond) and id, as `jobs.history` hands it out. */
export const JobHistoryCursor = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z\|[0-9a-f-]{36}$/, { message: 'before must be a cursor from a previous page' });
export type JobHistoryCursor = z.infer<typeof JobHistoryCursor>;

/** The most jobs one page of history holds. */
export const JOB_HISTORY_MAX_PAGE = 50;

/** One page of the caller's jobs (an admin's: everyone's), newest first, older than `before` when given. */
export const JobHistoryInput = z.object({
  before: JobHistoryCursor.nullish(),
  limit: z.number().int().min(1).max(JOB_HISTORY_MAX_PAGE, { message: `limit must be at most ${JOB_HISTORY_MAX_PAGE}` }).default(20),
});
export type JobHistoryInput = z.input<typeof JobHistoryInput>;

/** A page of job history; `next` asks for the page after it, null on the last. */
export interface JobHistoryPage {
  jobs: TitledJob[];
  next: JobHistoryCursor | null;
}

export const GetJobInput = z.object({ jobId: JobId });
export type GetJobInput = z.infer<typeof GetJobInput>;

/** The answer of every start-job mutation: the job exists and waits in its queue. */
export const JobStarted = z.object({ jobId: z.string(), status: z.literal('Queued') });
export type JobStarted = z.infer<typeof JobStarted>;

export const WatchJobInput = z.object({
  jobId: JobId,
  /** The id of the last event the client saw; the stream resumes right after it. */
  lastEventId: JobSeqText.nullish(),
});
export type WatchJobInput = z.infer<typeof WatchJobInput>;

/** Start a failed (or cancelled) job again, as a new job with the same payload. */
export const RetryJobInput = z.object({ jobId: JobId });
export type RetryJobInput = z.infer<typeof RetryJobInput>;

/** Cancel a queued or running job. */
export const CancelJobInput = z.object({ jobId: JobId });
export type CancelJobInput = z.infer<typeof CancelJobInput>;

export const DownloadLinkInput = z.object({ jobId: JobId });
export type DownloadLinkInput = z.infer<typeof DownloadLinkInput>;
