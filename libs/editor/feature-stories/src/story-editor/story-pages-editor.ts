import { ChangeDetectionStrategy, Component, inject, input, model, output } from '@angular/core';
import type { MediaView, StoryLanguage, StoryPage } from '@storyline/contracts';
import { ToastService } from '@storyline/editor/ui';
import { StoryPageMedia } from './story-page-media';

/** An image the server took for a page. */
export interface PageMediaAdded {
  pageIndex: number;
  media: MediaView;
}

/** An image the user took off a page. */
export interface PageMediaRemoved {
  pageIndex: number;
  mediaId: string;
}

/**
 * A story's pages, each with its English and Romanian text side by side and its
 * images below; pages can be added and removed. Image changes go out as events,
 * since the page that owns the draft also keeps the story's media and saves.
 * Removing a page or an image happens at once and offers Undo in a toast, which puts it
 * back where it was (the server keeps a removed image through its undo window, so Undo
 * works after the autosave too). "Remove page" follows the page's texts and images, so
 * Tab reaches what the page holds before the button that removes it.
 */
@Component({
  selector: 'sl-story-pages-editor',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [StoryPageMedia],
  template: `
    <ol class="pages">
      @for (page of pages(); track $index; let i = $index) {
        <li class="page card">
          <h2>Page {{ i + 1 }}</h2>
          <div class="page__texts">
            <label class="field">
              <span>English</span>
              <textarea rows="6" [attr.data-testid]="'page-en-' + i" [value]="page.en" (input)="edit(i, 'en', $event)"></textarea>
            </label>
            <label class="field">
              <span>Română</span>
              <textarea rows="6" lang="ro" [attr.data-testid]="'page-ro-' + i" [value]="page.ro" (input)="edit(i, 'ro', $event)"></textarea>
            </label>
          </div>
          <sl-story-page-media
            [storyId]="storyId()"
            [index]="i"
            [mediaIds]="page.media"
            [library]="library()"
            (uploaded)="mediaAdded.emit({ pageIndex: i, media: $event })"
            (removed)="removeMedia(i, $event)"
          />
          @if (pages().length > 1) {
            <button type="button" class="button button--quiet page__remove" [attr.data-testid]="'remove-page-' + i" (click)="remove(i)">Remove page</button>
          }
        </li>
      }
    </ol>
    <button type="button" class="button" data-testid="add-page" (click)="add()">Add page</button>
  `,
  styles: `
    :host { display: grid; gap: 1rem; justify-items: start; }
    .pages { list-style: none; margin: 0; padding: 0; display: grid; gap: 1rem; width: 100%; }
    .page { display: grid; gap: 0.75rem; }
    .page h2 { margin: 0; font-size: 1rem; }
    .page__remove { justify-self: end; }
    .page__texts { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: 1rem; }
    textarea { resize: vertical; }
  `,
})
export class StoryPagesEditor {
  readonly pages = model.required<readonly StoryPage[]>();
  readonly storyId = input.required<string>();
  /** Every image of the story, by id. */
  readonly library = input.required<ReadonlyMap<string, MediaView>>();
  readonly mediaAdded = output<PageMediaAdded>();
  readonly mediaRemoved = output<PageMediaRemoved>();

  private readonly toasts = inject(ToastService);

  protected edit(index: number, language: StoryLanguage, event: Event): void {
    const text = (event.target as HTMLTextAreaElement).value;
    this.pages.update((pages) => pages.map((page, i) => (i === index ? { ...page, [language]: text } : page)));
  }

  protected add(): void {
    this.pages.update((pages) => [...pages, { en: '', ro: '', media: [] }]);
  }

  protected remove(index: number): void {
    const page = this.pages()[index];
    this.pages.update((pages) => pages.filter((_, i) => i !== index));
    this.toasts.show('info', `Removed page ${index + 1}.`, {
      testId: 'page-removed-toast',
      action: { label: 'Undo', run: () => this.pages.update((pages) => [...pages.slice(0, index), page, ...pages.slice(index)]) },
    });
  }

  /** Takes an image off a page; Undo puts it back at its place on that page, if the page is still there. */
  protected removeMedia(pageIndex: number, mediaId: string): void {
    const at = this.pages()[pageIndex]?.media.indexOf(mediaId) ?? -1;
    if (at < 0) return;
    this.mediaRemoved.emit({ pageIndex, mediaId });
    const fileName = this.library().get(mediaId)?.fileName ?? 'the image';
    this.toasts.show('info', `Removed “${fileName}” from page ${pageIndex + 1}.`, {
      testId: 'media-removed-toast',
      action: { label: 'Undo', run: () => this.restoreMedia(pageIndex, mediaId, at) },
    });
  }

  private restoreMedia(pageIndex: number, mediaId: string, at: number): void {
    this.pages.update((pages) =>
      pages.map((page, i) => (i === pageIndex && !page.media.includes(mediaId) ? { ...page, media: [...page.media.slice(0, at), mediaId, ...page.media.slice(at)] } : page)),
    );
  }
}
