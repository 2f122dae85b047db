import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { JobEvent, JobStatus, JobType } from '@storyline/contracts';
import { JOB_EVENTS_CHANNEL, JOB_WAKE_CHANNEL, jobEvents, jobs, type Tx } from '@storyline/db';
import { toJobEvent } from './job-view';

type EventBody = DistributiveOmit<JobEvent, 'jobId' | 'seq' | 'at'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type JobColumns = Partial<Omit<typeof jobs.$inferInsert, 'id' | 'lastSeq'>>;

export interface JobChange {
  /** Columns of the job row to set along with the event. */
  set: JobColumns;
  event: EventBody;
  /** Apply only while the job is in one of these statuses; otherwise nothing is written. */
  onlyIf?: JobStatus[];
  /** A further condition on the job row, such as a stale heartbeat. */
  andWhere?: SQL;
}

/**
 * Updates a job, appends its event with the next sequence number and announces it,
 * all inside `tx`: the row lock taken by the UPDATE orders concurrent writers of the
 * same job, and Postgres delivers the NOTIFY only if the transaction commits.
 * Returns the event, or null when `onlyIf` did not match.
 */
export async function recordJobChange(tx: Tx, jobId: string, change: JobChange): Promise<JobEvent | null> {
  const condition = and(
    eq(jobs.id, jobId),
    change.onlyIf ? inArray(jobs.status, change.onlyIf) : undefined,
    change.andWhere,
  );
  const [updated] = await tx
    .update(jobs)
    .set({ ...change.set, lastSeq: sql`${jobs.lastSeq} + 1`, heartbeatAt: new Date() })
    .where(condition)
    .returning({ lastSeq: jobs.lastSeq });
  if (!updated) return null;
  const { kind, ...data } = change.event;
  // A job's end is dated once, so push (the event's time) and polling (the row's) tell the same
  // end; the transaction's own time would not do, since a completing one may have waited on a lock.
  const createdAt = change.set.completedAt instanceof Date ? change.set.completedAt : new Date();
  const [row] = await tx.insert(jobEvents).values({ jobId, seq: updated.lastSeq, kind, data, createdAt }).returning();
  const event = toJobEvent(row);
  await notifyJobEvent(tx, event);
  return event;
}

/**
 * Wakes the API processes' log readers. The payload only names the event (always far
 * below Postgres's 8000-byte limit); readers take the event itself from the table.
 */
export async function notifyJobEvent(tx: Tx, event: Pick<JobEvent, 'jobId' | 'seq'>): Promise<void> {
  await tx.execute(sql`select pg_notify(${JOB_EVENTS_CHANNEL}, ${`${event.jobId}:${event.seq}`})`);
}

/**
 * Wakes the workers consuming `type`'s queue. Inside a transaction Postgres delivers it
 * on commit, so a rolled-back job wakes nobody; the worker looks again for a moment
 * after waking, because the queue message is sent only once the transaction committed.
 */
export async function wakeJobWorkers(tx: Tx, type: JobType): Promise<void> {
  await tx.execute(sql`select pg_notify(${JOB_WAKE_CHANNEL}, ${type})`);
}
