import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';
import { draftDiffers, type StoryDetail } from '@storyline/contracts';
import { errorMessage, injectTrpc } from '@storyline/editor/data-access';
import { DraftConflictPanel } from './draft-conflict-panel';
import { DraftStatus } from './draft-status';
import { DraftSync } from './draft-sync';
import { ForkOrigin } from '../story-jobs/fork-origin';
import { JobCard } from '../jobs/job-card';
import { StoryExportPanel } from '../story-jobs/story-export-panel';
import { StoryDraft, type SavedDraft } from './story-draft';
import { storyFields } from './story-fields';
import { StoryForking } from '../story-jobs/story-forking';
import { StoryPagesEditor, type PageMediaAdded, type PageMediaRemoved } from './story-pages-editor';
import { StoryPublishing } from '../story-jobs/story-publishing';
import { StoryVersionsPanel, type OpenedVersion } from '../story-jobs/story-versions-panel';
import type { GuardsUnsavedChanges } from './unsaved-changes-guard';

/**
 * Edits one story's draft (title, bilingual pages and their images), saves it,
 * publishes, forks and exports it, and opens a published version as the draft,
 * showing each job live. The draft as edited ({@link StoryDraft}), its saves and
 * revisions ({@link DraftSync}) and where it stands against the published versions
 * ({@link DraftStatus}) each live in a piece of their own; this page composes them.
 *
 * No typed word is lost: the draft saves itself shortly after typing stops and before the
 * router leaves the page, Ctrl/Cmd+S saves at once, and leaving with work unsaved (a save
 * that failed, a reload or a closed tab) asks first. A draft changed elsewhere meanwhile
 * is never overwritten silently: the author sees both versions and chooses.
 */
