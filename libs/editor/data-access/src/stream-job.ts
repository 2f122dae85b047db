import { catchError, concat, defer, distinctUntilChanged, filter, map, Observable, retry, takeWhile, throwError, timer } from 'rxjs';
import { applyJobEvent, isTerminalStatus, type JobStreamMessage, type JobView } from '@storyline/contracts';

/**
 * Opens one connection of a job's watch stream. `lastEventId` is null on the first
 * connection (the server answers with a snapshot) and the last event seen on a
 * reconnect (the server answers with exactly the events after it).
 */
export type OpenJobStream = (lastEventId: string | null) => Observable<JobStreamMessage>;

/** The waits between reconnect attempts; after the last one push counts as unavailable. */
export const PUSH_RETRY_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000, 16_000];

/** How {@link streamJob} reconnects. */
export interface StreamJobOptions {
  retryDelaysMs?: readonly number[];
  /** Whether reconnecting could help; `false` passes the error on at once. Default: always. */
  isRetryable?: (error: unknown) => boolean;
}

/** Push gave up after its reconnects; `lastSeen` lets a fallback carry on from there. */
export class PushUnavailableError extends Error {
  constructor(
    readonly lastSeen: JobView | null,
    override readonly cause: unknown,
  ) {
    super('Live updates are unavailable');
    this.name = 'PushUnavailableError';
  }
}

/**
 * Follows a job over its push stream, folding the snapshot and each event into
 * one `JobView`, and completes after a terminal status. A dropped connection is
 * reopened after 1, 2, 4, 8 and 16 s (the count resets once data flows again),
 * resuming after the last event seen so nothing is missed or applied twice; when
 * every attempt fails it errors with a {@link PushUnavailableError}.
 */
export function streamJob(open: OpenJobStream, options: StreamJobOptions = {}): Observable<JobView> {
  const { retryDelaysMs = PUSH_RETRY_DELAYS_MS, isRetryable = () => true } = options;
  return defer(() => {
    let job: JobView | null = null;
    const connection = defer(() =>
      concat(
        open(job ? String(job.lastSeq) : null),
        // The server ends a stream only after the terminal event, which stops us first;
        // any other end is a lost connection.
        throwError(() => new Error('The job stream ended before the job did')),
      ),
    );
    return connection.pipe(
      map((message) => (job = fold(job, message))),
      retry({
        count: retryDelaysMs.length,
        resetOnSuccess: true,
        delay: (error, attempt) => (isRetryable(error) ? timer(retryDelaysMs[attempt - 1]) : throwError(() => error)),
      }),
      catchError((error: unknown) => throwError(() => (isRetryable(error) ? new PushUnavailableError(job, error) : error))),
      filter((view): view is JobView => view !== null),
      distinctUntilChanged(),
      takeWhile((view) => !isTerminalStatus(view.status), true),
    );
  });
}

function fold(job: JobView | null, message: JobStreamMessage): JobView | null {
  if (message.kind === 'snapshot') return message.job;
  // Events only follow a snapshot or a resume, both of which set `job`.
  return job ? applyJobEvent(job, message.event) : null;
}
