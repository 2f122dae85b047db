import { and, eq, lt, or, sql } from 'drizzle-orm';
import { jobs } from '@storyline/db';
import { failJob } from './fail-job';
import { recordJobChange, wakeJobWorkers } from './record-job-change';
import type { JobDeps } from './start-job';

export interface SweepOptions {
  /** A Queued job untouched this long has lost its message (or nobody consumes its queue). */
  queuedStaleSec: number;
  /** A Running job untouched this long has lost both its worker and its message. */
  runningStaleSec: number;
  /** Re-queues before the job is failed for good. */
  maxRequeues: number;
}

export interface SweepResult {
  requeued: string[];
  failed: string[];
}

/**
 * Makes sure no job waits for ever: a stale Queued or Running job gets its message
 * sent again (a second message is harmless: workers drop messages for finished jobs
 * and for jobs alive elsewhere), and one re-queued too often is failed with a reason.
 * One process sweeps at a time, under an advisory lock.
 */
export async function sweepStaleJobs(deps: JobDeps, options: SweepOptions): Promise<SweepResult> {
  const result: SweepResult = { requeued: [], failed: [] };
  const toSend = await deps.db.transaction(async (tx) => {
    const [lock] = await tx.execute<{ locked: boolean }>(sql`select pg_try_advisory_xact_lock(727275) as locked`);
    if (!lock?.locked) return [];
    const stale = await tx
      .select({ id: jobs.id, type: jobs.type, status: jobs.status, requeues: jobs.requeues })
      .from(jobs)
      .where(
        or(
          and(eq(jobs.status, 'Queued'), lt(jobs.heartbeatAt, sql`now() - make_interval(secs => ${options.queuedStaleSec})`)),
          and(eq(jobs.status, 'Running'), lt(jobs.heartbeatAt, sql`now() - make_interval(secs => ${options.runningStaleSec})`)),
        ),
      )
      .limit(100)
      .for('update', { skipLocked: true });
    const send: Array<{ id: string; type: (typeof stale)[number]['type'] }> = [];
    for (const job of stale) {
      if (job.requeues >= options.maxRequeues) {
        const reason = `No worker finished this job after ${job.requeues} re-queues; giving up.`;
        await failJob(tx, job.id, reason, ['Queued', 'Running']);
        result.failed.push(job.id);
        continue;
      }
      await recordJobChange(tx, job.id, {
        set: { requeues: job.requeues + 1, message: 'Re-queued after waiting too long' },
        event: { kind: 'warning', message: `Re-queued: the job was ${job.status} with no sign of a worker` },
        onlyIf: ['Queued', 'Running'],
      });
      send.push({ id: job.id, type: job.type });
    }
    for (const type of new Set(send.map((job) => job.type))) await wakeJobWorkers(tx, type);
    return send;
  });
  for (const job of toSend) {
    try {
      await deps.queues.send(job.type, { jobId: job.id, type: job.type });
      result.requeued.push(job.id);
    } catch (error) {
      deps.log.warn({ err: error, jobId: job.id }, 'could not re-queue a stale job; the next sweep tries again');
    }
  }
  if (result.requeued.length || result.failed.length) deps.log.warn(result, 'swept stale jobs');
  return result;
}
