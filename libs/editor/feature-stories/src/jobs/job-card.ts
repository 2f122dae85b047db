import { ChangeDetectionStrategy, Component, computed, inject, input, linkedSignal, output, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { errorMessage, FileTransfer, UserStream, type JobFollower } from '@storyline/editor/data-access';
import { formatByteSize, JobProgress, jobTargetKind, jobTargetLink } from '@storyline/editor/ui';

/** The file a completed job left, read from its result. */
interface Artifact {
  fileName: string;
  size: string;
  keptUntil: string | null;
}

const KEPT_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * A followed job on a page: its live progress and Cancel while it is queued or
 * running, then Retry when it failed in a way a retry may cure or was cancelled, or
 * the remedy when no retry can cure it (Choose another file, which the page answers
 * through `fileWanted`; or a link to fix the story), and when it left a file its name, size and a Download button (a fresh
 * link per click). Content projected into it shows the job's own details below. Every test
 * id starts with `testIdPrefix` (`export-zip` → `export-zip-job`, `export-zip-download`, …).
 */
@Component({
  selector: 'sl-job-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  // An empty card must not leave a gap in its parent's grid.
  host: { '[hidden]': '!follower().job()' },
  imports: [JobProgress, RouterLink],
  template: `
    @if (follower().job(); as job) {
      <div class="card-job" [attr.data-testid]="testIdPrefix() + '-job'" [attr.data-status]="job.status" [attr.data-job-id]="job.id">
        @if (label(); as label) {
          <h3 class="card-job__label">{{ label }}</h3>
        }
        <sl-job-progress [job]="job" [connection]="stream.state()" />
        @if (artifact(); as file) {
          <div class="card-job__file">
            <span class="card-job__name" [attr.data-testid]="testIdPrefix() + '-file-name'">{{ file.fileName }}</span>
            <span class="muted" [attr.data-testid]="testIdPrefix() + '-file-size'">{{ file.size }}</span>
            @if (file.keptUntil; as keptUntil) {
              <span class="muted" [attr.data-testid]="testIdPrefix() + '-kept-until'">kept until {{ keptUntil }}</span>
            }
            <button
              type="button"
              class="button button--primary"
              [attr.data-testid]="testIdPrefix() + '-download'"
              [disabled]="downloading()"
              (click)="download(job.id)"
            >
              {{ downloading() ? 'Preparing…' : 'Download' }}
            </button>
          </div>
        }
        <ng-content />
        @if (follower().canCancel()) {
          <div class="card-job__retry">
            <button type="button" class="button" [attr.data-testid]="testIdPrefix() + '-cancel'" (click)="cancel()">Cancel</button>
          </div>
        }
        @if (follower().canRetry()) {
          <div class="card-job__retry">
            <button type="button" class="button" [attr.data-testid]="testIdPrefix() + '-retry'" (click)="retry()">Retry</button>
          </div>
        }
        @if (follower().remedy(); as remedy) {
          <div class="card-job__retry" [attr.data-testid]="testIdPrefix() + '-remedy'">
            @if (remedy.action === 'choose-another-file') {
              <button type="button" class="button button--primary" [attr.data-testid]="testIdPrefix() + '-choose-file'" (click)="fileWanted.emit()">
                Choose another file
              </button>
            } @else {
              <a class="button" [attr.data-testid]="testIdPrefix() + '-fix'" [routerLink]="fixLink()">
                Fix the {{ targetKind() }}{{ remedy.page ? ' (page ' + remedy.page + ')' : '' }}
              </a>
            }
          </div>
        }
        @if (actionError(); as error) {
          <p class="error" role="alert" [attr.data-testid]="testIdPrefix() + '-action-error'">{{ error }}</p>
        }
      </div>
    }
  `,
  styles: `
    .card-job { display: grid; gap: 0.5rem; }
    .card-job__label { margin: 0; font-size: 0.85rem; font-weight: 600; color: var(--sl-muted); }
    .card-job__file { display: flex; flex-wrap: wrap; align-items: center; gap: 0.75rem; }
    .card-job__name { font-weight: 600; overflow-wrap: anywhere; }
    .card-job__file .button { margin-left: auto; }
    .error { margin: 0; }
  `,
})
export class JobCard {
  readonly follower = input.required<JobFollower>();
  /** Prefix of every test id inside, so two cards on one page are told apart. */
  readonly testIdPrefix = input.required<string>();
  /** What the job is, above its progress (say, "PDF export"). */
  readonly label = input('');
  /** The job failed because of its file, and the user asked to choose another: the page opens its file picker. */
  readonly fileWanted = output();

  private readonly files = inject(FileTransfer);
  protected readonly stream = inject(UserStream);
  protected readonly downloading = signal(false);
  /** Why the last Download, Cancel or Retry failed; cleared when another job comes on screen. */
  protected readonly actionError = linkedSignal<string | undefined, string | null>({
    source: () => this.follower().job()?.id,
    computation: () => null,
  });

  protected readonly targetKind = computed(() => jobTargetKind(this.follower().type));
  protected readonly fixLink = computed(() => {
    const job = this.follower().job();
    return job ? jobTargetLink(job) : null;
  });

  protected readonly artifact = computed<Artifact | null>(() => {
    const job = this.follower().job();
    const result = job?.status === 'Completed' ? job.result : null;
    if (!result || typeof result['fileName'] !== 'string' || typeof result['byteSize'] !== 'number') return null;
    const expiresAt = typeof result['expiresAt'] === 'string' ? new Date(result['expiresAt']) : null;
    return {
      fileName: result['fileName'],
      size: formatByteSize(result['byteSize']),
      keptUntil: expiresAt && !Number.isNaN(expiresAt.getTime()) ? KEPT_FORMAT.format(expiresAt) : null,
    };
  });

  protected async download(jobId: string): Promise<void> {
    this.downloading.set(true);
    this.actionError.set(null);
    try {
      await this.files.download(jobId);
    } catch (error) {
      this.actionError.set(errorMessage(error));
    } finally {
      this.downloading.set(false);
    }
  }

  protected async cancel(): Promise<void> {
    this.actionError.set(null);
    try {
      await this.follower().cancel();
    } catch (error) {
      this.actionError.set(errorMessage(error));
    }
  }

  protected async retry(): Promise<void> {
    this.actionError.set(null);
    try {
      await this.follower().retry();
    } catch (error) {
      this.actionError.set(errorMessage(error));
    }
  }
}
