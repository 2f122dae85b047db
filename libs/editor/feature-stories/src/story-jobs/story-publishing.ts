import { inject, Injectable, signal } from '@angular/core';
import { errorMessage, injectJobFollower, injectTrpc } from '@storyline/editor/data-access';
import { ToastService } from '@storyline/editor/ui';

/**
 * One story's publishing, for the editor page that provides it: starts a publish
 * job, follows it live (or picks up one that was already running when the page
 * opened), offers Retry when it failed, and says how it ended. Watching
 * stops when the page goes away.
 */
@Injectable()
export class StoryPublishing {
  private readonly trpc = injectTrpc();
  private readonly toasts = inject(ToastService);

  /** The publish job on screen and its controls, for a {@link JobCard}. */
  readonly follower = injectJobFollower('story-publish', {
    endWording: {
      Completed: (job) => `Published version ${job.result?.['version']}`,
      Failed: 'Publishing',
      Superseded: 'A newer publish of this story replaced this one',
      Cancelled: 'Publishing was cancelled',
    },
    onEnd: (job) => {
      const version = job.result?.['version'];
      if (job.status === 'Completed' && typeof version === 'number') this.publishedVersion.set(version);
    },
    onLost: (error) => this.toasts.show('error', `Lost track of the publish job: ${errorMessage(error)}`),
  });
  /** The publish job on screen: the one started here or resumed, else null. */
  readonly job = this.follower.job;
  /** The story's newest published version; the page sets it from the story, a finished job moves it on. */
  readonly publishedVersion = signal<number | null>(null);
  /** True from the click until the job reaches a final status. */
  readonly busy = this.follower.busy;

  /**
   * Runs `saveFirst`, then starts the publish job and follows it. Rejects with the
   * server's reason when publishing is refused (say, a page without English text).
   */
  publish(storyId: string, saveFirst: () => Promise<boolean>): Promise<void> {
    return this.follower.start(async () => ((await saveFirst()) ? this.trpc.stories.publish.mutate({ storyId }) : null));
  }

  /** Switches to a story and, if a publish of it is still under way, follows that job. */
  resume(storyId: string): Promise<void> {
    this.follower.reset();
    return this.follower.resume(storyId);
  }
}
