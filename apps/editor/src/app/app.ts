import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { AuthStore, errorMessage } from '@storyline/editor/data-access';
import { ToastHost, ToastService } from '@storyline/editor/ui';

/** The shell: header with navigation and the current user, the routed page, and the toasts. */
@Component({
  selector: 'sl-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterOutlet, RouterLink, RouterLinkActive, ToastHost],
  template: `
    <header class="shell">
      <a class="shell__brand" routerLink="/stories">Storyline</a>
      @if (auth.user(); as user) {
        <nav class="shell__nav" aria-label="Main">
          <a routerLink="/stories" routerLinkActive="active" data-testid="nav-stories">Stories</a>
          @if (auth.isAdmin()) {
            <a routerLink="/admin/flags" routerLinkActive="active" data-testid="nav-flags">Flags</a>
          }
        </nav>
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
    .shell__user { display: flex; align-items: center; gap: 0.75rem; margin-left: auto; }
    .page { max-width: 64rem; margin: 0 auto; padding: 1.5rem; }
  `,
})
export class App {
  protected readonly auth = inject(AuthStore);
  private readonly router = inject(Router);
  private readonly toasts = inject(ToastService);
  protected readonly loggingOut = signal(false);

  protected async logout(): Promise<void> {
    this.loggingOut.set(true);
    try {
      await this.auth.logout();
      await this.router.navigateByUrl('/login');
    } catch (error) {
      this.toasts.show('error', `Could not log out: ${errorMessage(error)}`);
    } finally {
      this.loggingOut.set(false);
    }
  }
}
