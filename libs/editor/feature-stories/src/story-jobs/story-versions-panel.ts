import { ChangeDetectionStrategy, Component, effect, input, output, signal, untracked } from '@angular/core';
import { isTRPCClientError } from '@trpc/client';
import type { StoryVersionSummary } from '@storyline/contracts';
import { errorMessage, injectJobFollower, injectTrpc, type JobEndWording } from '@storyline/editor/data-access';
import { JobCard } from '../jobs/job-card';

const PUBLISHED_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** What the panel says when opening a version as the draft ends. */
const OPENING_WORDING: JobEndWording = {
  Completed: (job) => (typeof job.result?.['version'] === 'number' ? `Opened version ${job.result['version']} as the draft` : { level: 'error', text: 'The version job finished without naming its version' }),
  Failed: 'Opening the version',
  Superseded: 'A newer request to open a version replaced this one',
  Cancelled: 'Opening the version was cancelled',
};

/** Whether the API refused because the draft has unpublished changes. */
function isConflict(error: unknown): boolean {
  return isTRPCClientError(error) && error.data?.code === 'CONFLICT';
}

/** A version that became the draft, and whether this tab asked for it (the author then agreed to replace the draft). */
export interface OpenedVersion {
  version: number;
  requestedHere: boolean;
}

/**
 * A story's published versions, each of which can be opened as the draft (a
 * `story-version` job, followed live). When the draft has changes no version holds,
 * opening one first asks the user to confirm discarding them; Escape answers "keep my
 * changes" and puts focus back on the version's button.
 */
@Component({
  selector: 'sl-story-versions-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [JobCard],
  host: { '(document:keydown.escape)': 'keepChanges()' },
  template: `
    <section class="card versions" data-testid="versions-section" aria-labelledby="versions-title">
      <h2 id="versions-title">Versions</h2>
      @if (versions().length === 0) {
        <p class="muted">No published versions yet.</p>
      } @else {
        <ul class="versions__list">
          @for (version of versions(); track version.version) {
            <li class="versions__item">
              <span>
                <strong>Version {{ version.version }}</strong> · {{ version.title }} ·
                <span class="muted">{{ published(version) }}</span>
                @if (version.version === baseVersion()) {
                  <span class="muted"> · the draft's base</span>
                }
              </span>
              <button #opener type="button" class="button" [attr.data-testid]="'open-version-' + version.version" [disabled]="follower.busy()" (click)="open(version.version, opener)">Open as draft</button>
            </li>
          }
        </ul>
      }
      @if (confirming(); as version) {
        <div class="versions__confirm" role="alertdialog" aria-labelledby="versions-confirm-text">
          <p id="versions-confirm-text">The draft has changes that are not published. Opening version {{ version }} replaces them.</p>
          <button type="button" class="button button--primary" data-testid="confirm-discard" (click)="confirm(version)">
            Discard my changes and open v{{ version }}
          </button>
          <button type="button" class="button" data-testid="cancel-discard" (click)="keepChanges()">Keep my changes</button>
        </div>
      }
      @if (error(); as error) {
        <p class="error" role="alert" data-testid="versions-error">{{ error }}</p>
      }
      <sl-job-card [follower]="follower" testIdPrefix="version" label="Open version" />
    </section>
  `,
  styles: `
    .versions { display: grid; gap: 0.75rem; }
    .versions h2 { margin: 0; font-size: 1rem; }
    .versions__list { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.5rem; }
    .versions__item { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.75rem; }
    .versions__confirm { display: flex; flex-wrap: wrap; align-items: center; gap: 0.75rem; }
    .versions__confirm p { margin: 0; flex-basis: 100%; }
    .error { margin: 0; }
  `,
})
export class StoryVersionsPanel {
  readonly storyId = input.required<string>();
  /** The newest published version; when it moves on, the list is read again. */
  readonly publishedVersion = input.required<number | null>();
  /** The version the draft is based on, marked in the list. */
  readonly baseVersion = input.required<number | null>();
  /** Whether the draft (saved or not) differs from its base: opening then asks first. */
  readonly hasChanges = input.required<boolean>();
  /** A version became the draft: the page reloads it (over unsaved edits only when this tab asked for it). */
  readonly opened = output<OpenedVersion>();
  /** Whether this tab started the job under way, rather than another tab of the same story. */
  private requestedHere = false;

  private readonly trpc = injectTrpc();
  protected readonly follower = injectJobFollower('story-version', {
    endWording: OPENING_WORDING,
    onEnd: (job) => {
      const version = job.result?.['version'];
      if (job.status === 'Completed' && typeof version === 'number') this.opened.emit({ version, requestedHere: this.requestedHere });
      this.requestedHere = false;
    },
  });

  protected readonly versions = signal<readonly StoryVersionSummary[]>([]);
  /** The version waiting for the user to confirm discarding the draft's changes. */
  protected readonly confirming = signal<number | null>(null);
  /** The "Open as draft" button that asked, to give focus back to when the question goes. */
  private asker: HTMLElement | null = null;
  protected readonly error = signal<string | null>(null);
  protected readonly published = (version: StoryVersionSummary) => PUBLISHED_FORMAT.format(new Date(version.publishedAt));

  constructor() {
    effect(() => {
      const storyId = this.storyId();
      untracked(() => {
        this.error.set(null);
        this.confirming.set(null);
        this.requestedHere = false;
        this.follower.reset();
        void this.follower.resume(storyId);
      });
    });
    effect(() => {
      const storyId = this.storyId();
      this.publishedVersion();
      untracked(() => void this.loadVersions(storyId));
    });
  }

  protected open(version: number, asker: HTMLElement): Promise<void> {
    if (this.hasChanges()) {
      this.asker = asker;
      this.confirming.set(version);
      return Promise.resolve();
    }
    return this.start(version, false);
  }

  protected keepChanges(): void {
    if (this.confirming() === null) return;
    this.confirming.set(null);
    this.asker?.focus();
  }

  protected confirm(version: number): Promise<void> {
    return this.start(version, true);
  }

  private async start(version: number, discardChanges: boolean): Promise<void> {
    const storyId = this.storyId();
    this.error.set(null);
    this.confirming.set(null);
    this.requestedHere = true;
    try {
      await this.follower.start(() => this.trpc.stories.openVersion.mutate({ storyId, version, discardChanges }));
    } catch (error) {
      // The draft changed elsewhere (another tab) since the page last heard of it.
      if (isConflict(error)) this.confirming.set(version);
      else this.error.set(errorMessage(error));
    }
  }

  private async loadVersions(storyId: string): Promise<void> {
    try {
      const versions = await this.trpc.stories.versions.query({ storyId });
      if (storyId === this.storyId()) this.versions.set(versions);
    } catch (error) {
      if (storyId === this.storyId()) this.error.set(`Could not list the published versions: ${errorMessage(error)}`);
    }
  }
}
