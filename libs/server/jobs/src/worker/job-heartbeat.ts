import { eq, sql } from 'drizzle-orm';
import { jobs } from '@storyline/db';
import type { WorkerContext } from './worker-context';

export interface JobHeartbeat {
  stop(): void;
}

/**
 * Stamps a running job's `heartbeat_at` every `everyMs`: peers take over a Running job only
 * once its heartbeat is stale, and the sweeper re-queues one whose heartbeat stopped. Each
 * beat also catches a cancel whose NOTIFY this worker missed, and aborts the job's handler.
 */
export function startJobHeartbeat(worker: Pick<WorkerContext, 'deps' | 'cancellers'>, jobId: string, everyMs: number): JobHeartbeat {
  const beat = () =>
    worker.deps.db
      .update(jobs)
      .set({ heartbeatAt: sql`now()` })
      .where(eq(jobs.id, jobId))
      .returning({ status: jobs.status })
      .then(([row]) => {
        if (row?.status === 'Cancelled') worker.cancellers.abort(jobId);
      })
      // A missed beat is made up by the next; only a worker that stopped beating loses the job.
      .catch(() => undefined);
  const timer = setInterval(() => void beat(), everyMs);
  return { stop: () => clearInterval(timer) };
}
