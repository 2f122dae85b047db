import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { StoryDetail, StoryPage } from '@storyline/contracts';
import { errorMessage, injectTrpc } from '@storyline/editor/data-access';
import { JobProgress } from '@storyline/editor/ui';
import { StoryPagesEditor } from './story-pages-editor';
import { StoryPublishing } from './story-publishing';

/** What the server holds, to tell whether the form has unsaved changes. */
interface SavedDraft {
  title: string;
  pages: readonly StoryPage[];
}

/** Edits one story's draft (title and bilingual pages), saves it and publishes it, showing the publish job live. */
@Component({
  selector: 'sl-story-editor-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, StoryPagesEditor, JobProgress],
  providers: [StoryPublishing],
  template: `
    <a routerLink="/stories" class="back">← My stories</a>
    @if (loadError(); as error) {
      <p class="error" role="alert">{{ error }}</p>
    } @else if (loaded()) {
      <form class="editor" (submit)="saveDraft($event)" novalidate>
        <div class="editor__head">
          <label class="field editor__title">
            <span>Title</span>
            <input name="title" maxlength="200" data-testid="story-title" [value]="title()" (input)="title.set(valueOf($event))" />
          </label>
          <p class="editor__published">
            Published: <strong data-testid="published-version">{{ publishedLabel() }}</strong>
          </p>
        </div>

        <div class="toolbar">
          <button type="submit" class="button" data-testid="save-draft" [disabled]="saving()">Save draft</button>
          <button type="button" class="button button--primary" data-testid="publish" [disabled]="!canPublish()" (click)="publish()">
            {{ publishing.busy() ? 'Publishing…' : 'Publish' }}
          </button>
          <span class="toolbar__status" data-testid="save-status" aria-live="polite">{{ saveStatus() }}</span>
        </div>
        @if (formError(); as error) {
          <p class="error" role="alert" data-testid="form-error">{{ error }}</p>
        }
        @if (publishing.job(); as job) {
          <sl-job-progress [job]="job" />
        }

        <sl-story-pages-editor [(pages)]="pages" />
      </form>
    } @else {
      <p class="muted">Loading…</p>
    }
  `,
  styles: `
    .back { display: inline-block; margin-bottom: 1rem; }
    .editor { display: grid; gap: 1rem; }
    .editor__head { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 1rem; }
    .editor__title { flex: 1; min-width: 16rem; }
    .editor__title input { font-size: 1.25rem; font-weight: 600; }
    .editor__published { margin: 0 0 0.5rem; color: var(--sl-muted); }
    .toolbar { display: flex; align-items: center; gap: 0.75rem; position: sticky; top: 0; z-index: 1; padding: 0.5rem 0; background: var(--sl-bg); }
    .toolbar__status { color: var(--sl-muted); }
    .error { margin: 0; }
  `,
})
export class StoryEditorPage {
  /** The story id, bound from the `:id` route parameter. */
  readonly id = input.required<string>();

  private readonly trpc = injectTrpc();
  protected readonly publishing = inject(StoryPublishing);

  protected readonly loaded = signal(false);
  protected readonly loadError = signal<string | null>(null);
  protected readonly title = signal('');
  protected readonly pages = signal<readonly StoryPage[]>([]);
  protected readonly saving = signal(false);
  protected readonly formError = signal<string | null>(null);
  private readonly saved = signal<SavedDraft | null>(null);
  private readonly savedOnce = signal(false);

  private readonly dirty = computed(() => {
    const saved = this.saved();
    // Every edit makes a new pages array, so identity tells whether anything changed since.
    return !saved || saved.title !== this.title() || saved.pages !== this.pages();
  });
  protected readonly saveStatus = computed(() => {
    if (this.saving()) return 'Saving…';
    if (this.dirty()) return 'Unsaved changes';
    return this.savedOnce() ? 'Saved' : '';
  });
  protected readonly publishedLabel = computed(() => {
    const version = this.publishing.publishedVersion();
    return version === null ? 'not published' : `version ${version}`;
  });
  protected readonly canPublish = computed(() => !this.saving() && !this.publishing.busy());

  constructor() {
    effect(() => {
      const id = this.id();
      untracked(() => void this.load(id));
    });
  }

  protected valueOf(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected async saveDraft(event: Event): Promise<void> {
    event.preventDefault();
    await this.save();
  }

  /** Saves first, so what gets published is what the user sees. */
  protected async publish(): Promise<void> {
    if (!this.canPublish()) return;
    this.formError.set(null);
    try {
      await this.publishing.publish(this.id(), () => this.save());
    } catch (error) {
      this.formError.set(errorMessage(error));
    }
  }

  /** Saves the draft; on failure shows the server's reason next to the form and answers false. */
  private async save(): Promise<boolean> {
    if (this.saving()) return false;
    const draft: SavedDraft = { title: this.title(), pages: this.pages() };
    this.saving.set(true);
    this.formError.set(null);
    try {
      await this.trpc.stories.saveDraft.mutate({ storyId: this.id(), title: draft.title, pages: [...draft.pages] });
      // Compare against what was sent: edits typed while saving stay unsaved.
      this.saved.set(draft);
      this.savedOnce.set(true);
      return true;
    } catch (error) {
      this.formError.set(errorMessage(error));
      return false;
    } finally {
      this.saving.set(false);
    }
  }

  private async load(id: string): Promise<void> {
    this.loaded.set(false);
    this.loadError.set(null);
    this.formError.set(null);
    this.savedOnce.set(false);
    void this.publishing.resume(id);
    try {
      const story = await this.trpc.stories.get.query({ storyId: id });
      // The user may have moved on to another story while this one loaded.
      if (id === this.id()) this.show(story);
    } catch (error) {
      if (id === this.id()) this.loadError.set(errorMessage(error));
    }
  }

  private show(story: StoryDetail): void {
    this.title.set(story.title);
    this.pages.set(story.pages);
    this.saved.set({ title: story.title, pages: story.pages });
    this.publishing.publishedVersion.set(story.publishedVersion);
    this.loaded.set(true);
  }
}
