import { ChangeDetectionStrategy, Component, computed, effect, input, signal, untracked } from '@angular/core';
import {
  isTerminalStatus,
  type JobStarted,
  type JobView,
  type StoryDocumentExportResult,
  type StoryExportResult,
  type StoryLanguage,
  type StoryVersionSummary,
} from '@storyline/contracts';
import { errorMessage, injectJobFollower, injectTrpc, type JobEndWording, type JobFollower } from '@storyline/editor/data-access';
import { JobCard } from '../jobs/job-card';

const LANGUAGE_NAMES: Record<StoryLanguage, string> = { en: 'English', ro: 'Română' };
const PUBLISHED_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** On reopening the page an export is worth showing while it runs, when it needs a retry, or while its file is kept. */
function worthShowing(job: JobView): boolean {
  if (job.status !== 'Completed') return !isTerminalStatus(job.status) || job.status === 'Failed' || job.status === 'Cancelled';
  const expiresAt = job.result?.['expiresAt'];
  return typeof expiresAt === 'string' && Date.parse(expiresAt) > Date.now();
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * A story's exports: the draft or a published version, as a ZIP (story JSON in every
 * language, with its images) or as a PDF in one language. Each runs as a job shown
 * live, and once done offers its file for download.
 */
@Component({
  selector: 'sl-story-export-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [JobCard],
  template: `
    <section class="card exports" data-testid="export-section" aria-labelledby="export-title">
      <h2 id="export-title">Export</h2>
      <div class="exports__controls">
        <label class="field">
          <span>Version</span>
          <select data-testid="export-version" [value]="versionChoice()" (change)="versionChoice.set(valueOf($event))">
            <option value="">Draft</option>
            @for (version of versionOptions(); track version.value) {
              <option [value]="version.value">{{ version.label }}</option>
            }
          </select>
        </label>
        <button type="button" class="button" data-testid="export-zip" [disabled]="zip.busy()" (click)="exportZip()">
          {{ zip.busy() ? 'Exporting…' : 'Export ZIP' }}
        </button>
        <label class="field">
          <span>PDF language</span>
          <select data-testid="export-language" [value]="language()" (change)="language.set(languageOf($event))">
            <option value="en">English</option>
            <option value="ro">Română</option>
          </select>
        </label>
        <button type="button" class="button" data-testid="export-pdf" [disabled]="pdf.busy()" (click)="exportPdf()">
          {{ pdf.busy() ? 'Exporting…' : 'Export PDF' }}
        </button>
      </div>
      @if (error(); as error) {
        <p class="error" role="alert" data-testid="export-error">{{ error }}</p>
      }
      <sl-job-card [follower]="zip" testIdPrefix="export-zip" label="ZIP export">
        @if (zipDetails(); as details) {
          <p class="exports__details" data-testid="export-zip-details">
            <span data-testid="export-zip-media-count">{{ details.media }}</span> ·
            <span data-testid="export-zip-language-count">{{ details.languages }}</span> ·
            <span data-testid="export-zip-page-count">{{ details.pages }}</span>
          </p>
        }
      </sl-job-card>
      <sl-job-card [follower]="pdf" testIdPrefix="export-pdf" label="PDF export">
        @if (pdfDetails(); as details) {
          <p class="exports__details" data-testid="export-pdf-details">
            <span data-testid="export-pdf-language">{{ details.language }}</span> ·
            <span data-testid="export-pdf-page-count">{{ details.pages }}</span>
          </p>
        }
      </sl-job-card>
    </section>
  `,
  styles: `
    .exports { display: grid; gap: 0.75rem; }
    .exports h2 { margin: 0; font-size: 1rem; }
    .exports__controls { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 0.75rem; }
    .exports__details { margin: 0; color: var(--sl-muted); }
    .error { margin: 0; }
  `,
})
export class StoryExportPanel {
  readonly storyId = input.required<string>();
  /** The newest published version; when it moves on, the version list is read again. */
  readonly publishedVersion = input.required<number | null>();
  /** Saves the draft before it is exported, answering false when that failed. */
  readonly saveDraft = input.required<() => Promise<boolean>>();

  private readonly trpc = injectTrpc();
  protected readonly zip = injectJobFollower('story-export', { endWording: exportWording('ZIP') });
  protected readonly pdf = injectJobFollower('story-document-export', { endWording: exportWording('PDF') });

  private readonly versions = signal<readonly StoryVersionSummary[]>([]);
  /** The chosen version as the select holds it: '' for the draft. */
  protected readonly versionChoice = signal('');
  protected readonly language = signal<StoryLanguage>('en');
  protected readonly error = signal<string | null>(null);

  protected readonly versionOptions = computed(() =>
    this.versions().map((version) => ({
      value: String(version.version),
      label: `Version ${version.version} · ${version.title} · ${PUBLISHED_FORMAT.format(new Date(version.publishedAt))}`,
    })),
  );
  protected readonly zipDetails = computed(() => {
    const result = this.resultOf<StoryExportResult>(this.zip);
    return result && {
      media: count(result.mediaCount, 'image', 'images'),
      languages: count(result.languageCount, 'language', 'languages'),
      pages: count(result.pageCount, 'page', 'pages'),
    };
  });
  protected readonly pdfDetails = computed(() => {
    const result = this.resultOf<StoryDocumentExportResult>(this.pdf);
    return result && { language: LANGUAGE_NAMES[result.language] ?? result.language, pages: count(result.pageCount, 'page', 'pages') };
  });

  constructor() {
    effect(() => {
      const storyId = this.storyId();
      untracked(() => {
        this.error.set(null);
        this.versionChoice.set('');
        for (const follower of [this.zip, this.pdf]) {
          follower.reset();
          void follower.resume(storyId, worthShowing);
        }
      });
    });
    effect(() => {
      const storyId = this.storyId();
      this.publishedVersion();
      untracked(() => void this.loadVersions(storyId));
    });
  }

  protected valueOf(event: Event): string {
    return (event.target as HTMLSelectElement).value;
  }

  protected languageOf(event: Event): StoryLanguage {
    return this.valueOf(event) === 'ro' ? 'ro' : 'en';
  }

  protected exportZip(): Promise<void> {
    const storyId = this.storyId();
    return this.run(this.zip, (version) => this.trpc.stories.export.mutate({ storyId, version }));
  }

  protected exportPdf(): Promise<void> {
    const storyId = this.storyId();
    const language = this.language();
    return this.run(this.pdf, (version) => this.trpc.stories.exportDocument.mutate({ storyId, version, language }));
  }

  /** Starts an export of the chosen version, saving first when that is the draft. */
  private async run(follower: JobFollower, request: (version: number | null) => Promise<JobStarted>): Promise<void> {
    const choice = this.versionChoice();
    const version = choice === '' ? null : Number(choice);
    this.error.set(null);
    try {
      await follower.start(async () => {
        if (version !== null || (await this.saveDraft()())) return request(version);
        this.error.set('The draft could not be saved, so it was not exported');
        return null;
      });
    } catch (error) {
      this.error.set(errorMessage(error));
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

  private resultOf<T>(follower: JobFollower): T | null {
    const job = follower.job();
    return job?.status === 'Completed' && job.result ? (job.result as T) : null;
  }
}

/** What the panel says when an export ends; a cancelled one shows on its card alone. */
function exportWording(kind: 'ZIP' | 'PDF'): JobEndWording {
  return { Completed: (job) => `${kind} export ready: ${String(job.result?.['fileName'] ?? '')}`, Failed: `${kind} export` };
}
