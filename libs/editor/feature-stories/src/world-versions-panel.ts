import { ChangeDetectionStrategy, Component, effect, input, signal, untracked } from '@angular/core';
import type { WorldVersionDetail, WorldVersionSummary } from '@storyline/contracts';
import { errorMessage, injectTrpc } from '@storyline/editor/data-access';
import type { WorldKindView } from './world-kind';

const TAKEN_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * The versions of a region or hero, newest first; clicking one shows it read-only, as it
 * was taken. Reloads whenever `latestVersion` moves (a version job completed).
 */
@Component({
  selector: 'sl-world-versions-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="card versions">
      <h2>Versions</h2>
      @if (loadError(); as error) {
        <p class="error" role="alert">{{ error }}</p>
      }
      <ul class="versions__list" [attr.data-testid]="view().kind + '-versions'">
        @for (item of versions(); track item.version) {
          <li>
            <button type="button" class="link" [attr.data-testid]="view().kind + '-version-item'" [attr.data-version]="item.version" (click)="open(item.version)">
              version {{ item.version }} · {{ item.name }} · {{ taken(item.createdAt) }}
            </button>
          </li>
        } @empty {
          <li class="muted">No version yet.</li>
        }
      </ul>
      @if (opened(); as version) {
        <article class="snapshot" [attr.data-testid]="view().kind + '-version-view'" aria-readonly="true">
          <h3 [attr.data-testid]="view().kind + '-version-title'">Version {{ version.version }} (read-only)</h3>
          <label class="field">
            <span>Name</span>
            <input readonly [value]="version.name" [attr.data-testid]="view().kind + '-version-name'" />
          </label>
          <label class="field">
            <span>Description (English)</span>
            <textarea readonly rows="3" [value]="version.description.en" [attr.data-testid]="view().kind + '-version-description-en'"></textarea>
          </label>
          <label class="field">
            <span>Description (Romanian)</span>
            <textarea readonly rows="3" [value]="version.description.ro" [attr.data-testid]="view().kind + '-version-description-ro'"></textarea>
          </label>
          @if (version.image; as image) {
            <img class="snapshot__image" [src]="image.url" alt="" [attr.data-testid]="view().kind + '-version-image'" />
          }
          <button type="button" class="button" [attr.data-testid]="view().kind + '-version-close'" (click)="opened.set(null)">Close</button>
        </article>
      }
    </section>
  `,
  styles: `
    .versions { display: grid; gap: 0.75rem; margin-top: 1.5rem; }
    h2 { margin: 0; font-size: 1.1rem; }
    .versions__list { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.25rem; }
    .link { background: none; border: none; padding: 0; color: var(--sl-accent); cursor: pointer; text-align: left; }
    .snapshot { display: grid; gap: 0.5rem; border-top: 1px solid var(--sl-border); padding-top: 0.75rem; }
    .snapshot h3 { margin: 0; }
    .snapshot__image { max-width: 16rem; border-radius: 6px; }
  `,
})
export class WorldVersionsPanel {
  readonly view = input.required<WorldKindView>();
  readonly id = input.required<string>();
  readonly latestVersion = input<number | null>(null);

  private readonly trpc = injectTrpc();
  protected readonly versions = signal<WorldVersionSummary[]>([]);
  protected readonly opened = signal<WorldVersionDetail | null>(null);
  protected readonly loadError = signal<string | null>(null);

  constructor() {
    effect(() => {
      const id = this.id();
      this.latestVersion();
      untracked(() => void this.load(id));
    });
  }

  protected taken(createdAt: string): string {
    return TAKEN_FORMAT.format(new Date(createdAt));
  }

  private async load(id: string): Promise<void> {
    try {
      const versions = await this.trpc[this.view().area].versions.query({ id });
      if (id === this.id()) this.versions.set(versions);
    } catch (error) {
      this.loadError.set(errorMessage(error));
    }
  }

  protected async open(version: number): Promise<void> {
    try {
      this.opened.set(await this.trpc[this.view().area].versionGet.query({ id: this.id(), version }));
    } catch (error) {
      this.loadError.set(errorMessage(error));
    }
  }
}
