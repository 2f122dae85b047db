import { ChangeDetectionStrategy, Component, input, signal } from '@angular/core';
import type { JobType, OpsQueueFigures, PoisonedMessage } from '@storyline/contracts';
import { errorMessage, injectTrpc } from '@storyline/editor/data-access';

type Poisoned = { type: JobType; state: 'loading' } | { type: JobType; state: 'loaded'; messages: PoisonedMessage[] } | { type: JobType; state: 'failed'; error: string };

/** Queue depth and poison count per job type, as the newest sample has them; a poison queue opens to its messages, each re-queueable. */
@Component({
  selector: 'sl-ops-queues',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (figures(); as figures) {
      <table class="card">
        <thead><tr><th scope="col">Job type</th><th scope="col">Waiting</th><th scope="col">Poisoned</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>
          @for (queue of figures; track queue.type) {
            <tr data-testid="ops-queue-row" [attr.data-type]="queue.type">
              <th scope="row"><code>{{ queue.type }}</code></th>
              <td data-testid="ops-queue-depth">{{ queue.depth }}</td>
              <td data-testid="ops-queue-poisoned">{{ queue.poisoned }}</td>
              <td>
                <button type="button" class="button button--quiet" data-testid="ops-poison-show" (click)="show(queue.type)">Show poisoned</button>
              </td>
            </tr>
          }
        </tbody>
      </table>
    } @else {
      <p class="muted">Waiting for the first sample…</p>
    }
    @if (poisoned(); as poisoned) {
      <section class="poison card" aria-live="polite">
        <h3>Poison queue of <code>{{ poisoned.type }}</code></h3>
        @switch (poisoned.state) {
          @case ('loading') { <p class="muted">Loading…</p> }
          @case ('failed') { <p class="error" role="alert">{{ poisoned.error }}</p> }
          @case ('loaded') {
            @for (message of poisoned.messages; track message.messageId) {
              <div class="poison__item" data-testid="ops-poison-item" [attr.data-job-id]="message.jobId">
                <code class="poison__text">{{ message.text }}</code>
                <span class="muted">job {{ message.jobStatus ?? 'unknown' }} · {{ message.insertedAt }}</span>
                <button type="button" class="button" data-testid="ops-poison-requeue" [disabled]="!message.jobId" (click)="requeue(poisoned.type, message)">Re-queue</button>
              </div>
            } @empty {
              <p class="muted" data-testid="ops-poison-empty">Nothing poisoned.</p>
            }
          }
        }
        @if (requeueError(); as error) { <p class="error" role="alert">{{ error }}</p> }
      </section>
    }
  `,
  styles: `
    table { width: 100%; max-width: 40rem; border-collapse: collapse; padding: 0; }
    th, td { text-align: left; padding: 0.4rem 0.75rem; }
    thead th { font-size: 0.85rem; color: var(--sl-muted); border-bottom: 1px solid var(--sl-border); }
    tbody th { font-weight: normal; }
    .poison { margin-top: 1rem; padding: 0.75rem 1rem; }
    .poison h3 { margin: 0 0 0.5rem; font-size: 1rem; }
    .poison__item { display: flex; gap: 1rem; align-items: center; padding: 0.4rem 0; flex-wrap: wrap; }
    .poison__text { overflow-wrap: anywhere; }
  `,
})
export class OpsQueues {
  /** The newest figures; null until a sample with them arrived. */
  readonly figures = input.required<readonly OpsQueueFigures[] | null>();

  private readonly trpc = injectTrpc();
  protected readonly poisoned = signal<Poisoned | null>(null);
  protected readonly requeueError = signal<string | null>(null);

  protected async show(type: JobType): Promise<void> {
    this.requeueError.set(null);
    this.poisoned.set({ type, state: 'loading' });
    try {
      this.poisoned.set({ type, state: 'loaded', messages: await this.trpc.ops.poisoned.query({ type }) });
    } catch (error) {
      this.poisoned.set({ type, state: 'failed', error: errorMessage(error) });
    }
  }

  protected async requeue(type: JobType, message: PoisonedMessage): Promise<void> {
    this.requeueError.set(null);
    try {
      await this.trpc.ops.requeue.mutate({ type, messageId: message.messageId });
      await this.show(type);
    } catch (error) {
      this.requeueError.set(errorMessage(error));
    }
  }
}
