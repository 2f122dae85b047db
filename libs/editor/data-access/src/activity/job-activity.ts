import { computed, inject, Injectable, signal } from '@angular/core';
import { filter, map, switchMap, throttleTime, type Subscription } from 'rxjs';
import { isTerminalStatus, type ActivityJob, type FollowedJob, type JobHistoryCursor, type JobView, type TitledJob } from '@storyline/contracts';
import { injectTrpc } from '../api/provide-trpc';
import { FollowedJobs } from '../following/followed-jobs';
import { UserStream } from '../user-stream/user-stream';

/** Jobs a page of history holds. */
const HISTORY_PAGE = 20;

/**
 * Everything under way in the tab and what came before: the open and recently finished
 * jobs of its user stream merged with the pages of the user's job history loaded so far
 * (`showOlder()` loads the next), newest first, each with its target's title. While
 * someone shows the list, every open job in it is followed through the {@link FollowedJobs},
 * so each one honours its type's flag and keeps moving (by polling) while the stream is
 * unavailable; a job the stream brings whose title is not known yet has it read with
 * the newest page of history (at most once a second).
 */
@Injectable({ providedIn: 'root' })
export class JobActivity {
  private readonly stream = inject(UserStream);
  private readonly followedJobs = inject(FollowedJobs);
  private readonly trpc = injectTrpc();
  private readonly followed = signal<ReadonlyMap<string, FollowedJob>>(new Map());
  /** One entry per job following was started for, kept after it ends so it is not started again. */
  private readonly follows = new Map<string, Subscription>();
  private tracking: Subscription | null = null;
  private titling: Subscription | null = null;
  private holders = 0;
  /** The history pages loaded, in order; null until the first is. */
  private readonly history = signal<readonly TitledJob[]>([]);
  /** Titles read for jobs, by job id. */
  private readonly titles = signal<ReadonlyMap<string, string | null>>(new Map());
  /** Jobs (by id and status) whose title was asked for, so each is asked once per status. */
  private readonly askedTitles = new Set<string>();
  private next: JobHistoryCursor | null = null;
  private readonly older = signal<'none' | 'more' | 'loading'>('none');

  /** The user stream's jobs and the history loaded, newest first; a followed one as following last saw it. */
  readonly jobs = computed<readonly ActivityJob[]>(() => {
    const followed = this.followed();
    const titles = this.titles();
    const byId = new Map<string, ActivityJob>(this.history().map((job) => [job.id, job]));
    for (const job of this.stream.jobs().values()) {
      byId.set(job.id, { ...(followed.get(job.id) ?? job), targetTitle: titles.get(job.id) ?? byId.get(job.id)?.targetTitle ?? null });
    }
    return [...byId.values()].sort(newestFirst);
  });
  /** Whether older jobs than those listed may be loaded, and whether they are being. */
  readonly olderJobs = this.older.asReadonly();

  /** Follows the open jobs until the returned function is called; callers share one set of follows. */
  follow(): () => void {
    if (this.holders++ === 0) {
      this.tracking = this.stream.jobs$.subscribe((jobs) => this.track(jobs));
      this.titling = this.readTitles();
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holders === 0) this.stop();
    };
  }

  /** Loads the next page of older jobs into the list. Rejects with the server's reason. */
  async showOlder(): Promise<void> {
    if (this.older() !== 'more' || !this.next) return;
    this.older.set('loading');
    try {
      const page = await this.trpc.jobs.history.query({ before: this.next, limit: HISTORY_PAGE });
      this.history.update((jobs) => [...jobs, ...page.jobs]);
      this.next = page.next;
      this.older.set(page.next ? 'more' : 'none');
    } catch (error) {
      this.older.set('more');
      throw error;
    }
  }

  /**
   * Starts a failed or cancelled job again as a new job; the user stream brings the new one
   * into the list. Rejects with the server's reason (say, the job is no longer failed).
   */
  async retry(jobId: string): Promise<void> {
    await this.trpc.jobs.retry.mutate({ jobId });
  }

  /**
   * Cancels a queued or running job; the user stream brings its `Cancelled` into the list.
   * Rejects with the server's reason (say, the job already ended).
   */
  async cancel(jobId: string): Promise<void> {
    await this.trpc.jobs.cancel.mutate({ jobId });
  }

  private track(jobs: ReadonlyMap<string, JobView>): void {
    for (const [id, follow] of this.follows) {
      if (jobs.has(id)) continue;
      follow.unsubscribe();
      this.follows.delete(id);
      this.forget(id);
    }
    for (const job of jobs.values()) {
      if (isTerminalStatus(job.status) || this.follows.has(job.id)) continue;
      this.follows.set(
        job.id,
        this.followedJobs.follow(job.id, job.type).subscribe({
          next: (latest) => this.followed.update((followed) => new Map(followed).set(job.id, latest)),
          // The row keeps showing what the user stream brought; the page that started the job reports the error.
          error: () => undefined,
        }),
      );
    }
  }

  /**
   * Reads the newest page of history when the list opens, and again (at most once a second)
   * whenever the stream brings a job whose title is not known, or an import that made its story.
   */
  private readTitles(): Subscription {
    this.askedTitles.clear();
    let first = true;
    return this.stream.jobs$
      .pipe(
        map((jobs) => [...jobs.values()].filter((job) => !this.askedTitles.has(`${job.id}:${job.status}`))),
        filter((unasked) => first || unasked.some((job) => (this.titles().get(job.id) ?? null) === null)),
        throttleTime(1_000, undefined, { leading: true, trailing: true }),
        switchMap(async (unasked) => {
          for (const job of unasked) this.askedTitles.add(`${job.id}:${job.status}`);
          try {
            return await this.trpc.jobs.history.query({ limit: HISTORY_PAGE });
          } catch {
            // The list works on without titles; the next job asks again.
            return null;
          }
        }),
      )
      .subscribe((page) => {
        if (!page) return;
        this.titles.update((titles) => new Map([...titles, ...page.jobs.map((job) => [job.id, job.targetTitle] as const)]));
        if (first) {
          first = false;
          this.history.set(page.jobs);
          this.next = page.next;
          this.older.set(page.next ? 'more' : 'none');
        }
      });
  }

  private stop(): void {
    this.tracking?.unsubscribe();
    this.tracking = null;
    this.titling?.unsubscribe();
    this.titling = null;
    for (const follow of this.follows.values()) follow.unsubscribe();
    this.follows.clear();
    this.followed.set(new Map());
  }

  private forget(jobId: string): void {
    if (!this.followed().has(jobId)) return;
    this.followed.update((followed) => {
      const next = new Map(followed);
      next.delete(jobId);
      return next;
    });
  }
}

function newestFirst(a: JobView, b: JobView): number {
  if (a.queuedAt !== b.queuedAt) return a.queuedAt < b.queuedAt ? 1 : -1;
  return a.id < b.id ? 1 : -1;
}
