import { EMPTY, Observable, Subject, type Subscription } from 'rxjs';
import type { UserStreamMessage } from '@storyline/contracts';
import type { UserStreamFrame, UserStreamState, UserStreamUpdate } from './connect-user-stream';
import { comparePositions, StreamCursor } from './stream-cursor';

/** A snapshot message: what a leading tab hands a tab that joins. */
export type SnapshotMessage = Extract<UserStreamMessage, { kind: 'snapshot' }>;

/** How a tab takes part in the user stream: it holds the connection, follows the tab that does, or is on its own (no Web Locks or BroadcastChannel). */
export type TabRole = 'leader' | 'follower' | 'alone';

/** What the tabs of one browser tell each other, on one BroadcastChannel per user. */
export type TabMessage =
  /** A leader's: one frame of its connection. */
  | ({ kind: 'frame'; leader: Leadership; link: string } & UserStreamFrame)
  /** A leader's: its connection's state changed. */
  | { kind: 'state'; leader: Leadership; state: UserStreamState }
  /** A leader's answer to `hello` or to a gap it will not replay: its state as a snapshot at `position` of `link` (null before it has one). */
  | { kind: 'sync'; leader: Leadership; to: string; link: string | null; position: string | null; state: UserStreamState; snapshot: SnapshotMessage | null }
  /** A leader's: it is alive (the answer to `ping`). */
  | { kind: 'pong'; leader: Leadership }
  /** A follower's: it has no state yet (it just opened, or lost its place). */
  | { kind: 'hello'; from: string }
  /** A follower's: it missed frames after `position`; the leader reopens its connection there. */
  | { kind: 'rewind'; from: string; position: string }
  /** A follower's: it heard nothing for a while; is the leader there? */
  | { kind: 'ping'; from: string }
  /** A follower's: it came back on screen; a leader waiting to reconnect should try now. */
  | { kind: 'wake'; from: string };

/** A tab's term as leader: which tab, and since when. A later term outranks an earlier one, so a leader that was frozen and wakes up is ignored. */
export interface Leadership {
  tab: string;
  since: number;
}

