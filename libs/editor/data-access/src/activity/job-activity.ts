import { computed, inject, Injectable, signal } from '@angular/core';
import type { Subscription } from 'rxjs';
import { isTerminalStatus, type JobView } from '@storyline/contracts';
import { JobFeed } from '../user-stream/job-feed';
import { JobWatcher, type WatchedJob } from '../following/job-watcher';
import { injectTrpc } from '../api/provide-trpc';

/** A job in the activity list; the ones being followed also say how their updates arrive. */
export type ActivityJob = JobView & Partial<Pick<WatchedJob, 'transport' | 'fellBack'>>;

/**
 * Everything under way in the tab: the open and recently finished jobs of its feed,
 * newest first. While someone shows the list, every open job in it is followed
 * through the {@link JobWatcher}, so each one honours its type's flag and keeps
 * moving (by polling) while the feed is down.
 */
@Injectable({ providedIn: 'root' })
export class JobActivity {
  private readonly feed = inject(JobFeed);
  private readonly watcher = inject(JobWatcher);
  private readonly trpc = injectTrpc();
  private readonly followed = signal<ReadonlyMap<string, WatchedJob>>(new Map());
  /** One entry per job a watch was started for, kept after it ends so it is not started again. */
  private readonly watches = new Map<string, Subscription>();
  private tracking: Subscription | null = null;
  private holders = 0;

  /** The feed's jobs, newest first; a followed one as its watch last saw it. */
  readonly jobs = computed<readonly ActivityJob[]>(() => {
    const followed = this.followed();
    return [...this.feed.jobs().values()].sort(newestFirst).map((job) => followed.get(job.id) ?? job);
  });

  /** Follows the open jobs until the returned function is called; callers share one set of watches. */
  follow(): () => void {
    if (this.holders++ === 0) this.tracking = this.feed.jobs$.subscribe((jobs) => this.track(jobs));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holders === 0) this.stop();
    };
  }

  /**
   * Starts a failed or cancelled job again as a new job; the feed brings the new one
   * into the list. Rejects with the server's reason (say, the job is no longer failed).
   */
  async retry(jobId: string): Promise<void> {
    await this.trpc.jobs.retry.mutate({ jobId });
  }

  /**
   * Cancels a queued or running job; the feed brings its `Cancelled` into the list.
   * Rejects with the server's reason (say, the job already ended).
   */
  async cancel(jobId: string): Promise<void> {
    await this.trpc.jobs.cancel.mutate({ jobId });
  }

  private track(jobs: ReadonlyMap<string, JobView>): void {
    for (const [id, watch] of this.watches) {
      if (jobs.has(id)) continue;
      watch.unsubscribe();
      this.watches.delete(id);
      this.forget(id);
    }
    for (const job of jobs.values()) {
      if (isTerminalStatus(job.status) || this.watches.has(job.id)) continue;
      this.watches.set(
        job.id,
        this.watcher.watch(job.id, job.type).subscribe({
          next: (watched) => this.followed.update((followed) => new Map(followed).set(job.id, watched)),
          // The row keeps showing what the feed knows; the page that started the job reports the error.
          error: () => undefined,
        }),
      );
    }
  }

  private stop(): void {
    this.tracking?.unsubscribe();
    this.tracking = null;
    for (const watch of this.watches.values()) watch.unsubscribe();
    this.watches.clear();
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
