import { ChangeDetectionStrategy, Component, effect, type ElementRef, inject, signal, untracked, viewChild } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { AuthStore, errorMessage, JobActivity, NoticeBoard, UserStream } from '@storyline/editor/data-access';
import { ActivityPanel, ConnectionStatus, CountBadge, NoticesMenu, ToastHost, ToastService } from '@storyline/editor/ui';

/**
 * The shell: header with navigation, the job connection indicator and the current
 * user; the routed page; the activity panel when opened; and the toasts.
 *
 * The shell fills the window and only the page scrolls, so the header, the activity panel and
 * the toasts each keep a region of their own: a toast never lies over a control, and the panel
 * sits beside the page (on a narrow screen, over it, as a sheet the width of the screen).
 */
@Component({
  selector: 'sl-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterOutlet, RouterLink, RouterLinkActive, ToastHost, ActivityPanel, ConnectionStatus, CountBadge, NoticesMenu],
  host: { '(document:keydown.escape)': 'closeActivity()' },
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
        <button #activityButton type="button" class="button button--quiet shell__activity" data-testid="nav-activity" aria-controls="activity-panel" [attr.aria-expanded]="activityOpen()" (click)="toggleActivity()">
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
    <main class="shell__main">
      <div class="page">
        <router-outlet />
      </div>
    </main>
    @if (auth.user() && activityOpen()) {
      <sl-activity-panel
        id="activity-panel"
        [jobs]="activity.jobs()"
        [connection]="userStream.state()"
        [older]="activity.olderJobs()"
        (olderRequested)="showOlder()"
        (closed)="closeActivity()"
        (retryRequested)="retry($event)"
        (cancelRequested)="cancel($event)"
      />
    }
    <sl-toast-host />
  `,
  styles: `
    :host {
      display: grid;
      grid-template: 'header header' auto 'main panel' minmax(0, 1fr) 'toasts toasts' auto / minmax(0, 1fr) auto;
      height: 100vh;
      height: 100dvh;
    }
    .shell {
      grid-area: header;
      position: relative;
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.25rem 1.5rem;
      padding: 0.5rem 1.5rem;
      min-height: 3.5rem;
      background: var(--sl-surface);
      border-bottom: 1px solid var(--sl-border);
    }
    .shell__brand { font-family: Georgia, 'Times New Roman', serif; font-size: 1.3rem; font-weight: 700; color: var(--sl-text); text-decoration: none; }
    .shell__nav { display: flex; flex-wrap: wrap; gap: 0 1rem; flex: 1; }
    .shell__nav a { color: var(--sl-muted); text-decoration: none; padding: 0.25rem 0; border-bottom: 2px solid transparent; }
    .shell__nav a:hover, .shell__nav a.active { color: var(--sl-text); border-bottom-color: var(--sl-accent); }
    .shell__user { display: flex; align-items: center; gap: 0.75rem; }
    .shell__activity { display: inline-flex; align-items: center; gap: 0.4rem; }
    .shell__activity[aria-expanded='true'] { color: var(--sl-text); }
    .shell__main { grid-area: main; overflow-y: auto; }
    .page { max-width: 64rem; margin: 0 auto; padding: 1.5rem; }
    sl-activity-panel { grid-area: panel; }
    sl-toast-host { grid-area: toasts; }

    /* A phone: the brand and the actions on the first row, the sections on the next; the panel covers the page. */
    @media (max-width: 40rem) {
      .shell { gap: 0 0.25rem; padding: 0.25rem 0.5rem; }
      .shell__brand { flex: 1; display: inline-flex; align-items: center; margin-right: 0.25rem; font-size: 1.15rem; }
      .shell__nav { order: 1; flex: 1 1 100%; gap: 0 0.25rem; }
      .shell__nav a { display: inline-flex; align-items: center; padding: 0 0.5rem; }
      .shell__user { display: contents; }
      .shell__user > span { order: 1; margin-left: auto; padding-right: 0.5rem; color: var(--sl-muted); }
      sl-connection-status { order: 1; }
      .page { padding: 1rem 0.75rem; }
      sl-activity-panel { grid-area: main; width: auto; z-index: 1; }
    }
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
  private readonly activityButton = viewChild<ElementRef<HTMLButtonElement>>('activityButton');

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

  /** Closes the activity panel (its ×, or Escape anywhere) and gives focus back to the button that opened it. */
  protected closeActivity(): void {
    if (!this.activityOpen()) return;
    this.activityOpen.set(false);
    this.activityButton()?.nativeElement.focus();
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
