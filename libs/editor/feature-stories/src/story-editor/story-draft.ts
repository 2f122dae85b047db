import { computed, signal } from '@angular/core';
import type { MediaView, StoryDetail, StoryPage } from '@storyline/contracts';
import type { PageMediaAdded, PageMediaRemoved } from './story-pages-editor';

/** What the server holds, to tell whether the form has unsaved changes. */
export interface SavedDraft {
  title: string;
  pages: readonly StoryPage[];
}

/**
 * A story's draft as the editor page's form holds it (title, pages, the story's images),
 * against what the server last saved, so the page knows whether there is anything to save.
 */
export class StoryDraft {
  readonly title = signal('');
  readonly pages = signal<readonly StoryPage[]>([]);
  /** Every image of the story, whichever pages show it. */
  readonly media = signal<readonly MediaView[]>([]);
  readonly library = computed(() => new Map(this.media().map((media) => [media.id, media])));
  readonly forkedFrom = signal<StoryDetail['forkedFrom']>(null);
  private readonly saved = signal<SavedDraft | null>(null);

  readonly dirty = computed(() => {
    const saved = this.saved();
    // Every edit makes a new pages array, so identity tells whether anything changed since.
    return !saved || saved.title !== this.title() || saved.pages !== this.pages();
  });

  /** Shows the story as the server holds it, in place of what the form held. */
  show(story: StoryDetail): void {
    this.title.set(story.title);
    this.pages.set(story.pages);
    this.media.set(story.media);
    this.forkedFrom.set(story.forkedFrom);
    this.saved.set({ title: story.title, pages: story.pages });
  }

  /** What the form holds now, to send; once the server took it, {@link markSaved} it. */
  snapshot(): SavedDraft {
    return { title: this.title(), pages: this.pages() };
  }

  /** The server saved `draft`: compare against what was sent, so edits typed while saving stay unsaved. */
  markSaved(draft: SavedDraft): void {
    this.saved.set(draft);
  }

  /** An uploaded image joins the story's media and the end of its page. */
  addMedia({ pageIndex, media }: PageMediaAdded): void {
    this.media.update((all) => (all.some((known) => known.id === media.id) ? all : [...all, media]));
    this.pages.update((pages) =>
      pages.map((page, i) => (i === pageIndex && !page.media.includes(media.id) ? { ...page, media: [...page.media, media.id] } : page)),
    );
  }

  /** Takes an image off a page; once saved, the server keeps it through the undo window, then deletes it unless a published version still shows it. */
  removeMedia({ pageIndex, mediaId }: PageMediaRemoved): void {
    this.pages.update((pages) => pages.map((page, i) => (i === pageIndex ? { ...page, media: page.media.filter((id) => id !== mediaId) } : page)));
  }
}
