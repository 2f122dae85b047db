import { ChangeDetectionStrategy, Component, type ElementRef, input, output, signal, viewChild } from '@angular/core';
import { DatePipe } from '@angular/common';
import type { Notice } from '@storyline/contracts';
import { CountBadge } from './count-badge';

/**
 * The header's "Notices" button with the count of unread ones, opening the list of
 * recent notices (newest first). Opening it tells the owner, who marks them read. Escape
 * closes the list and puts focus back on the button.
 */
@Component({
  selector: 'sl-notices-menu',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(document:keydown.escape)': 'close()' },
  template: `
    <div class="notices">
      <button #openButton type="button" class="button button--quiet notices__open" data-testid="notices-open" aria-controls="notices-list" [attr.aria-expanded]="open()" (click)="toggle()">
        Notices
        @if (unread(); as count) {
          <span slCountBadge tone="danger" data-testid="notices-unread" [attr.aria-label]="count + ' unread'">{{ count }}</span>
        }
      </button>
      @if (open()) {
        <section id="notices-list" class="notices__panel" data-testid="notices-list" aria-label="Notices">
          @for (notice of notices(); track notice.id) {
            <article class="notices__item" data-testid="notice-item" [class.notices__item--warning]="notice.level === 'warning'">
              <p class="notices__message">{{ notice.message }}</p>
              <p class="notices__meta">
                <time [attr.datetime]="notice.at">{{ notice.at | date: 'HH:mm' }}</time>
                @if (notice.from) {
                  · from {{ notice.from }}
                }
              </p>
            </article>
          } @empty {
            <p class="notices__empty">No notices yet.</p>
          }
        </section>
      }
    </div>
  `,
  imports: [DatePipe, CountBadge],
  styles: `
    .notices { position: relative; }
    .notices__open { display: inline-flex; align-items: center; gap: 0.4rem; }
    .notices__panel {
      position: absolute;
      right: 0;
      top: calc(100% + 0.5rem);
      width: min(24rem, calc(100vw - 2rem));
      max-height: 60vh;
      overflow-y: auto;
      padding: 0.5rem;
      background: var(--sl-surface);
      border: 1px solid var(--sl-border);
      border-radius: var(--sl-radius);
      box-shadow: 0 4px 16px rgb(0 0 0 / 0.12);
      z-index: 5;
    }
    .notices__item { padding: 0.5rem; border-left: 3px solid var(--sl-accent); }
    .notices__item + .notices__item { margin-top: 0.25rem; }
    .notices__item--warning { border-left-color: var(--sl-warning, #d48806); }
    .notices__message { margin: 0; }
    /* A phone: the list spans the screen under the header (the shell's header positions it), wherever the button sits. */
    @media (max-width: 40rem) {
      .notices { position: static; }
      .notices__panel { left: 0.5rem; right: 0.5rem; top: calc(100% + 0.25rem); width: auto; }
    }
    .notices__meta, .notices__empty { margin: 0.2rem 0 0; font-size: 0.8rem; color: var(--sl-muted); }
  `,
})
export class NoticesMenu {
  readonly notices = input.required<readonly Notice[]>();
  readonly unread = input(0);
  /** The list was opened: its notices count as read. */
  readonly opened = output<void>();
  protected readonly open = signal(false);
  private readonly openButton = viewChild.required<ElementRef<HTMLButtonElement>>('openButton');

  protected toggle(): void {
    this.open.update((open) => !open);
    if (this.open()) this.opened.emit();
  }

  protected close(): void {
    if (!this.open()) return;
    this.open.set(false);
    this.openButton().nativeElement.focus();
  }
}
