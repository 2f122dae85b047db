import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { EpicDetail, EpicItem } from '@storyline/contracts';
import { errorMessage, injectJobFollower, injectTrpc, type FollowedJob } from '@storyline/editor/data-access';
import { ToastService } from '@storyline/editor/ui';
import { EpicItemsEditor } from './epic-items-editor';
import { ItemVersionsPanel } from './item-versions-panel';
import { JobCard } from './job-card';

const sameItems = (a: readonly EpicItem[], b: readonly EpicItem[]) => a.length === b.length && a.every((item, index) => item.kind === b[index].kind && item.id === b[index].id);

/**
 * Edits one epic: its name, its description in every language and its ordered items;
 * saves it, publishes it (`epic-publish`) and takes versions of it (`epic-version`), each
 * job shown live; its versions open read-only below.
 */
@Component({
  selector: 'sl-epic-editor-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, JobCard, EpicItemsEditor, ItemVersionsPanel],
  template: `
    <a routerLink="/epics" class="back">← My epics</a>
    @if (loadError(); as error) {
      <p class="error" role="alert">{{ error }}</p>
    } @else if (epic(); as epic) {
      <form class="card editor" (submit)="save($event)" novalidate>
        <label class="field">
          <span>Name</span>
          <input name="name" maxlength="120" data-testid="epic-name" [value]="name()" (input)="name.set(valueOf($event))" />
        </label>
        <label class="field">
          <span>Description (English)</span>
          <textarea rows="4" data-testid="epic-description-en" [value]="en()" (input)="en.set(valueOf($event))"></textarea>
        </label>
        <label class="field">
          <span>Description (Romanian)</span>
          <textarea rows="4" lang="ro" data-testid="epic-description-ro" [value]="ro()" (input)="ro.set(valueOf($event))"></textarea>
        </label>
        <sl-epic-items-editor [(items)]="items" [candidates]="candidates()" />
        <div class="toolbar">
          <button type="submit" class="button" data-testid="epic-save" [disabled]="saving()">Save</button>
          <button type="button" class="button button--primary" data-testid="epic-publish" [disabled]="publishing.busy() || saving()" (click)="publish()">
            {{ publishing.busy() ? 'Publishing…' : 'Publish' }}
          </button>
          <button type="button" class="button" data-testid="epic-version" [disabled]="versioning.busy() || saving()" (click)="takeVersion()">
            {{ versioning.busy() ? 'Taking version…' : 'Take version' }}
          </button>
          <span class="muted" data-testid="epic-published-version">{{ publishedLabel() }}</span>
          <span class="muted" data-testid="epic-save-status" aria-live="polite">{{ saveStatus() }}</span>
        </div>
        @if (formError(); as error) {
          <p class="error" role="alert" data-testid="epic-form-error">{{ error }}</p>
        }
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
export class EpicEditorPage {
  /** From the route (`/epics/:id`). */
  readonly id = input.required<string>();

  private readonly trpc = injectTrpc();
  private readonly toasts = inject(ToastService);
  protected readonly publishing = injectJobFollower('epic-publish', {
    onEnd: (job) => this.announce(job, 'Publishing'),
    onLost: (error) => this.toasts.show('error', `Lost track of the publish job: ${errorMessage(error)}`),
  });
  protected readonly versioning = injectJobFollower('epic-version', {
    onEnd: (job) => this.announce(job, 'Taking a version'),
    onLost: (error) => this.toasts.show('error', `Lost track of the version job: ${errorMessage(error)}`),
  });

  protected readonly epic = signal<EpicDetail | null>(null);
  protected readonly loadError = signal<string | null>(null);
  protected readonly name = signal('');
  protected readonly en = signal('');
  protected readonly ro = signal('');
  protected readonly items = signal<EpicItem[]>([]);
  protected readonly candidates = signal<EpicItem[]>([]);
  protected readonly publishedVersion = signal<number | null>(null);
  protected readonly latestVersion = signal<number | null>(null);
  protected readonly saving = signal(false);
  protected readonly formError = signal<string | null>(null);

  private readonly dirty = computed(() => {
    const saved = this.epic();
    return !!saved && (saved.name !== this.name() || saved.description.en !== this.en() || saved.description.ro !== this.ro() || !sameItems(saved.items, this.items()));
  });
  protected readonly saveStatus = computed(() => (this.saving() ? 'Saving…' : this.dirty() ? 'Unsaved changes' : 'Saved'));
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

  protected valueOf(event: Event): string {
    return (event.target as HTMLInputElement | HTMLTextAreaElement).value;
  }

  private async load(id: string): Promise<void> {
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
    this.epic.set(epic);
    this.name.set(epic.name);
    this.en.set(epic.description.en);
    this.ro.set(epic.description.ro);
    this.items.set(epic.items);
    this.publishedVersion.set(epic.publishedVersion);
    this.latestVersion.set(epic.latestVersion);
  }

  protected async save(event?: Event): Promise<boolean> {
    event?.preventDefault();
    this.saving.set(true);
    this.formError.set(null);
    try {
      const items = this.items().map(({ kind, id }) => ({ kind, id }));
      const saved = await this.trpc.epics.save.mutate({ id: this.id(), name: this.name(), description: { en: this.en(), ro: this.ro() }, items });
      this.epic.set(saved);
      this.items.set(saved.items);
      return true;
    } catch (error) {
      this.formError.set(errorMessage(error));
      return false;
    } finally {
      this.saving.set(false);
    }
  }

  /** Saves unsaved edits first, so the version holds what the user sees. */
  protected publish(): Promise<void> {
    this.formError.set(null);
    return this.publishing
      .start(async () => ((!this.dirty() || (await this.save())) ? this.trpc.epics.publish.mutate({ id: this.id() }) : null))
      .catch((error: unknown) => this.formError.set(errorMessage(error)));
  }

  protected takeVersion(): Promise<void> {
    this.formError.set(null);
    return this.versioning
      .start(async () => ((!this.dirty() || (await this.save())) ? this.trpc.epics.version.mutate({ id: this.id() }) : null))
      .catch((error: unknown) => this.formError.set(errorMessage(error)));
  }

  private announce(job: FollowedJob, doing: string): void {
    if (job.status === 'Completed') {
      const version = job.result?.['version'];
      if (typeof version === 'number') {
        this.latestVersion.set(version);
        if (job.type === 'epic-publish') this.publishedVersion.set(version);
      }
      this.toasts.show('success', job.type === 'epic-publish' ? `Published version ${version}` : `Took version ${version}`);
    } else if (job.status === 'Failed') {
      this.toasts.show('error', `${doing} failed: ${job.error ?? 'no reason given'}`);
    } else if (job.status === 'Superseded') {
      this.toasts.show('info', 'A newer request for this epic replaced this one');
    }
  }
}
