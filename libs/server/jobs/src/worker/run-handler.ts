import { eq } from 'drizzle-orm';
import { jobs } from '@storyline/db';
import { JobTimedOutError, type JobDefinition } from '../job-handler';
import { createJobReporter, type JobCompletion } from '../job-reporter';
import { toJobView } from '../job-view';
import type { Attempt, WorkerContext } from './worker-context';

/**
 * Runs `definition`'s handler on a claimed job. Its one signal aborts when the worker
 * stops, when the job is cancelled (`cancelled`), or when the type's run timeout passes,
 * and the run then ends at once, rejecting with the reason, whatever the handler does.
 */
export async function runHandler(worker: WorkerContext, definition: JobDefinition, { job, lease, log }: Attempt, cancelled: AbortSignal): Promise<JobCompletion> {
  const signal = AbortSignal.any([worker.shutdown, cancelled, AbortSignal.timeout(definition.timeoutMs)]);
  const { db } = worker.deps;
  const attempt = lease.message.dequeueCount;
  const [row] = await db.select().from(jobs).where(eq(jobs.id, job.id));
  const work = definition.handler({ job: toJobView(row), payload: row.payload, db, report: createJobReporter(db, job.id, attempt), signal, log, attempt });
  return runAborted(work, signal, definition.timeoutMs);
}

/**
 * Resolves with `work`, or rejects as soon as `signal` aborts, whichever comes first; a
 * run timeout rejects with {@link JobTimedOutError}.
 */
function runAborted<T>(work: Promise<T>, signal: AbortSignal, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () =>
      reject(signal.reason instanceof DOMException && signal.reason.name === 'TimeoutError' ? new JobTimedOutError(timeoutMs) : signal.reason);
    // Settle on `work` first, so that its rejection is handled even when the signal has already aborted.
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
