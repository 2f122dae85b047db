import { inject, Injectable } from '@angular/core';
import { defer, finalize, map, Observable, of, ReplaySubject, share, switchMap, tap } from 'rxjs';
import { isTerminalStatus, type FollowedJob, type JobType, type JobView, type Transport } from '@storyline/contracts';
import { isPermanentError } from '../api/is-permanent-error';
import { injectTrpc } from '../api/provide-trpc';
import { FlagsStore } from '../flags/flags-store';
import { UserStream } from '../user-stream/user-stream';
import { followByPush } from './follow-by-push';
import { pollJob } from './poll-job';
import { shadowJob, type ShadowOutcome } from './shadow-job';

/** A job nobody hears of for this long is given up on rather than polled for ever. */
const POLL_TIMEOUT_MS = 20 * 60_000;

/**
 * The one way the editor follows a job of any type. The job type's flag, read when
 * following starts, picks the transport: push (the tab's user stream; polled instead
 * while the stream is unavailable, which `fellBack` tells), polling (`jobs.get` with
 * backoff), or shadow (both: the user sees push, and how the two compared is reported
 * to the API). The observable emits every new state, ends after the terminal one, and
 * unsubscribing stops whatever polling it started. Follows of the same job share one,
 * so a job on two parts of the page is polled and reported once.
 */
@Injectable({ providedIn: 'root' })
export class FollowedJobs {
  private readonly trpc = injectTrpc();
  private readonly flags = inject(FlagsStore);
  private readonly stream = inject(UserStream);
  private readonly follows = new Map<string, Observable<FollowedJob>>();

  /**
   * Follows one job until it ends; `jobType` selects the transport from the flags. `seen`
   * is the job as the caller already read it: one that has ended is shown as it is, even
   * when it ended too long ago for the user stream to list it.
   */
  follow(jobId: string, jobType: JobType, seen?: JobView): Observable<FollowedJob> {
    const existing = this.follows.get(jobId);
    if (existing) return existing;
    const shared = defer(() => this.start(jobId, jobType, seen)).pipe(
      finalize(() => {
        if (this.follows.get(jobId) === shared) this.follows.delete(jobId);
      }),
      // A later subscriber starts from the newest view rather than from nothing.
      share({ connector: () => new ReplaySubject<FollowedJob>(1) }),
    );
    this.follows.set(jobId, shared);
    return shared;
  }

  private start(jobId: string, jobType: JobType, seen?: JobView): Observable<FollowedJob> {
    return defer(() => this.flags.transportFor(jobType)).pipe(
      switchMap((transport) => {
        const as = (job: JobView): FollowedJob => ({ ...job, transport, fellBack: false });
        // A job the user stream already saw end needs no following, whatever the transport.
        const known = this.stream.view(jobId) ?? seen;
        if (known && isTerminalStatus(known.status)) return of(as(known));
        if (transport === 'polling') return this.poll(jobId).pipe(map(as));
        const push = this.push(jobId, transport);
        if (transport === 'push') return push;
        return shadowJob(push, this.poll(jobId), (outcome) => this.report(jobId, jobType, outcome));
      }),
    );
  }

  private push(jobId: string, transport: Transport): Observable<FollowedJob> {
    return followByPush({
      transport,
      view$: this.stream.view$(jobId),
      state$: this.stream.state$,
      // What the fallback learns goes into the user stream's list too, so every view of the job keeps up.
      poll: () => this.poll(jobId).pipe(tap((job) => this.stream.merge(job))),
      seed: () => this.stream.seed(jobId),
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
