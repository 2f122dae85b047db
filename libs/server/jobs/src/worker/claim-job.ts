import { lt, sql } from 'drizzle-orm';
import { isTerminalStatus, JobMessage, type JobView } from '@storyline/contracts';
import { jobs } from '@storyline/db';
import type { Logger } from 'pino';
import { findJob } from '../read-jobs';
import { recordJobChange } from '../record-job-change';
import type { MessageLease } from './message-lease';
import type { WorkerContext } from './worker-context';

/**
 * The job a received message is for, with a logger that names the job and the delivery;
 * or null once the message is dealt with: a malformed one is moved to the poison queue,
 * one whose job is gone or has ended is deleted.
 */
export async function readMessageJob(worker: WorkerContext, lease: MessageLease): Promise<{ job: JobView; log: Logger } | null> {
  const { type, message } = lease;
  let parsed: JobMessage;
  try {
    parsed = JobMessage.parse(JSON.parse(message.text));
  } catch {
    worker.deps.log.error({ type, messageId: message.messageId }, 'malformed queue message moved to poison queue');
    await lease.poison();
    return null;
  }
  const log = worker.deps.log.child({ jobId: parsed.jobId, type, attempt: message.dequeueCount });
  const job = await findJob(worker.deps.db, parsed.jobId);
  if (!job || isTerminalStatus(job.status)) {
    log.info({ status: job?.status ?? 'missing' }, 'message for a finished job dropped');
    await lease.delete();
    return null;
  }
  return { job, log };
}

/**
 * Marks `job` Running for this delivery of its message, with its status event, in one
 * transaction. A job already Running is taken over only from a worker that stopped beating
 * its heartbeat; false when it is alive elsewhere, so this message is a duplicate (the
 * sweeper may have sent one).
 */
export async function claimJob(worker: WorkerContext, job: JobView, lease: MessageLease): Promise<boolean> {
  const { dequeueCount } = lease.message;
  // The heartbeat beats every third of the visibility timeout; half of it without a beat means the worker is gone.
  const takeoverAfterSec = worker.visibilityTimeoutSec / 2;
  const started = await worker.deps.db.transaction(async (tx) => {
    if (job.status === 'Running') {
      const takenOver = await recordJobChange(tx, job.id, {
        set: { dequeueCount },
        event: { kind: 'warning', message: `Taken over by another worker (delivery ${dequeueCount})` },
        onlyIf: ['Running'],
        andWhere: lt(jobs.heartbeatAt, sql`now() - make_interval(secs => ${takeoverAfterSec})`),
      });
      if (!takenOver) return null;
    }
    return recordJobChange(tx, job.id, {
      set: { status: 'Running', dequeueCount, startedAt: new Date(), error: null, message: 'Running' },
      event: { kind: 'status', status: 'Running', message: `Attempt ${dequeueCount} on worker ${worker.name}` },
      onlyIf: ['Queued', 'Running'],
    });
  });
  return started !== null;
}
