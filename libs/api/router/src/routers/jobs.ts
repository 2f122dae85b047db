import { and, desc, eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { CancelJobInput, DomainError, GetJobInput, JobHistoryInput, JobType, OnMyJobsInput, RetryJobInput, WatchJobInput, type JobRemedy, type UserStreamMessage, type WatchedJobMessage } from '@storyline/contracts';
import { jobs } from '@storyline/db';
import { cancelJob, enqueueJob, getJobFor, getTitledJobFor, insertJob, readJobHistory, toJobView } from '@storyline/jobs';
import { z } from 'zod';
import { createIterableSink } from '../streams/iterable-sink';
import { prepareUserStream, prepareWatchedJob } from '../streams/prepare-stream';
import type { Context } from '../context';
import { errorReference } from '../error-reference';
import { toStreamError } from '../streams/stream-error';
import { authedProcedure, router } from '../trpc';

/** What a refused retry advises instead, by remedy. */
const REMEDY_ADVICE: Record<JobRemedy['action'], string> = {
  'choose-another-file': 'choose another file and import that instead',
  'fix-target': 'fix what the error names and start the job again',
};

/** Why a retry was refused, and what to do instead: the same input would fail the same way. */
function cannotRetryMessage(remedy: JobRemedy | null): string {
  const advice = remedy ? `; ${REMEDY_ADVICE[remedy.action]}` : '';
  return `Retrying cannot help: this job would fail the same way${advice}.`;
}

/** Messages an in-process subscriber may fall behind before its stream is ended. */
const IN_PROCESS_QUEUE = 1_000;

export const jobsRouter = router({
  /** The polling endpoint: a job as it stands now. */
  get: authedProcedure.input(GetJobInput).query(async ({ ctx, input }) => {
    const job = await getJobFor(ctx.db, ctx.user, input.jobId);
    ctx.metrics.pollingRequests.inc({ job_type: job.type });
    return job;
  }),

  /** A job with its target's title, for the job's own page. Only its owner or an admin may see it. */
  describe: authedProcedure.input(GetJobInput).query(({ ctx, input }) => getTitledJobFor(ctx.db, ctx.user, input.jobId)),

  /**
   * The caller's jobs (an admin's: everyone's), newest first, each with its target's title,
   * a bounded page at a time: the Activity panel's "Show older" passes the `next` of the page before.
   */
  history: authedProcedure.input(JobHistoryInput).query(({ ctx, input }) => readJobHistory(ctx.db, ctx.user, input.before ?? null, input.limit)),

  /** The caller's newest job of a type for a target, so a reopened page can pick up a running job. */
  latestFor: authedProcedure
    .input(z.object({ type: JobType, targetId: z.uuid({ message: 'targetId must be a UUID' }) }))
    .query(async ({ ctx, input }) => {
      const [row] = await ctx.db
        .select()
        .from(jobs)
        .where(and(eq(jobs.type, input.type), eq(jobs.targetId, input.targetId), eq(jobs.ownerId, ctx.user.id)))
        .orderBy(desc(jobs.queuedAt))
        .limit(1);
      return row ? toJobView(row) : null;
    }),

  /**
   * Cancels a queued or running job: it is `Cancelled` at once, and a running job's
   * handler is aborted within a second (see `cancelJob`). Its owner may, and so may an
   * admin (the operations page cancels anyone's job); a job that already ended is refused.
   */
  cancel: authedProcedure.input(CancelJobInput).mutation(({ ctx, input }) => cancelJob(ctx.db, ctx.user, input.jobId)),

  /**
   * Starts a failed or cancelled job again as a new job with the same payload (a new
   * story id where the job creates a story). Its owner may, and an admin as an operator
   * (the operations page): the new job stays the owner's, replays the owner's own request,
   * and its first event says who retried it. A job is retried once; asking again (a
   * double click, a second tab) answers the job the first retry started. A job whose
   * failure no retry can cure (a broken file, an invalid story) is refused, saying what can.
   */
  retry: authedProcedure.input(RetryJobInput).mutation(async ({ ctx, input }) => {
    const job = await getJobFor(ctx.db, ctx.user, input.jobId);
    if (job.ownerId !== ctx.user.id && ctx.user.role !== 'admin') throw new DomainError('FORBIDDEN', 'Only the job’s owner or an admin may retry it');
    if (job.status !== 'Failed' && job.status !== 'Cancelled') throw new DomainError('CONFLICT', `Only a failed or cancelled job can be retried; this one is ${job.status}`);
    if (job.failure?.retryable === false) throw new DomainError('CONFLICT', cannotRetryMessage(job.failure.remedy));
    const retried = await ctx.db.transaction(async (tx) => {
      const [row] = await tx.select().from(jobs).where(eq(jobs.id, job.id)).for('update');
      if (row.retriedAs) return { jobId: row.retriedAs, isNew: false };
      const createsStory = row.type === 'story-import' || row.type === 'story-fork';
      const payload = createsStory ? { ...row.payload, storyId: randomUUID() } : row.payload;
      const jobId = await insertJob(tx, {
        type: row.type,
        targetId: row.type === 'story-import' ? (payload['storyId'] as string) : row.targetId,
        ownerId: row.ownerId,
        payload,
        parentJobId: row.parentJobId ?? undefined,
        queuedMessage: `Retried by ${ctx.user.username} (job ${row.id.slice(0, 8)}); waiting for a worker`,
      });
      await tx.update(jobs).set({ retriedAs: jobId }).where(eq(jobs.id, row.id));
      return { jobId, isNew: true };
    });
    if (retried.isNew) await enqueueJob(ctx, { jobId: retried.jobId, type: job.type });
    return { jobId: retried.jobId, status: 'Queued' as const };
  }),

  /**
   * One job's stream: its state, then each event (the event id is its sequence
   * number, so a reconnect resumes right after the last one seen); ends after the
   * terminal event. Only the owner or an admin may watch. Over HTTP this resolver is not
   * reached: see `onMyJobs` for where both streams are served. It serves in-process callers.
   */
  watch: authedProcedure.input(WatchJobInput).subscription(async ({ ctx, input, signal }) => {
    const prepared = await prepareWatchedJob(ctx, input);
    const { sink, messages } = createIterableSink<WatchedJobMessage>(IN_PROCESS_QUEUE, signal);
    void ctx.hub.openWatchedJob(sink, prepared).catch((error: unknown) => failStream(ctx, sink, error));
    return messages;
  }),

  /**
   * One stream per browser tab: every event of the caller's jobs (an admin's: of all
   * jobs), and the flags whenever they change. A fresh subscribe starts with the
   * current state of the jobs concerned; a reconnect with the last event id gets
   * exactly the events after it, even when concurrent writers commit out of order.
   *
   * Served over HTTP elsewhere: `GET /trpc/jobs.onMyJobs` (and `jobs.watch`) never reaches
   * this resolver. `createRequestRouter` (libs/api/server/src/http/route-request.ts)
   * hands it to `createStreamRoute` (libs/api/server/src/streams/stream-route.ts), which
   * checks it with the same `prepareUserStream`, opens the user stream on the hub and writes
   * its frames straight onto the socket. This resolver serves in-process callers.
   */
  onMyJobs: authedProcedure.input(OnMyJobsInput).subscription(async ({ ctx, input, signal }) => {
    const prepared = await prepareUserStream(ctx, input);
    const { sink, messages } = createIterableSink<UserStreamMessage>(IN_PROCESS_QUEUE, signal);
    void ctx.hub.openUserStream(sink, prepared).catch((error: unknown) => failStream(ctx, sink, error));
    return messages;
  }),
});

/** Ends an in-process stream that could not open or read: refusals as they are, anything else by reference. */
function failStream(ctx: Context, sink: ReturnType<typeof createIterableSink>['sink'], cause: unknown): void {
  const error = toStreamError(cause);
  if (error.code === 'INTERNAL_SERVER_ERROR') ctx.log.error({ err: cause, reference: errorReference(error) }, 'stream failed');
  sink.fail(error);
}
