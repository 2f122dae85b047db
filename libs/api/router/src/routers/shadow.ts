import { ShadowReport } from '@storyline/contracts';
import { getJobFor } from '@storyline/jobs';
import { authedProcedure, router } from '../trpc';

/** Where editors in shadow mode report how push and polling compared for a job. */
export const shadowRouter = router({
  report: authedProcedure.input(ShadowReport).mutation(async ({ ctx, input }) => {
    const job = await getJobFor(ctx.db, ctx.user, input.jobId);
    ctx.metrics.shadowPollingLag.observe({ job_type: job.type }, input.pollingLagMs / 1000);
    if (!input.agreed) {
      ctx.metrics.shadowDisagreements.inc({ job_type: job.type });
      ctx.log.warn({ jobId: job.id, type: job.type, detail: input.detail }, 'push and polling disagreed');
    }
    return { ok: true as const };
  }),
});
