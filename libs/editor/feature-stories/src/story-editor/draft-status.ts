import { effect, signal, untracked, type Signal } from '@angular/core';
import type { StoryDetail } from '@storyline/contracts';
import { injectTrpc } from '@storyline/editor/data-access';

/** Where a saved draft stands, as the server says in a story it answers. */
type DraftStanding = Pick<StoryDetail, 'publishedVersion' | 'baseVersion' | 'hasUnpublishedChanges'>;

export interface DraftStatusOptions {
  storyId: Signal<string>;
  /** The story's newest published version as the page knows it; a publish job moves it on. */
  publishedVersion: Signal<number | null>;
  /** Whether the story is on screen (before that there is no status to refresh). */
  loaded: Signal<boolean>;
}

/**
 * Where a story's saved draft stands against its published versions: the version it is
 * based on, and whether it has changes no version holds. Every save and load says so;
 * a publish moves the base on without either, so when the published version moves past
 * the one the status came with, the status is read again.
 */
export class DraftStatus {
  /** The published version the saved draft is based on. */
  readonly baseVersion = signal<number | null>(null);
  /** Whether the saved draft differs from its base (as the server last said). */
  readonly unpublished = signal(false);
  private readonly trpc = injectTrpc();
  /** The published version the page last heard of with the draft's status. */
  private shownPublishedVersion: number | null = null;

  /** Create it in an injection context (a field initializer): it reads the API and watches `publishedVersion`. */
  constructor(private readonly options: DraftStatusOptions) {
    effect(() => {
      const version = options.publishedVersion();
      untracked(() => {
        if (options.loaded() && version !== this.shownPublishedVersion) void this.refresh(options.storyId(), version);
      });
    });
  }

  /** Shows where the draft stands, from a story the server just answered (loaded or saved). */
  show(story: DraftStanding): void {
    this.shownPublishedVersion = story.publishedVersion;
    this.baseVersion.set(story.baseVersion);
    this.unpublished.set(story.hasUnpublishedChanges);
  }

  private async refresh(storyId: string, publishedVersion: number | null): Promise<void> {
    this.shownPublishedVersion = publishedVersion;
    try {
      const story = await this.trpc.stories.get.query({ storyId });
      if (storyId === this.options.storyId()) this.show(story);
    } catch {
      // The status stays as it was; the next save or load corrects it.
    }
  }
}
