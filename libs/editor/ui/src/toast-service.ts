import { Injectable, signal } from '@angular/core';

/** How a toast looks: green for success, red for errors, amber for warnings, neutral otherwise. */
export type ToastKind = 'success' | 'error' | 'warning' | 'info';

/** A button on a toast that undoes what it reports ("Undo"); pressing it also closes the toast. */
export interface ToastAction {
  label: string;
  run: () => void;
}

/** One message on screen. */
export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
  /** What tests find it by; `toast` unless the caller names it. Its action button is `<testId>-action`. */
  testId: string;
  action?: ToastAction;
}

/** Long enough to read a sentence, short enough not to pile up. */
const TOAST_LIFETIME_MS = 6_000;
/** A toast with an action stays longer: reading it and reaching its button takes a moment more. */
const ACTION_TOAST_LIFETIME_MS = 12_000;

/** Short messages that appear over the page and go away on their own. */
@Injectable({ providedIn: 'root' })
export class ToastService {
  private readonly list = signal<readonly Toast[]>([]);
  private nextId = 1;

  /** The toasts on screen, oldest first. */
  readonly toasts = this.list.asReadonly();

  /** Shows `text` for a few seconds, with a button when `action` is given. */
  show(kind: ToastKind, text: string, options: { testId?: string; action?: ToastAction } = {}): void {
    const toast: Toast = { id: this.nextId++, kind, text, testId: options.testId ?? 'toast', action: options.action };
    this.list.update((toasts) => [...toasts, toast]);
    setTimeout(() => this.dismiss(toast.id), toast.action ? ACTION_TOAST_LIFETIME_MS : TOAST_LIFETIME_MS);
  }

  /** Runs a toast's action and closes it, so a second press cannot run it twice. */
  act(toast: Toast): void {
    this.dismiss(toast.id);
    toast.action?.run();
  }

  /** Removes a toast before its time, as its close button does. */
  dismiss(id: number): void {
    this.list.update((toasts) => toasts.filter((toast) => toast.id !== id));
  }
}