/** The part of a BroadcastChannel a shared stream uses. */
export interface TabChannel {
  postMessage(message: TabMessage): void;
  close(): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

/** The browser APIs a shared stream needs, passed in so tests can use their own. */
export interface TabPlatform {
  locks: Pick<LockManager, 'request'>;
  openChannel(name: string): TabChannel;
  now(): number;
  newTabId(): string;
  /** Whether the tab is out of sight (a background tab, a minimised window). */
  isHidden(): boolean;
}

export interface ShareUserStreamOptions {
  /** Whose stream: the lock and channel are per user, so two users' tabs never mix. */
  userId: string;
  /**
   * Opens the connection in the leading tab, resuming after `after` (null: with a snapshot);
   * `wake$` tells it when any tab came back on screen, to reconnect at once if it waits to.
   */
  connect(after: string | null, wake$: Observable<void>): Observable<UserStreamUpdate>;
  /** This tab's moments worth reconnecting at once (it came back on screen); relayed to the leader. */
  wake$?: Observable<unknown>;
  /** The leading tab's state, as a tab that joins is given it. */
  snapshot(): SnapshotMessage;
  /** Reports the tab's role as it changes (diagnostics). */
  onRole?(role: TabRole): void;
  /** The browser's Web Locks and BroadcastChannel (the default); null as in a browser without them. */
  platform?: TabPlatform | null;
  /** Silence from the leader after which a follower asks whether it is there. Default 500 ms. */
  quietMs?: number;
  /** How long an unanswered ask waits before the follower takes the stream over. Default 750 ms. */
  takeoverMs?: number;
}

/** The platform of a browser that has Web Locks and BroadcastChannel; null in one that lacks either. */
export function browserTabPlatform(): TabPlatform | null {
  if (typeof navigator === 'undefined' || !navigator.locks || typeof BroadcastChannel === 'undefined') return null;
  return {
    locks: navigator.locks,
    openChannel: (name) => new BroadcastChannel(name),
    now: () => Date.now(),
    newTabId: () => crypto.randomUUID(),
    isHidden: () => typeof document !== 'undefined' && document.visibilityState === 'hidden',
  };
}

/**
 * One user stream for every tab of a browser: the tabs elect a leader with a Web Lock,
 * the leader holds the one connection and posts every frame on a BroadcastChannel, and
 * the others apply them as if they were their own. Every tab (the leader too) passes
 * frames through a {@link StreamCursor}, so each applies each event once, in order.
 *
 * - A tab that joins asks (`hello`) and is given the leader's state at once.
 * - When the leader closes, reloads or crashes, the browser releases its lock and the
 *   next tab in the lock's queue leads, resuming after the last position it applied; a
 *   tab that had applied less says so (`rewind`) and the leader reopens from there.
 * - A leader that stops answering (frozen, hung) is asked (`ping`) after `quietMs` of
 *   silence by a tab on screen, and its lock is stolen `takeoverMs` later.
 *
 * Emits what {@link connectUserStream} does, so its subscriber cannot tell whether the
 * tab leads. Without Web Locks or BroadcastChannel each tab simply opens its own.
 */
export function shareUserStream(options: ShareUserStreamOptions): Observable<UserStreamUpdate> {
  const platform = options.platform === undefined ? browserTabPlatform() : options.platform;
  if (!platform) {
    return new Observable<UserStreamUpdate>((subscriber) => {
      options.onRole?.('alone');
      return options.connect(null, (options.wake$ ?? EMPTY) as Observable<void>).subscribe(subscriber);
    });
  }
  return new Observable<UserStreamUpdate>((subscriber) => new SharedTab(options, platform, (update) => subscriber.next(update)).start());
}

const LOCK_PREFIX = 'storyline.user-stream.';

/** One tab's part in the shared stream, for one user, from subscribe to unsubscribe. */
class SharedTab {
  private readonly tab: string;
  private readonly cursor = new StreamCursor();
  private readonly channel: TabChannel;
  private readonly quietMs: number;
  private readonly takeoverMs: number;
  private stopped = false;
  private state: UserStreamState | null = null;
  private wakes: Subscription | null = null;

  // As leader.
  private term: Leadership | null = null;
  private connection: Subscription | null = null;
  private connectionCount = 0;
  /** Wakes from this tab or a follower, for the leader's connection. */
  private readonly leaderWake = new Subject<void>();
  /** The connection's number in this term and where it resumed; frames carry both. */
  private currentLink: string | null = null;
  private currentAfter: string | null = null;
  /** Ends the held lock's callback, which releases the lock. */
  private release: (() => void) | null = null;
  /** The request that holds the lock, to tell its theft from this tab's own aborts. */
  private heldBy: AbortController | null = null;

  // As follower.
  private leader: Leadership | null = null;
  private queued: AbortController | null = null;
  private heardAt: number;
  private pingedAt: number | null = null;
  private watchdog: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly options: ShareUserStreamOptions,
    private readonly platform: TabPlatform,
    private readonly emit: (update: UserStreamUpdate) => void,
  ) {
    this.tab = platform.newTabId();
    this.channel = platform.openChannel(LOCK_PREFIX + options.userId);
    this.quietMs = options.quietMs ?? 500;
    this.takeoverMs = options.takeoverMs ?? 750;
    this.heardAt = platform.now();
  }

  start(): () => void {
    this.channel.addEventListener('message', this.onMessage);
    this.enter('reconnecting');
    this.follow();
    this.watchdog = setInterval(() => this.checkLeader(), Math.max(50, this.quietMs / 2));
    this.wakes = (this.options.wake$ ?? EMPTY).subscribe(() => {
      if (this.term) this.leaderWake.next();
      else this.post({ kind: 'wake', from: this.tab });
    });
    return () => this.stop();
  }

