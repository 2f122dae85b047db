import { RETRYABLE_FAILURE, type JobEvent, type JobFailure, type JobStatus } from '@storyline/contracts';
import type { Tx } from '@storyline/db';
import { recordJobChange } from './record-job-change';

/**
 * Fails a job for good with `reason`, the sentence its user reads, and appends its
 * `failed` event, inside `tx`; only while the job is in one of `onlyIf` (a job that
 * ended meanwhile is left as it ended). `failure` says whether a retry can succeed and,
 * if not, what can cure it; the row and the event both carry it, so every client offers
 * Retry or the remedy alike. Returns the event, or null when nothing changed.
 */
export function failJob(tx: Tx, jobId: string, reason: string, onlyIf: JobStatus[], failure: JobFailure = RETRYABLE_FAILURE): Promise<JobEvent | null> {
  return recordJobChange(tx, jobId, {
    set: { status: 'Failed', error: reason, failure, completedAt: new Date(), message: null },
    event: { kind: 'failed', error: reason, retryable: failure.retryable, remedy: failure.remedy },
    onlyIf,
  });
}
