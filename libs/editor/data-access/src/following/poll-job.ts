import { Observable } from 'rxjs';
import { isTerminalStatus, type JobView } from '@storyline/contracts';

/** How {@link pollJob} paces itself. Only the overall timeout has no default: every poll must end. */
export interface PollJobOptions {
  /** Gives up with a {@link PollTimeoutError} this long after subscribing. */
  timeoutMs: number;
  /** The wait before the first poll; the job has rarely moved sooner. Default 1 s. */
  initialDelayMs?: number;
  /** The longest wait between two polls. Default 60 s. */
  maxDelayMs?: number;
  /** Each wait is the previous one times this. Default 2. */
  backoffFactor?: number;
  /** Fails after this many fetch errors in a row. Default 5. */
  maxConsecutiveErrors?: number;
  /** Whether an error may pass on the next tick; `false` fails at once (say, the job does not exist). Default: every error. */
  isRetryable?: (error: unknown) => boolean;
}

/** The job did not reach a terminal status within the poll's overall timeout. */
export class PollTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`Stopped waiting for the job after ${Math.round(timeoutMs / 1000)} s without a final status`);
    this.name = 'PollTimeoutError';
  }
}

/**
 * Polls a job until it reaches a terminal status: emits every fetched view,
 * completes after the terminal one. The first poll waits `initialDelayMs`, each
 * later wait doubles up to `maxDelayMs`; a failed fetch is retried on the same
 * schedule. Unsubscribing clears every timer and aborts a fetch in flight, so a
 * page that goes away leaves nothing running.
 *
 * @param fetchJob reads the job once; honour `signal` to cancel the request.
 */
export function pollJob(fetchJob: (signal: AbortSignal) => Promise<JobView>, options: PollJobOptions): Observable<JobView> {
  const {
    timeoutMs,
    initialDelayMs = 1_000,
    maxDelayMs = 60_000,
    backoffFactor = 2,
    maxConsecutiveErrors = 5,
    isRetryable = () => true,
  } = options;

  return new Observable<JobView>((subscriber) => {
    const aborter = new AbortController();
    let delayMs = Math.min(initialDelayMs, maxDelayMs);
    let errorsInARow = 0;
    let next: ReturnType<typeof setTimeout> | undefined;
    const deadline = setTimeout(() => subscriber.error(new PollTimeoutError(timeoutMs)), timeoutMs);

    const schedule = () => {
      // A subscriber may unsubscribe from inside `next`: then nothing more may start.
      if (aborter.signal.aborted) return;
      next = setTimeout(() => void poll(), delayMs);
      delayMs = Math.min(delayMs * backoffFactor, maxDelayMs);
    };

    const poll = async () => {
      try {
        const job = await fetchJob(aborter.signal);
        if (aborter.signal.aborted) return;
        errorsInARow = 0;
        subscriber.next(job);
        if (isTerminalStatus(job.status)) return subscriber.complete();
      } catch (error) {
        if (aborter.signal.aborted) return;
        errorsInARow += 1;
        if (!isRetryable(error) || errorsInARow >= maxConsecutiveErrors) return subscriber.error(error);
      }
      schedule();
    };

    schedule();
    return () => {
      aborter.abort();
      clearTimeout(next);
      clearTimeout(deadline);
    };
  });
}
