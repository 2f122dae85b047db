import { and, eq, inArray, sql } from 'drizzle-orm';
import type { JobEvent, JobStatus } from '@storyline/contracts';
import { jobEvents, jobs, type Tx } from '@storyline/db';
import { toJobEvent } from './job-view';

/** The channel every job event is announced on. */
export const JOB_EVENTS_CHANNEL = 'job_events';

/** Postgres rejects NOTIFY payloads from 8000 bytes; larger events travel as a pointer. */
const MAX_NOTIFY_BYTES = 7_900;

/** What a NOTIFY on {@link JOB_EVENTS_CHANNEL} carries: the event itself, or where to read it. */
export type JobNotification =
  | { ownerId: string; event: JobEvent }
  | { ownerId: string; pointer: { jobId: string; seq: number } };

type EventBody = DistributiveOmit<JobEvent, 'jobId' | 'seq' | 'at'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type JobColumns = Partial<Omit<typeof jobs.$inferInsert, 'id' | 'lastSeq'>>;

export interface JobChange {
  /** Columns of the job row to set along with the event. */
  set: JobColumns;
  event: EventBody;
  /** Apply only while the job is in one of these statuses; otherwise nothing is written. */
  onlyIf?: JobStatus[];
}

/**
 * Updates a job, appends its event with the next sequence number and announces it,
 * all inside `tx`: the row lock taken by the UPDATE orders concurrent writers of the
 * same job, and Postgres delivers the NOTIFY only if the transaction commits.
 * Returns the event, or null when `onlyIf` did not match.
 */
export async function recordJobChange(tx: Tx, jobId: string, change: JobChange): Promise<JobEvent | null> {
  const condition = change.onlyIf ? and(eq(jobs.id, jobId), inArray(jobs.status, change.onlyIf)) : eq(jobs.id, jobId);
  const [updated] = await tx
    .update(jobs)
    .set({ ...change.set, lastSeq: sql`${jobs.lastSeq} + 1`, heartbeatAt: new Date() })
    .where(condition)
    .returning({ lastSeq: jobs.lastSeq, ownerId: jobs.ownerId });
  if (!updated) return null;
  const { kind, ...data } = change.event;
  const [row] = await tx.insert(jobEvents).values({ jobId, seq: updated.lastSeq, kind, data }).returning();
  const event = toJobEvent(row);
  await notifyJobEvent(tx, updated.ownerId, event);
  return event;
}

export async function notifyJobEvent(tx: Tx, ownerId: string, event: JobEvent): Promise<void> {
  let payload = JSON.stringify({ ownerId, event } satisfies JobNotification);
  if (Buffer.byteLength(payload) > MAX_NOTIFY_BYTES) {
    payload = JSON.stringify({ ownerId, pointer: { jobId: event.jobId, seq: event.seq } } satisfies JobNotification);
  }
  await tx.execute(sql`select pg_notify(${JOB_EVENTS_CHANNEL}, ${payload})`);
}
