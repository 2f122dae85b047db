import type { UserStream } from './user-stream';
import type { WatchedJobStream } from './watched-job-stream';

export type Subscription = UserStream | WatchedJobStream;

/** Who a stream belongs to: what it may see, and the session that keeps it open. */
export interface StreamAccount {
  userId: string;
  /** Admins see every job. */
  seesAll: boolean;
  /** Identifies the session (a hash of its token); logging out ends its streams. */
  sessionKey: string;
  expiresAt: Date;
}

/** Why a stream could not be registered; the transport answers with the matching error. */
export class StreamLimitError extends Error {
  constructor(
    readonly limit: 'process' | 'user' | 'session-ended',
    message: string,
  ) {
    super(message);
  }
}

export interface StreamLimitOptions {
  maxStreams: number;
  maxStreamsPerUser: number;
}

/** Sessions ended this recently still refuse streams that were opening when the news came. */
const ENDED_MEMORY_MS = 60_000;
const ENDED_MEMORY_MAX = 10_000;

/**
 * The hub's indexes of open streams: `onMyJobs` streams by owner and admins apart,
 * `watch` streams by job, all of them by session and by user. Registration checks
 * the limits in the same turn as it counts, so a burst of opens cannot overrun them.
 */
export class StreamIndex {
  readonly byOwner = new Map<string, Set<UserStream>>();
  readonly admins = new Set<UserStream>();
  readonly byJob = new Map<string, Set<WatchedJobStream>>();
  readonly all = new Set<Subscription>();
  private readonly sessions = new Map<string, { expiresAt: number; subscriptions: Set<Subscription> }>();
  private readonly perUser = new Map<string, number>();
  private readonly ended = new Map<string, number>();
  /** User streams held; the rest watch one job. `feed` and `job` name the two kinds in the metrics' labels. */
  private userStreams = 0;

  constructor(private readonly limits: StreamLimitOptions) {}

  counts(): { feed: number; job: number } {
    return { feed: this.userStreams, job: this.all.size - this.userStreams };
  }

  countFor(userId: string): number {
    return this.perUser.get(userId) ?? 0;
  }

  sessionKeys(): string[] {
    return [...this.sessions.keys()];
  }

  /** Adds a subscription, or throws {@link StreamLimitError}; it is removed again when its sink closes. */
  add(subscription: Subscription, account: StreamAccount, kind: 'feed' | 'job', key: string): void {
    this.admit(account);
    this.all.add(subscription);
    if (kind === 'feed') this.userStreams += 1;
    this.indexOf(kind, account, key).add(subscription);
    this.perUser.set(account.userId, this.countFor(account.userId) + 1);
    let session = this.sessions.get(account.sessionKey);
    if (!session) {
      session = { expiresAt: account.expiresAt.getTime(), subscriptions: new Set() };
      this.sessions.set(account.sessionKey, session);
    }
    session.subscriptions.add(subscription);
    const owned = session;
    subscription.sink.onClose(() => {
      this.all.delete(subscription);
      if (kind === 'feed') this.userStreams -= 1;
      const index = this.indexOf(kind, account, key);
      index.delete(subscription);
      if (index.size === 0 && index !== this.admins) (kind === 'feed' ? this.byOwner : this.byJob).delete(key);
      const left = this.countFor(account.userId) - 1;
      if (left === 0) this.perUser.delete(account.userId);
      else this.perUser.set(account.userId, left);
      owned.subscriptions.delete(subscription);
      if (owned.subscriptions.size === 0) this.sessions.delete(account.sessionKey);
    });
  }

  /** The subscriptions of a session, which is remembered as ended for a while. */
  endSession(sessionKey: string): Subscription[] {
    const now = Date.now();
    this.ended.set(sessionKey, now);
    for (const [key, at] of this.ended) {
      if (at > now - ENDED_MEMORY_MS && this.ended.size <= ENDED_MEMORY_MAX) break;
      this.ended.delete(key);
    }
    return [...(this.sessions.get(sessionKey)?.subscriptions ?? [])];
  }

  /** The keys of sessions past their expiry that still hold streams. */
  expired(now: number): string[] {
    return [...this.sessions].filter(([, session]) => session.expiresAt <= now).map(([key]) => key);
  }

  private admit(account: StreamAccount): void {
    if (this.ended.has(account.sessionKey)) throw new StreamLimitError('session-ended', 'You have logged out.');
    if (this.all.size >= this.limits.maxStreams) {
      throw new StreamLimitError('process', `This server holds its limit of ${this.limits.maxStreams} live streams; retrying shortly`);
    }
    if (this.countFor(account.userId) >= this.limits.maxStreamsPerUser) {
      throw new StreamLimitError('user', `You already have ${this.limits.maxStreamsPerUser} live streams open; close some tabs`);
    }
  }

  /** The set a subscription lives in: admins' user streams, an owner's user streams, or a job's watchers. */
  private indexOf(kind: 'feed' | 'job', account: StreamAccount, key: string): Set<Subscription> {
    if (kind === 'feed' && account.seesAll) return this.admins as Set<Subscription>;
    const map = (kind === 'feed' ? this.byOwner : this.byJob) as Map<string, Set<Subscription>>;
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    return set;
  }
}
