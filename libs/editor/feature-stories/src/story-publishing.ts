import { computed, DestroyRef, inject, Injectable, signal } from '@angular/core';
import type { Subscription } from 'rxjs';
import { isTerminalStatus } from '@storyline/contracts';
import { errorMessage, injectTrpc, JobWatcher, type WatchedJob } from '@storyline/editor/data-access';
import { ToastService } from '@storyline/editor/ui';

/**
 * One story's publishing, for the editor page that provides it: starts a publish
 * job, follows it live (or picks up one that was already running when the page
 * opened), and announces how it ended. Watching stops when the page goes away.
 */
@Injectable()
export class StoryPublishing {
  private readonly trpc = injectTrpc();
  private readonly watcher = inject(JobWatcher);
  private readonly toasts = inject(ToastService);
  private readonly requesting = signal(false);
  private readonly current = signal<WatchedJob | null>(null);
  private watching: Subscription | null = null;
  private storyId: string | null = null;

  /** The publish job on screen: the one started here or resumed, else null. */
  readonly job = this.current.asReadonly();
  /** The story's newest published version; the page sets it from the story, a finished job moves it on. */
  readonly publishedVersion = signal<number | null>(null);
  /** True from the click until the job reaches a final status. */
  readonly busy = computed(() => {
    const job = this.current();
    return this.requesting() || (job !== null && !isTerminalStatus(job.status));
  });

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stop());
  }

  /**
   * Runs `saveFirst`, then starts the publish job and follows it. Rejects with the
   * server's reason when publishing is refused (say, a page without English text).
   */
  async publish(storyId: string, saveFirst: () => Promise<boolean>): Promise<void> {
    this.requesting.set(true);
    try {
      if (!(await saveFirst())) return;
      const { jobId } = await this.trpc.stories.publish.mutate({ storyId });
      if (storyId === this.storyId) this.follow(jobId);
    } finally {
      this.requesting.set(false);
    }
  }

  /** Switches to a story and, if a publish of it is still under way, follows that job. */
  async resume(storyId: string): Promise<void> {
    this.stop();
    this.storyId = storyId;
    this.current.set(null);
    try {
      const latest = await this.trpc.jobs.latestFor.query({ type: 'story-publish', targetId: storyId });
      if (latest && !isTerminalStatus(latest.status) && storyId === this.storyId) this.follow(latest.id);
    } catch {
      // Best effort: without it the page works; the user only misses an earlier publish's progress.
    }
  }

  private follow(jobId: string): void {
    this.stop();
    this.watching = this.watcher.watch(jobId, 'story-publish').subscribe({
      next: (job) => {
        this.current.set(job);
        if (isTerminalStatus(job.status)) this.announce(job);
      },
      error: (error: unknown) => this.toasts.show('error', `Lost track of the publish job: ${errorMessage(error)}`),
    });
  }

  private announce(job: WatchedJob): void {
    switch (job.status) {
      case 'Completed': {
        const version = job.result?.['version'];
        if (typeof version === 'number') this.publishedVersion.set(version);
        this.toasts.show('success', `Published version ${version}`);
        return;
      }
      case 'Failed':
        this.toasts.show('error', `Publishing failed: ${job.error ?? 'no reason given'}`);
        return;
      case 'Superseded':
        this.toasts.show('info', 'A newer publish of this story replaced this one');
        return;
      case 'Cancelled':
        this.toasts.show('info', 'Publishing was cancelled');
        return;
    }
  }

  private stop(): void {
    this.watching?.unsubscribe();
    this.watching = null;
  }
}
