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
import { isTerminalStatus, type FollowedJob, type JobView, type Transport } from '@storyline/contracts';
import type { UserStreamState } from '../user-stream/connect-user-stream';

/** What {@link followByPush} follows a job with. */
export interface PushSource {
  /** The type's transport (`push`, or `shadow` which the user sees as push), carried on every view. */
  transport: Transport;
  /** The job's view in the tab's user stream as it changes; `undefined` while unknown. Emits at once. */
  view$: Observable<JobView | undefined>;
  /** The user stream's state as it changes. Emits at once. */
  state$: Observable<UserStreamState>;
  /** Polls the job until it ends, for while the user stream is unavailable. */
  poll: () => Observable<JobView>;
  /**
   * Reads the job once and hands it to the user stream's list, for a job the live
   * stream has not mentioned after `seedAfterMs`; its view then arrives through `view$`.
   */
  seed: () => Promise<void>;
  /** Default 10 s: a new job's first event reaches the tab well within that. */
  seedAfterMs?: number;
  /** Whether a failed seed may be tried again; `false` fails the follow. Default: always. */
  isRetryable?: (error: unknown) => boolean;
}

/**
 * Follows one job through the tab's user stream, polling it instead while the stream
 * is unavailable (`fellBack`), and going back to the stream once it is live again (it
 * resumes exactly where it stopped, so nothing is lost in between). Views only ever
 * move forward: one that reflects no newer event than the last one emitted is dropped,
 * which keeps a stale view from flashing up on a switch. Completes right after the
 * first terminal view, so the end of a job is reported once, whichever way it came.
 */
export function followByPush(source: PushSource): Observable<FollowedJob> {
  return defer(() => {
    let last: FollowedJob | null = null;
    const movesForward = (next: FollowedJob) =>
      !last || next.lastSeq > last.lastSeq || (next.lastSeq === last.lastSeq && next.fellBack !== last.fellBack);
    return source.state$.pipe(
      map((state) => state === 'unavailable'),
      distinctUntilChanged(),
      switchMap((fellBack) => (fellBack ? source.poll() : fromStream(source)).pipe(map((job): FollowedJob => ({ ...job, transport: source.transport, fellBack })))),
      filter(movesForward),
      map((next) => (last = next)),
      takeWhile((next) => !isTerminalStatus(next.status), true),
    );
  });
}

function fromStream(source: PushSource): Observable<JobView> {
  const { seedAfterMs = 10_000, isRetryable = () => true } = source;
  const known$ = source.view$.pipe(filter((view): view is JobView => view !== undefined));
  // Practically never needed (the snapshot lists every open job), but without it a
  // job the stream left out would be followed for ever.
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
