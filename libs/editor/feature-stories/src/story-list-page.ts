import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import type { StorySummary } from '@storyline/contracts';
import { errorMessage, injectTrpc } from '@storyline/editor/data-access';
import { StoryImport } from './story-import';

const EDITED_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The user's own stories, newest first, a form to start a new one, and a ZIP import. */
@Component({
  selector: 'sl-story-list-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, StoryImport],
  template: `
    <h1>My stories</h1>

    <form class="card create" (submit)="create($event)" novalidate>
      <label class="field create__title">
        <span>New story</span>
        <input
          name="title"
          placeholder="Title"
          maxlength="200"
          data-testid="new-story-title"
          [value]="newTitle()"
          (input)="newTitle.set(valueOf($event))"
        />
      </label>
      <button type="submit" class="button button--primary" data-testid="create-story" [disabled]="creating()">Create story</button>
      @if (createError(); as error) {
        <p class="error create__error" role="alert" data-testid="form-error">{{ error }}</p>
      }
    </form>

    <sl-story-import (imported)="reload()" />

    @if (loadError(); as error) {
      <p class="error" role="alert">{{ error }}</p>
    } @else if (rows(); as rows) {
      <ul class="stories" data-testid="story-list">
        @for (row of rows; track row.id) {
          <li class="story" data-testid="story-item" [attr.data-story-id]="row.id">
            <a class="story__title" [routerLink]="['/stories', row.id]">{{ row.title }}</a>
            <span class="story__meta">{{ row.published }} · edited {{ row.edited }}</span>
          </li>
        } @empty {
          <li class="stories__empty">No stories yet. Give your first one a title above.</li>
        }
      </ul>
    } @else {
      <p class="muted">Loading…</p>
    }
  `,
  styles: `
    h1 { margin: 0 0 1rem; }
    .create { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 0.75rem; margin-bottom: 1.5rem; }
    .create__title { flex: 1; min-width: 14rem; }
    .create__error { flex-basis: 100%; margin: 0; }
    .stories { list-style: none; margin: 0; padding: 0; border: 1px solid var(--sl-border); border-radius: 8px; background: var(--sl-surface); }
    .story { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0.5rem; padding: 0.85rem 1rem; }
    .story + .story { border-top: 1px solid var(--sl-border); }
    .story__title { font-weight: 600; }
    .story__meta { color: var(--sl-muted); font-size: 0.9rem; }
    .stories__empty { padding: 1rem; color: var(--sl-muted); }
  `,
})
export class StoryListPage {
  private readonly trpc = injectTrpc();
  private readonly router = inject(Router);

  private readonly stories = signal<StorySummary[] | null>(null);
  protected readonly rows = computed(() =>
    this.stories()?.map((story) => ({
      id: story.id,
      title: story.title,
      published: story.publishedVersion === null ? 'not published' : `version ${story.publishedVersion}`,
      edited: EDITED_FORMAT.format(new Date(story.updatedAt)),
    })),
  );
  protected readonly loadError = signal<string | null>(null);
  protected readonly newTitle = signal('');
  protected readonly creating = signal(false);
  protected readonly createError = signal<string | null>(null);

  constructor() {
    this.reload();
  }

  protected valueOf(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  /** Reads the list again, as after an import made a new story. */
  protected reload(): void {
    this.trpc.stories.list.query().then(
      (stories) => {
        this.loadError.set(null);
        this.stories.set(stories);
      },
      (error: unknown) => this.loadError.set(errorMessage(error)),
    );
  }

  /** Creates the story and opens it, since writing it is the next thing to do. */
  protected async create(event: Event): Promise<void> {
    event.preventDefault();
    if (this.creating()) return;
    this.creating.set(true);
    this.createError.set(null);
    try {
      const story = await this.trpc.stories.create.mutate({ title: this.newTitle() });
      await this.router.navigate(['/stories', story.id]);
    } catch (error) {
      this.createError.set(errorMessage(error));
    } finally {
      this.creating.set(false);
    }
  }
}
