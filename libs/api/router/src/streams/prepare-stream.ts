import { TRPCError } from '@trpc/server';
import type { OnMyJobsInput, SessionUser, WatchJobInput } from '@storyline/contracts';
import { getJobFor } from '@storyline/jobs';
import { parseLogPosition, type StreamAccount } from '@storyline/realtime';
import type { Context } from '../context';

export type AuthedContext = Context & { user: SessionUser };

/** Everything that can refuse an `onMyJobs` stream, checked before a byte of it is sent. */
export async function prepareUserStream(ctx: AuthedContext, input: OnMyJobsInput): Promise<{ account: StreamAccount; after: string | null }> {
  const account = admit(ctx);
  const after = input.lastEventId ?? null;
  if (after !== null && (await ctx.logReader.isAhead(parseLogPosition(after)))) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'lastEventId lies beyond every event of this server; subscribe again without it' });
  }
  return { account, after };
}

/** Everything that can refuse a `jobs.watch` stream: the job must exist, be the caller's (or an admin's), and know the id. */
export async function prepareWatchedJob(
  ctx: AuthedContext,
  input: WatchJobInput,
): Promise<{ account: StreamAccount; jobId: string; afterSeq: number | null }> {
  const account = admit(ctx);
  const job = await getJobFor(ctx.db, ctx.user, input.jobId);
  const afterSeq = input.lastEventId ? Number(input.lastEventId) : null;
  if (afterSeq !== null && afterSeq > job.lastSeq) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `lastEventId ${afterSeq} lies beyond this job's last event (${job.lastSeq})` });
  }
  return { account, jobId: job.id, afterSeq };
}

/** The account a stream runs under; the hub checks its limits as it registers the stream. */
function admit(ctx: AuthedContext): StreamAccount {
  if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Please log in' });
  return { userId: ctx.user.id, seesAll: ctx.user.role === 'admin', sessionKey: ctx.session.key, expiresAt: ctx.session.expiresAt };
}
