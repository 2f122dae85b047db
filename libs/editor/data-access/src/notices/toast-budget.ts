/** What to do with one more toast: show it, show one "and more" in its place, or stay quiet. */
export type ToastDecision = 'show' | 'summarise' | 'skip';

/**
 * At most `perWindow` toasts of a kind in any `windowMs` window that starts with the
 * first of them; the next one in the window becomes one summary, the rest stay quiet.
 * Fifty jobs ending at once then make four toasts, not fifty (the list keeps them all).
 */
export class ToastBudget {
  private windowStart = Number.NEGATIVE_INFINITY;
  private used = 0;

  constructor(
    private readonly perWindow = 3,
    private readonly windowMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  take(): ToastDecision {
    const now = this.now();
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.used = 0;
    }
    this.used += 1;
    if (this.used <= this.perWindow) return 'show';
    return this.used === this.perWindow + 1 ? 'summarise' : 'skip';
  }
}
