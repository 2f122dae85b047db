import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { RouterLink } from '@angular/router';
import { canRetryJob, isTerminalStatus, jobRemedy, type ActivityJob } from '@storyline/contracts';
import type { ConnectionState } from './connection-status';
import { JobProgress } from './job-progress';
import { jobPhrase, jobTargetKind, jobTargetLink } from './job-words';

/** One row's words and links, worked out once per change of its job. */
interface ActivityRow {
  job: ActivityJob;
  /** “PDF export of “The Fox and the Lantern””. */
  phrase: string;
  /** The target's editor, while the target exists. */
  targetLink: string[] | null;
  targetKind: string;
  canCancel: boolean;
  canRetry: boolean;
  remedy: ReturnType<typeof jobRemedy>;
}

/**
 * A side panel listing the jobs under way and those before them, each named as its
 * author would (“PDF export of “The Fox and the Lantern””) with a link to the job's page
 * and to what it works on, its live progress, Cancel on the ones queued or running, Retry
 * on the ones a retry can cure, and the remedy (Choose another file, Fix the story) on
 * those it cannot; "Show older" pages further back. Rows are keyed by job id, so an update
 * re-renders only its own row, and rows scrolled out of view are skipped by the browser's
 * layout and paint.
 */
@Component({
  selector: 'sl-activity-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [JobProgress, RouterLink],
  template: `
    <aside class="activity" data-testid="activity-panel" aria-labelledby="activity-title">
      <header class="activity__head">
        <h2 id="activity-title">Activity</h2>
        <span class="activity__summary" data-testid="activity-summary">{{ summary() }}</span>
        <button type="button" class="button button--quiet" aria-label="Close activity" (click)="closed.emit()">×</button>
      </header>
      @if (rows().length === 0) {
        <p class="activity__empty">No jobs yet.</p>
      }
      <ol class="activity__list">
        @for (row of rows(); track row.job.id) {
          <li class="activity__job" data-testid="activity-job" [attr.data-status]="row.job.status" [attr.data-job-id]="row.job.id">
            <p class="activity__title">
              <a data-testid="activity-job-link" [routerLink]="['/jobs', row.job.id]">{{ row.phrase }}</a>
              @if (row.targetLink; as link) {
                <a class="activity__target" data-testid="activity-target-link" [routerLink]="link">Open the {{ row.targetKind }}</a>
              }
            </p>
            <sl-job-progress [job]="row.job" [connection]="connection()" compact />
            <div class="activity__actions">
              @if (row.canCancel) {
                <button type="button" class="button button--quiet" data-testid="activity-cancel" (click)="cancelRequested.emit(row.job.id)">Cancel</button>
              }
              @if (row.canRetry) {
                <button type="button" class="button button--quiet" data-testid="activity-retry" (click)="retryRequested.emit(row.job.id)">Retry</button>
              }
              @if (row.remedy; as remedy) {
                @if (remedy.action === 'choose-another-file') {
                  <a class="button button--quiet" data-testid="activity-remedy" routerLink="/stories">Choose another file</a>
                } @else if (row.targetLink; as link) {
                  <a class="button button--quiet" data-testid="activity-remedy" [routerLink]="link">Fix the {{ row.targetKind }}</a>
                }
              }
            </div>
          </li>
        }
      </ol>
      @if (older() !== 'none') {
        <button
          type="button"
          class="button button--quiet activity__older"
          data-testid="activity-older"
          [disabled]="older() === 'loading'"
          (click)="olderRequested.emit()"
        >
          {{ older() === 'loading' ? 'Loading…' : 'Show older' }}
        </button>
      }
    </aside>
  `,
  styles: `
    /* The shell gives the panel a region of its own (beside the page, or over it on a narrow screen): it fills that. */
    :host {
      display: block;
      width: min(26rem, 100vw);
      min-height: 0;
    }
    .activity {
      display: flex;
      flex-direction: column;
      height: 100%;
      background: var(--sl-surface);
      border-left: 1px solid var(--sl-border);
      box-shadow: -4px 0 16px rgb(0 0 0 / 0.08);
    }
    .activity__head {
      display: flex;
      align-items: center;
      gap: 0.75rem;
      padding: 0.75rem 1rem;
      border-bottom: 1px solid var(--sl-border);
    }
    .activity__head h2 { margin: 0; font-size: 1rem; }
    .activity__summary { flex: 1; font-size: 0.85rem; color: var(--sl-muted); }
    .activity__empty { margin: 1rem; color: var(--sl-muted); }
    .activity__list { list-style: none; margin: 0; padding: 0; overflow-y: auto; flex: 1; overscroll-behavior: contain; }
    .activity__job {
      border-bottom: 1px solid var(--sl-border);
      /* Off-screen rows cost nothing to lay out or paint; the size keeps the scrollbar honest. */
      content-visibility: auto;
      contain-intrinsic-size: auto 7.5rem;
    }
    .activity__title { display: flex; flex-wrap: wrap; gap: 0.25rem 0.75rem; align-items: baseline; margin: 0.5rem 0.75rem 0; font-size: 0.9rem; }
    .activity__title a:first-child { flex: 1; min-width: 0; overflow-wrap: anywhere; font-weight: 600; color: var(--sl-text); }
    .activity__target { font-size: 0.8rem; }
    .activity__actions { display: flex; gap: 0.5rem; margin: 0 0.75rem 0.5rem; }
    .activity__actions:empty { display: none; }
    .activity__older { margin: 0.5rem 0.75rem; }
  `,
})
export class ActivityPanel {
  /** The jobs to list, in the order to show them. */
  readonly jobs = input.required<readonly ActivityJob[]>();
  /** Whether older jobs may be loaded (`more`), are being (`loading`), or there are none. */
  readonly older = input<'none' | 'more' | 'loading'>('none');
  /** The tab's user stream connection, so each followed job says how it is followed. */
  readonly connection = input<ConnectionState | null>(null);
  /** The user asked to close the panel. */
  readonly closed = output();
  /** The user asked to start a failed or cancelled job again; carries its id. */
  readonly retryRequested = output<string>();
  /** The id of a queued or running job the user asked to cancel. */
  readonly cancelRequested = output<string>();
  /** The user asked for the jobs before those listed. */
  readonly olderRequested = output();

  protected readonly rows = computed(() => this.jobs().map(toRow));

  protected readonly summary = computed(() => {
    const jobs = this.jobs();
    const open = jobs.filter((job) => !isTerminalStatus(job.status)).length;
    return `${open} in progress · ${jobs.length - open} finished`;
  });
}

function toRow(job: ActivityJob): ActivityRow {
  // An import's target is the story it makes: there is none to open until it has.
  const targetExists = job.targetTitle !== null;
  return {
    job,
    phrase: jobPhrase(job.type, job.targetTitle),
    targetLink: targetExists ? jobTargetLink(job) : null,
    targetKind: jobTargetKind(job.type),
    canCancel: job.status === 'Queued' || job.status === 'Running',
    canRetry: canRetryJob(job),
    remedy: jobRemedy(job),
  };
}
