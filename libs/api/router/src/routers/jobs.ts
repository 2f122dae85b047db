import { tracked } from '@trpc/server';
import { and, desc, eq } from 'drizzle-orm';
import { GetJobInput, JobType, WatchJobInput } from '@storyline/contracts';
import { jobs } from '@storyline/db';
import { findJob, getJobFor, readJobEventsAfter, toJobView } from '@storyline/jobs';
import { isFeedPosition, watchJob, watchJobFeed, type WatchJobSource } from '@storyline/realtime';
import { z } from 'zod';
import type { Context } from '../context';
import { countStream } from '../server/count-stream';
import { authedProcedure, router, toTRPCError } from '../trpc';
import { readFlags } from './flags';

const OnMyJobsInput = z.object({
  lastEventId: z.string().refine(isFeedPosition, 'lastEventId must be a feed position such as 123-45').nullish(),
});

function watchSource(ctx: Context): WatchJobSource {
  return {
    feed: ctx.feed,
    readJob: async (jobId) => {
      const job = await findJob(ctx.db, jobId);
      if (!job) throw new Error(`job ${jobId} vanished`);
      return job;
    },
    readEventsAfter: (jobId, afterSeq) => readJobEventsAfter(ctx.db, jobId, afterSeq),
  };
}

export const jobsRouter = router({
  /** The polling endpoint: a job as it stands now. */
  get: authedProcedure.input(GetJobInput).query(async ({ ctx, input }) => {
    const job = await getJobFor(ctx.db, ctx.user, input.jobId);
    ctx.metrics.pollingRequests.inc({ job_type: job.type });
    return job;
  }),

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
   * One job's stream: its state, then each event (the event id is its sequence
   * number, so a reconnect resumes right after the last one seen); ends after the
   * terminal event. Only the owner or an admin may watch.
   */
  watch: authedProcedure.input(WatchJobInput).subscription(async ({ ctx, input, signal }) => {
    await getJobFor(ctx.db, ctx.user, input.jobId);
    const afterSeq = input.lastEventId ? Number(input.lastEventId) : null;
    const stream = watchJob(watchSource(ctx), input.jobId, afterSeq, signal ?? new AbortController().signal);
    return countStream(
      ctx.metrics,
      'job',
      (async function* () {
        try {
          for await (const { id, message } of stream) {
            if (message.kind === 'event') ctx.metrics.sent('job', message.event);
            yield tracked(String(id), message);
          }
        } catch (error) {
          throw toTRPCError(error);
        }
      })(),
    );
  }),

  /**
   * One stream per browser tab: every event of the caller's jobs (an admin's: of all
   * jobs), and the flags whenever they change. A fresh subscribe starts with the
   * current state of the jobs concerned; a reconnect with the last event id gets
   * exactly the events after it, even when concurrent writers commit out of order.
   */
  onMyJobs: authedProcedure.input(OnMyJobsInput).subscription(({ ctx, input, signal }) => {
    const stream = watchJobFeed({
      feed: ctx.feed,
      ownerId: ctx.user.role === 'admin' ? null : ctx.user.id,
      after: input.lastEventId ?? null,
      readFlags: () => readFlags(ctx.db),
      signal: signal ?? new AbortController().signal,
    });
    return countStream(
      ctx.metrics,
      'feed',
      (async function* () {
        for await (const { id, message } of stream) {
          if (message.kind === 'event') ctx.metrics.sent('feed', message.event);
          yield tracked(id, message);
        }
      })(),
    );
  }),
});
