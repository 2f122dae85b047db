import { inject, Injectable } from '@angular/core';
import { Router } from '@angular/router';
import { errorMessage, injectJobFollower, injectTrpc, type FollowedJob } from '@storyline/editor/data-access';
import { ToastService } from '@storyline/editor/ui';

/**
 * Forking one story, for the editor page that provides it: starts a `story-fork`
 * job, follows it, and when it has made the new story opens it there, where the
 * fork's assets job goes on copying the images (see {@link ForkOrigin}).
 */
@Injectable()
export class StoryForking {
  private readonly trpc = injectTrpc();
  private readonly router = inject(Router);
  private readonly toasts = inject(ToastService);

  /** The fork job on screen and its controls, for a {@link JobCard}. */
  readonly follower = injectJobFollower('story-fork', {
    onEnd: (job) => void this.finish(job),
    onLost: (error) => this.toasts.show('error', `Lost track of the fork job: ${errorMessage(error)}`),
  });
  readonly busy = this.follower.busy;

  /** Runs `saveFirst` (so the fork holds what the user sees), then forks. Rejects with the server's reason. */
  fork(storyId: string, saveFirst: () => Promise<boolean>): Promise<void> {
    return this.follower.start(async () => ((await saveFirst()) ? this.trpc.stories.fork.mutate({ storyId }) : null));
  }

  /** Switches to a story and, if a fork of it is still under way, follows that job. */
  resume(storyId: string): Promise<void> {
    this.follower.reset();
    return this.follower.resume(storyId);
  }

  private async finish(job: FollowedJob): Promise<void> {
    if (job.status === 'Failed') return this.toasts.show('error', `Forking failed: ${job.error ?? 'no reason given'}`);
    if (job.status === 'Cancelled') return this.toasts.show('info', 'Forking was cancelled');
    if (job.status === 'Superseded') return this.toasts.show('info', 'A newer fork of this story replaced this one');
    const storyId = job.result?.['storyId'];
    if (typeof storyId !== 'string') return this.toasts.show('error', 'The fork finished without naming its new story');
    const mediaCount = job.result?.['mediaCount'];
    const images = typeof mediaCount === 'number' && mediaCount > 0 ? `; copying its ${mediaCount} images` : '';
    this.toasts.show('success', `Forked into a new story${images}`);
    await this.router.navigate(['/stories', storyId]);
  }
}
