import { booleanAttribute, ChangeDetectionStrategy, Component, computed, effect, inject, input } from '@angular/core';
import { isTerminalStatus, type FollowedJob, type JobStatus, type JobView } from '@storyline/contracts';
import { formatElapsed } from './format-elapsed';
import { SecondClock } from './second-clock';

const STATUS_TONES: Record<JobStatus, 'muted' | 'active' | 'success' | 'danger'> = {
  Queued: 'muted',
  Running: 'active',
  Completed: 'success',
  Failed: 'danger',
  Superseded: 'muted',
  Cancelled: 'muted',
};

/** A job's live state: status, phase, progress bar, message, time since it was queued, and transport. */
@Component({
  selector: 'sl-job-progress',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="job" [class.job--compact]="compact()" data-testid="job-progress" [attr.aria-busy]="!terminal()">
      <div class="job__head">
        <span [class]="'job__status job__status--' + tone()" data-testid="job-status">{{ job().status }}</span>
        <span class="job__phase" data-testid="job-phase">{{ job().phase ?? '—' }}</span>
        <span class="job__elapsed" data-testid="job-elapsed" title="Since the job was queued">{{ elapsed() }}</span>
      </div>
      <div
        class="job__bar"
        data-testid="job-progress-bar"
        role="progressbar"
        aria-label="Job progress"
        aria-valuemin="0"
        aria-valuemax="100"
        [attr.aria-valuenow]="job().progress"
      >
        <div [class]="'job__fill job__fill--' + tone()" [style.width.%]="job().progress"></div>
      </div>
      <p class="job__message" data-testid="job-message">{{ job().message ?? '' }}</p>
      @if (job().error; as error) {
        <p class="job__error" data-testid="job-error">{{ error }}</p>
      }
      @if (followed(); as followed) {
        <p class="job__transport">
          Updates by <span data-testid="job-transport">{{ followed.transport }}</span>
          @if (followed.fellBack) {
            <span class="job__fallback" data-testid="job-fallback">(live updates unavailable, checking periodically)</span>
          }
        </p>
      }
    </section>
  `,
  styles: `
    .job {
      display: grid;
      gap: 0.5rem;
      padding: 1rem;
      border: 1px solid var(--sl-border);
      border-radius: 8px;
      background: var(--sl-surface);
    }
    .job--compact { gap: 0.3rem; padding: 0.5rem 0.75rem; border: none; border-radius: 0; background: none; }
    .job--compact .job__message { font-size: 0.85rem; }
    .job__head { display: flex; align-items: center; gap: 0.75rem; }
    .job__status {
      padding: 0.1rem 0.55rem;
      border-radius: 999px;
      font-size: 0.85rem;
      font-weight: 600;
      background: var(--sl-muted-bg);
      color: var(--sl-muted);
    }
    .job__status--active { background: var(--sl-accent-bg); color: var(--sl-accent); }
    .job__status--success { background: var(--sl-success-bg); color: var(--sl-success); }
    .job__status--danger { background: var(--sl-danger-bg); color: var(--sl-danger); }
    .job__phase { flex: 1; color: var(--sl-muted); }
    .job__elapsed { font-variant-numeric: tabular-nums; color: var(--sl-muted); }
    .job__bar { height: 0.5rem; border-radius: 999px; background: var(--sl-muted-bg); overflow: hidden; }
    .job__fill { height: 100%; background: var(--sl-accent); transition: width 0.3s ease; }
    .job__fill--success { background: var(--sl-success); }
    .job__fill--danger { background: var(--sl-danger); }
    .job__message { margin: 0; min-height: 1.2em; }
    .job__error { margin: 0; color: var(--sl-danger); }
    .job__transport { margin: 0; font-size: 0.85rem; color: var(--sl-muted); }
  `,
})
export class JobProgress {
  /** A job, or one the editor follows, which also says how its updates arrive. */
  readonly job = input.required<JobView | FollowedJob>();
  /** Tighter and frameless, for lists of many jobs. */
  readonly compact = input(false, { transform: booleanAttribute });

  private readonly clock = inject(SecondClock);
  protected readonly followed = computed(() => {
    const job = this.job();
    return 'transport' in job ? job : null;
  });
  protected readonly terminal = computed(() => isTerminalStatus(this.job().status));
  protected readonly tone = computed(() => STATUS_TONES[this.job().status]);
  protected readonly elapsed = computed(() => {
    const job = this.job();
    const end = this.terminal() && job.completedAt ? Date.parse(job.completedAt) : this.clock.now();
    return formatElapsed(end - Date.parse(job.queuedAt));
  });

  constructor() {
    // Hold the clock only while the job runs. The effect's cleanup lets go when the
    // job turns terminal and when the component is destroyed (effects are bound to
    // the component's DestroyRef), so a finished or closed job keeps nothing ticking.
    effect((onCleanup) => {
      if (!this.terminal()) onCleanup(this.clock.hold());
    });
  }
}
