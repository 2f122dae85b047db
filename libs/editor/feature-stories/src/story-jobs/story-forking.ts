import { inject, Injectable } from '@angular/core';
import { Router } from '@angular/router';
import type { FollowedJob } from '@storyline/contracts';
import { errorMessage, injectJobFollower, injectTrpc } from '@storyline/editor/data-access';
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
    endWording: {
      Completed: (job) => (typeof job.result?.['storyId'] === 'string' ? `Forked into a new story${imagesCopying(job.result['mediaCount'])}` : { level: 'error', text: 'The fork finished without naming its new story' }),
      Failed: 'Forking',
      Cancelled: 'Forking was cancelled',
      Superseded: 'A newer fork of this story replaced this one',
    },
    onEnd: (job) => void this.open(job),
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

  /** Opens the new story a finished fork made. */
  private async open(job: FollowedJob): Promise<void> {
    const storyId = job.result?.['storyId'];
    if (job.status === 'Completed' && typeof storyId === 'string') await this.router.navigate(['/stories', storyId]);
  }
}

/** "; copying its 3 images" when the fork has images to copy, else nothing. */
function imagesCopying(mediaCount: unknown): string {
  return typeof mediaCount === 'number' && mediaCount > 0 ? `; copying its ${mediaCount} images` : '';
}
