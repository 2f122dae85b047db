import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { EpicDetail, EpicItem, FollowedJob } from '@storyline/contracts';
import { errorMessage, injectJobFollower, injectTrpc } from '@storyline/editor/data-access';
import { ToastService } from '@storyline/editor/ui';
import { EpicItemsEditor } from './epic-items-editor';
import { ItemForm } from '../items/item-form';
import { ItemTextFields } from '../items/item-text-fields';
import { ItemVersionsPanel } from '../items/item-versions-panel';
import { JobCard } from '../jobs/job-card';
import { DraftConflictPanel } from '../story-editor/draft-conflict-panel';
import type { GuardsUnsavedChanges } from '../story-editor/unsaved-changes-guard';

/** Both of the epic's jobs: a newer request for the epic replaces the one under way. */
const EPIC_SUPERSEDED = 'A newer request for this epic replaced this one';

const sameItems = (a: readonly EpicItem[], b: readonly EpicItem[]) => a.length === b.length && a.every((item, index) => item.kind === b[index].kind && item.id === b[index].id);

/**
 * Edits one epic: its name, its description in every language and its ordered items;
 * saves it, publishes it (`epic-publish`) and takes versions of it (`epic-version`), each
 * job shown live; its versions open read-only below.
 */
@Component({
  selector: 'sl-epic-editor-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, JobCard, DraftConflictPanel, EpicItemsEditor, ItemTextFields, ItemVersionsPanel],
  template: `
    <a routerLink="/epics" class="back">← My epics</a>
    @if (loadError(); as error) {
      <p class="error" role="alert">{{ error }}</p>
    } @else if (form.saved(); as epic) {
      <form class="card editor" (submit)="form.submit($event)" novalidate>
        <sl-item-text-fields [text]="form" testIdPrefix="epic" />
        <sl-epic-items-editor [(items)]="items" [candidates]="candidates()" />
        <div class="toolbar">
          <button type="submit" class="button" data-testid="epic-save" [disabled]="form.saving()">Save</button>
          <button type="button" class="button button--primary" data-testid="epic-publish" [disabled]="publishing.busy() || form.saving()" (click)="publish()">
            {{ publishing.busy() ? 'Publishing…' : 'Publish' }}
          </button>
          <button type="button" class="button" data-testid="epic-version" [disabled]="versioning.busy() || form.saving()" (click)="takeVersion()">
            {{ versioning.busy() ? 'Taking version…' : 'Take version' }}
          </button>
          <span class="muted" data-testid="epic-published-version">{{ publishedLabel() }}</span>
          <span class="muted" data-testid="epic-save-status" aria-live="polite">{{ form.status() }}</span>
        </div>
        @if (form.error(); as error) {
          <p class="error" role="alert" data-testid="epic-form-error">{{ error }}</p>
        }
        <sl-draft-conflict-panel [conflict]="form.sync.conflict" [mine]="form.sync.mine()" (keepMine)="form.sync.keepMine()" (takeSaved)="form.sync.takeSaved()" />
        <sl-job-card [follower]="publishing" testIdPrefix="epic-publish" label="Publish" />
        <sl-job-card [follower]="versioning" testIdPrefix="epic-version" label="Version" />
      </form>
      <sl-item-versions-panel kind="epic" [id]="epic.id" [latestVersion]="latestVersion()" />
    } @else {
      <p class="muted">Loading…</p>
    }
  `,
  styles: `
    .back { display: inline-block; margin-bottom: 1rem; }
    .editor { display: grid; gap: 0.75rem; }
    .toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 0.75rem; }
  `,
})
export class EpicEditorPage implements GuardsUnsavedChanges {
  /** From the route (`/epics/:id`). */
  readonly id = input.required<string>();

