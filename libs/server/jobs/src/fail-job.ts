import type { JobEvent, JobStatus } from '@storyline/contracts';
import type { Tx } from '@storyline/db';
import { recordJobChange } from './record-job-change';

/**
 * Fails a job for good with `reason`, the sentence its user reads, and appends its
 * `failed` event, inside `tx`; only while the job is in one of `onlyIf` (a job that
 * ended meanwhile is left as it ended). Returns the event, or null when nothing changed.
 */
export function failJob(tx: Tx, jobId: string, reason: string, onlyIf: JobStatus[]): Promise<JobEvent | null> {
  return recordJobChange(tx, jobId, {
    set: { status: 'Failed', error: reason, completedAt: new Date(), message: null },
    event: { kind: 'failed', error: reason },
    onlyIf,
  });
}
