import { applyJobEvent, type JobEvent, type JobType, type JobView } from '@storyline/contracts';

/**
 * The view of a job the feed first hears of through its opening event (sequence 1,
 * "Queued"), which is all a freshly started job has. Events do not carry the job's
 * target, so it stays empty until the job is read in full (the owner comes with the
 * feed message, when the server says it); nothing the editor shows of a running job needs them.
 */
export function jobViewFromFirstEvent(event: JobEvent, jobType: JobType, ownerId = ''): JobView {
  const empty: JobView = {
    id: event.jobId,
    type: jobType,
    targetId: '',
    ownerId,
    status: 'Queued',
    phase: null,
    progress: 0,
    message: null,
    dequeueCount: 0,
    queuedAt: event.at,
    startedAt: null,
    completedAt: null,
    error: null,
    result: null,
    lastSeq: 0,
    parentJobId: null,
  };
  return applyJobEvent(empty, event);
}
