import { computed, DestroyRef, inject, Injectable, signal } from '@angular/core';
import { isTRPCClientError } from '@trpc/client';
import type { SessionUser } from '@storyline/contracts';
import { FlagsStore } from '../flags/flags-store';
import { injectTrpc } from '../api/provide-trpc';

/** What a tab tells the browser's other tabs when it logs in or out: they share the session cookie. */
interface SessionChange {
  user: SessionUser | null;
  /** Why the session ended, for the other tabs' login page. */
  reason?: string;
}

/** The channel the tabs of one browser tell each other about logins and logouts on. */
const SESSION_CHANNEL = 'storyline.session';

/**
 * Who is logged in. The session itself lives in an httpOnly cookie the editor never sees,
 * shared by every tab of the browser: a login or logout in one tab is told to the others
 * (BroadcastChannel, where the browser has it), so none keeps following the previous user.
 */
@Injectable({ providedIn: 'root' })
export class AuthStore {
  private readonly trpc = injectTrpc();
  private readonly flags = inject(FlagsStore);
  private readonly current = signal<SessionUser | null>(null);
  private readonly ended = signal<string | null>(null);
  private readonly switched = signal<SessionUser | null>(null);
  private loaded: Promise<SessionUser | null> | null = null;
  private readonly channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(SESSION_CHANNEL);

  /** The user another tab of this browser logged in as, replacing this tab's; null otherwise. */
  readonly switchedElsewhere = this.switched.asReadonly();

  /** Why the server ended the session while the editor was open (logged out elsewhere, expired); null otherwise. */
  readonly endedReason = this.ended.asReadonly();

  /** The logged-in user, or null. */
  readonly user = this.current.asReadonly();
  /** Whether the user may open the admin pages. */
  readonly isAdmin = computed(() => this.current()?.role === 'admin');

  constructor() {
    this.channel?.addEventListener('message', (event: MessageEvent<SessionChange>) => this.changedElsewhere(event.data));
    inject(DestroyRef).onDestroy(() => this.channel?.close());
  }

  /** Asks the server once who the session belongs to; later calls reuse the answer. */
  ensureLoaded(): Promise<SessionUser | null> {
    this.loaded ??= this.trpc.auth.me.query().then(
      (user) => this.set(user),
      (error: unknown) => {
        if (isUnauthorized(error)) return this.set(null);
        // Any other failure is retried on the next navigation rather than cached as "logged out".
        this.loaded = null;
        throw error;
      },
    );
    return this.loaded;
  }

  /**
   * Opens a session; rejects with the server's sentence on failure ("Wrong username or
   * password", or after too many failures "Too many failed logins. Try again in 15 minutes.").
   */
  async login(username: string, password: string): Promise<SessionUser> {
    const user = await this.trpc.auth.login.mutate({ username, password });
    this.loaded = Promise.resolve(this.set(user));
    this.tell({ user });
    return user;
  }

  /** Ends the session on the server and forgets the user. */
  async logout(): Promise<void> {
    // A session that already expired is as good as ended.
    await this.trpc.auth.logout.mutate().catch((error: unknown) => {
      if (!isUnauthorized(error)) throw error;
    });
    this.loaded = Promise.resolve(this.set(null));
    this.tell({ user: null, reason: 'You logged out in another tab.' });
  }

  /** The server ended the session (its stream said so): forget the user and keep the reason for the login page. */
  sessionEnded(reason: string): void {
    if (!this.current()) return;
    this.end(reason);
    this.tell({ user: null, reason });
  }

  private changedElsewhere(change: SessionChange | undefined): void {
    if (!change || typeof change !== 'object') return;
    if (!change.user) {
      if (this.current()) this.end(change.reason ?? 'You logged out in another tab.');
      return;
    }
    const previous = this.current();
    if (change.user.id === previous?.id) return;
    this.loaded = Promise.resolve(this.set(change.user));
    // A tab showing the previous user's pages must leave them; one on the login page simply goes on.
    if (previous) this.switched.set(change.user);
  }

  private end(reason: string): void {
    this.ended.set(reason);
    this.loaded = Promise.resolve(this.set(null));
  }

  private tell(change: SessionChange): void {
    try {
      this.channel?.postMessage(change);
    } catch {
      // The tab is closing; the others learn from the server at their next request.
    }
  }

  private set(user: SessionUser | null): SessionUser | null {
    if (user) this.ended.set(null);
    this.current.set(user);
    // Flags are read per user (admins may change them); never carry them across users.
    this.flags.clear();
    return user;
  }
}

export function isUnauthorized(error: unknown): boolean {
  return isTRPCClientError(error) && error.data?.code === 'UNAUTHORIZED';
}