  private stop(): void {
    this.stopped = true;
    this.wakes?.unsubscribe();
    clearInterval(this.watchdog);
    this.queued?.abort();
    this.stepDown();
    this.channel.removeEventListener('message', this.onMessage);
    this.channel.close();
  }

  // Following

  /** Waits in the lock's queue to lead, and meanwhile asks the current leader for its state. */
  private follow(): void {
    this.options.onRole?.('follower');
    this.post({ kind: 'hello', from: this.tab });
    this.requestLock(false);
  }

  private requestLock(steal: boolean): void {
    this.queued?.abort();
    const queued = new AbortController();
    this.queued = queued;
    const name = LOCK_PREFIX + this.options.userId;
    const options: LockOptions = steal ? { steal: true } : { signal: queued.signal };
    this.platform.locks
      .request(name, options, () => {
        if (queued.signal.aborted) return undefined;
        this.heldBy = queued;
        return this.lead();
      })
      .catch((error: unknown) => {
        if (this.stopped) return;
        // Locks refused outright (an opaque origin, say): this tab holds a stream of its own.
        if (!(error instanceof DOMException && error.name === 'AbortError')) {
          if (!this.term) void this.lead();
          return;
        }
        // Aborted by this tab (it asks to steal instead): nothing to do. Stolen by another
        // tab while this one led: follow it.
        if (this.heldBy !== queued || !this.term) return;
        this.stepDown();
        this.follow();
      });
  }

  private checkLeader(): void {
    // A hidden tab leaves the policing to those on screen, so background tabs are not woken twice a second.
    if (this.term || this.stopped || this.platform.isHidden()) return;
    const now = this.platform.now();
    if (now - this.heardAt < this.quietMs) return;
    if (this.pingedAt === null) {
      this.pingedAt = now;
      this.post({ kind: 'ping', from: this.tab });
    } else if (now - this.pingedAt >= this.takeoverMs) {
      // The leader holds the lock but answers nothing: frozen or hung. Take the stream over.
      this.pingedAt = null;
      this.heardAt = now;
      this.requestLock(true);
    }
  }

  private readonly onMessage = (event: MessageEvent) => {
    const message = event.data as TabMessage | null;
    if (this.stopped || !message || typeof message !== 'object') return;
    if ('leader' in message) return this.fromLeader(message);
    if (this.term) this.fromFollower(message);
  };

  private fromLeader(message: Extract<TabMessage, { leader: Leadership }>): void {
    if (this.term) {
      // Another tab leads now (it stole the lock): this one's term is over.
      if (outranks(message.leader, this.term)) {
        this.stepDown();
        this.follow();
      } else return;
    }
    if (this.leader && outranks(this.leader, message.leader)) return;
    if (!this.leader || this.leader.tab !== message.leader.tab || this.leader.since !== message.leader.since) {
      this.leader = message.leader;
      this.cursor.detach();
    }
    this.heardAt = this.platform.now();
    this.pingedAt = null;
    switch (message.kind) {
      case 'frame':
        return this.takeFrame(message, (position) => this.post({ kind: 'rewind', from: this.tab, position }));
      case 'state':
        return this.enter(message.state);
      case 'sync':
        if (message.to !== this.tab) return;
        // A tab with a place of its own keeps it: the next frame shows whether it continues, or asks to rewind.
        if (this.cursor.position === null && message.link !== null && message.position !== null && message.snapshot) {
          this.cursor.adopt(message.link, message.position);
          this.emit({ kind: 'message', message: message.snapshot, position: message.position, connection: 0, after: null });
        }
        return this.enter(message.state);
      case 'pong':
        return;
    }
  }

