import { sql } from 'drizzle-orm';
import { JobType, SetJobTypeFlagInput, type JobTypeFlag } from '@storyline/contracts';
import { JOB_FLAGS_CHANNEL, jobTypeFlags, type Db } from '@storyline/db';
import { adminProcedure, authedProcedure, router } from '../trpc';

/** Every job type's transport; a type without a stored flag uses push. */
export async function readFlags(db: Db): Promise<JobTypeFlag[]> {
  const rows = await db.select().from(jobTypeFlags);
  const stored = new Map(rows.map((row) => [row.jobType, row.transport]));
  return JobType.options.map((jobType) => ({ jobType, transport: stored.get(jobType) ?? 'push' }));
}

export const flagsRouter = router({
  list: authedProcedure.query(({ ctx }) => readFlags(ctx.db)),
  set: adminProcedure.input(SetJobTypeFlagInput).mutation(async ({ ctx, input }) => {
    await ctx.db.transaction(async (tx) => {
      await tx
        .insert(jobTypeFlags)
        .values({ jobType: input.jobType, transport: input.transport, updatedBy: ctx.user.id })
        .onConflictDoUpdate({
          target: jobTypeFlags.jobType,
          set: { transport: input.transport, updatedBy: ctx.user.id, updatedAt: new Date() },
        });
      // Open editors hear of the change on their stream and apply it to new watches.
      await tx.execute(sql`select pg_notify(${JOB_FLAGS_CHANNEL}, ${input.jobType})`);
    });
    ctx.log.info({ userId: ctx.user.id, ...input }, 'job type flag changed');
    return readFlags(ctx.db);
  }),
});
