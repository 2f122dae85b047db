import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { MediaView, StoryDetail, StoryPage } from '@storyline/contracts';
import { errorMessage, injectTrpc } from '@storyline/editor/data-access';
import { ForkOrigin } from './fork-origin';
import { JobCard } from './job-card';
import { StoryExportPanel } from './story-export-panel';
import { StoryForking } from './story-forking';
import { StoryPagesEditor, type PageMediaAdded, type PageMediaRemoved } from './story-pages-editor';
import { StoryPublishing } from './story-publishing';
import { StoryVersionsPanel } from './story-versions-panel';

/** What the server holds, to tell whether the form has unsaved changes. */
interface SavedDraft {
  title: string;
  pages: readonly StoryPage[];
}

/**
 * Edits one story's draft (title, bilingual pages and their images), saves it,
 * publishes, forks and exports it, and opens a published version as the draft,
 * showing each job live.
 */
@Component({
  selector: 'sl-story-editor-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, StoryPagesEditor, JobCard, ForkOrigin, StoryExportPanel, StoryVersionsPanel],
  providers: [StoryPublishing, StoryForking],
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
            @if (baseVersion(); as base) {
              · <span data-testid="base-version">Based on version {{ base }}</span>
            }
          </p>
        </div>
        <sl-fork-origin [storyId]="id()" [origin]="forkedFrom()" [media]="media()" (mediaRefreshed)="media.set($event)" />

        <div class="toolbar">
          <button type="submit" class="button" data-testid="save-draft" [disabled]="saving()">Save draft</button>
          <button type="button" class="button button--primary" data-testid="publish" [disabled]="!canPublish()" (click)="publish()">
            {{ publishing.busy() ? 'Publishing…' : 'Publish' }}
          </button>
          <button type="button" class="button" data-testid="fork-story" [disabled]="!canFork()" (click)="fork()">
            {{ forking.busy() ? 'Forking…' : 'Fork' }}
          </button>
          <span class="toolbar__status" data-testid="save-status" aria-live="polite">{{ saveStatus() }}</span>
        </div>
        @if (formError(); as error) {
          <p class="error" role="alert" data-testid="form-error">{{ error }}</p>
        }
        <sl-job-card [follower]="publishing.follower" testIdPrefix="publish" label="Publish" />
        <sl-job-card [follower]="forking.follower" testIdPrefix="fork" label="Fork" />

        <sl-story-pages-editor
          [(pages)]="pages"
          [storyId]="id()"
          [library]="library()"
          (mediaAdded)="addMedia($event)"
          (mediaRemoved)="removeMedia($event)"
        />
      </form>
      <sl-story-export-panel [storyId]="id()" [publishedVersion]="publishing.publishedVersion()" [saveDraft]="saveIfDirty" />
      <sl-story-versions-panel
        [storyId]="id()"
        [publishedVersion]="publishing.publishedVersion()"
        [baseVersion]="baseVersion()"
        [hasChanges]="hasChanges()"
        (opened)="reloadDraft()"
      />
    } @else {
      <p class="muted">Loading…</p>
    }
  `,
  styles: `
    .back { display: inline-block; margin-bottom: 1rem; }
    .editor { display: grid; gap: 1rem; margin-bottom: 1rem; }
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
  protected readonly forking = inject(StoryForking);

  protected readonly loaded = signal(false);
  protected readonly loadError = signal<string | null>(null);
  protected readonly title = signal('');
  protected readonly pages = signal<readonly StoryPage[]>([]);
  /** Every image of the story, whichever pages show it. */
  protected readonly media = signal<readonly MediaView[]>([]);
  protected readonly library = computed(() => new Map(this.media().map((media) => [media.id, media])));
  protected readonly forkedFrom = signal<StoryDetail['forkedFrom']>(null);
  /** The published version the saved draft is based on, and whether it differs from it (as the server last said). */
  protected readonly baseVersion = signal<number | null>(null);
  private readonly unpublished = signal(false);
  protected readonly saving = signal(false);
  protected readonly formError = signal<string | null>(null);
  private readonly saved = signal<SavedDraft | null>(null);
  private readonly savedOnce = signal(false);
  /** An image change arrived while a save was under way: save again once it is done. */
  private saveQueued = false;
  /** The published version the page last heard of with the draft's status. */
  private shownPublishedVersion: number | null = null;
  /** The save under way, so a job that reads the draft can wait for it. */
  private pendingSave: Promise<boolean> | null = null;

  private readonly dirty = computed(() => {
    const saved = this.saved();
    // Every edit makes a new pages array, so identity tells whether anything changed since.
    return !saved || saved.title !== this.title() || saved.pages !== this.pages();
  });
  /** Whether opening a version would lose something: unpublished saved changes, or unsaved ones. */
  protected readonly hasChanges = computed(() => this.unpublished() || this.dirty());
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
  protected readonly canFork = computed(() => !this.saving() && !this.forking.busy());
  /**
   * Saves when there is something to save, after any save under way (an image just
   * uploaded), so a job that reads the draft sees what the user sees.
   */
  protected readonly saveIfDirty = async (): Promise<boolean> => {
    while (this.pendingSave) if (!(await this.pendingSave)) return false;
    return this.dirty() ? this.save() : true;
  };

  constructor() {
    effect(() => {
      const id = this.id();
      untracked(() => void this.load(id));
    });
    // A publish moves the draft's base on: ask the server where the draft stands now.
    effect(() => {
      const version = this.publishing.publishedVersion();
      untracked(() => {
        if (this.loaded() && version !== this.shownPublishedVersion) void this.refreshStatus(this.id(), version);
      });
    });
  }

  /** A version was opened as the draft: show it in place of what the form held. */
  protected async reloadDraft(): Promise<void> {
    const id = this.id();
    try {
      const story = await this.trpc.stories.get.query({ storyId: id });
      if (id === this.id()) this.show(story);
    } catch (error) {
      if (id === this.id()) this.formError.set(errorMessage(error));
    }
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

  protected async fork(): Promise<void> {
    if (!this.canFork()) return;
    this.formError.set(null);
    try {
      await this.forking.fork(this.id(), this.saveIfDirty);
    } catch (error) {
      this.formError.set(errorMessage(error));
    }
  }

  /** An uploaded image joins the story's media and the end of its page, and is saved at once so it sticks. */
  protected addMedia({ pageIndex, media }: PageMediaAdded): void {
    if (media.storyId !== this.id()) return;
    this.media.update((all) => (all.some((known) => known.id === media.id) ? all : [...all, media]));
    this.pages.update((pages) =>
      pages.map((page, i) => (i === pageIndex && !page.media.includes(media.id) ? { ...page, media: [...page.media, media.id] } : page)),
    );
    this.saveSoon();
  }

  /** Takes an image off a page and saves; the server then deletes it unless a published version still shows it. */
  protected removeMedia({ pageIndex, mediaId }: PageMediaRemoved): void {
    this.pages.update((pages) => pages.map((page, i) => (i === pageIndex ? { ...page, media: page.media.filter((id) => id !== mediaId) } : page)));
    this.saveSoon();
  }

  /** Saves now, or right after the save under way, so no image change is left unsaved. */
  private saveSoon(): void {
    if (this.saving()) this.saveQueued = true;
    else void this.save();
  }

  /** Saves the draft; on failure shows the server's reason next to the form and answers false. */
  private save(): Promise<boolean> {
    // While another story loads, title and pages still hold the previous one's.
    if (this.saving() || !this.loaded()) return Promise.resolve(false);
    const saving = this.send().finally(() => {
      if (this.pendingSave === saving) this.pendingSave = null;
      if (this.saveQueued) {
        this.saveQueued = false;
        void this.save();
      }
    });
    this.pendingSave = saving;
    return saving;
  }

  private async send(): Promise<boolean> {
    const draft: SavedDraft = { title: this.title(), pages: this.pages() };
    this.saving.set(true);
    this.formError.set(null);
    try {
      const saved = await this.trpc.stories.saveDraft.mutate({ storyId: this.id(), title: draft.title, pages: [...draft.pages] });
      this.showStatus(saved);
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
    this.saveQueued = false;
    void this.publishing.resume(id);
    void this.forking.resume(id);
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
    this.media.set(story.media);
    this.forkedFrom.set(story.forkedFrom);
    this.saved.set({ title: story.title, pages: story.pages });
    this.showStatus(story);
    this.publishing.publishedVersion.set(story.publishedVersion);
    this.loaded.set(true);
  }

  private showStatus(story: StoryDetail): void {
    this.shownPublishedVersion = story.publishedVersion;
    this.baseVersion.set(story.baseVersion);
    this.unpublished.set(story.hasUnpublishedChanges);
  }

  private async refreshStatus(id: string, publishedVersion: number | null): Promise<void> {
    this.shownPublishedVersion = publishedVersion;
    try {
      const story = await this.trpc.stories.get.query({ storyId: id });
      if (id === this.id()) this.showStatus(story);
    } catch {
      // The status stays as it was; the next save or load corrects it.
    }
  }
}
