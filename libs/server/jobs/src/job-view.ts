import { RETRYABLE_FAILURE, type JobEvent, type JobView } from '@storyline/contracts';
import type { jobEvents, jobs } from '@storyline/db';

type JobRow = typeof jobs.$inferSelect;
type JobEventRow = typeof jobEvents.$inferSelect;

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function toJobView(row: JobRow): JobView {
  return {
    id: row.id,
    type: row.type,
    targetId: row.targetId,
    ownerId: row.ownerId,
    status: row.status,
    phase: row.phase,
    progress: row.progress,
    message: row.message,
    dequeueCount: row.dequeueCount,
    queuedAt: row.queuedAt.toISOString(),
    startedAt: iso(row.startedAt),
    completedAt: iso(row.completedAt),
    error: row.error,
    failure: row.status === 'Failed' ? (row.failure ?? RETRYABLE_FAILURE) : null,
    result: row.result ?? null,
    lastSeq: row.lastSeq,
    parentJobId: row.parentJobId,
  };
}

export function toJobEvent(row: JobEventRow): JobEvent {
  return { ...row.data, jobId: row.jobId, seq: row.seq, at: row.createdAt.toISOString(), kind: row.kind } as JobEvent;
}
