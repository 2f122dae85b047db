import { computed, signal } from '@angular/core';
import type { Observable, Subscription } from 'rxjs';
import { canRetryJob, isTerminalStatus, jobRemedy, type FollowedJob, type JobStarted, type JobType, type JobView } from '@storyline/contracts';

/** What a {@link JobFollower} needs from the API; `injectJobFollower` wires the real ones. */
export interface JobFollowerSource {
  /** Follows one job until it ends (the {@link FollowedJobs}); `seen` is the job as already read, if it was. */
  follow: (jobId: string, type: JobType, seen?: JobView) => Observable<FollowedJob>;
  /** The caller's newest job of a type for a target (`jobs.latestFor`). */
  latestFor: (type: JobType, targetId: string) => Promise<JobView | null>;
  /** Starts a failed or cancelled job again as a new one (`jobs.retry`). */
  retry: (jobId: string) => Promise<JobStarted>;
  /** Cancels a queued or running job (`jobs.cancel`); following then brings its `Cancelled`. */
  cancel: (jobId: string) => Promise<unknown>;
  /** Each job of a type for a target as it starts, wherever it was started (the user stream's). */
  startedFor?: (type: JobType, targetId: string) => Observable<JobView>;
}

export interface JobFollowerOptions {
  /** Every new state of the job on screen. */
  onUpdate?: (job: FollowedJob) => void;
  /**
   * Once, when a job followed here reaches a final status: one started or retried
   * here, or picked up while it was still open. A job already over when picked up
   * is shown without being announced again.
   */
  onEnd?: (job: FollowedJob) => void;
  /** Following itself failed, so the job's end may go unseen. */
  onLost?: (error: unknown) => void;
}

/** Picks up a job that is still open; the default of {@link JobFollower.resume}. */
const isOpen = (job: JobView) => !isTerminalStatus(job.status);

/**
 * One job of one type on a page — a publish, an export, a fork — from the click
 * that starts it to its final status: the job as it stands, whether it is busy,
 * cancel while it is open, retry when it failed, and picking up the newest one when a page reopens.
 * Following always goes through the {@link FollowedJobs}, so the type's flag picks
 * push or polling. `reset()` (switching target, or the page gone) or `stop()` stop following;
 * a start or pick-up still answering from before a reset is ignored.
 */
export class JobFollower {
  private readonly current = signal<FollowedJob | null>(null);
  private readonly requesting = signal(false);
  /** Following a job that has not reported its first state yet. */
  private readonly waiting = signal(false);
  /** The job whose cancel was asked for (and answered), until following brings its end. */
  private readonly cancelAskedFor = signal<string | null>(null);
  private following: Subscription | null = null;
  /** Jobs for the target being started elsewhere, picked up as they start. */
  private watchingTarget: Subscription | null = null;
  /** Moves on at every reset, so an answer for the previous target is dropped. */
  private generation = 0;

  /** The job on screen, or null. */
  readonly job = this.current.asReadonly();
  /** True from the click until the job reaches a final status. */
  readonly busy = computed(() => {
    const job = this.current();
    return this.requesting() || this.waiting() || (job !== null && !isTerminalStatus(job.status));
  });
  /** Whether the job on screen ended in a way that starting it again could fix. */
  readonly canRetry = computed(() => {
    const job = this.current();
    return !this.requesting() && job !== null && canRetryJob(job);
  });
  /** What can cure the job on screen when a retry cannot (choose another file, fix the story); null otherwise. */
  readonly remedy = computed(() => {
    const job = this.current();
    return job ? jobRemedy(job) : null;
  });

  /** Whether the job on screen is still queued or running, so it can be cancelled. */
  readonly canCancel = computed(() => {
    const job = this.current();
    return !this.requesting() && job !== null && (job.status === 'Queued' || job.status === 'Running') && this.cancelAskedFor() !== job.id;
  });

  constructor(
    readonly type: JobType,
    private readonly source: JobFollowerSource,
    private readonly options: JobFollowerOptions = {},
  ) {}

