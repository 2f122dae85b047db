import { computed, inject, Injectable, signal } from '@angular/core';
import type { Subscription } from 'rxjs';
import { isTerminalStatus, type FollowedJob, type JobView } from '@storyline/contracts';
import { injectTrpc } from '../api/provide-trpc';
import { FollowedJobs } from '../following/followed-jobs';
import { UserStream } from '../user-stream/user-stream';

/**
 * Everything under way in the tab: the open and recently finished jobs of its user
 * stream, newest first. While someone shows the list, every open job in it is followed
 * through the {@link FollowedJobs}, so each one honours its type's flag and keeps
 * moving (by polling) while the stream is unavailable.
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
  private holders = 0;

  /** The user stream's jobs, newest first; a followed one as following last saw it. */
  readonly jobs = computed<ReadonlyArray<JobView | FollowedJob>>(() => {
    const followed = this.followed();
    return [...this.stream.jobs().values()].sort(newestFirst).map((job) => followed.get(job.id) ?? job);
  });

  /** Follows the open jobs until the returned function is called; callers share one set of follows. */
  follow(): () => void {
    if (this.holders++ === 0) this.tracking = this.stream.jobs$.subscribe((jobs) => this.track(jobs));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holders === 0) this.stop();
    };
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

  private stop(): void {
    this.tracking?.unsubscribe();
    this.tracking = null;
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
