import { ChangeDetectionStrategy, Component, input, model, output } from '@angular/core';
import type { MediaView, StoryLanguage, StoryPage } from '@storyline/contracts';
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
 */
@Component({
  selector: 'sl-story-pages-editor',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [StoryPageMedia],
  template: `
    <ol class="pages">
      @for (page of pages(); track $index; let i = $index) {
        <li class="page card">
          <div class="page__head">
            <h2>Page {{ i + 1 }}</h2>
            @if (pages().length > 1) {
              <button
                type="button"
                class="button button--quiet"
                [attr.data-testid]="'remove-page-' + i"
                (click)="remove(i)"
              >
                Remove page
              </button>
            }
          </div>
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
            (removed)="mediaRemoved.emit({ pageIndex: i, mediaId: $event })"
          />
        </li>
      }
    </ol>
    <button type="button" class="button" data-testid="add-page" (click)="add()">Add page</button>
  `,
  styles: `
    :host { display: grid; gap: 1rem; justify-items: start; }
    .pages { list-style: none; margin: 0; padding: 0; display: grid; gap: 1rem; width: 100%; }
    .page { display: grid; gap: 0.75rem; }
    .page__head { display: flex; align-items: center; justify-content: space-between; }
    .page__head h2 { margin: 0; font-size: 1rem; }
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

  protected edit(index: number, language: StoryLanguage, event: Event): void {
    const text = (event.target as HTMLTextAreaElement).value;
    this.pages.update((pages) => pages.map((page, i) => (i === index ? { ...page, [language]: text } : page)));
  }

  protected add(): void {
    this.pages.update((pages) => [...pages, { en: '', ro: '', media: [] }]);
  }

  protected remove(index: number): void {
    this.pages.update((pages) => pages.filter((_, i) => i !== index));
  }
}
