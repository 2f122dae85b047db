import { ChangeDetectionStrategy, Component, computed, DestroyRef, effect, inject, input, output, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';
import { isTerminalStatus, type JobView, type MediaView, type StoryDetail } from '@storyline/contracts';
import { injectJobFollower, injectTrpc } from '@storyline/editor/data-access';
import { JobCard } from '../jobs/job-card';

/** On reopening a fork, its assets job is worth showing while it runs, or when it needs a retry. */
const needsWatching = (job: JobView) => !isTerminalStatus(job.status) || job.status === 'Failed' || job.status === 'Cancelled';

/**
 * Where a forked story came from, and the second link of its fork's chain: the
 * `story-fork-assets` job copying the images. While that job moves, the story's
 * media are reread after each of its updates, so the images fill in one by one.
 */
@Component({
  selector: 'sl-fork-origin',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[hidden]': '!origin()' },
  imports: [RouterLink, JobCard],
  template: `
    @if (origin(); as origin) {
      <section class="origin" data-testid="fork-origin">
        <p class="origin__line">
          Forked from
          <a data-testid="forked-from-link" [routerLink]="['/stories', origin.storyId]">{{ origin.title }}</a>
          @if (assets.job() || copying()) {
            — <span data-testid="fork-assets-count">{{ imagesLabel() }}</span>
          }
        </p>
        <sl-job-card [follower]="assets" testIdPrefix="fork-assets" label="Copying the images" />
      </section>
    }
  `,
  styles: `
    .origin { display: grid; gap: 0.5rem; }
    .origin__line { margin: 0; color: var(--sl-muted); }
  `,
})
export class ForkOrigin {
  readonly storyId = input.required<string>();
  /** The story this one was forked from, or null for a story that was not. */
  readonly origin = input.required<StoryDetail['forkedFrom']>();
  /** The story's media as the page holds them. */
  readonly media = input.required<readonly MediaView[]>();
  /** The story's media as just reread, while the assets job copies them. */
  readonly mediaRefreshed = output<MediaView[]>();

  private readonly trpc = injectTrpc();
  protected readonly assets = injectJobFollower('story-fork-assets', {
    onUpdate: () => void this.refresh(),
    endWording: { Completed: () => 'All images of the fork are copied', Failed: 'Copying the images' },
  });
  private readonly forked = computed(() => this.origin() !== null);
  private readonly ready = computed(() => this.media().filter((media) => media.state === 'ready').length);
  protected readonly copying = computed(() => this.ready() < this.media().length);
  protected readonly imagesLabel = computed(() => {
    const total = this.media().length;
    if (total === 0) return 'no images to copy';
    return this.copying() ? `copying images ${this.ready()}/${total}` : `all ${total} images copied`;
  });
  private destroyed = false;
  private refreshing = false;
  private refreshAgain = false;

  constructor() {
    inject(DestroyRef).onDestroy(() => (this.destroyed = true));
    effect(() => {
      const storyId = this.storyId();
      const forked = this.forked();
      untracked(() => {
        this.assets.reset();
        // A job that finished after the story was read still leaves images shown as copying: follow it for one refresh.
        if (forked) void this.assets.resume(storyId, (job) => needsWatching(job) || this.copying());
      });
    });
  }

  /**
   * Rereads the media; updates arriving meanwhile make one more read, not one each.
   * (The story comes from the input: a job view the user stream built from events has no target.)
   */
  private async refresh(): Promise<void> {
    const storyId = this.storyId();
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = true;
    try {
      do {
        this.refreshAgain = false;
        const media = await this.trpc.media.list.query({ storyId });
        if (this.destroyed || storyId !== this.storyId()) return;
        this.mediaRefreshed.emit(media);
      } while (this.refreshAgain);
    } catch {
      // The next update of the job reads them again; the placeholders stay until then.
    } finally {
      this.refreshing = false;
    }
  }
}
