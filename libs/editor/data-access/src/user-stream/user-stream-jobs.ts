import { BehaviorSubject, distinctUntilChanged, map, Subject, type Observable } from 'rxjs';
import { applyJobEvent, isTerminalStatus, type JobEvent, type UserStreamMessage, type JobType, type JobView } from '@storyline/contracts';

/** Finished jobs stay listed this long, the window the server's snapshot covers too. */
export const RECENT_JOBS_MS = 15 * 60_000;

/**
 * The jobs the user stream has told the tab about, each folded into its current view.
 * A snapshot replaces them all; each event updates its job. Every change publishes
 * a new map, so readers can compare by identity.
 */
export class UserStreamJobs {
  private readonly subject = new BehaviorSubject<ReadonlyMap<string, JobView>>(new Map());
  /** Events of jobs the stream joined late, held until the job itself has been read. */
  private readonly waiting = new Map<string, JobEvent[]>();

  private readonly startedSubject = new Subject<JobView>();

  /** Every job, current view by id; emits the current map on subscribe. */
  readonly jobs$: Observable<ReadonlyMap<string, JobView>> = this.subject.asObservable();
  /** Each job the stream reports starting (its first event), wherever it was started: this tab, another, an admin. */
  readonly started$: Observable<JobView> = this.startedSubject.asObservable();

  constructor(private readonly now: () => number = Date.now) {}

  /** The jobs as they stand. */
  get jobs(): ReadonlyMap<string, JobView> {
    return this.subject.value;
  }

  /** One job's view as it changes; `undefined` while the stream has not mentioned it. */
  view$(jobId: string): Observable<JobView | undefined> {
    return this.subject.pipe(
      map((jobs) => jobs.get(jobId)),
      distinctUntilChanged(),
    );
  }

  /**
   * Folds one user stream message in. Answers the ids of jobs that must be read once with
   * `jobs.get` and handed to {@link seed}: the stream sent a later event of a job it
   * never introduced, which only happens when the snapshot left the job out.
   */
  apply(message: UserStreamMessage): string[] {
    if (message.kind === 'snapshot') {
      this.waiting.clear();
      this.publish(new Map(message.jobs.map((job) => [job.id, job])));
      return [];
    }
    if (message.kind !== 'event') return [];
    const { event, jobType } = message;
    const known = this.jobs.get(event.jobId);
    if (known) {
      this.put(applyJobEvent(known, event));
      return [];
    }
    const held = this.waiting.get(event.jobId);
    if (held) {
      held.push(event);
      return [];
    }
    if (event.seq === 1) {
      const view = jobViewFromFirstEvent(event, jobType, message.ownerId, message.targetId);
      this.put(view, true);
      this.startedSubject.next(view);
      return [];
    }
    this.waiting.set(event.jobId, [event]);
    return [event.jobId];
  }

  /** Takes a job read in full, then applies the events that arrived while it was being read. */
  seed(view: JobView): void {
    const held = this.waiting.get(view.id) ?? [];
    this.waiting.delete(view.id);
    this.merge(held.reduce(applyJobEvent, view));
  }

  /** Forgets that a seed was asked for, so the job's next event asks again (its read failed). */
  unseed(jobId: string): void {
    this.waiting.delete(jobId);
  }

  /**
   * Takes a view learnt another way (a poll, a seed) unless the stream already brought a
   * newer one. Safe to mix with events: each view says which events it reflects, and
   * an event at or below that is skipped.
   */
  merge(view: JobView): void {
    const known = this.jobs.get(view.id);
    if (!known || view.lastSeq > known.lastSeq) this.put(view, !known);
  }

  /** Forgets every job, as when the user logs out. */
  clear(): void {
    this.waiting.clear();
    this.publish(new Map());
  }

  private put(view: JobView, added = false): void {
    if (this.jobs.get(view.id) === view) return;
    const next = new Map(this.jobs).set(view.id, view);
    // A long-lived tab would otherwise keep every job it ever saw; a new job is a
    // good moment to let go of the ones that ended long ago.
    if (added) this.dropFinishedBefore(next, this.now() - RECENT_JOBS_MS);
    this.publish(next);
  }

  private dropFinishedBefore(jobs: Map<string, JobView>, cutoff: number): void {
    for (const [id, job] of jobs) {
      if (isTerminalStatus(job.status) && job.completedAt && Date.parse(job.completedAt) < cutoff) jobs.delete(id);
    }
  }

  private publish(jobs: ReadonlyMap<string, JobView>): void {
    this.subject.next(jobs);
  }
}

/**
 * The view of a job the stream first mentions through its opening event (sequence 1,
 * "Queued"), which is all a freshly started job has. Its owner and target come with the
 * stream message (empty when a server does not say them).
 */
export function jobViewFromFirstEvent(event: JobEvent, jobType: JobType, ownerId = '', targetId = ''): JobView {
  const empty: JobView = {
    id: event.jobId,
    type: jobType,
    targetId,
    ownerId,
    status: 'Queued',
    phase: null,
    progress: 0,
    message: null,
    dequeueCount: 0,
    queuedAt: event.at,
    startedAt: null,
    completedAt: null,
    error: null,
    failure: null,
    result: null,
    lastSeq: 0,
    parentJobId: null,
  };
  return applyJobEvent(empty, event);
}
