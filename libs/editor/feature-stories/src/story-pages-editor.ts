import { ChangeDetectionStrategy, Component, model } from '@angular/core';
import type { StoryPage } from '@storyline/contracts';

type Language = keyof StoryPage;

/** A story's pages, each with its English and Romanian text side by side; pages can be added and removed. */
@Component({
  selector: 'sl-story-pages-editor',
  changeDetection: ChangeDetectionStrategy.OnPush,
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

  protected edit(index: number, language: Language, event: Event): void {
    const text = (event.target as HTMLTextAreaElement).value;
    this.pages.update((pages) => pages.map((page, i) => (i === index ? { ...page, [language]: text } : page)));
  }

  protected add(): void {
    this.pages.update((pages) => [...pages, { en: '', ro: '' }]);
  }

  protected remove(index: number): void {
    this.pages.update((pages) => pages.filter((_, i) => i !== index));
  }
}
