import { Injectable, signal } from '@angular/core';

/**
 * One shared tick a second for everything that shows a running time. Fifty running
 * jobs on screen then cost one timer and one render a second, not fifty of each,
 * and the clock stops when nothing running is shown.
 */
@Injectable({ providedIn: 'root' })
export class SecondClock {
  private readonly current = signal(Date.now());
  private holders = 0;
  private interval: ReturnType<typeof setInterval> | undefined;

  /** The time, updated every second while the clock is held. */
  readonly now = this.current.asReadonly();

  /** Keeps the clock ticking until the returned function is called. */
  hold(): () => void {
    if (this.holders++ === 0) {
      this.current.set(Date.now());
      this.interval = setInterval(() => this.current.set(Date.now()), 1_000);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holders === 0) clearInterval(this.interval);
    };
  }
}
