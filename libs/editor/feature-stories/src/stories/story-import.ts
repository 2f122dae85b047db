import { ChangeDetectionStrategy, Component, computed, DestroyRef, inject, output } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { JobStarted, StoryImportResult } from '@storyline/contracts';
import { FileTransfer, injectJobFollower, UploadQueue } from '@storyline/editor/data-access';
import { FileDrop, ToastService, UploadProgress } from '@storyline/editor/ui';
import { JobCard } from '../jobs/job-card';

const ZIP_TYPES: readonly string[] = ['application/zip', 'application/x-zip-compressed', 'application/x-zip'];

/** Why the editor will not send `file` as a story archive, or null to send it; the server checks it properly. */
function archiveRefusal(file: File): string | null {
  const zipLike = ZIP_TYPES.includes(file.type) || /\.zip$/i.test(file.name);
  if (!zipLike) return `“${file.name}” is not a ZIP file`;
  if (file.size === 0) return `“${file.name}” is empty`;
  return null;
}

/**
 * Imports a story from a ZIP: the file goes up with a progress bar, then the
 * `story-import` job that reads it is followed live; when it has made the story
 * there is a link to open it, and when it failed its reason and Retry, or, when the file
 * itself is at fault, Choose another file (the same file would fail the same way).
 */
@Component({
  selector: 'sl-story-import',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, FileDrop, UploadProgress, JobCard],
  template: `
    <section
      class="card import"
      slFileDrop
      data-testid="import-section"
      aria-labelledby="import-title"
      [slFileDropDisabled]="busy()"
      (filesDropped)="take($event)"
    >
      <div class="import__head">
        <div class="import__intro">
          <h2 id="import-title">Import a story</h2>
          <p class="muted">A ZIP exported from Storyline: choose it, or drop it here.</p>
        </div>
        <button type="button" class="button" data-testid="import-zip" [disabled]="busy()" (click)="picker.click()">
          {{ busy() ? 'Importing…' : 'Import ZIP' }}
        </button>
        <input #picker type="file" hidden accept=".zip,application/zip" data-testid="import-file" (change)="picked($event)" />
      </div>
      @for (upload of uploads.items(); track upload.id) {
        <sl-upload-progress [upload]="upload" (dismissed)="uploads.dismiss(upload.id)" />
      }
      <sl-job-card [follower]="job" testIdPrefix="import" label="Import" (fileWanted)="picker.click()">
        @if (result(); as story) {
          <p class="import__done" data-testid="import-result">
            “{{ story.title }}”, {{ story.pageCount }} {{ story.pageCount === 1 ? 'page' : 'pages' }} and {{ story.mediaCount }}
            {{ story.mediaCount === 1 ? 'image' : 'images' }}.
            <a data-testid="import-open" [routerLink]="['/stories', story.storyId]">Open the story</a>
          </p>
        }
      </sl-job-card>
    </section>
  `,
  styles: `
    .import { display: grid; gap: 0.75rem; margin-bottom: 1.5rem; }
    .import.file-drop--over { border-color: var(--sl-accent); background: var(--sl-accent-bg); }
    .import__head { display: flex; flex-wrap: wrap; align-items: center; gap: 0.75rem; }
    .import__intro { flex: 1; min-width: 14rem; }
    .import__intro h2 { margin: 0; font-size: 1rem; }
    .import__intro p { margin: 0.25rem 0 0; }
    .import__done { margin: 0; }
  `,
})
export class StoryImport {
  /** An import made a new story. */
  readonly imported = output<StoryImportResult>();

  private readonly files = inject(FileTransfer);
  private readonly toasts = inject(ToastService);
  protected readonly job = injectJobFollower('story-import', {
    endWording: { Completed: (job) => `Imported “${(job.result as StoryImportResult | null)?.title ?? 'the story'}”`, Failed: 'Import' },
    onEnd: (job) => {
      if (job.status === 'Completed' && job.result) this.imported.emit(job.result as StoryImportResult);
    },
  });
  protected readonly uploads = new UploadQueue<JobStarted>({
    upload: (file, onProgress, signal) => this.files.uploadImport(file, { onProgress, signal }),
    onUploaded: ({ jobId }) => this.job.follow(jobId),
    onFailed: (file, message) => this.toasts.show('error', message.includes(file.name) ? message : `“${file.name}” was not imported: ${message}`),
  });
  protected readonly busy = computed(() => this.uploads.busy() || this.job.busy());
  protected readonly result = computed(() => {
    const job = this.job.job();
    return job?.status === 'Completed' && job.result ? (job.result as StoryImportResult) : null;
  });

  constructor() {
    inject(DestroyRef).onDestroy(() => this.uploads.cancel());
  }

  protected picked(event: Event): void {
    const picker = event.target as HTMLInputElement;
    this.take(Array.from(picker.files ?? []));
    picker.value = '';
  }

  /** Sends the first file; a story archive is imported one at a time. */
  protected take(files: readonly File[]): void {
    const [file] = files;
    if (!file || this.busy()) return;
    this.job.reset();
    for (const item of this.uploads.items()) this.uploads.dismiss(item.id);
    this.uploads.add(file, archiveRefusal(file));
  }
}
