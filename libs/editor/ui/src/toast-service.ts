import { Injectable, signal } from '@angular/core';

/** How a toast looks: green for success, red for errors, amber for warnings, neutral otherwise. */
export type ToastKind = 'success' | 'error' | 'warning' | 'info';

/** One message on screen. */
export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
  /** What tests find it by; `toast` unless the caller names it. */
  testId: string;
}

/** Long enough to read a sentence, short enough not to pile up. */
const TOAST_LIFETIME_MS = 6_000;

/** Short messages that appear over the page and go away on their own. */
@Injectable({ providedIn: 'root' })
export class ToastService {
  private readonly list = signal<readonly Toast[]>([]);
  private nextId = 1;

  /** The toasts on screen, oldest first. */
  readonly toasts = this.list.asReadonly();

  /** Shows `text` for a few seconds. */
  show(kind: ToastKind, text: string, options: { testId?: string } = {}): void {
    const toast: Toast = { id: this.nextId++, kind, text, testId: options.testId ?? 'toast' };
    this.list.update((toasts) => [...toasts, toast]);
    setTimeout(() => this.dismiss(toast.id), TOAST_LIFETIME_MS);
  }

  /** Removes a toast before its time, as its close button does. */
  dismiss(id: number): void {
    this.list.update((toasts) => toasts.filter((toast) => toast.id !== id));
  }
}
