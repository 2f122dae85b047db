import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { ToastService, type Toast } from './toast-service';

/** Renders the {@link ToastService}'s toasts; place it once, in the app shell. */
@Component({
  selector: 'sl-toast-host',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="toasts" aria-live="polite">
      @for (toast of toasts(); track toast.id) {
        <div [class]="'toast toast--' + toast.kind" [attr.data-testid]="toast.testId" [attr.role]="toast.kind === 'error' ? 'alert' : 'status'">
          <span class="toast__text">{{ toast.text }}</span>
          @if (toast.action; as action) {
            <button type="button" class="toast__action" [attr.data-testid]="toast.testId + '-action'" (click)="act(toast)">{{ action.label }}</button>
          }
          <button type="button" class="toast__close" aria-label="Dismiss" (click)="dismiss(toast.id)">×</button>
        </div>
      }
    </div>
  `,
  styles: `
    /*
     * The toasts take a strip of their own below the page (the shell reserves it), stacked at its
     * right; the page above shrinks to make room, so a toast never covers a control. A long pile
     * scrolls within the strip instead of taking the screen.
     */
    .toasts {
      display: flex;
      flex-direction: column;
      align-items: flex-end;
      gap: 0.5rem;
      max-height: 40vh;
      overflow-y: auto;
      padding: 0 1rem;
    }
    .toast:first-child { margin-top: 0.5rem; }
    .toast:last-child { margin-bottom: 0.75rem; }
    .toast {
      display: flex;
      max-width: 28rem;
      align-items: flex-start;
      gap: 0.75rem;
      padding: 0.75rem 1rem;
      border-radius: 6px;
      border-left: 4px solid var(--sl-accent);
      background: var(--sl-surface);
      box-shadow: 0 4px 16px rgb(0 0 0 / 0.12);
    }
    .toast--success { border-left-color: var(--sl-success); }
    .toast--error { border-left-color: var(--sl-danger); }
    .toast--warning { border-left-color: var(--sl-warning, #d48806); }
    .toast__text { flex: 1; }
    .toast__action {
      border: none;
      background: none;
      padding: 0 0.25rem;
      font: inherit;
      font-weight: 600;
      color: var(--sl-accent);
      text-decoration: underline;
      cursor: pointer;
    }
    .toast__close {
      border: none;
      background: none;
      padding: 0 0.25rem;
      font-size: 1.1rem;
      line-height: 1;
      color: var(--sl-muted);
      cursor: pointer;
    }
    @media (max-width: 40rem) {
      .toasts { padding: 0 0.5rem; }
      .toast { align-items: center; padding: 0.25rem 0 0.25rem 1rem; }
      .toast__close { min-width: 44px; min-height: 44px; }
    }
  `,
})
export class ToastHost {
  private readonly service = inject(ToastService);
  protected readonly toasts = this.service.toasts;

  protected dismiss(id: number): void {
    this.service.dismiss(id);
  }

  protected act(toast: Toast): void {
    this.service.act(toast);
  }
}
