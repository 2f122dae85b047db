import { booleanAttribute, ChangeDetectionStrategy, Component, computed, effect, inject, input, linkedSignal } from '@angular/core';
import { isTerminalStatus, type FollowedJob, type JobStatus, type JobView } from '@storyline/contracts';
import type { ConnectionState } from './connection-status';
import { FOLLOW_MODE_LABELS, followModeOf } from './follow-mode';
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

/**
 * A job's state: status, phase, progress bar, message, time since it was queued, and
 * for a followed job how it is followed right now. The time runs only while the job
 * is heard live; otherwise it stands at the moment the tab last heard of the job, so
 * a job that ended unheard never looks as if it were still running.
 */
@Component({
  selector: 'sl-job-progress',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="job" [class.job--compact]="compact()" data-testid="job-progress" [attr.aria-busy]="!terminal()">
      <div class="job__head">
        <span [class]="'job__status job__status--' + tone()" data-testid="job-status">{{ job().status }}</span>
        <span class="job__phase" data-testid="job-phase">{{ job().phase ?? '—' }}</span>
        <span class="job__elapsed" data-testid="job-elapsed" [attr.data-ticking]="ticking()" [title]="elapsedTitle()">{{ elapsed() }}</span>
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
          @if (mode(); as mode) {
            · <span class="job__mode" data-testid="job-following" [attr.data-mode]="mode">{{ modeLabel() }}</span>
          }
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
    .job__mode { font-weight: 600; }
  `,
})
export class JobProgress {
  /** A job, or one the editor follows, which also says how its updates arrive. */
  readonly job = input.required<JobView | FollowedJob>();
  /** Tighter and frameless, for lists of many jobs. */
  readonly compact = input(false, { transform: booleanAttribute });
  /** The tab's user stream connection; with a followed job it tells how the job is followed right now. */
  readonly connection = input<ConnectionState | null>(null);

  private readonly clock = inject(SecondClock);
  protected readonly followed = computed(() => {
    const job = this.job();
    return 'transport' in job ? job : null;
  });
  protected readonly terminal = computed(() => isTerminalStatus(this.job().status));
  protected readonly tone = computed(() => STATUS_TONES[this.job().status]);
  /** How the open job is followed right now; null when that is not known or no longer matters. */
  protected readonly mode = computed(() => {
    const followed = this.followed();
    const connection = this.connection();
    return followed && connection && !this.terminal() ? followModeOf(followed.transport, connection) : null;
  });
  protected readonly modeLabel = computed(() => {
    const mode = this.mode();
    return mode ? FOLLOW_MODE_LABELS[mode] : '';
  });
  /** Whether the time runs: the job is open and, when followed, heard live. */
  protected readonly ticking = computed(() => !this.terminal() && (this.mode() ?? 'live') === 'live');
  /**
   * When the tab last heard of the open job: taken afresh at each new state of it and
   * each change of how it is followed, so a stopped time stands at the last thing heard.
   */
  private readonly heardAt = linkedSignal({
    source: () => ({ seq: this.job().lastSeq, mode: this.mode() }),
    computation: () => Date.now(),
  });
  protected readonly elapsed = computed(() => {
    const job = this.job();
    const end = this.terminal() && job.completedAt ? Date.parse(job.completedAt) : this.ticking() ? this.clock.now() : this.heardAt();
    return formatElapsed(end - Date.parse(job.queuedAt));
  });
  protected readonly elapsedTitle = computed(() =>
    this.terminal() || this.ticking() ? 'Since the job was queued' : 'Since the job was queued, as last heard: it is not being heard live',
  );

  constructor() {
    // Hold the clock only while the time runs. The effect's cleanup lets go when the
    // job turns terminal or stops being heard live, and when the component is destroyed
    // (effects are bound to its DestroyRef), so nothing ticks for a job not heard.
    effect((onCleanup) => {
      if (this.ticking()) onCleanup(this.clock.hold());
    });
  }
}
