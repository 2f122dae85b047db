import { ChangeDetectionStrategy, Component, effect, input, signal, untracked } from '@angular/core';
import type { EpicItem, EpicVersionDetail, EpicVersionSummary } from '@storyline/contracts';
import { errorMessage, injectTrpc } from '@storyline/editor/data-access';

const TAKEN_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const KIND_LABELS = { story: 'Story', region: 'Region', hero: 'Hero' } as const;

/**
 * The versions of an epic (published ones and snapshots), newest first; clicking one shows
 * it read-only with its members pinned at their versions. Reloads when `latestVersion` moves.
 */
@Component({
  selector: 'sl-epic-versions-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="card versions">
      <h2>Versions</h2>
      @if (loadError(); as error) {
        <p class="error" role="alert">{{ error }}</p>
      }
      <ul class="versions__list" data-testid="epic-versions">
        @for (item of versions(); track item.version) {
          <li>
            <button type="button" class="link" data-testid="epic-version-item" [attr.data-version]="item.version" (click)="open(item.version)">
              version {{ item.version }} · {{ item.kind }} · {{ item.name }} · {{ taken(item.createdAt) }}
            </button>
          </li>
        } @empty {
          <li class="muted">No version yet.</li>
        }
      </ul>
      @if (opened(); as version) {
        <article class="snapshot" data-testid="epic-version-view" aria-readonly="true">
          <h3 data-testid="epic-version-title">Version {{ version.version }} ({{ version.kind }}, read-only)</h3>
          <label class="field">
            <span>Name</span>
            <input readonly [value]="version.name" data-testid="epic-version-name" />
          </label>
          <label class="field">
            <span>Description (English)</span>
            <textarea readonly rows="3" [value]="version.description.en" data-testid="epic-version-description-en"></textarea>
          </label>
          <label class="field">
            <span>Description (Romanian)</span>
            <textarea readonly rows="3" [value]="version.description.ro" data-testid="epic-version-description-ro"></textarea>
          </label>
          <ol class="members">
            @for (member of version.members; track member.kind + member.id) {
              <li data-testid="epic-version-member">{{ describe(member) }}</li>
            } @empty {
              <li class="muted">No items.</li>
            }
          </ol>
          <button type="button" class="button" data-testid="epic-version-close" (click)="opened.set(null)">Close</button>
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
    .members { margin: 0; padding-left: 1.25rem; }
  `,
})
export class EpicVersionsPanel {
  readonly id = input.required<string>();
  readonly latestVersion = input<number | null>(null);

  private readonly trpc = injectTrpc();
  protected readonly versions = signal<EpicVersionSummary[]>([]);
  protected readonly opened = signal<EpicVersionDetail | null>(null);
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

  /** "Story · The Crossing · version 2": the member with the version the epic pinned. */
  protected describe(member: EpicItem): string {
    return `${KIND_LABELS[member.kind]} · ${member.name} · ${member.version === null ? 'no version' : `version ${member.version}`}`;
  }

  private async load(id: string): Promise<void> {
    try {
      const versions = await this.trpc.epics.versions.query({ id });
      if (id === this.id()) this.versions.set(versions);
    } catch (error) {
      this.loadError.set(errorMessage(error));
    }
  }

  protected async open(version: number): Promise<void> {
    try {
      this.opened.set(await this.trpc.epics.versionGet.query({ id: this.id(), version }));
    } catch (error) {
      this.loadError.set(errorMessage(error));
    }
  }
}
