import { computed, effect, inject, Injectable, untracked } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { BehaviorSubject, EMPTY, filter, fromEvent, map, merge, Observable, of, startWith, Subject, type Subscription } from 'rxjs';
import { isTerminalStatus, type JobEventKind, type UserStreamMessage, type JobView, type Notice, type OpsSample } from '@storyline/contracts';
import { AuthStore, isUnauthorized } from '../auth/auth-store';
import { injectTrpc } from '../api/provide-trpc';
import { FlagsStore } from '../flags/flags-store';
import { connectUserStream, type OpenUserStream, type UserStreamEnvelope, type UserStreamState } from './connect-user-stream';
import { shareUserStream, type SnapshotMessage } from './share-user-stream';
import { StreamDiagnostics } from './stream-diagnostics';
import { UserStreamJobs } from './user-stream-jobs';

/** The events that end a job in a way its owner wants to hear of (a superseded job was replaced on purpose). */
const ENDING_EVENTS: ReadonlySet<JobEventKind> = new Set(['completed', 'failed', 'cancelled']);

/**
 * The user stream (`jobs.onMyJobs`) as this tab sees it, open while a user is logged in:
 * every event of the user's jobs (an admin's: of all jobs) however many are followed.
 * All tabs of the browser share one connection (see `shareUserStream`), so the browser's
 * six-connections-per-host limit never bites, however many tabs are open.
 * Keeps the current view of each open or recently finished job, the connection
 * state for the UI, and the flags up to date as admins change them.
 */
@Injectable({ providedIn: 'root' })
export class UserStream {
  private readonly trpc = injectTrpc();
  private readonly flags = inject(FlagsStore);
  private readonly auth = inject(AuthStore);
  private readonly store = new UserStreamJobs();
  private readonly connection = new BehaviorSubject<UserStreamState>('reconnecting');
  private readonly noticeSubject = new Subject<Notice>();
  private readonly endedSubject = new Subject<JobView>();
  private readonly opsSubject = new Subject<OpsSample>();
  private session: Subscription | null = null;
  private sessionUserId: string | null = null;
  private readonly diagnostics = new StreamDiagnostics();

  /** The connection state as it changes; emits the current one on subscribe. */
  readonly state$: Observable<UserStreamState> = this.connection.asObservable();
  /** The connection state, for the UI. */
  readonly state = toSignal(this.connection, { requireSync: true });
  /** Every open or recently finished job the stream told of, by id, as it changes; emits at once. */
  readonly jobs$: Observable<ReadonlyMap<string, JobView>> = this.store.jobs$;
  /** Every open or recently finished job the stream told of, by id. */
  readonly jobs = toSignal(this.store.jobs$, { requireSync: true });
  /** Each notice the stream brings (an admin's broadcast, or one for this user), as it arrives. */
  readonly notices$: Observable<Notice> = this.noticeSubject.asObservable();
  /** Each ops sample an admin's stream brings: one API process's figures, every few seconds. */
  readonly opsSamples$: Observable<OpsSample> = this.opsSubject.asObservable();
  /** Each job the stream reports starting, wherever it was started (this tab, another, an admin's retry). */
  readonly started$: Observable<JobView> = this.store.started$;
  /** Each job the stream reports completed, failed or cancelled, as its view stands after that event. */
  readonly ended$: Observable<JobView> = this.endedSubject.asObservable();
  /** How many of those are still queued or running. */
  readonly openCount = computed(() => [...this.jobs().values()].filter((job) => !isTerminalStatus(job.status)).length);

  constructor() {
    const userId = computed(() => this.auth.user()?.id ?? null);
    effect(() => {
      const id = userId();
      untracked(() => this.openFor(id));
    });
  }

  /** One job's view as the stream updates it; `undefined` while the stream has not mentioned it. */
  view$(jobId: string): Observable<JobView | undefined> {
    return this.store.view$(jobId);
  }

  /** One job's view as it stands, if the stream told of it. */
  view(jobId: string): JobView | undefined {
    return this.store.jobs.get(jobId);
  }

