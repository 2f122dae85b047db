import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { WorldImage, WorldImageUploaded, WorldItemDetail } from '@storyline/contracts';
import { errorMessage, injectJobFollower, injectTrpc, uploadFile } from '@storyline/editor/data-access';
import { ToastService } from '@storyline/editor/ui';
import { ItemForm, NO_EXTRA } from '../items/item-form';
import { ItemTextFields } from '../items/item-text-fields';
import { ItemVersionsPanel } from '../items/item-versions-panel';
import { JobCard } from '../jobs/job-card';
import { DraftConflictPanel } from '../story-editor/draft-conflict-panel';
import type { GuardsUnsavedChanges } from '../story-editor/unsaved-changes-guard';
import { injectWorldKind } from './world-kind';

/**
 * Edits one region or hero (the route says which): its name, its description in every
 * language and its image (uploaded with progress), saves it, and takes versions of it
 * through the kind's version job, shown live; its versions open read-only below.
 */
@Component({
  selector: 'sl-world-editor-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, JobCard, DraftConflictPanel, ItemTextFields, ItemVersionsPanel],
  template: `
    <a [routerLink]="'/' + view.area" class="back">← My {{ view.plural.toLowerCase() }}</a>
    @if (loadError(); as error) {
      <p class="error" role="alert">{{ error }}</p>
    } @else if (form.saved(); as item) {
      <form class="card editor" (submit)="form.submit($event)" novalidate>
        <sl-item-text-fields [text]="form" [testIdPrefix]="kind" />
        <div class="image">
          @if (image(); as image) {
            <img class="image__preview" [src]="image.url" alt="" [attr.data-testid]="kind + '-image'" />
          }
          <label class="field">
            <span>Image (PNG or JPEG)</span>
            <input type="file" accept="image/png,image/jpeg" [attr.data-testid]="kind + '-image-input'" [disabled]="uploading() !== null" (change)="upload($event)" />
          </label>
          @if (uploading(); as percent) {
            <progress max="100" [value]="percent" [attr.data-testid]="kind + '-image-progress'"></progress>
          }
          @if (uploadError(); as error) {
            <p class="error" role="alert" [attr.data-testid]="kind + '-image-error'">{{ error }}</p>
          }
        </div>
        <div class="toolbar">
          <button type="submit" class="button" [attr.data-testid]="kind + '-save'" [disabled]="form.saving()">Save</button>
          <button type="button" class="button button--primary" [attr.data-testid]="kind + '-version'" [disabled]="versioning.busy() || form.saving()" (click)="takeVersion()">
            {{ versioning.busy() ? 'Taking version…' : 'Take version' }}
          </button>
          <span class="muted" [attr.data-testid]="kind + '-latest-version'">{{ latestLabel() }}</span>
          <span class="muted" [attr.data-testid]="kind + '-save-status'" aria-live="polite">{{ form.status() }}</span>
        </div>
        @if (form.error(); as error) {
          <p class="error" role="alert" [attr.data-testid]="kind + '-form-error'">{{ error }}</p>
        }
        <sl-draft-conflict-panel [conflict]="form.sync.conflict" [mine]="form.sync.mine()" (keepMine)="form.sync.keepMine()" (takeSaved)="form.sync.takeSaved()" />
        <sl-job-card [follower]="versioning" [testIdPrefix]="kind + '-version'" label="Version" />
      </form>
      <sl-item-versions-panel [kind]="kind" [id]="item.id" [latestVersion]="latestVersion()" />
    } @else {
      <p class="muted">Loading…</p>
    }
  `,
  styles: `
    .back { display: inline-block; margin-bottom: 1rem; }
    .editor { display: grid; gap: 0.75rem; }
    .image { display: grid; gap: 0.5rem; }
    .image__preview { max-width: 16rem; border-radius: 6px; }
    .toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 0.75rem; }
  `,
})
export class WorldEditorPage implements GuardsUnsavedChanges {
  /** From the route (`/regions/:id`, `/heroes/:id`). */
  readonly id = input.required<string>();

  private readonly trpc = injectTrpc();
  private readonly toasts = inject(ToastService);
  protected readonly view = injectWorldKind();
  protected readonly kind = this.view.kind;
  protected readonly versioning = injectJobFollower(this.view.jobType, {
    endWording: {
      Completed: (job) => `Took version ${job.result?.['version']}`,
      Failed: 'Taking a version',
      Superseded: `A newer version request of this ${this.view.label.toLowerCase()} replaced this one`,
    },
    onEnd: (job) => {
      const version = job.result?.['version'];
      if (job.status === 'Completed' && typeof version === 'number') this.latestVersion.set(version);
    },
    onLost: (error) => this.toasts.show('error', `Lost track of the version job: ${errorMessage(error)}`),
  });

  protected readonly loadError = signal<string | null>(null);
  protected readonly form = new ItemForm<WorldItemDetail>({
    key: () => `${this.kind}:${this.id()}`,
    save: ({ name, description }, revision) => this.trpc[this.view.area].save.mutate({ id: this.id(), name, description, revision }),
    read: () => this.trpc[this.view.area].get.query({ id: this.id() }),
    extra: NO_EXTRA,
  });
  protected readonly image = signal<WorldImage | null>(null);
  protected readonly latestVersion = signal<number | null>(null);
  protected readonly uploading = signal<number | null>(null);
  protected readonly uploadError = signal<string | null>(null);
  protected readonly latestLabel = computed(() => {
    const version = this.latestVersion();
    return version === null ? 'no version yet' : `version ${version}`;
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
    this.versioning.reset();
    try {
      this.show(await this.trpc[this.view.area].get.query({ id }));
      await this.versioning.resume(id);
    } catch (error) {
      this.loadError.set(errorMessage(error));
    }
  }

  private show(item: WorldItemDetail): void {
    this.form.show(item);
    this.image.set(item.image);
    this.latestVersion.set(item.latestVersion);
  }

  protected takeVersion(): Promise<void> {
    return this.form.startSaved(this.versioning, () => this.trpc[this.view.area].version.mutate({ id: this.id() }));
  }

  protected async upload(event: Event): Promise<void> {
    const field = event.target as HTMLInputElement;
    const file = field.files?.[0];
    if (!file) return;
    this.uploading.set(0);
    this.uploadError.set(null);
    try {
      const body = (await uploadFile(`/files/${this.view.area}/${encodeURIComponent(this.id())}/image`, file, {
        onProgress: ({ loaded, total }) => this.uploading.set(total > 0 ? Math.round((100 * loaded) / total) : 0),
      })) as Partial<WorldImageUploaded> | null;
      if (body?.image) this.image.set(body.image);
    } catch (error) {
      this.uploadError.set(errorMessage(error));
    } finally {
      this.uploading.set(null);
      field.value = '';
    }
  }
}
