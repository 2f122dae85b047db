import { inject, Injectable } from '@angular/core';
import { defer, finalize, map, Observable, of, ReplaySubject, share, switchMap, tap } from 'rxjs';
import { isTerminalStatus, type JobType, type JobView, type Transport } from '@storyline/contracts';
import { FlagsStore } from '../flags/flags-store';
import { isPermanentError } from '../api/is-permanent-error';
import { JobFeed } from '../user-stream/job-feed';
import { pollJob } from './poll-job';
import { injectTrpc } from '../api/provide-trpc';
import { shadowJob, type ShadowOutcome } from './shadow-job';
import { watchFeedJob } from './watch-feed-job';

/** A job as the editor shows it, with how its updates arrive. */
export type WatchedJob = JobView & {
  transport: Transport;
  /** Push was chosen but the feed is down, so this job is being polled instead. */
  fellBack: boolean;
};

/** A job nobody hears of for this long is given up on rather than polled for ever. */
const POLL_TIMEOUT_MS = 20 * 60_000;

/**
 * The one way the editor follows a job of any type. The job type's flag, read when
 * the watch starts, picks the transport: push (the tab's job feed; polled instead
 * while the feed is down, which `fellBack` tells), polling (`jobs.get` with backoff),
 * or shadow (both: the user sees push, and how the two compared is reported to the
 * API). The observable emits every new state, ends after the terminal one, and
 * unsubscribing stops whatever polling it started. Watches of the same job share
 * one follower, so a job on two parts of the page is polled and reported once.
 */
@Injectable({ providedIn: 'root' })
export class JobWatcher {
  private readonly trpc = injectTrpc();
  private readonly flags = inject(FlagsStore);
  private readonly feed = inject(JobFeed);
  private readonly watches = new Map<string, Observable<WatchedJob>>();

  /** Follows one job until it ends; `jobType` selects the transport from the flags. */
  watch(jobId: string, jobType: JobType): Observable<WatchedJob> {
    const existing = this.watches.get(jobId);
    if (existing) return existing;
    const shared = defer(() => this.follow(jobId, jobType)).pipe(
      finalize(() => {
        if (this.watches.get(jobId) === shared) this.watches.delete(jobId);
      }),
      // A later subscriber starts from the newest view rather than from nothing.
      share({ connector: () => new ReplaySubject<WatchedJob>(1) }),
    );
    this.watches.set(jobId, shared);
    return shared;
  }

  private follow(jobId: string, jobType: JobType): Observable<WatchedJob> {
    return defer(() => this.flags.transportFor(jobType)).pipe(
      switchMap((transport) => {
        const as = (fellBack: boolean) => map((job: JobView): WatchedJob => ({ ...job, transport, fellBack }));
        // A job the feed already saw end needs no following, whatever the transport.
        const known = this.feed.view(jobId);
        if (known && isTerminalStatus(known.status)) return of(known).pipe(as(false));
        if (transport === 'polling') return this.poll(jobId).pipe(as(false));
        const push = this.push(jobId).pipe(map(({ job, fellBack }): WatchedJob => ({ ...job, transport, fellBack })));
        if (transport === 'push') return push;
        return shadowJob(push, this.poll(jobId), (outcome) => this.report(jobId, jobType, outcome));
      }),
    );
  }

  private push(jobId: string) {
    return watchFeedJob({
      view$: this.feed.view$(jobId),
      state$: this.feed.state$,
      // What the fallback learns goes into the feed too, so every view of the job keeps up.
      poll: () => this.poll(jobId).pipe(tap((job) => this.feed.merge(job))),
      seed: () => this.feed.seed(jobId),
      isRetryable: (error) => !isPermanentError(error),
    });
  }

  private poll(jobId: string): Observable<JobView> {
    const fetchJob = (signal: AbortSignal) => this.trpc.jobs.get.query({ jobId }, { signal });
    return pollJob(fetchJob, { timeoutMs: POLL_TIMEOUT_MS, isRetryable: (error) => !isPermanentError(error) });
  }

  private report(jobId: string, jobType: JobType, outcome: ShadowOutcome): void {
    // The comparison is for the operators; failing to send it must not bother the user.
    this.trpc.shadow.report.mutate({ jobId, jobType, ...outcome }).catch(() => undefined);
  }
}
