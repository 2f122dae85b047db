import { ChangeDetectionStrategy, Component, effect, inject, signal, untracked } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { AuthStore, errorMessage, JobActivity, NoticeBoard, UserStream } from '@storyline/editor/data-access';
import { ActivityPanel, ConnectionStatus, CountBadge, NoticesMenu, ToastHost, ToastService } from '@storyline/editor/ui';

/**
 * The shell: header with navigation, the job connection indicator and the current
 * user; the routed page; the activity panel when opened; and the toasts.
 */
@Component({
  selector: 'sl-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterOutlet, RouterLink, RouterLinkActive, ToastHost, ActivityPanel, ConnectionStatus, CountBadge, NoticesMenu],
  template: `
    <header class="shell">
      <a class="shell__brand" routerLink="/stories">Storyline</a>
      @if (auth.user(); as user) {
        <nav class="shell__nav" aria-label="Main">
          <a routerLink="/stories" routerLinkActive="active" data-testid="nav-stories">Stories</a>
          <a routerLink="/regions" routerLinkActive="active" data-testid="nav-regions">Regions</a>
          <a routerLink="/heroes" routerLinkActive="active" data-testid="nav-heroes">Heroes</a>
          <a routerLink="/epics" routerLinkActive="active" data-testid="nav-epics">Epics</a>
          @if (auth.isAdmin()) {
            <a routerLink="/admin/flags" routerLinkActive="active" data-testid="nav-flags">Flags</a>
            <a routerLink="/admin/operations" routerLinkActive="active" data-testid="nav-operations">Operations</a>
          }
        </nav>
        <button type="button" class="button button--quiet shell__activity" data-testid="nav-activity" aria-controls="activity-panel" [attr.aria-expanded]="activityOpen()" (click)="toggleActivity()">
          Activity
          @if (userStream.openCount(); as open) {
            <span slCountBadge [attr.aria-label]="open + ' in progress'">{{ open }}</span>
          }
        </button>
        <sl-notices-menu [notices]="noticeBoard.notices()" [unread]="noticeBoard.unread()" (opened)="noticeBoard.markAllRead()" />
        <sl-connection-status [state]="userStream.state()" />
        <div class="shell__user">
          <span data-testid="current-user">{{ user.username }}</span>
          <button type="button" class="button button--quiet" data-testid="logout" [disabled]="loggingOut()" (click)="logout()">
            Log out
          </button>
        </div>
      }
    </header>
    <main class="page">
      <router-outlet />
    </main>
    @if (auth.user() && activityOpen()) {
      <sl-activity-panel
        id="activity-panel"
        [jobs]="activity.jobs()"
        [connection]="userStream.state()"
        [older]="activity.olderJobs()"
        (olderRequested)="showOlder()"
        (closed)="activityOpen.set(false)"
        (retryRequested)="retry($event)"
        (cancelRequested)="cancel($event)"
      />
    }
    <sl-toast-host />
  `,
  styles: `
    .shell {
      display: flex;
      align-items: center;
      gap: 1.5rem;
      padding: 0 1.5rem;
      height: 3.5rem;
      background: var(--sl-surface);
      border-bottom: 1px solid var(--sl-border);
    }
    .shell__brand { font-family: Georgia, 'Times New Roman', serif; font-size: 1.3rem; font-weight: 700; color: var(--sl-text); text-decoration: none; }
    .shell__nav { display: flex; gap: 1rem; flex: 1; }
    .shell__nav a { color: var(--sl-muted); text-decoration: none; padding: 0.25rem 0; border-bottom: 2px solid transparent; }
    .shell__nav a:hover, .shell__nav a.active { color: var(--sl-text); border-bottom-color: var(--sl-accent); }
    .shell__user { display: flex; align-items: center; gap: 0.75rem; }
    .shell__activity { display: inline-flex; align-items: center; gap: 0.4rem; }
    .shell__activity[aria-expanded='true'] { color: var(--sl-text); }
    .page { max-width: 64rem; margin: 0 auto; padding: 1.5rem; }
  `,
})
export class App {
  protected readonly auth = inject(AuthStore);
  protected readonly userStream = inject(UserStream);
  protected readonly activity = inject(JobActivity);
  protected readonly noticeBoard = inject(NoticeBoard);
  private readonly router = inject(Router);
  private readonly toasts = inject(ToastService);
  protected readonly loggingOut = signal(false);
  protected readonly activityOpen = signal(false);

  constructor() {
    // The panel's jobs are followed only while it is on screen.
    effect((onCleanup) => {
      if (this.auth.user() && this.activityOpen()) onCleanup(this.activity.follow());
    });
    // Notices (an admin's, or a job of the user's that ended while no page showed it) pop up as they arrive,
    // and so does what a page says of a job it followed to its end.
    this.noticeBoard.arrivals$
      .pipe(takeUntilDestroyed())
      .subscribe((arrival) => this.toasts.show(arrival.level, arrival.text, { testId: arrival.listed ? 'notice-toast' : 'toast' }));
    // The server ended the session (logout in another tab, expiry): say why, and ask to log in again.
    effect(() => {
      const reason = this.auth.endedReason();
      if (!reason) return;
      untracked(() => {
        this.activityOpen.set(false);
        this.toasts.show('info', reason);
        void this.router.navigateByUrl('/login');
      });
    });
    // Another tab of this browser logged in as someone else (they share the session): leave this user's pages.
    effect(() => {
      const user = this.auth.switchedElsewhere();
      if (!user) return;
      untracked(() => {
        this.activityOpen.set(false);
        this.toasts.show('info', `Logged in as ${user.username} in another tab`);
        void this.router.navigateByUrl('/stories');
      });
    });
  }

  protected toggleActivity(): void {
    this.activityOpen.update((open) => !open);
  }

  protected async retry(jobId: string): Promise<void> {
    try {
      await this.activity.retry(jobId);
      this.toasts.show('info', 'The job was started again');
    } catch (error) {
      this.toasts.show('error', `Could not retry the job: ${errorMessage(error)}`);
    }
  }

  protected async showOlder(): Promise<void> {
    try {
      await this.activity.showOlder();
    } catch (error) {
      this.toasts.show('error', `Could not load older jobs: ${errorMessage(error)}`);
    }
  }

  protected async cancel(jobId: string): Promise<void> {
    try {
      await this.activity.cancel(jobId);
    } catch (error) {
      this.toasts.show('error', `Could not cancel the job: ${errorMessage(error)}`);
    }
  }

  protected async logout(): Promise<void> {
    this.loggingOut.set(true);
    try {
      await this.auth.logout();
      this.activityOpen.set(false);
      await this.router.navigateByUrl('/login');
    } catch (error) {
      this.toasts.show('error', `Could not log out: ${errorMessage(error)}`);
    } finally {
      this.loggingOut.set(false);
    }
  }
}
