import { Injectable } from '@angular/core';

/** How many announced jobs are remembered; enough for any page's worth of jobs. */
const ANNOUNCED_KEPT = 100;

/**
 * Which jobs a page of this tab shows now (a publish card, an export panel), and which
 * ones a page already announced as ended. A job's end is a notice only for a job no
 * page shows: the page that shows it says so itself, and one toast is enough.
 */
@Injectable({ providedIn: 'root' })
export class JobsOnScreen {
  private readonly shown = new Map<string, number>();
  private readonly announced = new Set<string>();

  /** Marks a job as on screen until the returned function is called. */
  show(jobId: string): () => void {
    this.shown.set(jobId, (this.shown.get(jobId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.shown.get(jobId) ?? 1) - 1;
      if (left > 0) this.shown.set(jobId, left);
      else this.shown.delete(jobId);
    };
  }

  /** A page told the user that this job ended. */
  markAnnounced(jobId: string): void {
    this.announced.delete(jobId);
    this.announced.add(jobId);
    if (this.announced.size > ANNOUNCED_KEPT) this.announced.delete(this.announced.values().next().value as string);
  }

  /** Whether a page shows this job or already announced its end. */
  speaksFor(jobId: string): boolean {
    return this.shown.has(jobId) || this.announced.has(jobId);
  }
}
