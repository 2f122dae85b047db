import type { JobEvent, JobFeedMessage, JobStreamMessage, JobTypeFlag, JobView } from '@storyline/contracts';
import { FeedSubscription, type FeedDelivery } from './feed-subscription';
import type { FeedEvent, FeedItem, JobFeed } from './job-feed';
import { JobSubscription, type JobDelivery } from './job-subscription';
import { createDelivery, type StreamSink } from './stream-sink';

/** Who a stream belongs to: what it may see, and the session that keeps it open. */
export interface StreamAccount {
  userId: string;
  /** Admins see every job. */
  seesAll: boolean;
  /** Identifies the session (a hash of its token); logging out ends its streams. */
  sessionKey: string;
  expiresAt: Date;
}

export interface StreamHubOptions {
  feed: JobFeed;
  readFlags(): Promise<JobTypeFlag[]>;
  readJob(jobId: string): Promise<JobView | null>;
  readEventsAfter(jobId: string, afterSeq: number, limit: number): Promise<JobEvent[]>;
  /** Keep-alive interval for every stream, sent from one timer. */
  pingIntervalMs?: number;
  /** How often expired sessions' streams are looked for. */
  expiryCheckMs?: number;
  /** Live events one stream holds while it catches up. */
  maxPending?: number;
  replayBatch?: number;
  /** Called once per event per process with the number of streams it went to. */
  onSent?(stream: 'feed' | 'job', event: JobEvent, streams: number): void;
}

export interface StreamHub {
  /** Opens a `jobs.onMyJobs` stream: snapshot or replay, then live; resolves once live. */
  openFeed(sink: StreamSink<JobFeedMessage>, options: { account: StreamAccount; after: string | null }): Promise<void>;
  /** Opens a `jobs.watch` stream for one job the account may see. */
  openJob(sink: StreamSink<JobStreamMessage>, options: { account: StreamAccount; jobId: string; afterSeq: number | null }): Promise<void>;
  /** Ends every stream of a session (logout); returns how many. */
  endSession(sessionKey: string): number;
  counts(): { feed: number; job: number };
  /** Open streams of one user, over both kinds. */
  countFor(userId: string): number;
  /** Ends every stream so clients reconnect elsewhere, and stops the timers. */
  close(): void;
}

type Subscription = FeedSubscription | JobSubscription;

interface SessionStreams {
  expiresAt: number;
  subscriptions: Set<Subscription>;
}

/**
 * Routes each event of the process's feed to exactly the streams allowed to see it:
 * its owner's `onMyJobs` streams, admins' streams, and the job's `watch` streams,
 * through indexes rather than a filter every stream runs. The frame of an event is
 * encoded once and written to each of them.
 */
