import { ChangeDetectionStrategy, Component, computed, effect, input, signal, untracked } from '@angular/core';
import type { EpicItem, EpicVersionDetail, EpicVersionSummary, WorldKind, WorldVersionDetail, WorldVersionSummary } from '@storyline/contracts';
import { errorMessage, injectTrpc } from '@storyline/editor/data-access';

const TAKEN_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const KIND_LABELS = { story: 'Story', region: 'Region', hero: 'Hero' } as const;

/** What keeps versions read-only: an epic, a region or a hero. It starts every test id inside (`epic-versions`, `hero-version-item`, …). */
export type VersionedKind = 'epic' | WorldKind;

/** The tRPC router each kind's versions are read from. */
const AREAS = { epic: 'epics', region: 'regions', hero: 'heroes' } as const satisfies Record<VersionedKind, string>;

/**
 * The versions of an epic, region or hero, newest first; clicking one shows it read-only,
 * as it was taken: an epic's with its members pinned at their versions (and whether it was
 * published or a snapshot), a region's or hero's with its image. Reloads when `latestVersion`
 * moves (a version job completed); Close or Escape hides it and puts focus back on its line. A story's versions differ (they open as the draft, through
 * a job): see `StoryVersionsPanel`.
 */
@Component({
  selector: 'sl-item-versions-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(document:keydown.escape)': 'close()' },
  template: `
    <section class="card versions">
      <h2>Versions</h2>
      @if (loadError(); as error) {
        <p class="error" role="alert">{{ error }}</p>
      }
      <ul class="versions__list" [attr.data-testid]="kind() + '-versions'">
        @for (item of versions(); track item.version) {
          <li>
            <button #opener type="button" class="link" [attr.data-testid]="kind() + '-version-item'" [attr.data-version]="item.version" (click)="open(item.version, opener)">
              {{ summary(item) }}
            </button>
          </li>
        } @empty {
          <li class="muted">No version yet.</li>
        }
      </ul>
      @if (opened(); as version) {
        <article class="snapshot" [attr.data-testid]="kind() + '-version-view'">
          <h3 [attr.data-testid]="kind() + '-version-title'">Version {{ version.version }} ({{ openedTag() }}read-only)</h3>
          <label class="field">
            <span>Name</span>
            <input readonly [value]="version.name" [attr.data-testid]="kind() + '-version-name'" />
          </label>
          <label class="field">
            <span>Description (English)</span>
            <textarea readonly rows="3" [value]="version.description.en" [attr.data-testid]="kind() + '-version-description-en'"></textarea>
          </label>
          <label class="field">
            <span>Description (Romanian)</span>
            <textarea readonly rows="3" [value]="version.description.ro" [attr.data-testid]="kind() + '-version-description-ro'"></textarea>
          </label>
          @if (members(); as members) {
            <ol class="members">
              @for (member of members; track member.kind + member.id) {
                <li [attr.data-testid]="kind() + '-version-member'">{{ describe(member) }}</li>
              } @empty {
                <li class="muted">No items.</li>
              }
            </ol>
          }
          @if (image(); as image) {
            <img class="snapshot__image" [src]="image.url" alt="" [attr.data-testid]="kind() + '-version-image'" />
          }
          <button type="button" class="button" [attr.data-testid]="kind() + '-version-close'" (click)="close()">Close</button>
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
    .members { margin: 0; padding-left: 1.25rem; }
  `,
})
export class ItemVersionsPanel {
  readonly kind = input.required<VersionedKind>();
  readonly id = input.required<string>();
  readonly latestVersion = input<number | null>(null);

  private readonly trpc = injectTrpc();
  protected readonly versions = signal<(EpicVersionSummary | WorldVersionSummary)[]>([]);
  protected readonly opened = signal<EpicVersionDetail | WorldVersionDetail | null>(null);
  protected readonly loadError = signal<string | null>(null);
  /** The list line that opened the version shown, to give focus back to when it closes. */
  private opener: HTMLElement | null = null;
  /** An epic version's members; null for a region's or hero's. */
  protected readonly members = computed(() => {
    const version = this.opened();
    return version && 'members' in version ? version.members : null;
  });
  protected readonly image = computed(() => {
    const version = this.opened();
    return version && 'image' in version ? version.image : null;
  });
  /** "published, " or "snapshot, " before "read-only" for an epic's version. */
  protected readonly openedTag = computed(() => {
    const version = this.opened();
    return version && 'kind' in version ? `${version.kind}, ` : '';
  });

  constructor() {
    effect(() => {
      const id = this.id();
      this.latestVersion();
      untracked(() => void this.load(id));
    });
  }

  /** "version 2 · published · The Saga · 3 Mar 2025, 10:04"; only an epic's versions have a kind. */
  protected summary(item: EpicVersionSummary | WorldVersionSummary): string {
    const kind = 'kind' in item ? [item.kind] : [];
    return [`version ${item.version}`, ...kind, item.name, TAKEN_FORMAT.format(new Date(item.createdAt))].join(' · ');
  }

  /** "Story · The Crossing · version 2": the member with the version the epic pinned. */
  protected describe(member: EpicItem): string {
    return `${KIND_LABELS[member.kind]} · ${member.name} · ${member.version === null ? 'no version' : `version ${member.version}`}`;
  }

  private async load(id: string): Promise<void> {
    try {
      const versions = await this.trpc[AREAS[this.kind()]].versions.query({ id });
      if (id === this.id()) this.versions.set(versions);
    } catch (error) {
      this.loadError.set(errorMessage(error));
    }
  }

  protected async open(version: number, opener: HTMLElement): Promise<void> {
    this.opener = opener;
    try {
      this.opened.set(await this.trpc[AREAS[this.kind()]].versionGet.query({ id: this.id(), version }));
    } catch (error) {
      this.loadError.set(errorMessage(error));
    }
  }

  protected close(): void {
    if (!this.opened()) return;
    this.opened.set(null);
    this.opener?.focus();
  }
}
