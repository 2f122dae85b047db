import { inject, Injectable } from '@angular/core';
import { catchError, concat, defer, map, Observable, of, switchMap, throwError } from 'rxjs';
import type { JobStreamMessage, JobType, JobView, Transport } from '@storyline/contracts';
import { FlagsStore } from './flags-store';
import { isPermanentError } from './is-permanent-error';
import { pollJob } from './poll-job';
import { injectTrpc } from './provide-trpc';
import { PushUnavailableError, streamJob, type OpenJobStream } from './stream-job';

/** A job as the editor shows it, with how its updates arrive. */
export type WatchedJob = JobView & {
  transport: Transport;
  /** Push was chosen but could not be reached, so this job is being polled instead. */
  fellBack: boolean;
};

/** A job nobody hears of for this long is given up on rather than polled for ever. */
const POLL_TIMEOUT_MS = 20 * 60_000;

/**
 * The one way the editor follows a job of any type. The job type's flag picks the
 * transport: push (the job's SSE stream) or polling (`jobs.get` with backoff). When
 * push cannot reconnect, it falls back to polling by itself and says so through
 * `fellBack`. Either way the observable emits every new state, completes after a
 * terminal one, and unsubscribing closes the stream or stops the polling.
 */
@Injectable({ providedIn: 'root' })
export class JobWatcher {
  private readonly trpc = injectTrpc();
  private readonly flags = inject(FlagsStore);

  /** Follows one job until it ends; `jobType` selects the transport from the flags. */
  watch(jobId: string, jobType: JobType): Observable<WatchedJob> {
    return defer(() => this.flags.transportFor(jobType)).pipe(
      switchMap((transport) => (transport === 'push' ? this.push(jobId) : this.poll(jobId, false))),
    );
  }

  private push(jobId: string): Observable<WatchedJob> {
    return streamJob(this.openStream(jobId), { isRetryable: (error) => !isPermanentError(error) }).pipe(
      map((job): WatchedJob => ({ ...job, transport: 'push', fellBack: false })),
      catchError((error: unknown) => {
        if (!(error instanceof PushUnavailableError)) return throwError(() => error);
        const lastSeen = error.lastSeen ? of<WatchedJob>({ ...error.lastSeen, transport: 'polling', fellBack: true }) : of();
        return concat(lastSeen, this.poll(jobId, true));
      }),
    );
  }

  private poll(jobId: string, fellBack: boolean): Observable<WatchedJob> {
    const fetchJob = (signal: AbortSignal) => this.trpc.jobs.get.query({ jobId }, { signal });
    return pollJob(fetchJob, { timeoutMs: POLL_TIMEOUT_MS, isRetryable: (error) => !isPermanentError(error) }).pipe(
      map((job): WatchedJob => ({ ...job, transport: 'polling', fellBack })),
    );
  }

  private openStream(jobId: string): OpenJobStream {
    return (lastEventId) =>
      new Observable<JobStreamMessage>((subscriber) => {
        const subscription = this.trpc.jobs.watch.subscribe(
          { jobId, lastEventId },
          {
            onData: ({ data }) => subscriber.next(data),
            onError: (error) => subscriber.error(error),
            onComplete: () => subscriber.complete(),
            onConnectionStateChange: (state) => {
              // The link would reconnect on its own, at the browser's pace and for ever;
              // failing here hands reconnecting to streamJob, which backs off and knows
              // when to fall back to polling.
              if (state.state === 'connecting' && state.error) subscriber.error(state.error);
            },
          },
        );
        return () => subscription.unsubscribe();
      });
  }
}