  /**
   * Takes a view learnt by polling while the stream is unavailable, so the job list
   * (the header's count, the activity panel) moves on with it; a newer event wins.
   */
  merge(view: JobView): void {
    this.store.merge(view);
  }

  /** Reads a job once and adds it to the list, for a job the stream has not mentioned. */
  async seed(jobId: string): Promise<void> {
    this.store.seed(await this.trpc.jobs.get.query({ jobId }));
  }

  private openFor(userId: string | null): void {
    if (userId === this.sessionUserId) return;
    this.session?.unsubscribe();
    this.session = null;
    this.sessionUserId = userId;
    this.store.clear();
    this.diagnostics.clear();
    this.flags.unstream();
    this.connection.next('reconnecting');
    if (!userId) return;
    this.session = shareUserStream({
      userId,
      connect: (after, wake$) => connectUserStream(this.openStream, { after, online$: browserOnline(), wake$ }),
      wake$: tabShown(),
      snapshot: () => this.snapshot(),
      onRole: (role) => this.diagnostics.role(role),
    }).subscribe((update) => {
      if (update.kind === 'message') {
        this.diagnostics.took(update.message, update.position);
        return this.take(update.message);
      }
      if (update.state !== 'live') this.flags.unstream();
      this.diagnostics.state(update.state);
      this.connection.next(update.state);
    });
  }

  /** This tab's jobs and flags as a snapshot, for a tab that joins the stream this one leads. */
  private snapshot(): SnapshotMessage {
    return { kind: 'snapshot', jobs: [...this.store.jobs.values()], flags: this.flags.flags() ?? [] };
  }

  private take(message: UserStreamMessage): void {
    if (message.kind === 'notice') return this.noticeSubject.next(message.notice);
    if (message.kind === 'ops') return this.opsSubject.next(message.sample);
    if (message.kind !== 'event') this.flags.receive(message.flags);
    for (const jobId of this.store.apply(message)) {
      this.trpc.jobs.get.query({ jobId }).then(
        (view) => this.store.seed(view),
        // Its next event asks again; until then the job is simply not listed.
        () => this.store.unseed(jobId),
      );
    }
    // After the store took it, so whatever shows the job on a page has seen its end first.
    if (message.kind === 'event' && ENDING_EVENTS.has(message.event.kind)) {
      const view = this.store.jobs.get(message.event.jobId);
      if (view && isTerminalStatus(view.status)) this.endedSubject.next(view);
    }
  }

  private readonly openStream: OpenUserStream = (lastEventId) =>
    new Observable<UserStreamEnvelope>((subscriber) => {
      const subscription = this.trpc.jobs.onMyJobs.subscribe(
        { lastEventId },
        {
          onData: (envelope) => subscriber.next(envelope),
          onError: (error) => {
            // Logged out elsewhere or expired: reconnecting cannot help, logging in again can.
            if (isUnauthorized(error)) return this.auth.sessionEnded(error.message);
            subscriber.error(error);
          },
          onComplete: () => subscriber.complete(),
          onConnectionStateChange: (state) => {
            // Left alone, the link would reconnect at the browser's pace and for ever;
            // failing here hands reconnecting to connectUserStream, which backs off and
            // knows when to call the stream unavailable (followed jobs are polled then). Silence past the server's inactivity
            // window arrives here too, as a timeout error.
            if (state.state === 'connecting' && state.error) subscriber.error(state.error);
          },
        },
      );
      return () => subscription.unsubscribe();
    });
}

/** Whether the browser has a network, now and as it changes (always, outside a browser). */
function browserOnline(): Observable<boolean> {
  if (typeof window === 'undefined') return of(true);
  return merge(fromEvent(window, 'online').pipe(map(() => true)), fromEvent(window, 'offline').pipe(map(() => false))).pipe(
    startWith(navigator.onLine),
  );
}

/** Each time the tab comes back on screen: a good moment to catch up at once. */
function tabShown(): Observable<unknown> {
  if (typeof document === 'undefined') return EMPTY;
  return fromEvent(document, 'visibilitychange').pipe(filter(() => document.visibilityState === 'visible'));
}
