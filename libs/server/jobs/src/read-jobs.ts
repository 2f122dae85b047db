import { and, asc, eq, gt } from 'drizzle-orm';
import { DomainError, type JobEvent, type JobView, type SessionUser } from '@storyline/contracts';
import { jobEvents, jobs, type Db } from '@storyline/db';
import { toJobEvent, toJobView } from './job-view';

export async function findJob(db: Db, jobId: string): Promise<JobView | null> {
  const [row] = await db.select().from(jobs).where(eq(jobs.id, jobId));
  return row ? toJobView(row) : null;
}

/** A job as `user` may see it: only its owner and admins may. */
export async function getJobFor(db: Db, user: SessionUser, jobId: string): Promise<JobView> {
  const job = await findJob(db, jobId);
  if (!job) throw new DomainError('NOT_FOUND', `Job ${jobId} does not exist`);
  assertMaySee(user, job);
  return job;
}

export function assertMaySee(user: SessionUser, job: Pick<JobView, 'ownerId'>): void {
  if (job.ownerId !== user.id && user.role !== 'admin') {
    throw new DomainError('FORBIDDEN', 'This job belongs to another user');
  }
}

/** The events of a job after sequence `afterSeq`, oldest first; at most `limit` of them. */
export async function readJobEventsAfter(db: Db, jobId: string, afterSeq: number, limit = 10_000): Promise<JobEvent[]> {
  const rows = await db
    .select()
    .from(jobEvents)
    .where(and(eq(jobEvents.jobId, jobId), gt(jobEvents.seq, afterSeq)))
    .orderBy(asc(jobEvents.seq))
    .limit(limit);
  return rows.map(toJobEvent);
}
