import { tracked } from '@trpc/server';
import { and, desc, eq } from 'drizzle-orm';
import { GetJobInput, JobType, WatchJobInput } from '@storyline/contracts';
import { jobs } from '@storyline/db';
import { findJob, getJobFor, readJobEventsAfter, toJobView } from '@storyline/jobs';
import { watchJob, type WatchJobSource } from '@storyline/realtime';
import { z } from 'zod';
import type { Context } from '../context';
import { authedProcedure, router, toTRPCError } from '../trpc';

function watchSource(ctx: Context): WatchJobSource {
  return {
    hub: ctx.hub,
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
  get: authedProcedure.input(GetJobInput).query(({ ctx, input }) => getJobFor(ctx.db, ctx.user, input.jobId)),

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
    return (async function* () {
      try {
        for await (const { id, message } of stream) yield tracked(String(id), message);
      } catch (error) {
        throw toTRPCError(error);
      }
    })();
  }),
});
