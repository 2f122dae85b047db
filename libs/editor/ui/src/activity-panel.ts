import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { isTerminalStatus, type FollowedJob, type JobView } from '@storyline/contracts';
import type { ConnectionState } from './connection-status';
import { JobProgress } from './job-progress';

/**
 * A side panel listing the jobs under way and recently finished, each with its live
 * progress, Cancel on the ones queued or running, and Retry on the ones that failed or were cancelled. Rows are keyed by job id, so an update re-renders only its own row, and
 * rows scrolled out of view are skipped by the browser's layout and paint.
 */
@Component({
  selector: 'sl-activity-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [JobProgress],
  template: `
    <aside class="activity" data-testid="activity-panel" aria-labelledby="activity-title">
      <header class="activity__head">
        <h2 id="activity-title">Activity</h2>
        <span class="activity__summary" data-testid="activity-summary">{{ summary() }}</span>
        <button type="button" class="button button--quiet" aria-label="Close activity" (click)="closed.emit()">×</button>
      </header>
      @if (jobs().length === 0) {
        <p class="activity__empty">No jobs in the last 15 minutes.</p>
      }
      <ol class="activity__list">
        @for (job of jobs(); track job.id) {
          <li class="activity__job" data-testid="activity-job" [attr.data-status]="job.status" [attr.data-job-id]="job.id">
            <p class="activity__title">
              <code>{{ job.type }}</code>
              <span class="activity__id" [title]="job.id">{{ job.id }}</span>
            </p>
            <sl-job-progress [job]="job" [connection]="connection()" compact />
            @if (job.status === 'Queued' || job.status === 'Running') {
              <button type="button" class="button button--quiet activity__retry" data-testid="activity-cancel" (click)="cancelRequested.emit(job.id)">
                Cancel
              </button>
            }
            @if (job.status === 'Failed' || job.status === 'Cancelled') {
              <button type="button" class="button button--quiet activity__retry" data-testid="activity-retry" (click)="retryRequested.emit(job.id)">
                Retry
              </button>
            }
          </li>
        }
      </ol>
    </aside>
  `,
  styles: `
    :host {
      position: fixed;
      top: 3.5rem;
      right: 0;
      bottom: 0;
      width: min(26rem, 100vw);
      z-index: 5;
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
    .activity__title { display: flex; gap: 0.5rem; align-items: baseline; margin: 0.5rem 0.75rem 0; font-size: 0.85rem; }
    .activity__title code { flex: none; white-space: nowrap; }
    .activity__retry { margin: 0 0.75rem 0.5rem; }
    .activity__id { min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; color: var(--sl-muted); font-family: ui-monospace, monospace; }
  `,
})
export class ActivityPanel {
  /** The jobs to list, in the order to show them. */
  readonly jobs = input.required<readonly (JobView | FollowedJob)[]>();
  /** The tab's user stream connection, so each followed job says how it is followed. */
  readonly connection = input<ConnectionState | null>(null);
  /** The user asked to close the panel. */
  readonly closed = output();
  /** The user asked to start a failed or cancelled job again; carries its id. */
  readonly retryRequested = output<string>();
  /** The id of a queued or running job the user asked to cancel. */
  readonly cancelRequested = output<string>();

  protected readonly summary = computed(() => {
    const jobs = this.jobs();
    const open = jobs.filter((job) => !isTerminalStatus(job.status)).length;
    return `${open} in progress · ${jobs.length - open} finished`;
  });
}
