import { randomBytes } from 'node:crypto';
import { JobCancelledError } from '../cancel-job';
import { failJob } from '../fail-job';
import { isPermanentFailure, jobFailureMessage, jobFailureOf } from '../job-handler';
import { JobNotRunningError } from '../job-reporter';
import { recordJobChange } from '../record-job-change';
import { handBackJob } from './hand-back-job';
import type { Attempt, WorkerContext } from './worker-context';

/**
 * Decides what a run that ended in `error` means for its job and its message: a job that
 * stopped running under its handler (cancelled, superseded, taken over) keeps its state and
 * loses its message; a stopping worker hands the job back; a failure no retry can cure, or
 * one on the last delivery, fails the job; any other is retried after the retry delay.
 * If the database or the queue is unreachable here, the message stays hidden until its
 * timeout and is delivered again; the job is then taken over.
 */
export async function settleFailure(worker: WorkerContext, attempt: Attempt, error: unknown): Promise<void> {
  const { job, lease, log } = attempt;
  if (error instanceof JobNotRunningError) {
    log.info(error instanceof JobCancelledError ? 'job cancelled; handler aborted and message dropped' : 'job stopped running under its handler; message dropped');
    await lease.delete();
    return;
  }
  if (worker.shutdown.aborted) {
    await handBackJob(worker, attempt);
    return;
  }
  const reference = randomBytes(4).toString('hex');
  const reason = jobFailureMessage(error, reference);
  const delivery = lease.message.dequeueCount;
  const permanent = isPermanentFailure(error);
  if (permanent || delivery >= worker.maxDeliveries) {
    if (permanent) log.warn({ reason }, 'job refused its input; failed without retry');
    else log.error({ err: error, reference }, 'job failed for the last time; message moved to poison queue');
    await worker.deps.db.transaction((tx) => failJob(tx, job.id, reason, ['Running'], jobFailureOf(error)));
    // A refused input would be refused again: its message is not kept for an operator to re-send.
    await (permanent ? lease.delete() : lease.poison());
    return;
  }
  log.warn({ err: error, reference }, 'job attempt failed; will retry');
  await worker.deps.db.transaction(async (tx) => {
    await recordJobChange(tx, job.id, {
      set: { message: `Attempt ${delivery} failed: ${reason}` },
      event: { kind: 'warning', message: `Attempt ${delivery} of ${worker.maxDeliveries} failed: ${reason}. Retrying.` },
      onlyIf: ['Running'],
    });
    await recordJobChange(tx, job.id, {
      set: { status: 'Queued', phase: null, progress: 0 },
      event: { kind: 'status', status: 'Queued', message: 'Waiting to retry' },
      onlyIf: ['Running'],
    });
  });
  await lease.hide(worker.retryDelaySec);
  worker.wakeAt(lease.type, Date.now() + worker.retryDelaySec * 1000);
}
