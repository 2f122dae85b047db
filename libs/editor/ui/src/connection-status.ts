import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

/** How the user stream stands: live, reconnecting to it, unavailable (jobs are polled until it is back), or offline (no network). */
export type ConnectionState = 'live' | 'reconnecting' | 'unavailable' | 'offline';

/** The one word the header shows: while the stream is unavailable the tab is polling, and says so. */
const LABELS: Record<ConnectionState, string> = { live: 'live', reconnecting: 'reconnecting', unavailable: 'polling', offline: 'offline' };

const EXPLANATIONS: Record<ConnectionState, string> = {
  live: 'Job updates arrive the moment they happen',
  reconnecting: 'The update stream dropped; reconnecting',
  unavailable: 'The update stream is unavailable; checking jobs periodically and retrying the stream',
  offline: 'The browser is offline; jobs catch up as soon as the network returns',
};

/** The header's indicator of the job update connection: a coloured dot and one word. */
@Component({
  selector: 'sl-connection-status',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <span [class]="'status status--' + state()" role="status" [attr.title]="explanation()">
      <span class="status__dot" aria-hidden="true"></span>
      <span class="visually-hidden">Job updates:</span>
      <span data-testid="connection-status">{{ label() }}</span>
    </span>
  `,
  styles: `
    .status { display: inline-flex; align-items: center; gap: 0.4rem; padding: 0.15rem 0.6rem; border-radius: 999px; font-size: 0.8rem; font-weight: 600; background: var(--sl-muted-bg); color: var(--sl-muted); }
    .status__dot { width: 0.5rem; height: 0.5rem; border-radius: 50%; background: currentColor; }
    .status--live { background: var(--sl-success-bg); color: var(--sl-success); }
    .status--reconnecting { background: var(--sl-accent-bg); color: var(--sl-accent); }
    .status--reconnecting .status__dot { animation: pulse 1s ease-in-out infinite alternate; }
    .status--unavailable, .status--offline { background: #fdf3dc; color: #8a5a00; }
    @keyframes pulse { from { opacity: 1; } to { opacity: 0.3; } }
    @media (prefers-reduced-motion: reduce) { .status--reconnecting .status__dot { animation: none; } }
  `,
})
export class ConnectionStatus {
  readonly state = input.required<ConnectionState>();
  protected readonly label = computed(() => LABELS[this.state()]);
  protected readonly explanation = computed(() => EXPLANATIONS[this.state()]);
}
