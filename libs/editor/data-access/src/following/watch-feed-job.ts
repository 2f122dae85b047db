import {
  defer,
  distinctUntilChanged,
  EMPTY,
  filter,
  ignoreElements,
  map,
  merge,
  type Observable,
  of,
  retry,
  switchMap,
  take,
  takeUntil,
  takeWhile,
  throwError,
  timer,
} from 'rxjs';
import { isTerminalStatus, type JobView } from '@storyline/contracts';
import type { FeedConnectionState } from '../user-stream/connect-job-feed';

/** What {@link watchFeedJob} follows a job with. */
export interface FeedJobSource {
  /** The job's view in the tab's feed as it changes; `undefined` while unknown. Emits at once. */
  view$: Observable<JobView | undefined>;
  /** The feed's connection state as it changes. Emits at once. */
  state$: Observable<FeedConnectionState>;
  /** Polls the job until it ends, for while the feed is down. */
  poll: () => Observable<JobView>;
  /**
   * Reads the job once and hands it to the feed, for a job the live feed has not
   * mentioned after `seedAfterMs`; its view then arrives through `view$`.
   */
  seed: () => Promise<void>;
  /** Default 10 s: a new job's first event reaches the tab well within that. */
  seedAfterMs?: number;
  /** Whether a failed seed may be tried again; `false` fails the watch. Default: always. */
  isRetryable?: (error: unknown) => boolean;
}

/** A job's view and whether it came from polling because the feed was down. */
export interface FedJob {
  job: JobView;
  fellBack: boolean;
}

/**
 * Follows one job through the tab's feed, polling it instead while the feed has
 * fallen back, and going back to the feed once it is live again (the feed resumes
 * exactly where it stopped, so nothing is lost in between). Views only ever move
 * forward: one that reflects no newer event than the last one emitted is dropped,
 * which keeps a stale view from flashing up on a switch. Completes right after the
 * first terminal view, so the end of a job is reported once, whichever way it came.
 */
export function watchFeedJob(source: FeedJobSource): Observable<FedJob> {
  return defer(() => {
    let last: FedJob | null = null;
    const movesForward = (next: FedJob) =>
      !last || next.job.lastSeq > last.job.lastSeq || (next.job.lastSeq === last.job.lastSeq && next.fellBack !== last.fellBack);
    return source.state$.pipe(
      map((state) => state === 'polling'),
      distinctUntilChanged(),
      switchMap((fellBack) => (fellBack ? source.poll() : fromFeed(source)).pipe(map((job): FedJob => ({ job, fellBack })))),
      filter(movesForward),
      map((next) => (last = next)),
      takeWhile((next) => !isTerminalStatus(next.job.status), true),
    );
  });
}

function fromFeed(source: FeedJobSource): Observable<JobView> {
  const { seedAfterMs = 10_000, isRetryable = () => true } = source;
  const known$ = source.view$.pipe(filter((view): view is JobView => view !== undefined));
  // Practically never needed (the snapshot lists every open job), but without it a
  // job the feed left out would be watched for ever.
  const seedWhenMissing$ = source.state$.pipe(
    switchMap((state) => (state === 'live' ? timer(seedAfterMs) : EMPTY)),
    take(1),
    switchMap(() => defer(source.seed)),
    retry({ delay: (error: unknown) => (isRetryable(error) ? of(null) : throwError(() => error)) }),
    ignoreElements(),
    takeUntil(known$),
  );
  return merge(known$, seedWhenMissing$);
}