  private readonly trpc = injectTrpc();
  private readonly toasts = inject(ToastService);
  protected readonly publishing = injectJobFollower('epic-publish', {
    endWording: { Completed: (job) => `Published version ${job.result?.['version']}`, Failed: 'Publishing', Superseded: EPIC_SUPERSEDED },
    onEnd: (job) => this.tookVersion(job),
    onLost: (error) => this.toasts.show('error', `Lost track of the publish job: ${errorMessage(error)}`),
  });
  protected readonly versioning = injectJobFollower('epic-version', {
    endWording: { Completed: (job) => `Took version ${job.result?.['version']}`, Failed: 'Taking a version', Superseded: EPIC_SUPERSEDED },
    onEnd: (job) => this.tookVersion(job),
    onLost: (error) => this.toasts.show('error', `Lost track of the version job: ${errorMessage(error)}`),
  });

  protected readonly loadError = signal<string | null>(null);
  protected readonly items = signal<EpicItem[]>([]);
  /**
   * The epic's texts and items. A save's answer leaves the items on screen alone (it once
   * replaced them, losing an item added or moved while the save was under way).
   */
  protected readonly form = new ItemForm<EpicDetail, readonly EpicItem[]>({
    key: () => `epic:${this.id()}`,
    save: ({ name, description, extra: items }, revision) => this.trpc.epics.save.mutate({ id: this.id(), name, description, items: items.map(({ kind, id }) => ({ kind, id })), revision }),
    read: () => this.trpc.epics.get.query({ id: this.id() }),
    extra: {
      current: () => this.items(),
      of: (epic) => epic.items,
      same: sameItems,
      show: (epic) => this.items.set(epic.items),
      fields: (items) => [{ label: 'Items', text: items.map((item) => `${item.name} (${item.kind})`).join('\n') }],
    },
  });
  protected readonly candidates = signal<EpicItem[]>([]);
  protected readonly publishedVersion = signal<number | null>(null);
  protected readonly latestVersion = signal<number | null>(null);
  protected readonly publishedLabel = computed(() => {
    const version = this.publishedVersion();
    return version === null ? 'not published' : `published version ${version}`;
  });

  constructor() {
    effect(() => {
      const id = this.id();
      untracked(() => void this.load(id));
    });
  }

  /** Before the router leaves: saves what is unsaved, and asks only when that fails. */
  canLeave(): Promise<boolean> {
    return this.form.sync.canLeave();
  }

  private async load(id: string): Promise<void> {
    this.form.clear();
    this.publishing.reset();
    this.versioning.reset();
    try {
      const [epic, stories, regions, heroes] = await Promise.all([
        this.trpc.epics.get.query({ id }),
        this.trpc.stories.list.query(),
        this.trpc.regions.list.query(),
        this.trpc.heroes.list.query(),
      ]);
      this.show(epic);
      this.candidates.set([
        ...stories.map((story) => ({ kind: 'story' as const, id: story.id, name: story.title, version: story.publishedVersion })),
        ...regions.map((region) => ({ kind: 'region' as const, id: region.id, name: region.name, version: region.latestVersion })),
        ...heroes.map((hero) => ({ kind: 'hero' as const, id: hero.id, name: hero.name, version: hero.latestVersion })),
      ]);
      await Promise.all([this.publishing.resume(id), this.versioning.resume(id)]);
    } catch (error) {
      this.loadError.set(errorMessage(error));
    }
  }

  private show(epic: EpicDetail): void {
    this.form.show(epic);
    this.publishedVersion.set(epic.publishedVersion);
    this.latestVersion.set(epic.latestVersion);
  }

  protected publish(): Promise<void> {
    return this.form.startSaved(this.publishing, () => this.trpc.epics.publish.mutate({ id: this.id() }));
  }

  protected takeVersion(): Promise<void> {
    return this.form.startSaved(this.versioning, () => this.trpc.epics.version.mutate({ id: this.id() }));
  }

  /** A finished publish or version job moves the epic's versions on. */
  private tookVersion(job: FollowedJob): void {
    const version = job.result?.['version'];
    if (job.status !== 'Completed' || typeof version !== 'number') return;
    this.latestVersion.set(version);
    if (job.type === 'epic-publish') this.publishedVersion.set(version);
  }
}
