import { Injectable } from '@angular/core';

/** How many jobs whose end a page said are remembered; enough for any page's worth of jobs. */
const SAID_KEPT = 100;

/**
 * Which jobs a page of this tab shows now (a publish card, an export panel), and which
 * ones' end a page already said (through `NoticeBoard.say`). A job's end is a notice only
 * for a job no page speaks for: the page that shows it says so itself, and one toast is enough.
 */
@Injectable({ providedIn: 'root' })
export class JobsOnScreen {
  private readonly shown = new Map<string, number>();
  private readonly said = new Set<string>();

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

  /** A page said how this job ended (or chose to say nothing): its end on the user stream is no notice. */
  spokeOf(jobId: string): void {
    this.said.delete(jobId);
    this.said.add(jobId);
    if (this.said.size > SAID_KEPT) this.said.delete(this.said.values().next().value as string);
  }

  /** Whether a page shows this job or already said its end. */
  speaksFor(jobId: string): boolean {
    return this.shown.has(jobId) || this.said.has(jobId);
  }
}
