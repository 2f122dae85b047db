import { ChangeDetectionStrategy, Component, computed, DestroyRef, inject, input, output, signal } from '@angular/core';
import { canRetryJob, isTerminalStatus, JobStatus, JobType, type JobView } from '@storyline/contracts';
import { formatElapsed, JobProgress, SecondClock } from '@storyline/editor/ui';

/** A row of the table: the job, whose it is, how long since it was queued, and what may be done with it. */
interface JobRow {
  job: JobView;
  owner: string;
  age: string;
  canCancel: boolean;
  canRetry: boolean;
}

/** The jobs an admin's stream knows (open ones, and those ended in the last minutes), filterable, with Cancel and Retry. */
@Component({
  selector: 'sl-ops-jobs-table',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [JobProgress],
  template: `
    <div class="filters">
      <label>Type
        <select data-testid="ops-filter-type" (change)="type.set(value($event))">
          <option value="">All types</option>
          @for (option of types; track option) { <option [value]="option">{{ option }}</option> }
        </select>
      </label>
      <label>Status
        <select data-testid="ops-filter-status" (change)="status.set(value($event))">
          <option value="">Any status</option>
          @for (option of statuses; track option) { <option [value]="option">{{ option }}</option> }
        </select>
      </label>
      <label>Owner
        <input data-testid="ops-filter-owner" type="search" placeholder="username" (input)="owner.set(value($event))" />
      </label>
    </div>
    @if (rows().length === 0) {
      <p class="muted" data-testid="ops-jobs-empty">No jobs match.</p>
    } @else {
      <table class="card">
        <thead>
          <tr><th scope="col">Type</th><th scope="col">Owner</th><th scope="col">Status</th><th scope="col">Progress</th><th scope="col">Age</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
        </thead>
        <tbody>
          @for (row of rows(); track row.job.id) {
            <tr data-testid="ops-job-row" [attr.data-job-id]="row.job.id" [attr.data-status]="row.job.status">
              <td><code>{{ row.job.type }}</code></td>
              <td>{{ row.owner }}</td>
              <td data-testid="ops-job-status">{{ row.job.status }}</td>
              <td class="progress"><sl-job-progress [job]="row.job" /></td>
              <td>{{ row.age }}</td>
              <td>
                @if (row.canCancel) {
                  <button type="button" class="button button--quiet" data-testid="ops-job-cancel" (click)="cancelRequested.emit(row.job.id)">Cancel</button>
                }
                @if (row.canRetry) {
                  <button type="button" class="button button--quiet" data-testid="ops-job-retry" (click)="retryRequested.emit(row.job.id)">Retry</button>
                }
              </td>
            </tr>
          }
        </tbody>
      </table>
    }
  `,
  styles: `
    .filters { display: flex; gap: 1rem; margin: 0 0 0.75rem; flex-wrap: wrap; }
    table { width: 100%; border-collapse: collapse; padding: 0; }
    th, td { text-align: left; padding: 0.4rem 0.75rem; vertical-align: middle; }
    thead th { font-size: 0.85rem; color: var(--sl-muted); border-bottom: 1px solid var(--sl-border); }
    tbody tr + tr > * { border-top: 1px solid var(--sl-border); }
    .progress { min-width: 12rem; }
  `,
})
export class OpsJobsTable {
  readonly jobs = input.required<readonly JobView[]>();
  /** Usernames by user id. */
  readonly usernames = input.required<ReadonlyMap<string, string>>();
  readonly cancelRequested = output<string>();
  readonly retryRequested = output<string>();

  private readonly clock = inject(SecondClock);
  protected readonly types = JobType.options;
  protected readonly statuses = JobStatus.options;
  protected readonly type = signal('');
  protected readonly status = signal('');
  protected readonly owner = signal('');

  protected readonly rows = computed((): JobRow[] => {
    const now = this.clock.now();
    const owner = this.owner().trim().toLowerCase();
    return this.jobs()
      .filter((job) => (!this.type() || job.type === this.type()) && (!this.status() || job.status === this.status()))
      .map((job) => ({ job, owner: this.usernames().get(job.ownerId) ?? job.ownerId.slice(0, 8) }))
      .filter((row) => !owner || row.owner.toLowerCase().includes(owner))
      .map(({ job, owner: name }) => ({
        job,
        owner: name,
        age: formatElapsed(now - Date.parse(job.queuedAt)),
        canCancel: !isTerminalStatus(job.status),
        // An admin retries any failed job as an operator; the new job stays its owner's.
        canRetry: canRetryJob(job),
      }));
  });

  constructor() {
    inject(DestroyRef).onDestroy(this.clock.hold());
  }

  protected value(event: Event): string {
    return (event.target as HTMLInputElement | HTMLSelectElement).value;
  }
}
