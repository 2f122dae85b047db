import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import type { JobType, Transport } from '@storyline/contracts';
import { errorMessage, FlagsStore } from '@storyline/editor/data-access';
import { NoticeComposer } from './notice-composer';

type SaveState = { state: 'saving' } | { state: 'saved' } | { state: 'failed'; error: string };

const TRANSPORTS: readonly Transport[] = ['push', 'polling', 'shadow'];

/** Admin page: one row per job type choosing how editors follow its jobs (a change applies at once), and a notice to everyone. */
@Component({
  selector: 'sl-flags-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [NoticeComposer],
  template: `
    <h1>Job transport flags</h1>
    <p class="muted intro">
      Push streams each job's progress the moment it changes; polling asks for it with backoff; shadow does both, shows push,
      and reports how the two compared to the operations metrics. Open editors apply a change to the next job they watch,
      without reloading.
    </p>
    @if (loadError(); as error) {
      <p class="error" role="alert">{{ error }}</p>
    } @else if (rows(); as rows) {
      <table class="card flags">
        <thead>
          <tr><th scope="col">Job type</th><th scope="col">Transport</th><th scope="col"><span class="visually-hidden">Status</span></th></tr>
        </thead>
        <tbody>
          @for (row of rows; track row.jobType) {
            <tr>
              <th scope="row"><code>{{ row.jobType }}</code></th>
              <td>
                <select
                  [attr.data-testid]="'flag-select-' + row.jobType"
                  [attr.aria-label]="'Transport for ' + row.jobType"
                  (change)="change(row.jobType, $event)"
                >
                  @for (transport of transports; track transport) {
                    <option [value]="transport" [selected]="transport === row.transport">{{ transport }}</option>
                  }
                </select>
              </td>
              <td class="flags__state" aria-live="polite">
                @switch (row.save?.state) {
                  @case ('saving') { <span class="muted">Saving…</span> }
                  @case ('saved') { <span class="saved" [attr.data-testid]="'flag-saved-' + row.jobType">Saved</span> }
                  @case ('failed') { <span class="error" role="alert" [attr.data-testid]="'flag-error-' + row.jobType">{{ row.error }}</span> }
                }
              </td>
            </tr>
          }
        </tbody>
      </table>
    } @else {
      <p class="muted">Loading…</p>
    }
    <sl-notice-composer />
  `,
  styles: `
    h1 { margin: 0 0 0.5rem; }
    .intro { margin: 0 0 1.5rem; max-width: 40rem; }
    .flags { width: 100%; max-width: 40rem; border-collapse: collapse; padding: 0; }
    th, td { text-align: left; padding: 0.6rem 1rem; }
    thead th { font-size: 0.85rem; color: var(--sl-muted); border-bottom: 1px solid var(--sl-border); }
    tbody tr + tr > * { border-top: 1px solid var(--sl-border); }
    tbody th { font-weight: normal; }
    .flags__state { width: 8rem; }
    .saved { color: var(--sl-success); font-weight: 600; }
  `,
})
export class FlagsPage {
  private readonly store = inject(FlagsStore);
  private readonly saves = signal<Partial<Record<JobType, SaveState>>>({});

  protected readonly transports = TRANSPORTS;
  protected readonly loadError = signal<string | null>(null);
  protected readonly rows = computed(() =>
    this.store.flags()?.map((flag) => {
      const save = this.saves()[flag.jobType];
      return { ...flag, save, error: save?.state === 'failed' ? save.error : '' };
    }),
  );

  constructor() {
    // Reread on opening: while the user stream is down, the copy may miss another admin's change.
    this.store.refresh().catch((error: unknown) => this.loadError.set(errorMessage(error)));
  }

  protected async change(jobType: JobType, event: Event): Promise<void> {
    const select = event.target as HTMLSelectElement;
    const transport = select.value as Transport;
    this.setSave(jobType, { state: 'saving' });
    try {
      await this.store.set(jobType, transport);
      this.setSave(jobType, { state: 'saved' });
    } catch (error) {
      // Show the flag as it still stands on the server, not the refused choice.
      select.value = this.store.flags()?.find((flag) => flag.jobType === jobType)?.transport ?? select.value;
      this.setSave(jobType, { state: 'failed', error: errorMessage(error) });
    }
  }

  private setSave(jobType: JobType, save: SaveState): void {
    this.saves.update((saves) => ({ ...saves, [jobType]: save }));
  }
}