@Component({
  selector: 'sl-story-editor-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, StoryPagesEditor, JobCard, ForkOrigin, StoryExportPanel, StoryVersionsPanel, DraftConflictPanel],
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
            <input name="title" maxlength="200" data-testid="story-title" [value]="draft.title()" (input)="draft.title.set(valueOf($event))" />
          </label>
          <p class="editor__published">
            Published: <strong data-testid="published-version">{{ publishedLabel() }}</strong>
            @if (status.baseVersion(); as base) {
              · <span data-testid="base-version">Based on version {{ base }}</span>
            }
          </p>
        </div>
        <sl-fork-origin [storyId]="id()" [origin]="draft.forkedFrom()" [media]="draft.media()" (mediaRefreshed)="draft.media.set($event)" />

        <div class="toolbar">
          <button type="submit" class="button" data-testid="save-draft" [disabled]="saves.saving()">Save draft</button>
          <button type="button" class="button button--primary" data-testid="publish" [disabled]="!canPublish()" (click)="publish()">
            {{ publishing.busy() ? 'Publishing…' : 'Publish' }}
          </button>
          <button type="button" class="button" data-testid="fork-story" [disabled]="!canFork()" (click)="fork()">
            {{ forking.busy() ? 'Forking…' : 'Fork' }}
          </button>
          <span class="toolbar__status" data-testid="save-status" aria-live="polite">{{ saves.status() }}</span>
        </div>
        @if (formError() ?? sync.error(); as error) {
          <p class="error" role="alert" data-testid="form-error">{{ error }}</p>
        }
        <sl-draft-conflict-panel [conflict]="sync.conflict" [mine]="sync.mine()" (keepMine)="sync.keepMine()" (takeSaved)="sync.takeSaved()" />
        <sl-job-card [follower]="publishing.follower" testIdPrefix="publish" label="Publish" />
        <sl-job-card [follower]="forking.follower" testIdPrefix="fork" label="Fork" />

        <sl-story-pages-editor [(pages)]="draft.pages" [storyId]="id()" [library]="draft.library()" (mediaAdded)="addMedia($event)" (mediaRemoved)="removeMedia($event)" />
      </form>
      <sl-story-export-panel [storyId]="id()" [publishedVersion]="publishing.publishedVersion()" [saveDraft]="saves.saveIfDirty" />
      <sl-story-versions-panel [storyId]="id()" [publishedVersion]="publishing.publishedVersion()" [baseVersion]="status.baseVersion()" [hasChanges]="hasChanges()" (opened)="reloadDraft($event)" />
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
export class StoryEditorPage implements GuardsUnsavedChanges {
  /** The story id, bound from the `:id` route parameter. */
  readonly id = input.required<string>();

  private readonly trpc = injectTrpc();
  protected readonly publishing = inject(StoryPublishing);
  protected readonly forking = inject(StoryForking);

  protected readonly loaded = signal(false);
  protected readonly loadError = signal<string | null>(null);
  protected readonly formError = signal<string | null>(null);
  protected readonly draft = new StoryDraft();
  protected readonly sync = new DraftSync<StoryDetail, SavedDraft>({
    key: () => `story:${this.id()}`,
    content: () => this.draft.snapshot(),
    dirty: () => this.draft.dirty(),
    canSave: () => this.loaded(),
    save: (draft, revision) => this.trpc.stories.saveDraft.mutate({ storyId: this.id(), title: draft.title, pages: [...draft.pages], revision }),
    read: () => this.trpc.stories.get.query({ storyId: this.id() }),
    saved: (draft, story) => {
      this.status.show(story);
      this.draft.markSaved(draft);
    },
    show: (story) => this.show(story),
    holds: (story, draft) => !draftDiffers(draft, story),
    contentOf: (story) => ({ title: story.title, pages: story.pages }),
    fields: (draft) => storyFields(draft, this.draft.library()),
  });
  protected readonly saves = this.sync.saves;
  protected readonly status = new DraftStatus({ storyId: this.id, publishedVersion: this.publishing.publishedVersion, loaded: this.loaded });

  /** Whether opening a version would lose something: unpublished saved changes, or unsaved ones. */
  protected readonly hasChanges = computed(() => this.status.unpublished() || this.draft.dirty());
  protected readonly publishedLabel = computed(() => {
    const version = this.publishing.publishedVersion();
    return version === null ? 'not published' : `version ${version}`;
  });
  protected readonly canPublish = computed(() => !this.saves.saving() && !this.publishing.busy());
  protected readonly canFork = computed(() => !this.saves.saving() && !this.forking.busy());

  constructor() {
    effect(() => {
      const id = this.id();
      untracked(() => void this.load(id));
    });
  }

  /** Before the router leaves the story: saves what is unsaved, and asks only when that fails. */
  canLeave(): Promise<boolean> {
    return this.sync.canLeave();
  }

  /**
   * A version was opened as the draft. Asked for here, it replaces what the form held (the
   * author agreed to that); opened from another tab, it is shown only over nothing unsaved,
   * and otherwise meets this tab's next save as a conflict.
   */
  protected async reloadDraft(opened: OpenedVersion): Promise<void> {
    if (!opened.requestedHere) return this.sync.catchUp();
    const id = this.id();
    try {
      const story = await this.trpc.stories.get.query({ storyId: id });
      if (id === this.id()) this.sync.show(story);
    } catch (error) {
      if (id === this.id()) this.formError.set(errorMessage(error));
    }
  }

  protected valueOf(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected async saveDraft(event: Event): Promise<void> {
    event.preventDefault();
    await this.saves.save();
  }

  /** Saves first, so what gets published is what the user sees. */
  protected async publish(): Promise<void> {
    if (!this.canPublish()) return;
    this.formError.set(null);
    try {
      await this.publishing.publish(this.id(), () => this.saves.save());
    } catch (error) {
      this.formError.set(errorMessage(error));
    }
  }

  protected async fork(): Promise<void> {
    if (!this.canFork()) return;
    this.formError.set(null);
    try {
      await this.forking.fork(this.id(), this.saves.saveIfDirty);
    } catch (error) {
      this.formError.set(errorMessage(error));
    }
  }

  /** An uploaded image joins the story's media and the end of its page, and is saved at once so it sticks. */
  protected addMedia(added: PageMediaAdded): void {
    if (added.media.storyId !== this.id()) return;
    this.draft.addMedia(added);
    this.saves.saveSoon();
  }

  /** Takes an image off a page and saves; the server keeps it through the undo window, then deletes it unless a published version still shows it. */
  protected removeMedia(removed: PageMediaRemoved): void {
    this.draft.removeMedia(removed);
    this.saves.saveSoon();
  }

  private async load(id: string): Promise<void> {
    this.loaded.set(false);
    this.loadError.set(null);
    this.formError.set(null);
    this.saves.clear();
    void this.publishing.resume(id);
    void this.forking.resume(id);
    try {
      const story = await this.trpc.stories.get.query({ storyId: id });
      // The user may have moved on to another story while this one loaded.
      if (id === this.id()) this.sync.show(story);
    } catch (error) {
      if (id === this.id()) this.loadError.set(errorMessage(error));
    }
  }

  private show(story: StoryDetail): void {
    this.draft.show(story);
    this.status.show(story);
    this.publishing.publishedVersion.set(story.publishedVersion);
    this.loaded.set(true);
  }
}