export function createStreamHub(options: StreamHubOptions): StreamHub {
  const { feed } = options;
  const maxPending = options.maxPending ?? 1_000;
  const replayBatch = options.replayBatch ?? 500;
  const byOwner = new Map<string, Set<FeedSubscription>>();
  const admins = new Set<FeedSubscription>();
  const byJob = new Map<string, Set<JobSubscription>>();
  const sessions = new Map<string, SessionStreams>();
  const perUser = new Map<string, number>();
  const all = new Set<Subscription>();
  let feedCount = 0;

  const route = (entry: FeedItem) => {
    if (entry.type === 'flags') {
      for (const subscription of all) if (subscription instanceof FeedSubscription) subscription.flags(entry.flags);
      return;
    }
    routeEvent(entry.item);
  };

  const routeEvent = (item: FeedEvent) => {
    let feedDelivery: FeedDelivery | undefined;
    const sharedFeed = () => (feedDelivery ??= createDelivery(item.position, { kind: 'event', jobType: item.jobType, event: item.event }));
    let sentToFeeds = 0;
    for (const subscription of byOwner.get(item.ownerId) ?? []) if (subscription.offer(item, sharedFeed)) sentToFeeds += 1;
    for (const subscription of admins) if (subscription.ownerId !== item.ownerId && subscription.offer(item, sharedFeed)) sentToFeeds += 1;
    const watchers = byJob.get(item.event.jobId);
    let sentToJobs = 0;
    if (watchers) {
      let jobDelivery: JobDelivery | undefined;
      const sharedJob = () => (jobDelivery ??= createDelivery(String(item.event.seq), { kind: 'event', event: item.event }));
      for (const subscription of watchers) if (subscription.offer(item.event, sharedJob)) sentToJobs += 1;
    }
    if (sentToFeeds > 0) options.onSent?.('feed', item.event, sentToFeeds);
    if (sentToJobs > 0) options.onSent?.('job', item.event, sentToJobs);
  };

  const register = (subscription: Subscription, account: StreamAccount, index: () => void, unindex: () => void) => {
    if (all.size === 0) feed.setConsumer(route);
    all.add(subscription);
    index();
    perUser.set(account.userId, (perUser.get(account.userId) ?? 0) + 1);
    let session = sessions.get(account.sessionKey);
    if (!session) {
      session = { expiresAt: account.expiresAt.getTime(), subscriptions: new Set() };
      sessions.set(account.sessionKey, session);
    }
    session.subscriptions.add(subscription);
    subscription.sink.onClose(() => {
      all.delete(subscription);
      unindex();
      const left = (perUser.get(account.userId) ?? 1) - 1;
      if (left === 0) perUser.delete(account.userId);
      else perUser.set(account.userId, left);
      session.subscriptions.delete(subscription);
      if (session.subscriptions.size === 0) sessions.delete(account.sessionKey);
      if (all.size === 0) feed.setConsumer(null);
    });
  };

  const ping = setInterval(() => {
    for (const subscription of all) subscription.sink.ping();
  }, options.pingIntervalMs ?? 10_000);
  ping.unref();
  const expiry = setInterval(() => {
    const now = Date.now();
    for (const [key, session] of sessions) {
      if (session.expiresAt <= now) endSessionStreams(key, 'Your session has expired. Please log in again.');
    }
  }, options.expiryCheckMs ?? 1_000);
  expiry.unref();

  const endSessionStreams = (sessionKey: string, message: string) => {
    const session = sessions.get(sessionKey);
    if (!session) return 0;
    const subscriptions = [...session.subscriptions];
    for (const subscription of subscriptions) subscription.sink.end({ kind: 'session-ended', message });
    return subscriptions.length;
  };

  return {
    async openFeed(sink, { account, after }) {
      const subscription = new FeedSubscription({
        feed,
        sink,
        ownerId: account.seesAll ? null : account.userId,
        after,
        readFlags: options.readFlags,
        maxPending,
        replayBatch,
      });
      const owner = account.userId;
      register(
        subscription,
        account,
        () => {
          if (account.seesAll) return void admins.add(subscription);
          let owned = byOwner.get(owner);
          if (!owned) byOwner.set(owner, (owned = new Set()));
          owned.add(subscription);
        },
        () => {
          admins.delete(subscription);
          const owned = byOwner.get(owner);
          owned?.delete(subscription);
          if (owned?.size === 0) byOwner.delete(owner);
        },
      );
      feedCount += 1;
      sink.onClose(() => (feedCount -= 1));
      await subscription.start();
    },
    async openJob(sink, { account, jobId, afterSeq }) {
      const subscription = new JobSubscription({
        sink,
        jobId,
        afterSeq,
        readJob: options.readJob,
        readEventsAfter: options.readEventsAfter,
        maxPending,
        replayBatch,
      });
      register(
        subscription,
        account,
        () => {
          let watchers = byJob.get(jobId);
          if (!watchers) byJob.set(jobId, (watchers = new Set()));
          watchers.add(subscription);
        },
        () => {
          const watchers = byJob.get(jobId);
          watchers?.delete(subscription);
          if (watchers?.size === 0) byJob.delete(jobId);
        },
      );
      await subscription.start();
    },
    endSession: (sessionKey) => endSessionStreams(sessionKey, 'You have logged out.'),
    counts: () => ({ feed: feedCount, job: all.size - feedCount }),
    countFor: (userId) => perUser.get(userId) ?? 0,
    close() {
      clearInterval(ping);
      clearInterval(expiry);
      for (const subscription of [...all]) subscription.sink.end({ kind: 'shutdown' });
    },
  };
}
