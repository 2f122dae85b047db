import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { NOTICE_MAX_LENGTH, type NoticeLevel } from '@storyline/contracts';
import { errorMessage, NoticeBoard } from '@storyline/editor/data-access';

type SendState = { state: 'idle' } | { state: 'sending' } | { state: 'sent' } | { state: 'failed'; error: string };

/** Admin form: a notice to everyone with an open editor, say before maintenance. */
@Component({
  selector: 'sl-notice-composer',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="card composer" aria-labelledby="notice-title">
      <h2 id="notice-title">Notice to everyone</h2>
      <p class="muted">Shown at once in every open editor, as a toast and in its Notices list.</p>
      <label class="field">
        <span>Message</span>
        <textarea
          data-testid="notice-message"
          rows="2"
          [attr.maxlength]="maxLength"
          [value]="message()"
          (input)="edit($event)"
          placeholder="Maintenance in 10 minutes"
        ></textarea>
      </label>
      <div class="composer__actions">
        <label>
          <input type="checkbox" data-testid="notice-warning" [checked]="level() === 'warning'" (change)="toggleWarning($event)" />
          Warning
        </label>
        <span class="muted">{{ message().length }} / {{ maxLength }}</span>
        <button type="button" class="button" data-testid="notice-send" [disabled]="!canSend()" (click)="send()">Send</button>
      </div>
      <p aria-live="polite">
        @switch (status().state) {
          @case ('sending') { <span class="muted">Sending…</span> }
          @case ('sent') { <span class="saved" data-testid="notice-sent">Sent</span> }
          @case ('failed') { <span class="error" role="alert" data-testid="notice-error">{{ failure() }}</span> }
        }
      </p>
    </section>
  `,
  styles: `
    .composer { max-width: 40rem; margin-top: 2rem; }
    h2 { margin: 0 0 0.25rem; font-size: 1.1rem; }
    textarea { width: 100%; box-sizing: border-box; font: inherit; }
    .composer__actions { display: flex; align-items: center; gap: 1rem; justify-content: flex-end; margin-top: 0.5rem; }
    .composer__actions label { margin-right: auto; }
    .saved { color: var(--sl-success); font-weight: 600; }
  `,
})
export class NoticeComposer {
  private readonly board = inject(NoticeBoard);
  protected readonly maxLength = NOTICE_MAX_LENGTH;
  protected readonly message = signal('');
  protected readonly level = signal<NoticeLevel>('info');
  protected readonly status = signal<SendState>({ state: 'idle' });
  protected readonly canSend = computed(() => this.message().trim().length > 0 && this.status().state !== 'sending');
  protected readonly failure = computed(() => {
    const status = this.status();
    return status.state === 'failed' ? status.error : '';
  });

  protected edit(event: Event): void {
    this.message.set((event.target as HTMLTextAreaElement).value);
    if (this.status().state !== 'sending') this.status.set({ state: 'idle' });
  }

  protected toggleWarning(event: Event): void {
    this.level.set((event.target as HTMLInputElement).checked ? 'warning' : 'info');
  }

  protected async send(): Promise<void> {
    if (!this.canSend()) return;
    this.status.set({ state: 'sending' });
    try {
      await this.board.broadcast({ message: this.message(), level: this.level() });
      this.message.set('');
      this.status.set({ state: 'sent' });
    } catch (error) {
      this.status.set({ state: 'failed', error: errorMessage(error) });
    }
  }
}
