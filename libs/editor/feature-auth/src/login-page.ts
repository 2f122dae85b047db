import { ChangeDetectionStrategy, Component, effect, inject, signal, untracked } from '@angular/core';
import { ActivatedRoute, Router } from '@angular/router';
import { AuthStore, errorMessage } from '@storyline/editor/data-access';

/** The sign-in form; on success it returns the user to the page that sent them here. */
@Component({
  selector: 'sl-login-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="card login" (submit)="submit($event)" novalidate>
      <h1>Log in</h1>
      <label class="field">
        <span>Username</span>
        <input
          name="username"
          autocomplete="username"
          data-testid="login-username"
          required
          [value]="username()"
          (input)="username.set(valueOf($event))"
        />
      </label>
      <label class="field">
        <span>Password</span>
        <input
          name="password"
          type="password"
          autocomplete="current-password"
          data-testid="login-password"
          required
          [value]="password()"
          (input)="password.set(valueOf($event))"
        />
      </label>
      @if (error(); as error) {
        <p class="error" role="alert" data-testid="login-error">{{ error }}</p>
      }
      <button type="submit" class="button button--primary" data-testid="login-submit" [disabled]="busy()">
        {{ busy() ? 'Logging in…' : 'Log in' }}
      </button>
    </form>
  `,
  styles: `
    .login { max-width: 22rem; margin: 4rem auto; display: grid; gap: 1rem; }
    h1 { margin: 0; font-size: 1.4rem; }
  `,
})
export class LoginPage {
  private readonly auth = inject(AuthStore);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  protected readonly username = signal('');
  protected readonly password = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  constructor() {
    // Logged in from another tab of this browser (they share the session): go where this one was headed.
    effect(() => {
      if (this.auth.user() && !this.busy()) untracked(() => void this.router.navigateByUrl(this.returnUrl()));
    });
  }

  protected valueOf(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected async submit(event: Event): Promise<void> {
    event.preventDefault();
    if (this.busy()) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      await this.auth.login(this.username(), this.password());
      await this.router.navigateByUrl(this.returnUrl());
    } catch (error) {
      this.error.set(errorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }

  /** Only a path inside the editor: a crafted link must not send the user elsewhere. */
  private returnUrl(): string {
    const url = this.route.snapshot.queryParamMap.get('returnUrl');
    return url && url.startsWith('/') && !url.startsWith('//') ? url : '/stories';
  }
}
