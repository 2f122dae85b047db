import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';
import type { OpsSample } from '@storyline/contracts';
import { errorMessage, FlagsStore, injectTrpc, JobActivity, OpsHistory, type OpsSeries, UserStream } from '@storyline/editor/data-access';
import { LineChart, ToastService, type ChartLine } from '@storyline/editor/ui';
import { OpsJobsTable } from './ops-jobs-table';
import { OpsQueues } from './ops-queues';

const toLines = (series: OpsSeries[], suffix = ''): ChartLine[] =>
  series.map(({ process, points }) => ({ label: `${process}${suffix}`, points: points.map(({ at, value }) => ({ x: at, y: value })) }));

/**
 * The admins' view of the system at work, live over the tab's own stream (nothing here
 * polls): the jobs in flight, the queues, each API process's streams, events sent and
 * notification latency over the last minutes, and the transport flags. The figures are
 * those `/metrics` serves, sampled by every API process and carried to admins' streams.
 */
@Component({
  selector: 'sl-operations-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [OpsJobsTable, OpsQueues, LineChart, RouterLink],
  template: `
    <div data-testid="ops-page">
      <h1>Operations</h1>
      <p class="muted intro">Live from every API process, every few seconds; the same figures <code>/metrics</code> serves.</p>

      <section>
        <h2>Jobs in flight</h2>
        <sl-ops-jobs-table [jobs]="jobs()" [usernames]="usernames()" (cancelRequested)="cancel($event)" (retryRequested)="retry($event)" />
      </section>

      <section>
        <h2>Queues</h2>
        <sl-ops-queues [figures]="queues()" />
      </section>

      <section>
        <h2>Open streams per API process</h2>
        @if (latest().length === 0) {
          <p class="muted">Waiting for the first sample…</p>
        } @else {
          <table class="card streams">
            <thead><tr><th scope="col">Process</th><th scope="col">User streams</th><th scope="col">Watched jobs</th><th scope="col">Events/s</th><th scope="col">Latency p50 / p99</th></tr></thead>
            <tbody>
              @for (sample of latest(); track sample.process) {
                <tr data-testid="ops-streams-row" [attr.data-process]="sample.process">
                  <th scope="row"><code>{{ sample.process }}</code></th>
                  <td data-testid="ops-streams-feed">{{ sample.streams.feed }}</td>
                  <td>{{ sample.streams.job }}</td>
                  <td>{{ sample.eventsPerSec }}</td>
                  <td>{{ latency(sample) }}</td>
                </tr>
              }
            </tbody>
          </table>
        }
      </section>

      <section class="charts">
        <div class="card chart" data-testid="ops-chart-events" [attr.data-points]="pointCount()">
          <h3>Events sent per second</h3>
          <sl-line-chart label="Events sent per second, per API process" [lines]="eventLines()" unit="/s" />
        </div>
        <div class="card chart" data-testid="ops-chart-latency" [attr.data-points]="pointCount()">
          <h3>Notification latency (ms)</h3>
          <sl-line-chart label="Notification latency p50 and p99 in milliseconds, per API process" [lines]="latencyLines()" unit=" ms" />
        </div>
      </section>

      <section>
        <h2>Transport flags</h2>
        <ul class="flags" data-testid="ops-flags">
          @for (flag of flags(); track flag.jobType) { <li><code>{{ flag.jobType }}</code>: {{ flag.transport }}</li> }
        </ul>
        <a routerLink="/admin/flags">Change the flags</a>
      </section>
    </div>
  `,
  styles: `
    h1 { margin: 0 0 0.5rem; }
    h2 { font-size: 1.15rem; margin: 1.5rem 0 0.5rem; }
    h3 { font-size: 0.95rem; margin: 0 0 0.5rem; }
    .intro { margin: 0 0 1rem; }
    .streams { border-collapse: collapse; padding: 0; }
    .streams th, .streams td { text-align: left; padding: 0.4rem 0.75rem; }
    .streams tbody th { font-weight: normal; }
    .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 1rem; margin-top: 1.5rem; }
    .chart { padding: 0.75rem 1rem; }
    .flags { columns: 2; margin: 0 0 0.5rem; }
  `,
})
export class OperationsPage {
  private readonly userStream = inject(UserStream);
  private readonly activity = inject(JobActivity);
  private readonly toasts = inject(ToastService);
  private readonly trpc = injectTrpc();
  private readonly flagsStore = inject(FlagsStore);
  private readonly history = signal(OpsHistory.empty());

  protected readonly flags = computed(() => this.flagsStore.flags() ?? []);
  protected readonly usernames = signal<ReadonlyMap<string, string>>(new Map());
  protected readonly jobs = computed(() => [...this.userStream.jobs().values()].sort((a, b) => b.queuedAt.localeCompare(a.queuedAt)));
  protected readonly latest = computed(() => this.history().latest());
  protected readonly queues = computed(() => this.history().queues?.figures ?? null);
  protected readonly pointCount = computed(() => this.history().series(() => 0).reduce((sum, line) => sum + line.points.length, 0));
  protected readonly eventLines = computed(() => toLines(this.history().series((sample) => sample.eventsPerSec)));
  protected readonly latencyLines = computed(() => [
    ...toLines(this.history().series((sample) => sample.latencyMs.p50), ' p50'),
    ...toLines(this.history().series((sample) => sample.latencyMs.p99), ' p99'),
  ]);

  constructor() {
    this.userStream.opsSamples$.pipe(takeUntilDestroyed()).subscribe((sample) => this.history.update((history) => history.add(sample)));
    this.trpc.ops.users.query().then(
      (users) => this.usernames.set(new Map(users.map((user) => [user.id, user.username]))),
      (error: unknown) => this.toasts.show('error', `Could not read the users: ${errorMessage(error)}`),
    );
  }

  protected latency(sample: OpsSample): string {
    const { p50, p99 } = sample.latencyMs;
    return p50 === null ? '—' : `${p50} / ${p99} ms`;
  }

  protected async cancel(jobId: string): Promise<void> {
    try {
      await this.activity.cancel(jobId);
    } catch (error) {
      this.toasts.show('error', `Could not cancel the job: ${errorMessage(error)}`);
    }
  }

  protected async retry(jobId: string): Promise<void> {
    try {
      await this.activity.retry(jobId);
    } catch (error) {
      this.toasts.show('error', `Could not retry the job: ${errorMessage(error)}`);
    }
  }
}