  /** Applies one frame after the cursor's judgement; on a gap asks to be brought up to date. */
  private takeFrame(frame: UserStreamFrame & { link: string }, askRewind: (position: string) => void): void {
    const verdict = this.cursor.judge(frame);
    if (verdict === 'take') {
      const { message, position, connection, after } = frame;
      this.emit({ kind: 'message', message, position, connection, after });
    } else if (verdict === 'gap') {
      const position = this.cursor.position;
      if (position === null) this.post({ kind: 'hello', from: this.tab });
      else askRewind(position);
    }
  }

  // Leading

  /** Holds the lock until this tab stops leading: opens the connection and relays it. */
  private lead(): Promise<void> {
    this.queued = null;
    this.term = { tab: this.tab, since: Math.max(this.platform.now(), (this.leader?.since ?? 0) + 1) };
    this.leader = null;
    this.pingedAt = null;
    this.options.onRole?.('leader');
    this.open(this.cursor.position);
    return new Promise<void>((resolve) => (this.release = resolve));
  }

  /** (Re)opens the leader's connection, resuming after `after`. */
  private open(after: string | null): void {
    const term = this.term;
    if (!term) return;
    this.connection?.unsubscribe();
    this.currentAfter = after;
    this.cursor.detach();
    const base = (this.connectionCount += 1);
    this.connection = this.options.connect(after, this.leaderWake).subscribe((update) => {
      if (update.kind === 'state') {
        this.enter(update.state);
        this.post({ kind: 'state', leader: term, state: update.state });
        return;
      }
      const link = `${term.tab}:${base}:${update.connection}`;
      this.currentLink = link;
      this.currentAfter = update.after;
      const frame = { link, message: update.message, position: update.position, connection: update.connection, after: update.after };
      this.post({ kind: 'frame', leader: term, ...frame });
      // The leader's own tab judges its frames as the followers do: after a rewind it skips what it has.
      this.takeFrame(frame, () => undefined);
    });
  }

  private fromFollower(message: Exclude<TabMessage, { leader: Leadership }>): void {
    const term = this.term;
    if (!term) return;
    switch (message.kind) {
      case 'ping':
        return this.post({ kind: 'pong', leader: term });
      case 'wake':
        return this.leaderWake.next();
      case 'hello':
        return this.sync(message.from);
      case 'rewind': {
        // Before its first frame this connection can only bring a snapshot, which every tab takes.
        const own = this.cursor.position;
        if (own === null || this.currentLink === null) return;
        // It resumed at or before the follower's position: its next frame continues the follower too.
        if (this.currentAfter !== null && comparePositions(this.currentAfter, message.position) <= 0) return;
        // Reopen after whichever of the two positions is older, so this tab continues as well
        // (it skips what it has); a snapshot would set back a follower that has a place of its own.
        return this.open(comparePositions(message.position, own) < 0 ? message.position : own);
      }
    }
  }

  private sync(to: string): void {
    const term = this.term;
    if (!term) return;
    const position = this.cursor.position;
    const ready = position !== null && this.currentLink !== null;
    this.post({
      kind: 'sync',
      leader: term,
      to,
      link: ready ? this.currentLink : null,
      position: ready ? position : null,
      state: this.state ?? 'reconnecting',
      snapshot: ready ? this.options.snapshot() : null,
    });
  }

  private stepDown(): void {
    this.connection?.unsubscribe();
    this.connection = null;
    this.currentLink = null;
    this.currentAfter = null;
    this.term = null;
    this.heldBy = null;
    this.release?.();
    this.release = null;
    this.heardAt = this.platform.now();
    this.enter('reconnecting');
  }

  private enter(state: UserStreamState): void {
    if (state === this.state) return;
    this.state = state;
    this.emit({ kind: 'state', state });
  }

  private post(message: TabMessage): void {
    if (this.stopped) return;
    try {
      this.channel.postMessage(message);
    } catch {
      // A closed channel (the tab is going away): nothing to tell.
    }
  }
}

/** Whether term `a` began after term `b`. */
function outranks(a: Leadership, b: Leadership): boolean {
  return a.since > b.since || (a.since === b.since && a.tab > b.tab);
}
