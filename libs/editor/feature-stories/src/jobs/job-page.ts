import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import type { JobView, TitledJob } from '@storyline/contracts';
import { errorMessage, injectJobFollowerFactory, injectTrpc, type JobFollower } from '@storyline/editor/data-access';
import { jobPhrase, jobTargetKind, jobTargetLink } from '@storyline/editor/ui';
import { JobCard } from './job-card';

const TIME_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** One moment of a job's life as the page lists it. */
interface JobMoment {
  label: string;
  at: string;
  testId: string;
}

/**
 * One job on a page of its own (`/jobs/:id`), for its owner and admins: what it is in the
 * author's words, a link to what it works on, and its card: live status and progress,
 * its file to download, its error (with the reference the log holds) and Retry or the
 * remedy. When it was queued, started and ended sit below. The base later job views build on.
 */
@Component({
  selector: 'sl-job-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, JobCard],
  template: `
    @if (loadError(); as error) {
      <p class="error" role="alert" data-testid="job-page-error">{{ error }}</p>
    } @else if (titled(); as job) {
      <article class="card job-page" data-testid="job-page" [attr.data-job-id]="job.id">
        <h1 data-testid="job-page-title">{{ phrase() }}</h1>
        @if (job.targetTitle !== null) {
          <a data-testid="job-page-target" [routerLink]="targetLink()">Open the {{ targetKind() }} “{{ job.targetTitle }}”</a>
        } @else {
          <p class="muted" data-testid="job-page-target-gone">The {{ targetKind() }} is not there (deleted, or not made yet).</p>
        }
        @if (follower(); as follower) {
          <sl-job-card [follower]="follower" testIdPrefix="job-page" (fileWanted)="chooseAnotherFile()" />
        }
        <dl class="job-page__times">
          @for (moment of moments(); track moment.testId) {
            <dt>{{ moment.label }}</dt>
            <dd [attr.data-testid]="moment.testId">{{ moment.at }}</dd>
          }
        </dl>
      </article>
    } @else {
      <p class="muted">Loading…</p>
    }
  `,
  styles: `
    .job-page { display: grid; gap: 0.75rem; }
    .job-page h1 { margin: 0; font-size: 1.3rem; overflow-wrap: anywhere; }
    .job-page__times { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0; font-size: 0.9rem; }
    .job-page__times dt { color: var(--sl-muted); }
    .job-page__times dd { margin: 0; }
  `,
})
export class JobPage {
  /** From the route (`/jobs/:id`). */
  readonly id = input.required<string>();

  private readonly trpc = injectTrpc();
  private readonly router = inject(Router);
  private readonly makeFollower = injectJobFollowerFactory();
  protected readonly titled = signal<TitledJob | null>(null);
  protected readonly follower = signal<JobFollower | null>(null);
  protected readonly loadError = signal<string | null>(null);

  /** The job as following last saw it, or as first read. */
  private readonly job = computed<JobView | null>(() => this.follower()?.job() ?? this.titled());
  protected readonly phrase = computed(() => {
    const job = this.titled();
    return job ? jobPhrase(job.type, job.targetTitle) : '';
  });
  protected readonly targetKind = computed(() => {
    const job = this.titled();
    return job ? jobTargetKind(job.type) : '';
  });
  protected readonly targetLink = computed(() => {
    const job = this.titled();
    return job ? jobTargetLink(job) : null;
  });
  protected readonly moments = computed<JobMoment[]>(() => {
    const job = this.job();
    if (!job) return [];
    const moments: [string, string | null, string][] = [
      ['Queued', job.queuedAt, 'job-page-queued'],
      // The stream's events do not carry the start; the job as read does.
      ['Started', job.startedAt ?? this.titled()?.startedAt ?? null, 'job-page-started'],
      [job.status === 'Completed' ? 'Completed' : 'Ended', job.completedAt, 'job-page-ended'],
    ];
    return moments.flatMap(([label, at, testId]) => (at ? [{ label, at: TIME_FORMAT.format(new Date(at)), testId }] : []));
  });

  constructor() {
    effect(() => {
      const id = this.id();
      untracked(() => void this.load(id));
    });
  }

  /** The file was at fault: imports are made from the story list, where another file can be chosen. */
  protected chooseAnotherFile(): void {
    void this.router.navigateByUrl('/stories');
  }

  private async load(id: string): Promise<void> {
    this.loadError.set(null);
    this.titled.set(null);
    this.follower()?.reset();
    this.follower.set(null);
    try {
      const job = await this.trpc.jobs.describe.query({ jobId: id });
      if (id !== this.id()) return;
      this.titled.set(job);
      const follower = this.makeFollower(job.type);
      follower.follow(job.id, false, job);
      this.follower.set(follower);
    } catch (error) {
      if (id === this.id()) this.loadError.set(errorMessage(error));
    }
  }
}
