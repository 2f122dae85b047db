import { eq, sql } from 'drizzle-orm';
import { DomainError, isTerminalStatus, type JobView, type SessionUser } from '@storyline/contracts';
import { JOB_CANCEL_CHANNEL, jobs, type Db } from '@storyline/db';
import { JobNotRunningError } from './job-reporter';
import { toJobView } from './job-view';
import { recordJobChange } from './record-job-change';

/** The reason a cancelled job's handler signal aborts with; the worker drops such a job's message. */
export class JobCancelledError extends JobNotRunningError {
  constructor(jobId: string) {
    super(jobId);
    this.name = 'JobCancelledError';
    this.message = `Job ${jobId} was cancelled`;
  }
}

/**
 * Cancels a Queued or Running job for `user` (its owner or an admin). The job is
 * `Cancelled` with its `cancelled` event at once, in one transaction: a queued job's
 * message is then dropped when a worker receives it, and a running job's handler can
 * no longer report or complete. For a running job the same transaction NOTIFYs
 * {@link JOB_CANCEL_CHANNEL}, so its worker aborts the handler's signal on commit.
 */
export async function cancelJob(db: Db, user: SessionUser, jobId: string): Promise<JobView> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(jobs).where(eq(jobs.id, jobId)).for('update');
    if (!row) throw new DomainError('NOT_FOUND', `Job ${jobId} does not exist`);
    if (row.ownerId !== user.id && user.role !== 'admin') throw new DomainError('FORBIDDEN', 'Only the job’s owner or an admin may cancel it');
    if (isTerminalStatus(row.status)) throw new DomainError('CONFLICT', `This job already ended (${row.status}); there is nothing to cancel`);
    await recordJobChange(tx, jobId, {
      set: { status: 'Cancelled', completedAt: new Date(), message: null },
      event: { kind: 'cancelled' },
      onlyIf: ['Queued', 'Running'],
    });
    if (row.status === 'Running') await tx.execute(sql`select pg_notify(${JOB_CANCEL_CHANNEL}, ${jobId})`);
    const [cancelled] = await tx.select().from(jobs).where(eq(jobs.id, jobId));
    return toJobView(cancelled);
  });
}
