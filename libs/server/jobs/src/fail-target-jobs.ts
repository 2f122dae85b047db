import { and, eq, inArray, sql } from 'drizzle-orm';
import { JOB_CANCEL_CHANNEL, jobs, type Tx } from '@storyline/db';
import { failJob } from './fail-job';

/**
 * Ends every queued or running job on `targetId` as failed with `reason` (its owner deleted
 * the target), in `tx`, through {@link failJob}: each job's card and Activity line read the
 * sentence, and no Retry is offered: none can succeed on a deleted item (after an Undo, the
 * author starts the job again). A running job's worker aborts its handler when `tx` commits (the cancel channel),
 * and a queued job's message is dropped when a worker receives it. Answers how many ended.
 */
export async function failTargetJobs(tx: Tx, targetId: string, reason: string): Promise<number> {
  const open = await tx
    .select({ id: jobs.id, status: jobs.status })
    .from(jobs)
    .where(and(inArray(jobs.status, ['Queued', 'Running']), eq(jobs.targetId, targetId)))
    .for('update');
  for (const job of open) {
    await failJob(tx, job.id, reason, ['Queued', 'Running'], { retryable: false, remedy: null });
    if (job.status === 'Running') await tx.execute(sql`select pg_notify(${JOB_CANCEL_CHANNEL}, ${job.id})`);
  }
  return open.length;
}