  /**
   * Runs `request` (which may do other work first, like saving, and answer null to
   * give up) and follows the job it started. The job on screen goes at once, so its
   * file or error is never taken for the new job's. Rejects with the server's reason.
   */
  start(request: () => Promise<JobStarted | null>): Promise<void> {
    this.stop();
    this.current.set(null);
    return this.run(request);
  }

  /** Starts the failed or cancelled job on screen again and follows the new one; the old one shows until then. */
  async retry(): Promise<void> {
    const job = this.current();
    if (!job || !this.canRetry()) return;
    await this.run(() => this.source.retry(job.id));
  }

  /**
   * Cancels the queued or running job on screen; it shows `Cancelled` once following
   * reports it (then Retry is offered). Rejects with the server's reason (say, it already ended).
   */
  async cancel(): Promise<void> {
    const job = this.current();
    if (!job || !this.canCancel()) return;
    this.cancelAskedFor.set(job.id);
    try {
      await this.source.cancel(job.id);
    } catch (error) {
      if (this.cancelAskedFor() === job.id) this.cancelAskedFor.set(null);
      throw error;
    }
  }

  private async run(request: () => Promise<JobStarted | null>): Promise<void> {
    const generation = this.generation;
    this.requesting.set(true);
    try {
      const started = await request();
      if (started && generation === this.generation) this.follow(started.jobId);
    } finally {
      if (generation === this.generation) this.requesting.set(false);
    }
  }

  /**
   * Follows a job whose id is known (say, from another job's result); `seen`, the job as
   * already read (its own page), lets one that ended long ago show at once.
   */
  follow(jobId: string, announce = true, seen?: JobView): void {
    this.stop();
    // The previous job's card (its Download, its Retry) must not stand in for the new one.
    if (this.current()?.id !== jobId) this.current.set(null);
    let open = announce;
    this.waiting.set(true);
    this.following = this.source.follow(jobId, this.type, seen).subscribe({
      next: (job) => {
        this.waiting.set(false);
        this.current.set(job);
        this.options.onUpdate?.(job);
        if (!isTerminalStatus(job.status)) open = true;
        else if (open) {
          open = false;
          this.options.onEnd?.(job);
        }
      },
      error: (error: unknown) => {
        this.waiting.set(false);
        this.options.onLost?.(error);
      },
    });
  }

  /**
   * Shows the newest job of this type for `targetId` if `keep` accepts it (by
   * default: if it is still open), following it to its end. Best effort: when it
   * cannot be read the page works on, only without the earlier job.
   */
  async resume(targetId: string, keep: (job: JobView) => boolean = isOpen): Promise<void> {
    const generation = this.generation;
    this.watchTarget(targetId);
    try {
      const latest = await this.source.latestFor(this.type, targetId);
      if (latest && keep(latest) && generation === this.generation && !this.current() && !this.requesting()) this.follow(latest.id, false);
    } catch {
      // Nothing to show is the honest answer when the newest job cannot be read.
    }
  }

  /**
   * From now on shows each job of this type for `targetId` that starts elsewhere (another
   * tab of the user's, an admin's retry), as this page would show one it started.
   */
  private watchTarget(targetId: string): void {
    this.watchingTarget?.unsubscribe();
    this.watchingTarget =
      this.source.startedFor?.(this.type, targetId).subscribe((job) => {
        // A start of this page's own is followed by `run` once the server answers it.
        if (this.requesting() || this.current()?.id === job.id) return;
        this.follow(job.id);
      }) ?? null;
  }

  /** Stops following and forgets the job on screen, as when the page switches to another target. */
  reset(): void {
    this.generation += 1;
    this.watchingTarget?.unsubscribe();
    this.watchingTarget = null;
    this.stop();
    this.current.set(null);
    this.requesting.set(false);
  }

  /** Stops following; the job stays on screen as last seen. */
  stop(): void {
    this.following?.unsubscribe();
    this.following = null;
    this.waiting.set(false);
  }
}
