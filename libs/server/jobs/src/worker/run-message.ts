import type { JobDefinition } from '../job-handler';
import { claimJob, readMessageJob } from './claim-job';
import { startJobHeartbeat } from './job-heartbeat';
import type { MessageLease } from './message-lease';
import { runHandler } from './run-handler';
import { settleFailure } from './settle-failure';
import type { Attempt, WorkerContext } from './worker-context';

/**
 * Works one received message from start to end: reads its job, claims it, runs its
 * handler while the message is kept hidden and the job's heartbeat beats, then deletes
 * the message of a completed job or settles the failure.
 */
export async function runMessage(worker: WorkerContext, definition: JobDefinition, lease: MessageLease): Promise<void> {
  const read = await readMessageJob(worker, lease);
  if (!read) return;
  const attempt: Attempt = { ...read, lease };
  // Listening before the job is Running, so a cancel committed right after the start is not missed.
  const cancelled = worker.cancellers.add(attempt.job.id);
  try {
    if (!(await claimJob(worker, attempt.job, lease))) {
      attempt.log.info({ status: attempt.job.status }, 'duplicate message for a job running elsewhere dropped');
      await lease.delete();
      return;
    }
    await runClaimed(worker, definition, attempt, cancelled.signal);
  } finally {
    cancelled.done();
  }
}

async function runClaimed(worker: WorkerContext, definition: JobDefinition, attempt: Attempt, cancelled: AbortSignal): Promise<void> {
  const { job, lease, log } = attempt;
  log.info('job running');
  const heartbeat = startJobHeartbeat(worker, job.id, (worker.visibilityTimeoutSec * 1000) / 3);
  lease.keepHidden();
  let failure: { error: unknown } | undefined;
  try {
    await runHandler(worker, definition, attempt, cancelled);
  } catch (error) {
    failure = { error: cancelled.aborted ? cancelled.reason : error };
  }
  heartbeat.stop();
  await lease.stopRenewing();
  if (failure) return settleFailure(worker, attempt, failure.error);
  // A completed job's message is gone with this; if storage refuses, the message comes back and is dropped as finished.
  await lease.delete();
  log.info('job completed');
}
